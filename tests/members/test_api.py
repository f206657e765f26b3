"""The register's JSON API (API.md "Members")."""
from __future__ import annotations

from datetime import date

import pytest
import sqlalchemy as sa

from governance.extensions import db
from governance.members.models import Category, Member, MemberStatus

from .conftest import person


def api_entry(i: int, **overrides) -> dict:
    """A valid entry as a JSON client sends it (shares as a number, no register number)."""
    row = {**person(i), "shares": 1, **overrides}
    row.pop("number")
    return row


@pytest.fixture
def entries(member_factory):
    return [member_factory(number=n, category=c, status=s) for n, c, s in [
        (1, Category.WORKER, MemberStatus.ACTIVE), (2, Category.VOLUNTEER, MemberStatus.ACTIVE),
        (3, Category.WORKER, MemberStatus.WITHDRAWN), (4, Category.USER, MemberStatus.ACTIVE)]]


def test_list_is_paginated_and_filtered(client, bearer, auditor_user, entries, today):
    headers = bearer(auditor_user)
    body = client.get("/api/v1/members?per_page=2&page=2", headers=headers).get_json()
    assert (body["page"], body["per_page"], body["total"]) == (2, 2, 4)
    assert [m["number"] for m in body["items"]] == [3, 4]
    body = client.get("/api/v1/members?status=active&category=worker", headers=headers).get_json()
    assert [m["number"] for m in body["items"]] == [1]
    tax_code = entries[3].tax_code
    body = client.get(f"/api/v1/members?q={tax_code[:9].lower()}", headers=headers).get_json()
    assert [m["number"] for m in body["items"]] == [4]


def test_list_refuses_unknown_filters_with_a_problem(client, bearer, board_user):
    response = client.get("/api/v1/members?status=sleeping", headers=bearer(board_user))
    assert response.status_code == 422
    assert response.mimetype == "application/problem+json"
    assert "status" in response.get_json()["errors"]


def test_list_needs_a_token_and_a_reader_role(client, bearer, login, board_user, member_user):
    assert client.get("/api/v1/members").status_code == 401
    assert client.get("/api/v1/members", headers=bearer(member_user)).status_code == 403
    login(board_user)  # a session cookie is not enough for the API
    assert client.get("/api/v1/members").status_code == 401


def test_one_member_with_voting_right_and_money_as_string(client, bearer, board_user, member_factory, today):
    member_factory(number=8, admitted_on=date(2026, 9, 1), shares_subscribed=3,
                   shares_paid_amount="50.00")
    body = client.get("/api/v1/members/8", headers=bearer(board_user)).get_json()
    assert {k: body[k] for k in ("number", "category", "status", "admitted_on", "shares",
                                 "shares_paid_amount", "voting_right_from", "may_vote_today")} == {
        "number": 8, "category": "worker", "status": "active", "admitted_on": "2026-09-01",
        "shares": 3, "shares_paid_amount": "50.00", "voting_right_from": "2026-11-30",
        "may_vote_today": False}
    assert {"first_name", "last_name", "tax_code", "email"} <= set(body)


def test_a_member_reads_their_own_entry_only(client, bearer, member_user, member_factory, board_user):
    other = member_factory()
    headers = bearer(member_user)
    own = client.get(f"/api/v1/members/{member_user.member.number}", headers=headers)
    assert own.status_code == 200 and own.get_json()["tax_code"] == member_user.member.tax_code
    assert client.get(f"/api/v1/members/{other.number}", headers=headers).status_code == 403
    assert client.get(f"/api/v1/members/{member_user.member.number}/history", headers=headers).status_code == 200
    assert client.get(f"/api/v1/members/{other.number}/history", headers=headers).status_code == 403
    missing = client.get("/api/v1/members/4242", headers=bearer(board_user))
    assert missing.status_code == 404 and missing.get_json()["code"] == "not_found"


def test_create_a_member(client, bearer, secretary_user, today, member_factory):
    member_factory(number=80)  # 77 is then a past number of the register, not yet entered
    row = api_entry(2, shares=2)
    response = client.post("/api/v1/members", json={**row, "number": 77},
                           headers=bearer(secretary_user))
    assert response.status_code == 201, response.get_json()
    body = response.get_json()
    assert (body["number"], body["shares"], body["voting_right_from"]) == (77, 2, "1995-05-30")
    assert db.session.scalar(sa.select(Member.last_name).where(Member.number == 77)) == "Verdi"


def test_create_with_a_wrong_tax_code_has_code_tax_code(client, bearer, board_user, today):
    row = api_entry(0, tax_code="RSSMRA80A01F205Z")
    body = client.post("/api/v1/members", json=row, headers=bearer(board_user)).get_json()
    assert body["status"] == 422 and body["code"] == "tax_code"
    assert list(body["errors"]) == ["tax_code"]
    row["admitted_on"] = "2027-01-01"
    body = client.post("/api/v1/members", json=row, headers=bearer(board_user)).get_json()
    assert body["code"] == "validation" and set(body["errors"]) == {"tax_code", "admitted_on"}


