"""The JSON API against its contract (shared/API.md), written out literally here so that a
renamed path, a lost method, a 200 where the contract says 201 or a missing field fails
a test, whatever the code generates into its own OpenAPI document."""
from __future__ import annotations

import re
from datetime import date, datetime, timedelta

import pytest

from governance.core import clock
from tests import factories
from tests.lifecycle.factories import application_data

# Every endpoint API.md lists, copied from it by hand (method, path). Path parameters are
# written {} because their names are not part of the contract.
CONTRACT = [
    ("POST", "/api/v1/auth/tokens"),
    ("GET", "/api/v1/statute"),
    ("POST", "/api/v1/statute"),
    ("GET", "/api/v1/members"),
    ("GET", "/api/v1/members/{}"),
    ("POST", "/api/v1/members/import"),
    ("POST", "/api/v1/members/{}/exit"),
    ("GET", "/api/v1/members/{}/history"),
    ("POST", "/api/v1/applications"),
    ("GET", "/api/v1/applications"),
    ("GET", "/api/v1/applications/{}"),
    ("POST", "/api/v1/applications/{}/decision"),
    ("POST", "/api/v1/applications/{}/appeal"),
    ("POST", "/api/v1/assemblies"),
    ("GET", "/api/v1/assemblies"),
    ("GET", "/api/v1/assemblies/{}"),
    ("POST", "/api/v1/assemblies/{}/agenda-items"),
    ("POST", "/api/v1/assemblies/{}/publish"),
    ("GET", "/api/v1/assemblies/{}/roll"),
    ("POST", "/api/v1/assemblies/{}/proxies"),
    ("DELETE", "/api/v1/assemblies/{}/proxies/{}"),
    ("POST", "/api/v1/assemblies/{}/open"),
    ("POST", "/api/v1/assemblies/{}/attendance"),
    ("GET", "/api/v1/assemblies/{}/quorum"),
    ("POST", "/api/v1/assemblies/{}/close"),
    ("GET", "/api/v1/assemblies/{}/minutes.pdf"),
    ("POST", "/api/v1/agenda-items/{}/motions"),
    ("GET", "/api/v1/motions/{}"),
    ("POST", "/api/v1/motions/{}/amendments"),
    ("POST", "/api/v1/motions/{}/comments"),
    ("POST", "/api/v1/motions/{}/open"),
    ("POST", "/api/v1/motions/{}/close"),
    ("POST", "/api/v1/motions/{}/ballots"),
    ("GET", "/api/v1/motions/{}/result"),
    ("GET", "/api/v1/motions/{}/receipts"),
    ("GET", "/api/v1/mission"),
    ("GET", "/api/v1/mission/versions"),
    ("POST", "/api/v1/loans/equity"),
    ("POST", "/api/v1/loans/rates"),
    ("POST", "/api/v1/loans"),
    ("GET", "/api/v1/loans"),
    ("GET", "/api/v1/loans/{}"),
    ("POST", "/api/v1/loans/{}/movements"),
    ("POST", "/api/v1/loans/year-end"),
    ("GET", "/api/v1/loans/{}/statement"),
    ("GET", "/api/v1/loans/{}/statement.pdf"),
    ("GET", "/api/v1/loans/summary"),
]

PROBLEM_KEYS = {"type", "title", "status", "detail", "code"}


def _shape(path: str) -> str:
    return re.sub(r"\{[^}]+\}", "{}", path)


@pytest.fixture(scope="module")
def spec_operations(app):
    with app.test_client() as c:
        spec = c.get("/api/v1/openapi.json").get_json()
    ops = set()
    for path, item in spec["paths"].items():
        for method, operation in item.items():
            if isinstance(operation, dict) and method != "parameters":
                ops.add((method.upper(), _shape(path)))
    return ops


@pytest.mark.parametrize("method, path", CONTRACT, ids=[f"{m} {p}" for m, p in CONTRACT])
def test_contract_endpoint_is_in_the_openapi_document(spec_operations, method, path):
    assert (method, path) in spec_operations


def _problem(response, status: int, code: str | None = None) -> dict:
    assert response.status_code == status, (response.status_code, response.get_data(as_text=True)[:500])
    assert response.mimetype == "application/problem+json"
    body = response.get_json()
    assert PROBLEM_KEYS <= set(body), body
    assert body["status"] == status
    if code is not None:
        assert body["code"] == code, body
    return body


