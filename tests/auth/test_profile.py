"""The profile page: language, password, personal API tokens; CSRF on forms."""
from __future__ import annotations

import re

import pytest
import sqlalchemy as sa

from governance.auth.models import ApiToken
from governance.core import clock
from governance.core.audit import AuditEntry
from governance.extensions import db

RAW_TOKEN = re.compile(r"<code[^>]*>(gov_[A-Za-z0-9_\-]+)</code>")


def _tokens(user):
    return db.session.scalars(sa.select(ApiToken).where(ApiToken.user_id == user.id)
                              .order_by(ApiToken.id)).all()


def test_the_profile_shows_who_i_am(client, login, user_factory, member_factory):
    member = member_factory(first_name="Anna", last_name="Bianchi", number=42)
    user = user_factory(email="anna@example.org", full_name="Anna Bianchi", roles=["member"], member=member)
    page = login(user).get("/profile").get_data(as_text=True)
    assert "anna@example.org" in page and "Anna Bianchi" in page
    assert re.search(r"Register number</dt><dd[^>]*>42<", page)


def test_switching_the_language_changes_the_page(client, login, user_factory, today):
    user = user_factory(roles=["member"], locale="it")
    login(user)
    before = client.get("/profile").get_data(as_text=True)
    assert '<html lang="it">' in before
    # Dates are written the Italian way...
    assert re.search(r'id="account-created">26 novembre 2026\b', before)
    response = client.post("/profile", data={"pref-locale": "en"})
    assert response.status_code == 302
    after = client.get("/profile").get_data(as_text=True)
    assert '<html lang="en">' in after
    # ...and now the English way, with English selected in the language menu.
    assert re.search(r'id="account-created">November 26, 2026\b', after)
    assert '<option selected value="en">English</option>' in after or \
        '<option value="en" selected>English</option>' in after
    db.session.refresh(user)
    assert user.locale == "en"
    # The preference belongs to the account: a new session starts in English.
    client.post("/logout")
    fresh = login(user).get("/").get_data(as_text=True)
    assert '<html lang="en">' in fresh


def test_an_unknown_language_is_refused(client, login, user_factory):
    user = user_factory(roles=["member"], locale="it")
    response = login(user).post("/profile", data={"pref-locale": "fr"})
    assert response.status_code == 422
    assert 'id="pref-locale-errors"' in response.get_data(as_text=True)
    db.session.refresh(user)
    assert user.locale == "it"


def test_change_password(client, login, user_factory):
    user = user_factory(email="anna@example.org", roles=["member"])
    login(user)
    wrong = client.post("/profile/password", data={
        "pw-current_password": "not-my-password", "pw-new_password": "new-password-1",
        "pw-confirm": "new-password-1"})
    assert wrong.status_code == 422
    assert "The current password is not correct." in wrong.get_data(as_text=True)
    short = client.post("/profile/password", data={
        "pw-current_password": "password-1234", "pw-new_password": "short", "pw-confirm": "short"})
    assert short.status_code == 422
    assert "at least 10 characters" in short.get_data(as_text=True)
    ok = client.post("/profile/password", data={
        "pw-current_password": "password-1234", "pw-new_password": "new-password-1",
        "pw-confirm": "new-password-1"})
    assert ok.status_code == 302
    client.post("/logout")
    assert client.post("/login", data={"email": "anna@example.org",
                                       "password": "new-password-1"}).status_code == 302


def test_create_a_token_shows_it_once_and_it_works(client, login, api, user_factory, today):
    user = user_factory(roles=["secretary"])
    login(user)
    response = client.post("/profile/tokens", data={"token-name": "spreadsheet"})
    assert response.status_code == 201
    assert response.headers["Cache-Control"] == "no-store"
    page = response.get_data(as_text=True)
    raw = RAW_TOKEN.search(page).group(1)
    (token,) = _tokens(user)
    assert token.name == "spreadsheet" and raw.startswith(token.prefix)
    assert token.token_hash != raw and raw not in token.token_hash
    # The listing shows the token but never its raw value again.
    listing = client.get("/profile").get_data(as_text=True)
    assert "spreadsheet" in listing and token.prefix in listing and raw not in listing
    assert "never" in listing  # not used yet
    me = api.get("/api/v1/auth/me", headers={"Authorization": f"Bearer {raw}"})
    assert me.status_code == 200 and me.get_json()["email"] == user.email
    db.session.refresh(token)
    assert token.last_used_at == clock.now()


def test_a_token_needs_a_name(client, login, user_factory):
    user = user_factory(roles=["auditor"])
    response = login(user).post("/profile/tokens", data={"token-name": ""})
    assert response.status_code == 422
    assert 'id="token-name-errors"' in response.get_data(as_text=True)
    assert _tokens(user) == []


