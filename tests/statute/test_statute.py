"""Statute parameters: dated values, history, bounds, all-or-nothing changes, audit."""
from __future__ import annotations

import re
from datetime import date
from decimal import Decimal
from fractions import Fraction

import pytest
import sqlalchemy as sa

from governance.core.audit import AuditEntry
from governance.core.errors import DomainError
from governance.extensions import db
from governance.statute import operations, queries
from governance.statute.models import StatuteValue
from governance.statute.parameters import PARAMETERS
from tests.visible import visible_text


def _stored():
    return db.session.scalar(sa.select(sa.func.count()).select_from(StatuteValue))


def _audited():
    return db.session.scalars(sa.select(AuditEntry).where(AuditEntry.action == "statute.change")
                              .order_by(AuditEntry.id)).all()


# --- operations and queries ----------------------------------------------------------------

def test_a_change_applies_from_its_effective_date(admin_user, today):
    operations.change_parameters({"voting_seniority_days": "60"}, date(2027, 1, 1), admin_user, note="Assembly of 1 Dec")
    assert queries.value_on("voting_seniority_days", date(2026, 12, 31)) == 90
    assert queries.value_on("voting_seniority_days", date(2027, 1, 1)) == 60
    assert queries.value_on("voting_seniority_days") == 90  # today is before the date
    assert queries.parameters_on(date(2027, 6, 1))["voting_seniority_days"] == 60


def test_history_is_kept(admin_user, today):
    operations.change_parameters({"share_value": "30.00"}, date(2027, 1, 1), admin_user)
    operations.change_parameters({"share_value": "50.00"}, date(2028, 1, 1), admin_user)
    assert queries.value_on("share_value", date(2026, 6, 1)) == Decimal("25.00")
    assert queries.value_on("share_value", date(2027, 6, 1)) == Decimal("30.00")
    assert queries.value_on("share_value", date(2028, 6, 1)) == Decimal("50.00")
    history = queries.history_with_authors("share_value")
    assert [(row.effective_from, row.value, email) for row, email in history] == [
        (date(2028, 1, 1), "50.00", admin_user.email), (date(2027, 1, 1), "30.00", admin_user.email)]
    changes = [e.changes for e in _audited()]
    assert changes == [{"share_value": ["25.00", "30.00"]}, {"share_value": ["30.00", "50.00"]}]


def test_two_values_on_the_same_date_the_later_entry_wins(admin_user, today):
    operations.change_parameters({"notice_days": "10"}, date(2027, 1, 1), admin_user)
    operations.change_parameters({"notice_days": "12"}, date(2027, 1, 1), admin_user)
    assert queries.value_on("notice_days", date(2027, 1, 1)) == 12
    assert queries.parameters_on(date(2027, 1, 1))["notice_days"] == 12
    assert queries.next_changes_after(date(2026, 12, 31))["notice_days"] == (date(2027, 1, 1), 12)


@pytest.mark.parametrize("name,value,accepted", [
    ("share_value", "24.99", False),
    ("share_value", "25.00", True),
    ("share_value", "25", True),
    ("share_value", "25,50", True),
    ("share_value", "25.001", False),
    ("share_value", 25.5, False),  # money is never a float
    ("max_proxies_per_delegate", "10", True),
    ("max_proxies_per_delegate", 10, True),
    ("max_proxies_per_delegate", "11", False),
    ("max_proxies_per_delegate", "ten", False),
    ("max_volunteer_percent", "50.00", True),
    ("max_volunteer_percent", "50.01", False),
    ("max_volunteer_percent", "49.99", True),
    ("voting_seniority_days", "90", True),
    ("voting_seniority_days", "91", False),
    ("notice_days", "7", False),
    ("notice_days", "8", True),
    ("remote_voting_allowed", "no", True),
    ("remote_voting_allowed", "maybe", False),
    ("extraordinary_second_call_majority", "2/3", True),
    ("extraordinary_second_call_majority", "4/3", False),
    ("loan_max_rate", "8.50", True),
    ("loan_member_cap", "87473.25", True),
    ("loan_member_cap", "87473.26", False),
])
def test_bounds(request_context, admin_user, today, name, value, accepted):
    if accepted:
        (row,) = operations.change_parameters({name: value}, date(2027, 1, 1), admin_user)
        assert queries.value_on(name, date(2027, 1, 1)) == PARAMETER[name].parse(value)
        assert row.created_by_id == admin_user.id
    else:
        with pytest.raises(DomainError) as error:
            operations.change_parameters({name: value}, date(2027, 1, 1), admin_user)
        assert error.value.code == "validation" and list(error.value.errors) == [name]
        assert _stored() == 0 and _audited() == []


