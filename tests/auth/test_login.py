"""Logging in and out through the pages, and the `users create` command."""
from __future__ import annotations

import pytest
import sqlalchemy as sa

from governance.auth.models import User
from governance.extensions import db

PASSWORD = "password-1234"  # the factories' default


def _login(client, email, password, next_=None):
    url = "/login" + (f"?next={next_}" if next_ is not None else "")
    return client.post(url, data={"email": email, "password": password})


def test_login_page_is_public(client):
    page = client.get("/login")
    assert page.status_code == 200
    assert 'name="email"' in page.get_data(as_text=True)
    assert 'href="/password/forgot"' in page.get_data(as_text=True)


def test_login_with_the_right_password_opens_a_session(client, user_factory, today):
    user = user_factory(email="anna@example.org", roles=["member"])
    response = _login(client, "Anna@Example.org ", PASSWORD)
    assert response.status_code == 302
    assert response.headers["Location"] == "/"
    # The session now carries the user: the profile page opens.
    assert client.get("/profile").status_code == 200
    db.session.refresh(user)
    assert user.last_login_at is not None


def test_a_wrong_password_is_refused_with_a_message_next_to_the_field(client, user_factory):
    user_factory(email="anna@example.org", roles=["member"])
    response = _login(client, "anna@example.org", "not-the-password")
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "Email or password is not correct." in page
    assert 'id="password-errors"' in page
    assert client.get("/profile").status_code == 302  # still anonymous


def test_an_unknown_email_gets_the_same_message_as_a_wrong_password(client):
    response = _login(client, "nobody@example.org", "whatever-password")
    assert response.status_code == 422
    assert "Email or password is not correct." in response.get_data(as_text=True)


def test_an_inactive_account_cannot_log_in(client, user_factory):
    user_factory(email="late@example.org", roles=["member"], is_active_account=False)
    response = _login(client, "late@example.org", PASSWORD)
    assert response.status_code == 422
    assert "This account is not active yet." in response.get_data(as_text=True)
    assert client.get("/profile").status_code == 302


def test_missing_fields_are_reported(client):
    response = client.post("/login", data={"email": "", "password": ""})
    assert response.status_code == 422
    assert 'id="email-errors"' in response.get_data(as_text=True)


@pytest.mark.parametrize("target,expected", [
    ("/statute", "/statute"),
    ("/members?q=rossi", "/members?q=rossi"),
    ("https://evil.example.com/", "/"),
    ("//evil.example.com/path", "/"),
    ("/\\evil.example.com", "/"),
    ("javascript:alert(1)", "/"),
    ("evil.example.com", "/"),
])
def test_next_redirects_only_to_local_paths(client, user_factory, target, expected):
    from urllib.parse import quote
    user_factory(email="anna@example.org", roles=["admin"])
    response = _login(client, "anna@example.org", PASSWORD, next_=quote(target, safe=""))
    assert response.status_code == 302
    assert response.headers["Location"] == expected


def test_a_protected_page_sends_to_login_and_back(client, user_factory):
    user_factory(email="anna@example.org", roles=["admin"])
    response = client.get("/statute?on=2026-01-01")
    assert response.status_code == 302
    location = response.headers["Location"]
    assert location.startswith("/login?next=")
    response = client.post(location, data={"email": "anna@example.org", "password": PASSWORD})
    assert response.headers["Location"] == "/statute?on=2026-01-01"


def test_logout_ends_the_session(client, user_factory, login):
    user = user_factory(roles=["member"])
    login(user)
    assert client.get("/profile").status_code == 200
    response = client.post("/logout")
    assert response.status_code == 302
    assert client.get("/profile").status_code == 302
    assert "You have logged out." in client.get("/").get_data(as_text=True)


def test_logout_is_not_a_get(client, user_factory, login):
    login(user_factory(roles=["member"]))
    assert client.get("/logout").status_code == 405
    assert client.get("/profile").status_code == 200


def test_login_uses_the_users_language(client, user_factory):
    user_factory(email="anna@example.org", roles=["member"], locale="en")
    _login(client, "anna@example.org", PASSWORD)
    assert '<html lang="en">' in client.get("/").get_data(as_text=True)


# --- the bootstrap command ------------------------------------------------------------

@pytest.mark.real_hashing
def test_users_create_command_creates_a_login_that_works(app, client, member_factory):
    member = member_factory(first_name="Anna", last_name="Bianchi")
    db.session.commit()
    runner = app.test_cli_runner()
    result = runner.invoke(args=["users", "create", "--email", "Segreteria@Example.org",
                                 "--password", "a-long-password", "--role", "secretary",
                                 "--role", "member", "--member", str(member.number)])
    assert result.exit_code == 0, result.output
    assert "created user segreteria@example.org" in result.output
    user = db.session.scalar(sa.select(User).where(User.email == "segreteria@example.org"))
    assert {r.value for r in user.role_set} == {"secretary", "member"}
    assert user.member_id == member.id
    assert user.password_hash.startswith("scrypt:")
    assert _login(client, "segreteria@example.org", "a-long-password").status_code == 302


@pytest.mark.parametrize("args,message", [
    (["--password", "short", "--role", "admin"], "at least 10 characters"),
    (["--password", "a-long-password", "--role", "admin", "--member", "424242"], "no member with register number 424242"),
])
def test_users_create_command_refuses_bad_input(app, args, message):
    # The request context works around governance.select_locale() reading the session
    # outside a request (reported to the lead); the command itself runs as from a shell.
    with app.test_request_context():
        result = app.test_cli_runner().invoke(args=["users", "create", "--email", "x@example.org", *args])
    assert result.exit_code != 0
    assert message in result.output
    assert db.session.scalar(sa.select(User).where(User.email == "x@example.org")) is None


def test_users_create_command_refuses_a_duplicate_email(app, user_factory):
    user_factory(email="taken@example.org", roles=["member"])
    db.session.commit()
    with app.test_request_context():  # see test_users_create_command_refuses_bad_input
        result = app.test_cli_runner().invoke(args=["users", "create", "--email", "taken@example.org",
                                                    "--password", "a-long-password", "--role", "admin"])
    assert result.exit_code != 0
    assert "already exists" in result.output

