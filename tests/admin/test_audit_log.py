"""The audit log: read by admins and auditors, newest first, filtered, never changed."""
from __future__ import annotations

import re
from datetime import datetime

import pytest
import sqlalchemy as sa

from governance.core import audit, clock
from governance.core.audit import AuditEntry, AuditLogIsAppendOnly
from governance.extensions import db
from tests.visible import visible_text


@pytest.fixture
def entries(user_factory):
    """Three entries by two people on two days (times in Rome)."""
    anna = user_factory(email="anna.admin@example.org", roles=["admin"])
    bruno = user_factory(email="bruno.board@example.org", roles=["board"])
    with clock.frozen(datetime(2026, 3, 1, 0, 30, tzinfo=clock.ROME)):  # 23:30 UTC the day before
        audit.record(anna, "user.create", object_type="users", object_id=41, summary="first",
                     changes={"roles": [None, ["member"]]})
    with clock.frozen(datetime(2026, 3, 2, 9, 0, tzinfo=clock.ROME)):
        audit.record(bruno, "member.correct", object_type="members", object_id=7, summary="second",
                     changes={"address": ["Via Roma 1", "Via Milano 2"]})
    with clock.frozen(datetime(2026, 3, 2, 23, 45, tzinfo=clock.ROME)):
        audit.record(anna, "user.update", object_type="users", object_id=41, summary="third")
    db.session.flush()
    return anna, bruno


def _summaries(page: str) -> list[str]:
    """The stored summaries of the entries shown, in the page's order (the page words
    the action, object and changes; the summary stays in the log and the API)."""
    from governance.core.audit import AuditEntry
    ids = [int(i) for i in re.findall(r'data-entry="(\d+)"', page)]
    return [db.session.get(AuditEntry, i).summary for i in ids]


def test_auditors_read_the_log_newest_first(client, login, auditor_user, entries):
    page = login(auditor_user).get("/admin/audit").get_data(as_text=True)
    assert _summaries(page) == ["third", "second", "first"]
    assert "bruno.board@example.org" in page
    assert "Via Roma 1 → Via Milano 2" in page
    # When, in Europe/Rome: the first entry was at 00:30 on 1 March in Rome.
    assert "01/03/2026 00:30" in page


@pytest.mark.parametrize("query,expected", [
    ("action=user.", ["third", "first"]),
    ("action=user.create", ["first"]),
    ("action=user_", []),  # `_` is not a wildcard
    ("actor=BRUNO", ["second"]),
    ("object_type=users&object_id=41", ["third", "first"]),
    ("object_type=members", ["second"]),
    ("date_from=2026-03-02", ["third", "second"]),
    ("date_to=2026-03-01", ["first"]),  # Rome's day, although it was still 28 Feb in UTC
    ("date_from=2026-03-02&date_to=2026-03-02", ["third", "second"]),
    ("date_from=2026-03-03", []),
])
def test_filters(client, login, auditor_user, entries, query, expected):
    response = login(auditor_user).get(f"/admin/audit?{query}")
    assert response.status_code == 200
    assert _summaries(response.get_data(as_text=True)) == expected


def test_an_invalid_filter_is_shown_next_to_the_field(client, login, auditor_user, entries):
    response = login(auditor_user).get("/admin/audit?date_from=2026-03-05&date_to=2026-03-01")
    assert response.status_code == 422
    assert re.search(r'id="date_to-errors"[^>]*>The end date is before the start date\.',
                     response.get_data(as_text=True))
    bad = login(auditor_user).get("/admin/audit?date_from=yesterday")
    assert bad.status_code == 422 and 'id="date_from-errors"' in bad.get_data(as_text=True)


def test_the_log_is_paginated(client, login, auditor_user, user_factory):
    actor = user_factory(roles=["admin"])
    for i in range(55):
        audit.record(actor, "test.entry", summary=f"entry {i}")
    login(auditor_user)
    first = client.get("/admin/audit").get_data(as_text=True)
    second = client.get("/admin/audit?page=2").get_data(as_text=True)
    assert _summaries(first) == [f"entry {i}" for i in range(54, 4, -1)]
    assert _summaries(second) == [f"entry {i}" for i in range(4, -1, -1)]
    assert "1 / 2" in first


