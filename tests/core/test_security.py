"""Security of the configuration and of every answer (issue 6): production refuses
unsafe settings, cookies are Secure and SameSite there, every response carries the
browser's protections, proxies are trusted only when told, and nothing redirects off
the site."""
from __future__ import annotations

import re
from pathlib import Path

import pytest
from flask import Flask, request

from config import ProductionConfig
from governance import create_app
from governance.core.security import UnsafeConfiguration, check_production_settings, trust_proxies

TEMPLATES = Path(__file__).resolve().parents[2] / "templates"
GOOD = {"SECRET_KEY": "k" * 32, "PUBLIC_BASE_URL": "https://soci.example.org"}


# --- production settings ----------------------------------------------------------------

def test_good_production_settings_pass():
    check_production_settings(GOOD)


@pytest.mark.parametrize("secret", [None, "", "dev-only-change-me", "k" * 31])
def test_production_refuses_a_missing_default_or_short_secret_key(secret):
    with pytest.raises(UnsafeConfiguration, match="SECRET_KEY"):
        check_production_settings({**GOOD, "SECRET_KEY": secret})


@pytest.mark.parametrize("url", ["http://soci.example.org", "", "https://", "soci.example.org"])
def test_production_refuses_a_public_base_url_that_is_not_https(url):
    with pytest.raises(UnsafeConfiguration, match="PUBLIC_BASE_URL"):
        check_production_settings({**GOOD, "PUBLIC_BASE_URL": url})


def test_the_production_app_does_not_start_with_the_default_key():
    with pytest.raises(UnsafeConfiguration, match="SECRET_KEY"):
        create_app("production", SECRET_KEY="dev-only-change-me",
                   PUBLIC_BASE_URL="https://soci.example.org")


def test_production_cookies_are_secure_and_same_site(app, client, user_factory, monkeypatch):
    for name in ("SESSION_COOKIE_SECURE", "SESSION_COOKIE_SAMESITE", "REMEMBER_COOKIE_SECURE",
                 "REMEMBER_COOKIE_SAMESITE", "REMEMBER_COOKIE_HTTPONLY"):
        monkeypatch.setitem(app.config, name, getattr(ProductionConfig, name))
    user = user_factory(password="right-password-1")
    response = client.post("/login", data={"email": user.email, "password": "right-password-1",
                                           "remember": "y"})
    assert response.status_code == 302
    cookies = {c.split("=", 1)[0]: c for c in response.headers.getlist("Set-Cookie")}
    for name in ("session", "remember_token"):
        assert "; Secure" in cookies[name] and "SameSite=Lax" in cookies[name], cookies[name]
    assert "HttpOnly" in cookies["remember_token"]


# --- sessions and remember-me cookies -----------------------------------------------------

def _remember_cookie(app, user):
    """Log in with "remember me" in a fresh browser; return the remember-me cookie."""
    from tests.core.clients import make_client
    browser = make_client(app)
    response = browser.post("/login", data={"email": user.email, "password": "right-password-1",
                                            "remember": "y"})
    assert response.status_code == 302
    return browser.get_cookie("remember_token").value


def _with_only(app, cookie):
    from tests.core.clients import make_client
    copy = make_client(app)
    copy.set_cookie("remember_token", cookie)
    return copy


def test_logging_out_ends_a_copied_remember_me_cookie(app, client, user_factory):
    user = user_factory(password="right-password-1", roles=["member"])
    stolen = _remember_cookie(app, user)
    assert _with_only(app, stolen).get("/profile").status_code == 200  # it works while logged in
    client.post("/login", data={"email": user.email, "password": "right-password-1"})
    client.post("/logout")
    assert _with_only(app, stolen).get("/profile").status_code == 302


def test_logging_out_ends_a_copied_session_cookie(app, client, user_factory):
    from tests.core.clients import make_client
    user = user_factory(password="right-password-1", roles=["member"])
    client.post("/login", data={"email": user.email, "password": "right-password-1"})
    copy = make_client(app)
    copy.set_cookie("session", client.get_cookie("session").value)
    assert copy.get("/profile").status_code == 200
    client.post("/logout")
    assert copy.get("/profile").status_code == 302


def test_nothing_derived_from_the_password_hash_is_in_links_or_cookies(client, user_factory):
    """Links and cookies carry the random session version, never the hash or a digest
    of it (itsdangerous payloads are only signed, anyone can read them)."""
    import base64
    import hashlib
    import json as json_module
    from governance.auth.operations import password_reset_token
    from governance.lifecycle.access import activation_token
    user = user_factory(password="right-password-1", roles=["member"])
    client.post("/login", data={"email": user.email, "password": "right-password-1",
                                "remember": "y"})
    salt, digest = user.password_hash.split("$")[1:3]
    secrets_of_hash = {salt, digest, hashlib.sha256(user.password_hash.encode()).hexdigest()[:16]}

    def payload(token: str) -> dict:
        head = token.split(".")[0]
        return json_module.loads(base64.urlsafe_b64decode(head + "=" * (-len(head) % 4)))
    for token in (password_reset_token(user), activation_token(user, 1)):
        data = payload(token)
        assert data["v"] == user.session_version
        assert not any(part in token or part in str(data) for part in secrets_of_hash)
    for name in ("session", "remember_token"):
        cookie = client.get_cookie(name).value
        assert not any(part in cookie for part in secrets_of_hash), name


