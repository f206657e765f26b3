"""Limits per client address (core.limits, Flask-Limiter): public applications
(APPLY_RATE_LIMIT) and failed sign-ins across every email (LOGIN_ADDRESS_FAILURE_LIMIT).
Each test speaks from its own address, so the counts of one never reach another (the
storage may be Redis, shared by the whole run: RATELIMIT_STORAGE_URI)."""
from __future__ import annotations

import itertools
import secrets

import pytest

from governance.core.limits import limiter
from tests.lifecycle import factories as applications

_HOSTS = itertools.count(1)


@pytest.fixture
def address():
    """An address of the documentation range nobody else uses in this run, nor in an
    earlier run whose counts a Redis storage still keeps."""
    return f"2001:db8::{secrets.token_hex(2)}:{secrets.token_hex(2)}:{next(_HOSTS)}"


def _from(address):
    return {"environ_base": {"REMOTE_ADDR": address}}


def test_the_storage_is_the_configured_one(app):
    """RATELIMIT_STORAGE_URI decides where counts live (CI runs once with Redis)."""
    scheme = app.config["RATELIMIT_STORAGE_URI"].split(":")[0]
    assert scheme in type(limiter.limiter.storage).__name__.lower()
    assert limiter.limiter.storage.check()  # reachable


def test_applications_are_limited_per_address_with_a_problem_and_retry_after(
        app, client, monkeypatch, today, address):
    monkeypatch.setitem(app.config, "APPLY_RATE_LIMIT", "2 per hour")
    for _ in range(2):
        response = client.post("/api/v1/applications", json=applications.application_data(),
                               **_from(address))
        assert response.status_code == 201, response.json
    refused = client.post("/api/v1/applications", json=applications.application_data(),
                          **_from(address))
    assert refused.status_code == 429
    assert refused.mimetype == "application/problem+json"
    assert refused.json["code"] == "too_many_requests"
    assert 0 < int(refused.headers["Retry-After"]) <= 3600
    # the HTML form shares the limit (one action, two doors); reading it is free
    assert client.get("/apply", **_from(address)).status_code == 200
    assert client.post("/apply", data={}, **_from(address)).status_code == 429
    # another address is not slowed down
    other = client.post("/api/v1/applications", json=applications.application_data(),
                        **_from(address + "0"))
    assert other.status_code == 201


def test_the_default_apply_limit_is_ten_an_hour():
    from config import Config
    assert Config.APPLY_RATE_LIMIT == "10 per hour"
    assert Config.LOGIN_ADDRESS_FAILURE_LIMIT == "30 per 15 minutes"


def test_failed_logins_across_many_emails_are_limited_per_address(
        app, client, monkeypatch, user_factory, address):
    """Password spraying: one password tried on many accounts never trips the per-email
    lock; the address's failures do."""
    monkeypatch.setitem(app.config, "LOGIN_ADDRESS_FAILURE_LIMIT", "3 per 15 minutes")
    user = user_factory(password="right-password-1")
    for n in range(3):
        response = client.post("/login", data={"email": f"victim{n}@example.org",
                                               "password": "Password2026!"}, **_from(address))
        assert response.status_code == 422
    for refused in (
            client.post("/login", data={"email": user.email, "password": "right-password-1"},
                        **_from(address)),
            client.post("/api/v1/auth/tokens", json={"email": user.email,
                                                     "password": "right-password-1"},
                        **_from(address)),
            client.post("/api/v1/applications/tokens", json={"email": "x@example.org",
                                                             "password": "whatever-123"},
                        **_from(address))):
        assert refused.status_code == 429
        assert 0 < int(refused.headers["Retry-After"]) <= 15 * 60
    assert "Too many failed attempts from your connection" in \
        client.post("/login", data={"email": user.email, "password": "x"},
                    **_from(address)).get_data(as_text=True)
    # the same account from another address logs in: the limit is the address's
    ok = client.post("/login", data={"email": user.email, "password": "right-password-1"},
                     **_from(address + "1"))
    assert ok.status_code == 302


def test_successful_logins_do_not_count(app, client, monkeypatch, user_factory, address):
    monkeypatch.setitem(app.config, "LOGIN_ADDRESS_FAILURE_LIMIT", "2 per 15 minutes")
    user = user_factory(password="right-password-1")
    for _ in range(4):
        response = client.post("/login", data={"email": user.email, "password": "right-password-1"},
                               **_from(address))
        assert response.status_code == 302
        client.post("/logout")