PARAMETER = {p.name: p for p in PARAMETERS}


def test_one_invalid_value_rejects_the_whole_change(request_context, admin_user, today):
    with pytest.raises(DomainError) as error:
        operations.change_parameters({"notice_days": "15", "share_value": "24.99", "colour": "green"},
                                     date(2027, 1, 1), admin_user)
    assert set(error.value.errors) == {"share_value", "colour"}
    assert "at least € 25.00" in error.value.errors["share_value"][0]
    assert error.value.errors["colour"] == ["Unknown statute parameter."]
    assert _stored() == 0 and _audited() == []


# --- the page --------------------------------------------------------------------------------

def _value_cell(page: str, name: str) -> str:
    return re.search(rf'id="param-{name}">.*?data-value="([^"]*)"', page, re.S).group(1)


@pytest.mark.parametrize("role", ["admin", "board", "secretary", "auditor"])
def test_readers_see_every_parameter(client, login, user_factory, role, today):
    page = login(user_factory(roles=[role])).get("/statute")
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    for parameter in PARAMETERS:
        assert f'id="param-{parameter.name}"' in text
    assert _value_cell(text, "share_value") == "25.00"
    assert _value_cell(text, "extraordinary_second_call_majority") == "2/3"
    assert "art. 2525 c.c." in text
    # A page per parameter; only an administrator is offered to change it, with its form.
    assert 'href="/statute/parameters/notice_days"' in text
    assert ('href="/statute/parameters/notice_days#change-title"' in text) == (role == "admin")
    one = client.get("/statute/parameters/notice_days").get_data(as_text=True)
    assert ('action="/statute/parameters/notice_days"' in one) == (role == "admin")


def test_another_day_and_the_history(client, login, admin_user, today):
    operations.change_parameters({"share_value": "30.00"}, date(2027, 1, 1), admin_user, note="Assembly of 1 Dec")
    login(admin_user)
    now = client.get("/statute").get_data(as_text=True)
    assert _value_cell(now, "share_value") == "25.00"
    assert re.search(r'id="param-share_value">.*?30.00.*?01/01/2027', now, re.S)  # the next change
    later = client.get("/statute?on=2027-01-01").get_data(as_text=True)
    assert _value_cell(later, "share_value") == "30.00"
    history = re.search(r'id="history">(.*)</table>', later, re.S).group(1)
    # who entered it, by name (the review found emails)
    assert "Assembly of 1 Dec" in history and admin_user.full_name in history and "01/01/2027" in history
    assert admin_user.email not in history


def test_a_bad_day_is_shown_next_to_the_field(client, login, admin_user):
    response = login(admin_user).get("/statute?on=2027-02-30")
    assert response.status_code == 422
    text = response.get_data(as_text=True)
    assert 'id="on-errors"' in text
    assert 'id="param-share_value"' in text  # still shows today's values


def test_an_admin_changes_a_parameter(client, login, admin_user, today):
    response = login(admin_user).post("/statute/parameters/max_proxies_per_delegate", data={
        "value": "5", "effective_from": "2027-01-01", "note": "Assembly resolution"})
    assert response.status_code == 302
    assert response.headers["Location"] == "/statute/parameters/max_proxies_per_delegate"
    assert queries.value_on("max_proxies_per_delegate", date(2027, 1, 1)) == 5
    (entry,) = _audited()
    assert entry.actor_id == admin_user.id
    assert entry.changes == {"max_proxies_per_delegate": [10, 5]}
    assert entry.summary == "max_proxies_per_delegate from 2027-01-01"


@pytest.mark.parametrize("data,field,message", [
    ({"name": "max_proxies_per_delegate", "value": "11", "effective_from": "2027-01-01", "note": "Delibera 3/2026"}, "value", "at most 10"),
    ({"name": "share_value", "value": "24.99", "effective_from": "2027-01-01", "note": "Delibera 3/2026"}, "value", "at least € 25.00"),
    ({"name": "max_volunteer_percent", "value": "50.01", "effective_from": "2027-01-01", "note": "Delibera 3/2026"}, "value", "at most 50 %"),
    ({"name": "share_value", "value": "", "effective_from": "2027-01-01"}, "value", None),
    ({"name": "share_value", "value": "30", "effective_from": "soon"}, "effective_from", None),
])
def test_an_invalid_change_rerenders_with_the_message_next_to_the_field(client, login, admin_user, today,
                                                                        data, field, message):
    data = dict(data)
    response = login(admin_user).post(f"/statute/parameters/{data.pop('name')}", data=data)
    assert response.status_code == 422
    text = response.get_data(as_text=True)
    errors = re.search(rf'id="{field}-errors"[^>]*>(.*?)</div>', text, re.S)
    assert errors, text
    if message:
        assert message in errors.group(1)
    assert _stored() == 0 and _audited() == []


