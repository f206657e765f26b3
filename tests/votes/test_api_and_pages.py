"""The votes API (API.md "Motions and ballots") and pages: problem+json codes with
nothing stored, receipts, results, the mission, pages that render diffs and results
without N+1, the poller's JSON, the Content-Security-Policy."""
from __future__ import annotations

import sqlalchemy as sa

from governance.extensions import db
from governance.votes import operations, rules
from governance.votes.models import VoteParticipation
from tests import factories
from tests.sql import count_statements

from .conftest import MISSION_PROPOSAL, build_session, give_proxy


def _motion(session, **data):
    values = {"title": "Nuova mission", "subject": "mission", "proposed_text": MISSION_PROPOSAL}
    values.update(data)
    return operations.create_motion(session.item, values, factories.UserFactory(roles=["board"]))


def test_board_creates_motions_and_a_statute_motion_on_an_ordinary_assembly_is_refused(api, bearer):
    session = build_session(status="draft")
    headers = bearer(factories.UserFactory(roles=["board"]))
    response = api.post(f"/api/v1/agenda-items/{session.item.id}/motions", headers=headers,
                        json={"title": "Scopo", "subject": "statute_purpose", "proposed_text": "Nuovo scopo"})
    assert response.status_code == 422 and response.json["code"] == "wrong_assembly_kind"
    assert response.mimetype == "application/problem+json"
    response = api.post(f"/api/v1/agenda-items/{session.item.id}/motions", headers=headers,
                        json={"title": "Mission", "subject": "mission", "proposed_text": MISSION_PROPOSAL,
                              "rationale": "Perché", "secret": False, "by_correspondence": True})
    assert response.status_code == 201
    motion = api.get(f"/api/v1/motions/{response.json['id']}", headers=bearer(session.users[0])).json
    assert motion["by_correspondence"] and motion["current_text"].startswith("1. Da sempre")
    assert {s["op"] for s in motion["diff"]} >= {"equal", "insert", "delete"} or motion["diff"]


def test_ballots_over_the_api_receipt_already_voted_closed_not_entitled_and_proxies(api, bearer):
    session = build_session(voters=4, present=2)
    give_proxy(session, session.members[3], session.members[0])
    motion = _motion(session, secret=True)
    secretary = bearer(factories.UserFactory(roles=["secretary"]))
    voter = bearer(session.users[0])
    url = f"/api/v1/motions/{motion.id}/ballots"
    assert api.post(url, headers=voter, json={"choice": "yes"}).json["code"] == "voting_closed"
    assert api.post(f"/api/v1/motions/{motion.id}/open", headers=secretary).status_code == 200
    first = api.post(url, headers=voter, json={"choice": "yes"})
    assert first.status_code == 201 and rules.normalise_receipt(first.json["receipt"])
    again = api.post(url, headers=voter, json={"choice": "no"})
    assert (again.status_code, again.json["code"]) == (409, "already_voted")
    proxy = api.post(url, headers=voter, json={"choice": "no", "on_behalf_of": session.members[3].number})
    assert proxy.status_code == 201
    not_mine = api.post(url, headers=voter, json={"choice": "no", "on_behalf_of": session.members[2].number})
    assert (not_mine.status_code, not_mine.json["code"]) == (403, "proxy_not_entitled")
    absent = api.post(url, headers=bearer(session.users[2]), json={"choice": "yes"})
    assert (absent.status_code, absent.json["code"]) == (403, "not_entitled")
    assert api.post(url, headers=voter, json={"choice": "maybe"}).status_code == 422
    pending = api.get(f"/api/v1/motions/{motion.id}/result", headers=voter).json
    assert pending["outcome"] == "pending" and pending["yes"] is None
    assert api.get(f"/api/v1/motions/{motion.id}/receipts", headers=voter).status_code == 409
    closed = api.post(f"/api/v1/motions/{motion.id}/close", headers=secretary)
    assert closed.status_code == 200 and closed.json["outcome"] == "rejected"
    result = api.get(f"/api/v1/motions/{motion.id}/result", headers=voter).json
    assert (result["yes"], result["no"], result["present"], result["eligible"]) == (1, 1, 3, 4)
    assert result["rule"] == "ordinary" and "present" in result["explanation"]
    receipts = api.get(f"/api/v1/motions/{motion.id}/receipts", headers=voter).json
    assert first.json["receipt"] in {r["receipt"] for r in receipts}
    assert rules.receipt_digest((r["receipt"], r["choice"]) for r in receipts) == result["receipts_digest"]
    late = api.post(url, headers=bearer(session.users[1]), json={"choice": "yes"})
    assert (late.status_code, late.json["code"]) == (409, "voting_closed")
    assert db.session.scalar(sa.select(sa.func.count()).select_from(VoteParticipation)) == 2