def _at(day: date, hour: int) -> str:
    return datetime(day.year, day.month, day.day, hour, 0, tzinfo=clock.ROME).isoformat()


# --- auth -------------------------------------------------------------------------------

def test_token_is_201_with_token_and_expiry(api, user_factory):
    user = user_factory(roles=["member"], member=factories.MemberFactory())
    response = api.post("/api/v1/auth/tokens", json={"email": user.email, "password": "password-1234"})
    assert response.status_code == 201, response.get_json()
    body = response.get_json()
    assert body["token"] and body["expires_at"]
    datetime.fromisoformat(body["expires_at"])
    me = api.get(f"/api/v1/members/{user.member.number}",
                 headers={"Authorization": f"Bearer {body['token']}"})
    assert me.status_code == 200


def test_unauthenticated_is_401_and_not_allowed_is_403(api, bearer, member_user):
    _problem(api.get("/api/v1/members"), 401)
    _problem(api.get("/api/v1/members", headers=bearer(member_user)), 403)


def test_unknown_object_is_404_problem(api, bearer, board_user):
    _problem(api.get("/api/v1/members/987654", headers=bearer(board_user)), 404)
    _problem(api.get("/api/v1/assemblies/987654", headers=bearer(board_user)), 404)


def test_malformed_body_is_400_problem(api, bearer, board_user):
    _problem(api.post("/api/v1/assemblies", data="{not json", content_type="application/json",
                      headers=bearer(board_user)), 400)


# --- statute and members ----------------------------------------------------------------

def test_statute_get_and_post(today, api, bearer, admin_user, board_user):
    current = api.get("/api/v1/statute", headers=bearer(board_user))
    assert current.status_code == 200
    params = current.get_json()
    assert isinstance(params, dict) and params
    assert api.get("/api/v1/statute?on=2025-01-01", headers=bearer(board_user)).status_code == 200
    bad_day = api.get("/api/v1/statute?on=2026-02-30", headers=bearer(board_user))
    _problem(bad_day, 422, "validation")


def test_member_fields_and_list_pagination(api, bearer, board_user, user_factory):
    member = factories.MemberFactory(first_name="Anna", last_name="Bianchi")
    listed = api.get("/api/v1/members?page=1&per_page=50", headers=bearer(board_user))
    assert listed.status_code == 200
    assert {"items", "page", "per_page", "total"} <= set(listed.get_json())
    own = user_factory(roles=["member"], member=member)
    for headers in (bearer(board_user), bearer(own)):  # the member themself too
        body = api.get(f"/api/v1/members/{member.number}", headers=headers).get_json()
        assert {"number", "first_name", "last_name", "tax_code", "category", "status", "admitted_on",
                "shares", "email", "voting_right_from"} <= set(body), body
        assert body["number"] == member.number and body["admitted_on"] == "2020-01-15"
    history = api.get(f"/api/v1/members/{member.number}/history", headers=bearer(board_user))
    assert history.status_code == 200


HEADER = "number,first_name,last_name,tax_code,birth_date,email,phone,address,category,admitted_on,shares\n"


def test_member_import_201_and_row_errors(api, bearer, board_user):
    from tests.factories import make_tax_code
    tax = make_tax_code("Rossi", "Mario", date(1980, 5, 17))
    good = HEADER + f",Mario,Rossi,{tax},1980-05-17,mario@example.org,,Via Roma 1,worker,2025-01-10,1\n"
    response = api.post("/api/v1/members/import", data=good, content_type="text/csv", headers=bearer(board_user))
    assert response.status_code == 201, response.get_json()
    assert response.get_json()["imported"] == 1
    bad = HEADER + ",Luca,Neri,NOTATAXCODE,1980-05-17,luca@example.org,,Via Roma 1,worker,2025-01-10,1\n"
    body = _problem(api.post("/api/v1/members/import", data=bad, content_type="text/csv",
                             headers=bearer(board_user)), 422)
    assert body.get("errors"), body


def test_exit_requires_reasons_for_exclusion(today, api, bearer, board_user):
    member = factories.MemberFactory()
    response = api.post(f"/api/v1/members/{member.number}/exit", headers=bearer(board_user),
                        json={"kind": "exclusion", "date": today.isoformat(), "reasons": ""})
    _problem(response, 422, "reasons_required")


# --- applications -----------------------------------------------------------------------

