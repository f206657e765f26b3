"""Guards on credentials that the issue's probe broke (issue 6): a new or reset password
revokes the API tokens, a token cannot mint one that outlives it, and no password
field takes more than the 200 characters the login form accepts (a 7 MB password was
hashed by the API)."""
from __future__ import annotations

from datetime import timedelta

import pytest

from governance.auth.operations import issue_token, password_reset_token
from governance.core import clock
from governance.extensions import db

SEVEN_MB = "p" * (7 * 1024 * 1024)


def _auth(raw):
    return {"Authorization": f"Bearer {raw}"}


def test_a_password_reset_revokes_every_api_token(api, user_factory, today):
    user = user_factory(roles=["auditor"])
    _, first = issue_token(user, "script", 30)
    _, second = issue_token(user, "laptop", 30)
    db.session.flush()
    assert api.get("/api/v1/auth/me", headers=_auth(first)).status_code == 200
    response = api.post(f"/api/v1/auth/password-reset/{password_reset_token(user)}",
                        json={"password": "a-brand-new-password"})
    assert response.status_code == 200 and response.get_json()["tokens_revoked"] == 2
    for raw in (first, second):
        assert api.get("/api/v1/auth/me", headers=_auth(raw)).status_code == 401


def test_a_token_cannot_mint_one_that_outlives_it(api, user_factory, today):
    user = user_factory(roles=["auditor"])
    _, parent = issue_token(user, "short-lived", 5)
    db.session.flush()
    longer = api.post("/api/v1/auth/tokens/new", headers=_auth(parent), json={"name": "x", "days": 6})
    assert longer.status_code == 422 and "days" in longer.get_json()["errors"]
    default = api.post("/api/v1/auth/tokens/new", headers=_auth(parent), json={"name": "x"})
    assert default.status_code == 422  # the default (API_TOKEN_DAYS) would outlive it too
    same = api.post("/api/v1/auth/tokens/new", headers=_auth(parent), json={"name": "x", "days": 5})
    assert same.status_code == 201
    clock.advance(days=1)  # four days left: five is now too many
    later = api.post("/api/v1/auth/tokens/new", headers=_auth(parent), json={"name": "y", "days": 5})
    assert later.status_code == 422


@pytest.mark.parametrize("path,body", [
    ("/api/v1/auth/tokens", {"email": "anna@example.org", "password": SEVEN_MB}),
    ("/api/v1/applications/tokens", {"email": "anna@example.org", "password": SEVEN_MB}),
    ("/api/v1/applications", None),
])
def test_no_public_endpoint_takes_a_7_mb_password(api, path, body, today):
    from tests.lifecycle.factories import application_data
    response = api.post(path, json=body or application_data(password=SEVEN_MB))
    assert response.status_code == 422
    assert "password" in response.get_json()["errors"]


def test_no_password_change_or_reset_takes_a_7_mb_password(api, user_factory, bearer, today):
    user = user_factory(roles=["member"])
    change = api.post("/api/v1/auth/password", headers=bearer(user),
                      json={"current_password": "password-1234", "new_password": SEVEN_MB})
    assert change.status_code == 422 and "new_password" in change.get_json()["errors"]
    reset = api.post(f"/api/v1/auth/password-reset/{password_reset_token(user)}",
                     json={"password": SEVEN_MB})
    assert reset.status_code == 422 and "password" in reset.get_json()["errors"]
    assert api.get("/api/v1/auth/me", headers=bearer(user)).status_code == 200  # nothing changed