def test_amendments_comments_and_room_vote_over_the_api(api, bearer):
    session = build_session(voters=3)
    motion = _motion(session)
    member = bearer(session.users[0])
    board = bearer(factories.UserFactory(roles=["board"]))
    created = api.post(f"/api/v1/motions/{motion.id}/amendments", headers=member,
                       json={"proposed_text": "Testo emendato", "rationale": "Meglio"})
    assert created.status_code == 201
    refused = api.post(f"/api/v1/amendments/{created.json['id']}/decision", headers=board,
                       json={"admit": True, "reasons": ""})
    assert refused.json["code"] == "reasons_required"
    decided = api.post(f"/api/v1/amendments/{created.json['id']}/decision", headers=board,
                       json={"admit": False, "reasons": "Fuori tema"})
    assert decided.json["status"] == "declined"
    comment = api.post(f"/api/v1/motions/{motion.id}/comments", headers=member, json={"body": "Sono d'accordo"})
    assert comment.status_code == 201
    hidden = api.post(f"/api/v1/comments/{comment.json['id']}/hide", headers=board, json={"reason": "Spam"})
    assert hidden.json["hidden_reason"] == "Spam"
    shown = api.get(f"/api/v1/motions/{motion.id}", headers=member).json["comments"][0]
    assert shown["body"] is None and shown["hidden_reason"] == "Spam"
    secretary = bearer(factories.UserFactory(roles=["secretary"]))
    api.post(f"/api/v1/motions/{motion.id}/open", headers=secretary)
    room = api.post(f"/api/v1/motions/{motion.id}/room-vote", headers=secretary,
                    json={"against": [session.members[2].number], "abstaining": []})
    assert room.json == {"ballots": 3}
    result = api.post(f"/api/v1/motions/{motion.id}/close", headers=secretary).json
    assert (result["yes"], result["no"]) == (2, 1)
    assert [p["number"] for p in result["names"]["no"]] == [session.members[2].number]


def test_mission_api(api, bearer):
    headers = bearer(factories.UserFactory(roles=["member"], member=factories.MemberFactory()))
    current = api.get("/api/v1/mission", headers=headers).json
    assert current["version"] == 1 and current["effective_on"] == "1994-01-01"
    assert [v["version"] for v in api.get("/api/v1/mission/versions", headers=headers).json] == [1]


def test_motion_page_shows_diff_vote_buttons_and_sends_a_strict_csp(client, login):
    session = build_session(voters=2)
    motion = _motion(session)
    operations.add_comment(motion, session.users[1], "Un *commento*")
    login(session.users[0])
    page = client.get(f"/motions/{motion.id}")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert '<ins class="diff-ins">' in html and '<del class="diff-del">' in html and "<em>commento</em>" in html
    assert "script-src 'self'" in page.headers["Content-Security-Policy"]
    assert "<script>" not in html.replace("<script src", "")
    operations.open_vote(motion, factories.UserFactory(roles=["secretary"]))
    html = client.get(f"/motions/{motion.id}").get_data(as_text=True)
    assert 'name="choice" value="yes"' in html
    voted = client.post(f"/motions/{motion.id}/ballots", data={"choice": "no"})
    assert voted.status_code == 200 and "ballot-receipt" in voted.get_data(as_text=True)
    again = client.post(f"/motions/{motion.id}/ballots", data={"choice": "yes"})
    assert again.status_code == 409
    assert session.assembly.title in client.get("/votes").get_data(as_text=True)
    live = client.get(f"/votes/assemblies/{session.assembly.id}/live.json").json
    assert [m["id"] for m in live["open"]] == [motion.id]


def test_closed_motion_page_has_the_chart_and_names_without_n_plus_one(client, login):
    for voters in (3, 12):
        session = build_session(voters=voters)
        motion = _motion(session)
        secretary = factories.UserFactory(roles=["secretary"])
        operations.open_vote(motion, secretary)
        operations.record_room_vote(motion, [session.members[0].number], [], secretary)
        operations.close_vote(motion, secretary)
        login(session.users[1])
        with count_statements() as statements:
            page = client.get(f"/motions/{motion.id}")
        assert page.status_code == 200
        html = page.get_data(as_text=True)
        assert 'class="vote-chart"' in html and "result-names" in html
        if voters == 3:
            few = len(statements)
        else:
            assert len(statements) == few


def test_mission_pages_and_diff(client, login):
    login(factories.UserFactory(roles=["member"], member=factories.MemberFactory()))
    assert "Da sempre cerchiamo" in client.get("/mission").get_data(as_text=True)
    page = client.get("/mission/diff?from=1&to=1")
    assert page.status_code == 200 and "diff-sides" in page.get_data(as_text=True)
    assert client.get("/mission/versions/1").status_code == 200
    assert client.get("/mission/versions/9").status_code == 404


def test_html_forms_answer_422_with_the_message_beside_the_field(client, login):
    session = build_session(status="draft", voters=1)
    login(factories.UserFactory(roles=["board"]))
    page = client.post(f"/votes/items/{session.item.id}/motions/new",
                       data={"title": "Scopo", "subject": "statute_purpose", "proposed_text": "Nuovo"})
    html = page.get_data(as_text=True)
    assert page.status_code == 422 and 'id="subject-errors"' in html and "extraordinary" in html
    created = client.post(f"/votes/items/{session.item.id}/motions/new",
                          data={"title": "Mission", "subject": "mission", "proposed_text": MISSION_PROPOSAL})
    assert created.status_code == 302
    motion_id = int(created.headers["Location"].rsplit("/", 1)[1])
    login(session.users[0])
    empty = client.post(f"/motions/{motion_id}/comments", data={"body": "  "})
    assert empty.status_code == 422 and 'id="body-errors"' in empty.get_data(as_text=True)