def test_application_201_and_tax_code_rule(today, api):
    response = api.post("/api/v1/applications", json=application_data())
    assert response.status_code == 201, response.get_json()
    body = response.get_json()
    assert body["status"] == "submitted" and body["id"] and body["decision_due_on"]
    date.fromisoformat(body["decision_due_on"])
    _problem(api.post("/api/v1/applications", json=application_data(tax_code="RSSMRA80A01H501X")),
             422, "tax_code")


def test_application_decision_200_with_member_number(today, api, bearer, board_user):
    created = api.post("/api/v1/applications", json=application_data()).get_json()
    listed = api.get("/api/v1/applications?status=submitted", headers=bearer(board_user))
    assert listed.status_code == 200
    one = api.get(f"/api/v1/applications/{created['id']}", headers=bearer(board_user))
    assert one.status_code == 200
    rejected_no_reasons = api.post(f"/api/v1/applications/{created['id']}/decision", headers=bearer(board_user),
                                   json={"outcome": "rejected", "decided_on": today.isoformat(), "reasons": ""})
    _problem(rejected_no_reasons, 422, "reasons_required")
    decision = api.post(f"/api/v1/applications/{created['id']}/decision", headers=bearer(board_user),
                        json={"outcome": "admitted", "decided_on": today.isoformat(), "reasons": ""})
    assert decision.status_code == 200, decision.get_json()
    body = decision.get_json()
    assert body["status"] == "admitted" and isinstance(body["member_number"], int)


# --- assemblies, motions, ballots -------------------------------------------------------

def _assembly(api, headers, today, days=20, kind="ordinary"):
    first = today + timedelta(days=days)
    response = api.post("/api/v1/assemblies", headers=headers, json={
        "kind": kind, "title": "Assemblea", "first_call_at": _at(first, 9),
        "second_call_at": _at(first + timedelta(days=1), 18), "location": "Sede",
        "online_url": "https://meet.example.org/x"})
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def test_assembly_flow_statuses_and_fields(today, api, bearer, board_user, secretary_user):
    voters = [factories.MemberFactory(admitted_on=date(2019, 1, 1)) for _ in range(3)]
    board_h, office_h = bearer(board_user), bearer(secretary_user)
    created = _assembly(api, board_h, today)
    assert created["status"] == "draft"
    aid = created["id"]
    listed = api.get("/api/v1/assemblies", headers=board_h)
    assert listed.status_code == 200
    assert api.get(f"/api/v1/assemblies/{aid}", headers=board_h).status_code == 200
    item = api.post(f"/api/v1/assemblies/{aid}/agenda-items", headers=board_h,
                    json={"title": "Bilancio", "description": "Approvazione"})
    assert item.status_code == 201 and "id" in item.get_json()
    published = api.post(f"/api/v1/assemblies/{aid}/publish", headers=board_h)
    assert published.status_code == 200 and published.get_json()["status"] == "convened"
    again = api.post(f"/api/v1/assemblies/{aid}/publish", headers=board_h)
    _problem(again, 409)
    roll = api.get(f"/api/v1/assemblies/{aid}/roll", headers=office_h).get_json()
    assert {"on", "count", "voters"} <= set(roll) and roll["count"] == 3
    assert {"number", "name"} <= set(roll["voters"][0])
    proxy = api.post(f"/api/v1/assemblies/{aid}/proxies", headers=office_h,
                     json={"delegator": voters[0].number, "delegate": voters[1].number})
    assert proxy.status_code == 201 and "id" in proxy.get_json()
    dup = api.post(f"/api/v1/assemblies/{aid}/proxies", headers=office_h,
                   json={"delegator": voters[0].number, "delegate": voters[2].number})
    _problem(dup, 422, "proxy_duplicate")
    removed = api.delete(f"/api/v1/assemblies/{aid}/proxies/{proxy.get_json()['id']}", headers=office_h)
    assert removed.status_code in (200, 204)
    quorum = api.get(f"/api/v1/assemblies/{aid}/quorum", headers=board_h).get_json()
    assert {"call", "eligible", "in_person", "by_proxy", "by_correspondence", "present", "required",
            "reached"} <= set(quorum), quorum
    motion = api.post(f"/api/v1/agenda-items/{item.get_json()['id']}/motions", headers=board_h, json={
        "title": "Bilancio 2025", "subject": "accounts", "rationale": "Perché", "current_text": "",
        "proposed_text": "Si approva", "secret": False, "by_correspondence": False})
    assert motion.status_code == 201, motion.get_json()
    mid = motion.get_json()["id"]
    assert api.get(f"/api/v1/motions/{mid}", headers=board_h).status_code == 200
    result = api.get(f"/api/v1/motions/{mid}/result", headers=board_h).get_json()
    assert {"status", "yes", "no", "abstain", "present", "eligible", "rule", "outcome",
            "explanation"} <= set(result), result
    assert result["outcome"] == "pending"