def test_a_session_of_a_user_without_password_cannot_be_forged(client, user_factory):
    """The session names a random version, not anything derived from the (empty)
    password hash: knowing the SECRET_KEY and the user id is not enough."""
    import hashlib
    user = user_factory(password_hash=None, roles=["member"])
    for guess in ("", hashlib.sha256(b"").hexdigest(), "None", user.password_hash or ""):
        with client.session_transaction() as session:
            session["_user_id"] = f"{user.id}.{guess}"
            session["_fresh"] = True
        assert client.get("/profile").status_code == 302, guess


# --- headers on every answer ----------------------------------------------------------------

def _csp(response) -> dict[str, str]:
    return {part.split()[0]: part for part in response.headers["Content-Security-Policy"].split("; ")}


@pytest.mark.parametrize("path", ["/", "/login", "/apply", "/api/v1/statute", "/no-such-page"])
def test_every_answer_carries_the_security_headers(client, path):
    response = client.get(path)
    csp = _csp(response)
    assert csp["default-src"] == "default-src 'self'"
    assert csp["frame-ancestors"] == "frame-ancestors 'none'"
    assert "unsafe-inline" not in response.headers["Content-Security-Policy"]
    assert re.fullmatch(r"script-src 'self' 'nonce-[\w-]+'", csp["script-src"])
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "same-origin"
    assert response.headers["Cache-Control"] == "no-store"
    assert "Strict-Transport-Security" not in response.headers  # development: no HSTS


def test_each_answer_has_its_own_nonce_and_the_page_uses_it(client):
    first, second = client.get("/apply"), client.get("/apply")
    nonce = re.search(r"'nonce-([\w-]+)'", first.headers["Content-Security-Policy"])[1]
    assert nonce not in second.headers["Content-Security-Policy"]
    assert f'<style nonce="{nonce}">' in first.get_data(as_text=True)


def test_hsts_in_production(app, client, monkeypatch):
    monkeypatch.setitem(app.config, "HSTS_SECONDS", ProductionConfig.HSTS_SECONDS)
    assert client.get("/").headers["Strict-Transport-Security"] == \
        "max-age=31536000; includeSubDomains"


def test_static_files_may_be_cached(client):
    response = client.get("/static/apply.js")
    assert response.status_code == 200
    assert response.headers.get("Cache-Control") != "no-store"
    assert response.headers["X-Content-Type-Options"] == "nosniff"


def test_the_api_docs_page_runs_its_script_with_the_nonce(client):
    response = client.get("/api/v1/docs")
    nonce = re.search(r"'nonce-([\w-]+)'", response.headers["Content-Security-Policy"])[1]
    assert f'<script nonce="{nonce}">' in response.get_data(as_text=True)


def test_no_template_has_an_inline_script_or_style_without_the_nonce():
    """CSP 'self': an inline <script>/<style> needs the nonce, and style="" attributes
    (which no nonce allows) are classes instead."""
    problems = []
    for path in TEMPLATES.rglob("*.html"):
        text = path.read_text()
        for tag in re.findall(r"<(?:script|style)\b[^>]*>", text):
            if "src=" not in tag and "csp_nonce()" not in tag:
                problems.append(f"{path.name}: {tag}")
        if re.search(r"\sstyle=\"", text) or re.search(r"\son[a-z]+=\"", text):
            problems.append(f"{path.name}: inline style or event handler attribute")
    assert problems == []


# --- proxies ------------------------------------------------------------------------------

def _seen_address(count: int, headers: dict) -> tuple[str, str]:
    tiny = Flask("proxied")
    tiny.add_url_rule("/", "who", lambda: f"{request.remote_addr} {request.scheme}")
    trust_proxies(tiny, count)
    return tuple(tiny.test_client().get("/", headers=headers, environ_base={
        "REMOTE_ADDR": "10.0.0.2"}).get_data(as_text=True).split())


def test_forwarded_headers_are_ignored_unless_proxies_are_trusted(app):
    forwarded = {"X-Forwarded-For": "203.0.113.9", "X-Forwarded-Proto": "https"}
    assert _seen_address(0, forwarded) == ("10.0.0.2", "http")
    assert _seen_address(1, forwarded) == ("203.0.113.9", "https")
    # two hops claimed, one proxy trusted: the address the proxy itself saw counts
    assert _seen_address(1, {"X-Forwarded-For": "198.51.100.1, 203.0.113.9"})[0] == "203.0.113.9"
    assert app.config["TRUSTED_PROXIES"] == 0 and not hasattr(app.wsgi_app, "x_for")


# --- bodies the parser cannot take ----------------------------------------------------------

def test_json_nested_100000_deep_is_a_400(client):
    body = "[" * 100_000 + "]" * 100_000
    response = client.post("/api/v1/applications", data=body, content_type="application/json")
    assert response.status_code == 400
    assert response.mimetype == "application/problem+json"
    assert response.get_json()["code"] == "malformed"


# --- redirects stay on the site ---------------------------------------------------------------

@pytest.mark.parametrize("target", ["/\t/evil.example", "/\n/evil.example", "//evil.example",
                                    "https://evil.example/", "/\\evil.example", " //evil.example"])
def test_the_language_switch_goes_back_only_to_a_path_of_this_site(client, target):
    response = client.post("/language", data={"lang": "en", "next": target})
    assert response.status_code == 302
    assert response.headers["Location"] == "/"


def test_the_language_switch_goes_back_to_the_page(client):
    response = client.post("/language", data={"lang": "en", "next": "/apply?x=1"})
    assert response.headers["Location"] == "/apply?x=1"


def test_the_register_number_lookup_never_follows_the_referer(client, login, secretary_user):
    login(secretary_user)
    response = client.get("/members/lifecycle?number=abc",
                          headers={"Referer": "https://evil.example/phish"})
    assert response.status_code == 302
    assert response.headers["Location"] == "/board/withdrawals"
