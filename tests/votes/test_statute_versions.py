"""Statute texts kept in versions like the mission (DOMAIN.md §5): an approved statute
motion becomes the next version of its document, dated on the assembly day; a rejected
one changes nothing; members read the history, a version and the diff of two."""
from __future__ import annotations

import sqlalchemy as sa

from governance.extensions import db
from governance.votes import operations, queries
from governance.votes.models import StatuteVersion
from tests import factories

from .conftest import build_session

FIRST = "Art. 3. La cooperativa ha sede in Bologna.\n\nArt. 4. La durata è fino al 2050."
SECOND = "Art. 3. La cooperativa ha sede in Modena.\n\nArt. 4. La durata è fino al 2050."


def _vote(text: str, yes: int, subject: str = "statute_other"):
    session = build_session(kind="extraordinary", call="second", voters=9, present=9)
    motion = operations.create_motion(session.item, {"title": "Modifica dello statuto", "subject": subject,
                                                     "proposed_text": text},
                                      factories.UserFactory(roles=["board"]))
    secretary = factories.UserFactory(roles=["secretary"])
    operations.open_vote(motion, secretary)
    for user, choice in zip(session.users, ["yes"] * yes + ["no"] * (9 - yes)):
        operations.cast_ballot(motion.id, user, choice)
    operations.close_vote(motion, secretary)
    return session, motion


def test_approved_statute_motions_become_versions_one_and_two_and_the_pages_show_them(client, login, api, bearer):
    assert queries.current_statute("statute_other") is None
    session, motion = _vote(FIRST, 8)
    assert motion.current_text == "" and motion.outcome.value == "approved"
    first = queries.current_statute("statute_other")
    assert (first.number, first.text, first.motion_id, first.assembly_id) == (1, FIRST, motion.id,
                                                                            session.assembly.id)
    assert first.effective_on == session.assembly.session_day()
    assert queries.current_statute("statute_purpose") is None and queries.current_mission().number == 1
    later, second_motion = _vote(SECOND, 7)
    assert second_motion.current_text == FIRST  # a new statute motion starts from the text in force
    assert [v.number for v in queries.statute_versions("statute_other")] == [2, 1]
    assert queries.current_statute("statute_other").text == SECOND

    login(factories.UserFactory(roles=["member"], member=factories.MemberFactory()))
    history = client.get("/statute-texts/statute_other")
    assert history.status_code == 200 and "Modena" in history.get_data(as_text=True)
    assert client.get("/statute-texts/statute_other/versions/1").status_code == 200
    assert client.get("/statute-texts/statute_other/versions/3").status_code == 404
    diff = client.get("/statute-texts/statute_other/diff").get_data(as_text=True)
    assert "diff-sides" in diff and "Bologna" in diff and "Modena" in diff
    assert client.get("/statute-texts/nonsense").status_code == 404
    headers = bearer(session.users[0])
    assert [v["version"] for v in api.get("/api/v1/statute-texts/statute_other/versions",
                                          headers=headers).json] == [2, 1]
    assert api.get("/api/v1/statute-texts/statute_other", headers=headers).json["text"] == SECOND
    assert api.get("/api/v1/statute-texts/statute_purpose", headers=headers).status_code == 404


def test_a_rejected_statute_motion_creates_no_version():
    _session, motion = _vote(FIRST, 5)
    assert motion.outcome.value == "rejected"
    assert db.session.scalar(sa.select(sa.func.count()).select_from(StatuteVersion)) == 0


def test_a_member_reads_the_statute_pages_before_any_version(client, login):
    login(factories.UserFactory(roles=["member"], member=factories.MemberFactory()))
    assert client.get("/statute-texts").status_code == 302
    page = client.get("/statute-texts/statute_purpose")
    assert page.status_code == 200 and 'id="statute-no-version"' in page.get_data(as_text=True)
    assert client.get("/statute-texts/statute_purpose/diff").status_code == 404