def test_second_call_same_day_and_notice_period(today, api, bearer, board_user):
    headers = bearer(board_user)
    first = today + timedelta(days=20)
    same_day = api.post("/api/v1/assemblies", headers=headers, json={
        "kind": "ordinary", "title": "X", "first_call_at": _at(first, 9), "second_call_at": _at(first, 18),
        "location": "Sede"})
    _problem(same_day, 422, "second_call_same_day")
    soon = _assembly(api, headers, today, days=3)
    api.post(f"/api/v1/assemblies/{soon['id']}/agenda-items", headers=headers, json={"title": "Uno"})
    _problem(api.post(f"/api/v1/assemblies/{soon['id']}/publish", headers=headers), 422, "notice_period")


def test_mission_and_versions(api, bearer, member_user):
    headers = bearer(member_user)
    mission = api.get("/api/v1/mission", headers=headers)
    assert mission.status_code == 200
    body = mission.get_json()
    assert "text" in body and "version" in body, body
    assert api.get("/api/v1/mission/versions", headers=headers).status_code == 200


# --- loans ------------------------------------------------------------------------------

IBAN = "IT60X0542811101000000123456"


def test_loans_settings_account_movement_and_summary(today, api, bearer, board_user, secretary_user):
    board_h, office_h = bearer(board_user), bearer(secretary_user)
    equity = api.post("/api/v1/loans/equity", headers=board_h, json={
        "amount": "1000000.00", "guaranteed_share": "0", "accounts_approved_on": "2020-04-30"})
    assert equity.status_code == 201, equity.get_json()
    rate = api.post("/api/v1/loans/rates", headers=board_h,
                    json={"product": "free", "rate": "2.00", "effective_from": "2020-01-01"})
    assert rate.status_code == 201, rate.get_json()
    too_high = api.post("/api/v1/loans/rates", headers=board_h,
                        json={"product": "free", "rate": "9.00", "effective_from": "2026-01-01"})
    _problem(too_high, 422, "rate_cap")
    member = factories.MemberFactory(admitted_on=date(2019, 1, 1))
    opened = api.post("/api/v1/loans", headers=office_h, json={
        "member": member.number, "product": "free", "opened_on": "2025-03-01", "iban": IBAN})
    assert opened.status_code == 201, opened.get_json()
    account_id = opened.get_json()["id"]
    newcomer = factories.MemberFactory(admitted_on=today - timedelta(days=10))
    _problem(api.post("/api/v1/loans", headers=office_h, json={
        "member": newcomer.number, "product": "free", "iban": IBAN}), 422, "loan_seniority")
    deposit = api.post(f"/api/v1/loans/{account_id}/movements", headers=office_h,
                       json={"kind": "deposit", "amount": "100.00", "value_date": "2025-03-01"})
    assert deposit.status_code == 201 and {"id", "balance"} <= set(deposit.get_json())
    assert deposit.get_json()["balance"] == "100.00"
    too_much = api.post(f"/api/v1/loans/{account_id}/movements", headers=office_h,
                        json={"kind": "withdrawal", "amount": "1000.00",
                              "value_date": (today + timedelta(days=30)).isoformat(),
                              "requested_on": today.isoformat()})
    _problem(too_much, 422, "loan_insufficient_balance")
    loan = api.get(f"/api/v1/loans/{account_id}", headers=board_h).get_json()
    assert {"id", "member", "product", "opened_on", "status", "balance"} <= set(loan)
    listed = api.get(f"/api/v1/loans?member={member.number}", headers=board_h)
    assert listed.status_code == 200
    statement = api.get(f"/api/v1/loans/{account_id}/statement?year=2025", headers=office_h).get_json()
    assert {"opening_balance", "movements", "gross_interest", "withholding", "net_interest",
            "closing_balance"} <= set(statement)
    first = api.post("/api/v1/loans/year-end", headers=office_h, json={"year": 2025})
    assert first.status_code == 200
    summary = api.get("/api/v1/loans/summary", headers=board_h).get_json()
    assert {"total_outstanding", "equity", "max_multiple", "ratio", "headroom"} <= set(summary)
    assert isinstance(summary["total_outstanding"], str)


