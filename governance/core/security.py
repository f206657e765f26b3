"""What every response and the production configuration owe to security, in one place.

- Production refuses to start with settings that give the platform away: a missing,
  default or short SECRET_KEY (anyone knowing it forges applicant tokens, reset links
  and sessions) or a PUBLIC_BASE_URL that is not https (links in emails, cookies sent
  in clear). The message names the variable to fix.
- Every response carries the browser's protections: a Content-Security-Policy allowing
  this site only (scripts and styles need the request's nonce when inline), no framing
  (`frame-ancestors 'none'` and `X-Frame-Options: DENY`), `nosniff`, a Referrer-Policy,
  HSTS when HSTS_SECONDS is set (production), and `Cache-Control: no-store` on every
  page and API answer (they hold personal data); only static files may be cached.
- Behind a reverse proxy the client's address and scheme come from X-Forwarded-For and
  X-Forwarded-Proto only when TRUSTED_PROXIES says how many proxies stand in front
  (werkzeug's ProxyFix); otherwise anyone could claim any address and escape the
  per-address limits (core.limits).
"""
from __future__ import annotations

import secrets
from urllib.parse import urlsplit

from flask import g, request
from werkzeug.middleware.proxy_fix import ProxyFix

# The development default in config.py: known to anyone who read the code.
DEFAULT_SECRET_KEYS = frozenset({"dev-only-change-me", "test-secret", "change-me", "secret"})
MIN_SECRET_KEY_LENGTH = 32
# Responses of these endpoints may be cached by the browser (no personal data).
CACHEABLE_ENDPOINTS = frozenset({"static", "bootstrap.static", "core.swagger_assets"})


class UnsafeConfiguration(RuntimeError):
    """Production settings that must be fixed before the platform starts."""


def check_production_settings(config) -> None:
    """Raise UnsafeConfiguration naming every variable to fix."""
    problems = []
    secret = config.get("SECRET_KEY")
    if not secret or not isinstance(secret, str):
        problems.append("SECRET_KEY is not set: set it to a random value of at least "
                        f"{MIN_SECRET_KEY_LENGTH} characters (python -c 'import secrets; "
                        "print(secrets.token_urlsafe(48))').")
    elif secret in DEFAULT_SECRET_KEYS:
        problems.append("SECRET_KEY is the development default, known to anyone: set a random "
                        f"value of at least {MIN_SECRET_KEY_LENGTH} characters.")
    elif len(secret) < MIN_SECRET_KEY_LENGTH:
        problems.append(f"SECRET_KEY is {len(secret)} characters long: it must be at least "
                        f"{MIN_SECRET_KEY_LENGTH}.")
    base_url = config.get("PUBLIC_BASE_URL") or ""
    parts = urlsplit(base_url)
    if parts.scheme != "https" or not parts.netloc:
        problems.append(f"PUBLIC_BASE_URL must be an https:// address (got {base_url!r}): "
                        "links in emails and cookies must not travel in clear.")
    if problems:
        raise UnsafeConfiguration("Refusing to start in production:\n- " + "\n- ".join(problems))


def trust_proxies(app, count: int) -> None:
    """Read the client's address, scheme and host from the `count` proxies in front."""
    if count > 0:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=count, x_proto=count, x_host=count)


def csp_nonce() -> str:
    """This request's nonce for the few inline <style>/<script> blocks (templates write
    `nonce="{{ csp_nonce() }}"`)."""
    nonce = g.get("csp_nonce")
    if nonce is None:
        nonce = g.csp_nonce = secrets.token_urlsafe(18)
    return nonce


def content_security_policy(nonce: str) -> str:
    return "; ".join([
        "default-src 'self'",
        f"script-src 'self' 'nonce-{nonce}'",
        f"style-src 'self' 'nonce-{nonce}'",
        # data: for Bootstrap's inline SVG icons and the empty favicon
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ])


def add_security_headers(response):
    headers = response.headers
    headers.setdefault("Content-Security-Policy", content_security_policy(csp_nonce()))
    headers.setdefault("X-Frame-Options", "DENY")
    headers.setdefault("X-Content-Type-Options", "nosniff")
    headers.setdefault("Referrer-Policy", "same-origin")
    headers.setdefault("Cross-Origin-Opener-Policy", "same-origin")
    from flask import current_app
    hsts = current_app.config.get("HSTS_SECONDS")
    if hsts:
        headers.setdefault("Strict-Transport-Security", f"max-age={int(hsts)}; includeSubDomains")
    if request.endpoint not in CACHEABLE_ENDPOINTS and "Cache-Control" not in headers:
        headers["Cache-Control"] = "no-store"
    return response


def init_app(app) -> None:
    trust_proxies(app, int(app.config.get("TRUSTED_PROXIES") or 0))
    app.jinja_env.globals["csp_nonce"] = csp_nonce
    app.after_request(add_security_headers)