@pytest.mark.parametrize("role", ["board", "secretary", "auditor", "member"])
def test_only_an_admin_changes_the_statute(client, login, user_factory, role, today):
    response = login(user_factory(roles=[role])).post("/statute/parameters/notice_days", data={
        "value": "15", "effective_from": "2027-01-01", "note": "Delibera 3/2026"})
    assert response.status_code == 403
    assert _stored() == 0


# --- API -------------------------------------------------------------------------------------

def test_api_get_values_in_force(api, bearer, auditor_user, admin_user, today):
    operations.change_parameters({"share_value": "30.00", "remote_voting_allowed": "no"},
                                 date(2027, 1, 1), admin_user)
    headers = bearer(auditor_user)
    now = api.get("/api/v1/statute", headers=headers)
    assert now.status_code == 200
    body = now.get_json()
    assert body["on"] == "2026-11-26"
    assert set(body) == {"on"} | {p.name for p in PARAMETERS}
    assert body["share_value"] == "25.00" and body["max_volunteer_percent"] == "50.00"
    assert body["extraordinary_second_call_majority"] == "2/3" and body["voting_seniority_days"] == 90
    assert body["remote_voting_allowed"] is True
    later = api.get("/api/v1/statute?on=2027-01-01", headers=headers).get_json()
    assert later["share_value"] == "30.00" and later["remote_voting_allowed"] is False


@pytest.mark.parametrize("on", ["2027-02-30", "tomorrow", "01/01/2027"])
def test_api_bad_date_is_422_validation(api, bearer, auditor_user, on):
    response = api.get(f"/api/v1/statute?on={on}", headers=bearer(auditor_user))
    assert response.status_code == 422
    body = response.get_json()
    assert body["code"] == "validation" and "on" in body["errors"]


def test_api_post_stores_and_answers_201(api, bearer, admin_user, today):
    response = api.post("/api/v1/statute", headers=bearer(admin_user), json={
        "share_value": "25.00", "max_proxies_per_delegate": 10, "ordinary_first_call_quorum": "1/2",
        "effective_from": "2027-01-01", "note": "Assembly of 1 Dec"})
    assert response.status_code == 201
    assert response.get_json() == {"effective_from": "2027-01-01", "note": "Assembly of 1 Dec",
                                   "share_value": "25.00", "max_proxies_per_delegate": 10,
                                   "ordinary_first_call_quorum": "1/2"}
    assert _stored() == 3 and len(_audited()) == 3
    assert queries.value_on("ordinary_first_call_quorum", date(2027, 1, 1)) == Fraction(1, 2)


@pytest.mark.parametrize("body,errors", [
    ({"share_value": "24.99"}, {"share_value"}),
    ({"max_proxies_per_delegate": 11}, {"max_proxies_per_delegate"}),
    ({"max_volunteer_percent": "50.01"}, {"max_volunteer_percent"}),
    ({"share_value": 30.0}, {"share_value"}),
    ({"notice_days": 15, "colour": "green"}, {"colour"}),
    ({"notice_days": 15, "share_value": "1", "max_proxies_per_delegate": "x"}, {"share_value", "max_proxies_per_delegate"}),
    ({}, {"name"}),
])
def test_api_post_invalid_is_422_and_nothing_is_stored(api, bearer, admin_user, today, body, errors):
    response = api.post("/api/v1/statute", headers=bearer(admin_user),
                        json={**body, "effective_from": "2027-01-01"})
    assert response.status_code == 422
    problem = response.get_json()
    assert response.mimetype == "application/problem+json"
    assert problem["code"] == "validation" and set(problem["errors"]) == errors
    assert _stored() == 0 and _audited() == []


def test_api_post_needs_an_effective_date(api, bearer, admin_user):
    response = api.post("/api/v1/statute", headers=bearer(admin_user), json={"notice_days": 15})
    assert response.status_code == 422
    assert set(response.get_json()["errors"]) == {"effective_from"}
    assert _stored() == 0