def test_money_as_a_float_is_refused(today, api, bearer, board_user):
    response = api.post("/api/v1/loans/equity", headers=bearer(board_user), json={
        "amount": 1000000.5, "guaranteed_share": "0", "accounts_approved_on": "2020-04-30"})
    _problem(response, 422, "validation")


# --- more documented codes --------------------------------------------------------------

def test_decision_date_and_loan_notice_codes(today, api, bearer, board_user, secretary_user):
    created = api.post("/api/v1/applications", json=application_data()).get_json()
    future = api.post(f"/api/v1/applications/{created['id']}/decision", headers=bearer(board_user),
                      json={"outcome": "admitted", "decided_on": (today + timedelta(days=1)).isoformat()})
    _problem(future, 422, "decision_date")
    board_h, office_h = bearer(board_user), bearer(secretary_user)
    api.post("/api/v1/loans/rates", headers=board_h,
             json={"product": "free", "rate": "2.00", "effective_from": "2020-01-01"})
    api.post("/api/v1/loans/equity", headers=board_h, json={
        "amount": "1000000.00", "guaranteed_share": "0", "accounts_approved_on": "2020-04-30"})
    member = factories.MemberFactory(admitted_on=date(2019, 1, 1))
    account_id = api.post("/api/v1/loans", headers=office_h, json={
        "member": member.number, "product": "free", "opened_on": "2025-03-01", "iban": IBAN}).get_json()["id"]
    api.post(f"/api/v1/loans/{account_id}/movements", headers=office_h,
             json={"kind": "deposit", "amount": "100.00", "value_date": "2025-03-01"})
    same_day = api.post(f"/api/v1/loans/{account_id}/movements", headers=office_h,
                        json={"kind": "withdrawal", "amount": "10.00", "value_date": today.isoformat(),
                              "requested_on": today.isoformat()})
    _problem(same_day, 422, "loan_notice")


def test_statute_motion_on_an_ordinary_assembly_is_wrong_assembly_kind(today, api, bearer, board_user):
    headers = bearer(board_user)
    assembly = _assembly(api, headers, today)
    item = api.post(f"/api/v1/assemblies/{assembly['id']}/agenda-items", headers=headers,
                    json={"title": "Scopo"}).get_json()
    response = api.post(f"/api/v1/agenda-items/{item['id']}/motions", headers=headers,
                        json={"title": "Scopo", "subject": "statute_purpose", "proposed_text": "Nuovo scopo"})
    _problem(response, 422, "wrong_assembly_kind")


@pytest.fixture
def voting(api, bearer, secretary_user):
    from governance.votes import operations
    from tests.votes.conftest import build_session, give_proxy
    session = build_session(voters=4, present=2)
    give_proxy(session, session.members[3], session.members[0])
    motion = operations.create_motion(session.item, {"title": "Bilancio", "subject": "accounts",
                                                     "proposed_text": "Si approva", "secret": True},
                                      factories.UserFactory(roles=["board"]))
    return session, motion, bearer(secretary_user)


def test_ballots_201_receipt_409_already_voted_and_voting_closed_403_not_entitled(api, bearer, voting):
    session, motion, secretary = voting
    voter = bearer(session.users[0])
    url = f"/api/v1/motions/{motion.id}/ballots"
    _problem(api.post(url, headers=voter, json={"choice": "yes"}), 409, "voting_closed")
    assert api.post(f"/api/v1/motions/{motion.id}/open", headers=secretary).status_code == 200
    first = api.post(url, headers=voter, json={"choice": "yes"})
    assert first.status_code == 201 and first.get_json()["receipt"]
    _problem(api.post(url, headers=voter, json={"choice": "no"}), 409, "already_voted")
    _problem(api.post(url, headers=bearer(session.users[2]), json={"choice": "yes"}), 403, "not_entitled")
    assert api.post(f"/api/v1/motions/{motion.id}/close", headers=secretary).status_code == 200
    _problem(api.post(url, headers=bearer(session.users[1]), json={"choice": "yes"}), 409, "voting_closed")


def test_ballot_on_behalf_of_a_non_delegator_is_422_proxy_not_entitled(api, bearer, voting):
    session, motion, secretary = voting
    api.post(f"/api/v1/motions/{motion.id}/open", headers=secretary)
    response = api.post(f"/api/v1/motions/{motion.id}/ballots", headers=bearer(session.users[0]),
                        json={"choice": "no", "on_behalf_of": session.members[2].number})
    _problem(response, 422, "proxy_not_entitled")