def test_the_api_lists_the_log(api, bearer, auditor_user, entries):
    response = api.get("/api/v1/audit?action=user.&per_page=1", headers=bearer(auditor_user))
    assert response.status_code == 200
    body = response.get_json()
    assert body["total"] == 2 and body["page"] == 1 and body["per_page"] == 1
    (item,) = body["items"]
    assert item["summary"] == "third" and item["actor_email"] == "anna.admin@example.org"
    assert item["object_type"] == "users" and item["object_id"] == "41"
    assert datetime.fromisoformat(item["at"]) == datetime(2026, 3, 2, 23, 45, tzinfo=clock.ROME)
    dated = api.get("/api/v1/audit?from=2026-03-02&to=2026-03-02", headers=bearer(auditor_user)).get_json()
    assert [i["summary"] for i in dated["items"]] == ["third", "second"]
    bad = api.get("/api/v1/audit?from=2026-13-01", headers=bearer(auditor_user))
    assert bad.status_code == 422 and bad.get_json()["code"] == "validation" and "from" in bad.get_json()["errors"]


def test_nothing_changes_or_deletes_an_entry(app, client, login, admin_user, entries):
    # No route writes to the log: every audit URL answers only GET.
    for rule in app.url_map.iter_rules():
        if "audit" in rule.rule:
            assert rule.methods - {"GET", "HEAD", "OPTIONS"} == set(), rule.rule
    login(admin_user)
    assert client.post("/admin/audit").status_code == 405
    assert client.delete("/api/v1/audit").status_code == 405
    # And the model refuses in-place changes.
    entry = db.session.scalars(sa.select(AuditEntry)).first()
    entry.summary = "rewritten"
    with pytest.raises(AuditLogIsAppendOnly):
        db.session.flush()
    db.session.rollback()


def test_the_database_refuses_to_delete_an_entry(entries):
    """The trigger from the migration, below the ORM."""
    with pytest.raises(sa.exc.DatabaseError):
        with db.session.begin_nested():
            db.session.execute(sa.text("DELETE FROM audit_entries"))
    assert db.session.scalar(sa.select(sa.func.count()).select_from(AuditEntry)) == 3


def test_admin_actions_appear_for_the_auditor(client, login, api, bearer, admin_user, auditor_user, today):
    headers = bearer(admin_user)
    api.post("/api/v1/statute", headers=headers, json={"notice_days": 15, "effective_from": "2027-01-01"})
    api.post("/api/v1/users", headers=headers, json={"email": "new@example.org", "roles": ["member"],
                                                    "password": "initial-password"})
    page = login(auditor_user).get("/admin/audit").get_data(as_text=True)
    # in words: the action, the parameter's name, the values; no codes
    assert "Statute parameter changed" in page and "Convocation notice" in page and "8 → 15" in page
    assert "Login created" in page and "— → Member" in page
    assert "statute.change" not in visible_text(page)
    assert page.count(admin_user.email) == 2


def test_codes_stored_in_the_log_read_in_words(client, login, auditor_user, user_factory):
    """The reason an admission went on without a login and a login's language are stored
    as codes ("staff_login", "en") and shown in words, in the reader's language."""
    anna = user_factory(email="anna.admin@example.org", roles=["admin"])
    audit.record(anna, "application.login_not_linked", object_type="applications", object_id=3,
                 changes={"reason": [None, "staff_login"]})
    audit.record(anna, "user.update", object_type="users", object_id=41,
                 changes={"locale": ["it", "en"]})
    audit.record(anna, "withdrawal.refused", object_type="withdrawal_requests", object_id=2,
                 changes={"reason": [None, "Free text typed by the board"]})
    db.session.flush()
    auditor_user.locale = "it"
    text = visible_text(login(auditor_user).get("/admin/audit").get_data(as_text=True))
    assert "staff_login" not in text and "l'email è un accesso del personale" in text
    assert "Italiano → English" in text
    assert "Free text typed by the board" in text  # a reason typed by people stays as typed