def test_api_history(api, bearer, admin_user, board_user, today):
    operations.change_parameters({"notice_days": "15"}, date(2027, 1, 1), admin_user, note="n1")
    operations.change_parameters({"share_value": "30"}, date(2027, 2, 1), admin_user)
    body = api.get("/api/v1/statute/history", headers=bearer(board_user)).get_json()
    assert body["total"] == 2
    assert [(i["name"], i["value"], i["effective_from"], i["created_by"]) for i in body["items"]] == [
        ("share_value", "30.00", "2027-02-01", admin_user.email),
        ("notice_days", 15, "2027-01-01", admin_user.email)]
    only = api.get("/api/v1/statute/history?name=notice_days", headers=bearer(board_user)).get_json()
    assert [i["note"] for i in only["items"]] == ["n1"]


def test_the_openapi_document_lists_every_parameter(api):
    spec = api.get("/api/v1/openapi.json").get_json()
    response_ref = spec["paths"]["/api/v1/statute"]["get"]["responses"]["200"]["content"]["application/json"]["schema"]["$ref"]
    properties = spec["components"]["schemas"][response_ref.rsplit("/", 1)[1]]["properties"]
    assert {p.name for p in PARAMETERS} <= set(properties)
    assert properties["share_value"]["type"] == "string"
    assert properties["notice_days"]["type"] == "integer"


# --- the past is corrected, never changed (issue 6) ---------------------------------------

def test_a_change_cannot_start_in_the_past(admin_user, today):
    from datetime import timedelta
    with pytest.raises(DomainError) as refused:
        operations.change_parameters({"share_value": "30.00"}, today - timedelta(days=1), admin_user,
                                     note="Assemblea")
    assert (refused.value.code, refused.value.field) == ("retroactive_change", "effective_from")
    assert _stored() == 0
    # from today on it is a change like any other
    operations.change_parameters({"share_value": "30.00"}, today, admin_user)


def test_a_correction_of_the_past_needs_its_reason_and_is_audited_as_such(admin_user, today):
    with pytest.raises(DomainError) as refused:
        operations.change_parameters({"share_value": "30.00"}, date(2026, 1, 1), admin_user,
                                     correction=True)
    assert (refused.value.code, refused.value.field) == ("reasons_required", "note")
    operations.change_parameters({"share_value": "30.00"}, date(2026, 1, 1), admin_user,
                                 note="Valore trascritto male dal verbale del 12/12/2025", correction=True)
    (entry,) = db.session.scalars(sa.select(AuditEntry).where(AuditEntry.action == "statute.correction"))
    assert "Valore trascritto male" in entry.summary
    assert queries.value_on("share_value", date(2026, 6, 1)) == Decimal("30.00")


def test_the_api_and_the_form_refuse_the_past_without_a_correction(client, login, api, bearer,
                                                                  admin_user, today):
    body = {"share_value": "30.00", "effective_from": "2026-01-01", "note": "Errore"}
    refused = api.post("/api/v1/statute", json=body, headers=bearer(admin_user))
    assert refused.status_code == 422 and refused.get_json()["code"] == "retroactive_change"
    assert "effective_from" in refused.get_json()["errors"]
    ok = api.post("/api/v1/statute", json={**body, "correction": True}, headers=bearer(admin_user))
    assert ok.status_code == 201
    page = login(admin_user).post("/statute/parameters/share_value", data={
        "value": "35", "effective_from": "2026-02-01", "note": "Delibera 3/2026"})
    assert page.status_code == 422 and 'id="effective_from-errors"' in page.get_data(as_text=True)


def test_the_page_asks_for_the_resolution_in_the_note(client, login, admin_user, today):
    page = login(admin_user).post("/statute/parameters/notice_days", data={
        "value": "15", "effective_from": "2027-01-01"})
    assert page.status_code == 422 and 'id="note-errors"' in page.get_data(as_text=True)
    assert _stored() == 0


def test_a_scheduled_change_can_be_cancelled_before_it_applies(client, login, admin_user, today):
    from datetime import timedelta

    from governance.core.audit import AuditEntry
    from governance.extensions import db
    from governance.statute import operations as statute_operations
    from governance.statute.queries import value_on
    later = today + timedelta(days=30)
    row, = statute_operations.change_parameters({"notice_days": "15"}, later, admin_user, note="Delibera 3/2026")
    db.session.flush()
    login(admin_user)
    page = client.get("/statute").get_data(as_text=True)
    assert f'action="/statute/changes/{row.id}/cancel"' in page
    assert client.post(f"/statute/changes/{row.id}/cancel").status_code == 302
    assert value_on("notice_days", later) == 8
    assert db.session.scalar(db.select(AuditEntry.action).order_by(AuditEntry.id.desc()).limit(1)) == "statute.cancel"