def test_revoke_a_token(client, login, api, user_factory, today):
    user = user_factory(roles=["board"])
    login(user)
    raw = RAW_TOKEN.search(client.post("/profile/tokens", data={"token-name": "old"})
                           .get_data(as_text=True)).group(1)
    (token,) = _tokens(user)
    response = client.post(f"/profile/tokens/{token.id}/revoke")
    assert response.status_code == 302
    db.session.refresh(token)
    assert token.revoked_at == clock.now()
    assert "revoked on" in client.get("/profile").get_data(as_text=True)
    assert api.get("/api/v1/auth/me", headers={"Authorization": f"Bearer {raw}"}).status_code == 401


def test_nobody_revokes_someone_elses_token(client, login, user_factory, today):
    owner = user_factory(roles=["member"])
    intruder = user_factory(roles=["admin"])
    from governance.auth.operations import issue_token
    token, _ = issue_token(owner, "mine", 30)
    response = login(intruder).post(f"/profile/tokens/{token.id}/revoke")
    assert response.status_code == 404
    db.session.refresh(token)
    assert token.revoked_at is None


def test_token_actions_of_a_privileged_user_are_audited(client, login, user_factory, today):
    board = user_factory(email="board@example.org", roles=["board"])
    auditor = user_factory(email="auditor@example.org", roles=["auditor"])
    for user in (board, auditor):
        login(user)
        client.post("/profile/tokens", data={"token-name": "t"})
        client.post(f"/profile/tokens/{_tokens(user)[0].id}/revoke")
        client.post("/logout")
    entries = db.session.scalars(sa.select(AuditEntry).order_by(AuditEntry.id)).all()
    assert [(e.action, e.actor_email) for e in entries] == [
        ("token.create", "board@example.org"), ("token.revoke", "board@example.org")]
    assert entries[0].object_type == "api_tokens"


def test_plain_members_are_not_shown_api_tokens(client, login, user_factory):
    member = user_factory(roles=["member"])
    page = login(member).get("/profile").get_data(as_text=True)
    assert "Personal API tokens" not in page
    assert client.post("/profile/tokens", data={"token-name": "x"}).status_code == 403
    assert _tokens(member) == []


# --- CSRF --------------------------------------------------------------------------------

@pytest.fixture
def csrf_on(app, monkeypatch):
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", True)


CSRF_FIELD = re.compile(r'name="(?:[a-z]+-)?csrf_token" type="hidden" value="([^"]+)"|'
                        r'name="csrf_token" value="([^"]+)"')


def _csrf_token(page: str) -> str:
    match = CSRF_FIELD.search(page)
    return match.group(1) or match.group(2)


def test_forms_refuse_a_post_without_the_csrf_token(csrf_on, client, login, user_factory):
    user = user_factory(email="anna@example.org", roles=["member"], locale="it")
    refused = client.post("/login", data={"email": "anna@example.org", "password": "password-1234"})
    assert refused.status_code == 400
    assert client.get("/profile").status_code == 302  # not logged in
    login(user)
    assert client.post("/profile", data={"pref-locale": "en"}).status_code == 400
    assert client.post("/logout").status_code == 400
    assert client.post("/profile/tokens", data={"token-name": "x"}).status_code == 400
    db.session.refresh(user)
    assert user.locale == "it" and _tokens(user) == []


def test_forms_accept_a_post_with_the_csrf_token(csrf_on, client, user_factory):
    user_factory(email="anna@example.org", roles=["secretary"])
    token = _csrf_token(client.get("/login").get_data(as_text=True))
    response = client.post("/login", data={"email": "anna@example.org", "password": "password-1234",
                                           "csrf_token": token})
    assert response.status_code == 302
    page = client.get("/profile").get_data(as_text=True)
    response = client.post("/profile/tokens", data={"token-name": "x",
                                                    "token-csrf_token": _csrf_token(page)})
    assert response.status_code == 201


def test_the_api_needs_no_csrf_token(csrf_on, api, user_factory):
    user_factory(email="anna@example.org", roles=["member"])
    response = api.post("/api/v1/auth/tokens", json={"email": "anna@example.org", "password": "password-1234"})
    assert response.status_code == 201


def test_changing_the_password_ends_the_other_sessions(app, user_factory):
    from tests.core.clients import make_client
    user = user_factory(roles=["member"], password="old-password-123")
    laptop, phone = make_client(app), make_client(app)
    for device in (laptop, phone):
        response = device.post("/login", data={"email": user.email, "password": "old-password-123"})
        assert response.status_code == 302
    assert phone.get("/profile").status_code == 200
    response = laptop.post("/profile/password", data={
        "pw-current_password": "old-password-123", "pw-new_password": "new-password-456",
        "pw-confirm": "new-password-456"})
    assert response.status_code == 302
    assert laptop.get("/profile").status_code == 200          # the device that changed it stays in
    assert phone.get("/profile").status_code == 302           # the other one is logged out
    assert "/login" in phone.get("/profile").headers["Location"]
