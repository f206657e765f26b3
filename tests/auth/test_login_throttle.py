"""Password guessing is slowed down: after 5 failed logins for an email within 15
minutes, even the right password is refused until the window has passed."""

import sqlalchemy as sa

from governance.auth.models import LoginThrottle
from governance.core import clock


def _login(client, email, password):
    return client.post("/login", data={"email": email, "password": password})


def test_failures_are_remembered_although_the_request_fails(client, user_factory, today, _db):
    user = user_factory(password="right-password-1")
    response = _login(client, user.email, "wrong")
    assert response.status_code == 422
    row = _db.scalar(sa.select(LoginThrottle))
    assert (row.key, row.attempts) == (user.email, 1)


def test_fifth_failure_still_allows_a_try_and_the_sixth_attempt_is_refused(client, user_factory, today):
    user = user_factory(password="right-password-1")
    for _ in range(4):
        assert _login(client, user.email, "wrong").status_code == 422
    assert _login(client, user.email, "wrong").status_code == 422      # the 5th failure
    refused = _login(client, user.email, "right-password-1")            # 6th attempt
    assert refused.status_code == 429
    assert "Too many failed attempts" in refused.get_data(as_text=True)
    assert 0 < int(refused.headers["Retry-After"]) <= 15 * 60
    clock.advance(minutes=16)  # the window has passed
    assert _login(client, user.email, "right-password-1").status_code == 302


def test_four_failures_then_the_right_password_logs_in_and_resets_the_count(client, user_factory, today):
    user = user_factory(password="right-password-1")
    for _ in range(4):
        _login(client, user.email, "wrong")
    assert _login(client, user.email, "right-password-1").status_code == 302
    client.post("/logout")
    clock.advance(minutes=1)
    for _ in range(4):  # a fresh count after the successful login
        assert _login(client, user.email, "wrong").status_code == 422
    assert _login(client, user.email, "right-password-1").status_code == 302


def test_the_api_token_endpoint_is_throttled_too(client, user_factory, today):
    user = user_factory(password="right-password-1")
    for _ in range(5):
        response = client.post("/api/v1/auth/tokens", json={"email": user.email, "password": "x"})
        assert response.status_code == 401
    response = client.post("/api/v1/auth/tokens", json={"email": user.email, "password": "right-password-1"})
    assert response.status_code == 429
    assert response.mimetype == "application/problem+json"
    assert response.get_json()["code"] == "too_many_attempts"
    assert 0 < int(response.headers["Retry-After"]) <= 15 * 60