@pytest.mark.parametrize("payload, field", [
    ({"shares": "1.5"}, "shares"),
    ({"shares_paid_amount": 25.5}, "shares_paid_amount"),  # money is never a float
    ({"status": "active"}, "status"),                      # unknown field
])
def test_create_refuses_a_wrong_shape(client, bearer, board_user, today, payload, field):
    row = api_entry(0, **payload)
    response = client.post("/api/v1/members", json=row, headers=bearer(board_user))
    assert response.status_code == 422
    assert field in response.get_json()["errors"]
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Member)) == 0


def test_volunteer_cap_through_the_api(client, bearer, board_user, member_factory, today):
    member_factory(category=Category.WORKER)
    row = api_entry(0, category="volunteer")
    assert client.post("/api/v1/members", json=row, headers=bearer(board_user)).status_code == 201
    row = api_entry(1, category="volunteer")
    body = client.post("/api/v1/members", json=row, headers=bearer(board_user)).get_json()
    assert body["code"] == "volunteer_cap" and "2 of 3" in body["detail"]


def test_auditors_cannot_write(client, bearer, auditor_user, entries):
    headers = bearer(auditor_user)
    row = api_entry(0)
    assert client.post("/api/v1/members", json=row, headers=headers).status_code == 403
    assert client.patch("/api/v1/members/1", json={"phone": "1", "note": "x"}, headers=headers).status_code == 403
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Member)) == 4


def test_correct_a_member_and_read_the_history(client, bearer, board_user, entries, today):
    headers = bearer(board_user)
    response = client.patch("/api/v1/members/1", json={"phone": "+39 333 000111", "note": "New phone"},
                            headers=headers)
    assert response.status_code == 200
    assert response.get_json()["changes"] == {"phone": ["+39 02 1234567", "+39 333 000111"]}
    page = client.get("/api/v1/members/1/history", headers=headers).get_json()
    assert (page["total"], page["page"]) == (1, 1)
    history = page["items"]
    assert [(h["action"], h["note"], h["changes"]) for h in history] == [
        ("member.correct", "New phone", {"phone": ["+39 02 1234567", "+39 333 000111"]})]
    assert history[0]["actor_email"] == board_user.email


@pytest.mark.parametrize("payload, field", [
    ({"phone": "1"}, "note"),
    ({"status": "excluded", "note": "x"}, "status"),
    ({"category": "volunteer", "note": "x"}, "category"),   # 2 of 3 active would be volunteers
    ({"tax_code": "RSSMRA80A01F205Z", "note": "x"}, "tax_code"),
])
def test_corrections_that_are_refused(client, bearer, board_user, entries, today, payload, field):
    response = client.patch("/api/v1/members/1", json=payload, headers=bearer(board_user))
    assert response.status_code == 422
    assert field in response.get_json()["errors"]
    assert db.session.get(Member, entries[0].id).phone == "+39 02 1234567"


def test_export_csv_through_the_api(client, bearer, auditor_user, entries):
    response = client.get("/api/v1/members/export.csv?status=withdrawn", headers=bearer(auditor_user))
    assert response.status_code == 200 and response.mimetype == "text/csv"
    lines = response.get_data(as_text=True).splitlines()
    assert len(lines) == 2 and lines[1].startswith("3,")


def test_the_openapi_document_describes_the_register(client):
    spec = client.get("/api/v1/openapi.json").get_json()
    assert {"/api/v1/members", "/api/v1/members/{number}", "/api/v1/members/{number}/history",
            "/api/v1/members/import", "/api/v1/members/export.csv"} <= set(spec["paths"])
    assert "text/csv" in spec["paths"]["/api/v1/members/import"]["post"]["requestBody"]["content"]


def test_voting_right_follows_the_seniority_in_force_on_the_voting_day(client, bearer, board_user,
                                                                        admin_user, member_factory, today):
    from governance.statute.operations import change_parameters
    member_factory(number=60, admitted_on=date(2026, 10, 26))
    headers = bearer(board_user)
    assert client.get("/api/v1/members/60", headers=headers).get_json()["voting_right_from"] == "2027-01-24"
    change_parameters({"voting_seniority_days": 60}, date(2027, 1, 1), admin_user)
    # 26 Oct + 60 days is 25 Dec, when the 90-day rule still applies: votes from 1 Jan.
    assert client.get("/api/v1/members/60", headers=headers).get_json()["voting_right_from"] == "2027-01-01"


def test_a_member_who_left_has_no_voting_date(client, bearer, board_user, member_factory):
    member_factory(number=6, status=MemberStatus.WITHDRAWN, exit_on=date(1996, 12, 31))
    assert client.get("/api/v1/members/6", headers=bearer(board_user)).get_json()["voting_right_from"] is None


@pytest.mark.parametrize("amount", ["1e30", "9e99", "1" + "0" * 400])
def test_absurd_paid_amounts_are_422_and_nothing_is_stored(client, bearer, board_user, amount, today):
    before = db.session.scalar(sa.select(sa.func.count()).select_from(Member))
    response = client.post("/api/v1/members", json={**api_entry(3), "shares_paid_amount": amount},
                           headers=bearer(board_user))
    assert response.status_code == 422, response.get_json()
    assert "shares_paid_amount" in response.get_json()["errors"]
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Member)) == before
