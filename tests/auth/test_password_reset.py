"""Forgotten password: an emailed, signed, time-limited, single-use link."""
from __future__ import annotations

import re

import sqlalchemy as sa

from governance.core import clock
from governance.core.audit import AuditEntry
from governance.core.outbox import OutboxMessage
from governance.extensions import db

SAME_ANSWER = "If an account exists for this email, we have sent it a link to set a new password."
LINK = re.compile(r"(https?://\S+/password/reset/(\S+))")


def _outbox(recipient=None):
    query = sa.select(OutboxMessage).order_by(OutboxMessage.id)
    if recipient:
        query = query.where(OutboxMessage.recipient == recipient)
    return db.session.scalars(query).all()


def _ask(client, email):
    return client.post("/password/forgot", data={"email": email}, follow_redirects=True)


def _link_for(client, email) -> tuple[str, str]:
    _ask(client, email)
    (message,) = _outbox(email)
    url, token = LINK.search(message.body).groups()
    return url, token


def _reset(client, token, password, confirm=None):
    return client.post(f"/password/reset/{token}",
                       data={"password": password, "confirm": confirm or password})


def _can_log_in(client, email, password) -> bool:
    response = client.post("/login", data={"email": email, "password": password})
    client.post("/logout")
    return response.status_code == 302


def test_the_whole_reset_flow(app, client, user_factory, today):
    user_factory(email="anna@example.org", roles=["member"])
    page = _ask(client, "anna@example.org")
    assert SAME_ANSWER in page.get_data(as_text=True)
    (message,) = _outbox("anna@example.org")
    assert message.topic == "password_reset"
    url, token = LINK.search(message.body).groups()
    # An absolute link on the configured public address.
    assert url.startswith(app.config["PUBLIC_BASE_URL"] + "/password/reset/")
    form = client.get(f"/password/reset/{token}")
    assert form.status_code == 200
    assert form.headers["Referrer-Policy"] == "no-referrer"
    response = _reset(client, token, "a-brand-new-password")
    assert response.status_code == 302
    assert response.headers["Location"] == "/login"
    assert _can_log_in(client, "anna@example.org", "a-brand-new-password")
    assert not _can_log_in(client, "anna@example.org", "password-1234")


def test_the_link_works_once(client, user_factory, today):
    user_factory(email="anna@example.org", roles=["member"])
    _, token = _link_for(client, "anna@example.org")
    assert _reset(client, token, "first-new-password").status_code == 302
    again = client.get(f"/password/reset/{token}")
    assert again.status_code == 400
    assert "already been used" in again.get_data(as_text=True)
    second = _reset(client, token, "second-new-password")
    assert second.status_code == 400
    assert _can_log_in(client, "anna@example.org", "first-new-password")


def test_the_link_expires_after_the_configured_time(app, client, user_factory, today):
    user_factory(email="anna@example.org", roles=["member"])
    _, token = _link_for(client, "anna@example.org")
    max_age = app.config["PASSWORD_RESET_MAX_AGE"]
    clock.advance(seconds=max_age - 60)
    assert client.get(f"/password/reset/{token}").status_code == 200
    clock.advance(seconds=120)
    response = _reset(client, token, "too-late-password")
    assert response.status_code == 400
    assert "This link has expired. Ask for a new one." in response.get_data(as_text=True)
    assert 'href="/password/forgot"' in response.get_data(as_text=True)
    assert _can_log_in(client, "anna@example.org", "password-1234")


def test_an_unknown_email_gets_the_same_answer_and_no_email(client):
    page = _ask(client, "nobody@example.org")
    assert page.status_code == 200
    assert SAME_ANSWER in page.get_data(as_text=True)
    assert _outbox() == []


def test_an_inactive_account_gets_no_email(client, user_factory):
    user_factory(email="gone@example.org", roles=["member"], is_active_account=False)
    assert SAME_ANSWER in _ask(client, "gone@example.org").get_data(as_text=True)
    assert _outbox() == []


def test_a_forged_or_garbled_token_is_refused_without_crashing(app, client, user_factory, today):
    user = user_factory(email="anna@example.org", roles=["member"])
    from itsdangerous import URLSafeTimedSerializer
    forged = URLSafeTimedSerializer("another-secret", salt="password-reset").dumps(
        {"user": user.id, "fingerprint": "x"})
    for token in (forged, "garbage", "a.b.c"):
        response = client.get(f"/password/reset/{token}")
        assert response.status_code == 400
        assert "This link is not valid. Ask for a new one." in response.get_data(as_text=True)


def test_the_new_password_is_checked(client, user_factory, today):
    user_factory(email="anna@example.org", roles=["member"])
    _, token = _link_for(client, "anna@example.org")
    short = _reset(client, token, "short")
    assert short.status_code == 422
    assert "at least 10 characters" in short.get_data(as_text=True)
    different = _reset(client, token, "long-enough-one", "long-enough-two")
    assert different.status_code == 422
    assert "The two passwords differ." in different.get_data(as_text=True)
    # Failed attempts do not use the link up.
    assert _reset(client, token, "long-enough-one").status_code == 302


def test_the_email_is_in_the_users_language(client, user_factory):
    user_factory(email="anna@example.org", roles=["member"], locale="en")
    _, token = _link_for(client, "anna@example.org")
    (message,) = _outbox()
    assert "open this link within 2 hours" in message.body


def test_an_admin_resetting_their_password_is_audited(client, user_factory, today):
    admin = user_factory(email="admin@example.org", roles=["admin"])
    _, token = _link_for(client, "admin@example.org")
    _reset(client, token, "a-brand-new-password")
    entry = db.session.scalar(sa.select(AuditEntry).where(AuditEntry.action == "user.password_reset"))
    assert entry.actor_id == admin.id
    assert "a-brand-new-password" not in str(entry.changes) + (entry.summary or "")


def test_reset_through_the_api(api, user_factory, today):
    user_factory(email="anna@example.org", roles=["member"])
    response = api.post("/api/v1/auth/password-reset", json={"email": "anna@example.org"})
    assert response.status_code == 202
    unknown = api.post("/api/v1/auth/password-reset", json={"email": "nobody@example.org"})
    assert unknown.status_code == 202 and unknown.get_json() == response.get_json()
    (message,) = _outbox()
    _, token = LINK.search(message.body).groups()
    short = api.post(f"/api/v1/auth/password-reset/{token}", json={"password": "short"})
    assert short.status_code == 422
    assert short.get_json()["errors"] == {"password": ["The password must be at least 10 characters long."]}
    assert api.post(f"/api/v1/auth/password-reset/{token}", json={"password": "api-new-password"}).status_code == 200
    used = api.post(f"/api/v1/auth/password-reset/{token}", json={"password": "api-new-password"})
    assert used.status_code == 400
    assert used.get_json()["code"] == "token_invalid"
    login = api.post("/api/v1/auth/tokens", json={"email": "anna@example.org", "password": "api-new-password"})
    assert login.status_code == 201