def test_a_change_in_force_cannot_be_cancelled(client, login, admin_user, today):
    from governance.extensions import db
    from governance.statute import operations as statute_operations
    from governance.statute.queries import value_on
    row, = statute_operations.change_parameters({"notice_days": "15"}, today, admin_user, note="Delibera 3/2026")
    db.session.flush()
    login(admin_user)
    response = client.post(f"/statute/changes/{row.id}/cancel")
    assert response.status_code == 302 and value_on("notice_days", today) == 15


# --- a page per parameter ------------------------------------------------------------------

def test_every_parameter_has_its_page_with_value_unit_and_bounds_in_words(client, login, admin_user, today):
    admin_user.locale = "it"
    login(admin_user)
    for parameter in PARAMETERS:
        page = client.get(f"/statute/parameters/{parameter.name}")
        assert page.status_code == 200, parameter.name
    text = visible_text(client.get("/statute/parameters/notice_days").get_data(as_text=True))
    assert "8 giorni" in text and "da 8 giorni a 365 giorni" in text and "art. 2366 c.c." in text
    assert re.search(r"Unità di misura\s+giorni", text)
    money = client.get("/statute/parameters/share_value").get_data(as_text=True)
    assert "€ 25,00" in visible_text(money) and 'value="25,00"' in money  # typed as Italians do
    fixed = visible_text(client.get("/statute/parameters/votes_per_member").get_data(as_text=True))
    assert "solo 1 (fissato dalla legge)" in fixed
    assert client.get("/statute/parameters/colour").status_code == 404


def test_a_yes_no_parameter_is_changed_with_two_choices(client, login, admin_user, today):
    login(admin_user)
    page = client.get("/statute/parameters/proxies_allowed").get_data(as_text=True)
    assert len(re.findall(r"<input[^>]*name=\"value\"[^>]*type=\"radio\"", page)) == 2
    response = client.post("/statute/parameters/proxies_allowed", data={
        "value": "false", "effective_from": "2027-01-01", "note": "Delibera assembleare 4/2026"})
    assert response.status_code == 302
    assert queries.value_on("proxies_allowed", date(2027, 1, 1)) is False
    refused = client.post("/statute/parameters/proxies_allowed", data={
        "value": "maybe", "effective_from": "2027-01-01", "note": "Delibera assembleare 4/2026"})
    assert refused.status_code == 422 and 'id="value-errors"' in refused.get_data(as_text=True)


def test_a_scheduled_change_is_cancelled_from_its_parameters_page(client, login, admin_user, today):
    from datetime import timedelta
    row, = operations.change_parameters({"notice_days": "15"}, today + timedelta(days=30), admin_user,
                                        note="Delibera 3/2026")
    db.session.flush()
    login(admin_user)
    page = client.get("/statute/parameters/notice_days").get_data(as_text=True)
    assert f'action="/statute/changes/{row.id}/cancel"' in page and "Delibera 3/2026" in page
    # the other parameters' pages show only their own history
    assert "Delibera 3/2026" not in client.get("/statute/parameters/share_value").get_data(as_text=True)
    response = client.post(f"/statute/changes/{row.id}/cancel")
    assert response.headers["Location"] == "/statute/parameters/notice_days"
    assert queries.value_on("notice_days", today + timedelta(days=30)) == 8


def test_a_fraction_is_typed_as_italians_write_it_and_its_bounds_read_as_numbers(client, login, admin_user,
                                                                                today):
    login(admin_user)
    response = client.post("/statute/parameters/ordinary_first_call_quorum", data={
        "value": "0,6", "effective_from": "2027-01-01", "note": "Delibera 5/2026"})
    assert response.status_code == 302
    assert queries.value_on("ordinary_first_call_quorum", date(2027, 1, 1)) == Fraction(3, 5)
    admin_user.locale = "it"
    text = visible_text(client.get("/statute/parameters/ordinary_first_call_quorum").get_data(as_text=True))
    assert "da 0 a 1" in text and "0/1" not in text and "1/1" not in text
    refused = client.post("/statute/parameters/ordinary_first_call_quorum", data={
        "value": "0,5,1", "effective_from": "2027-01-01", "note": "Delibera 5/2026"})
    assert refused.status_code == 422 and "una frazione come 1/2 o 2/3" in refused.get_data(as_text=True)
