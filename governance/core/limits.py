"""Limits per client address (Flask-Limiter), once for every domain (habit 17).

Two uses:
- `per_address(SETTING, scope)` decorates the views that share one limit (the HTML form
  and the API of one action), e.g. public applications: APPLY_RATE_LIMIT;
- `refuse_if_exhausted` / `count` let an operation count only what failed, e.g. failed
  logins from one address across every email (password spraying):
  LOGIN_ADDRESS_FAILURE_LIMIT. The per-email lock stays in auth.throttling.

Limits are settings in Flask-Limiter's words ("10 per hour", "30 per 15 minutes"); the
counts live in RATELIMIT_STORAGE_URI (memory:// by default, Redis in production so
every worker shares them). The client address is request.remote_addr, which comes
from X-Forwarded-For only when TRUSTED_PROXIES says so (core.security). Too many
answers 429: problem+json on the API, a page otherwise, both with Retry-After.
"""
from __future__ import annotations

import time

from flask import current_app, request
from flask_babel import gettext as _
from flask_limiter import Limiter
from limits import parse

from .errors import DomainError


def client_address() -> str:
    return request.remote_addr or "unknown"


limiter = Limiter(key_func=client_address, headers_enabled=True)


class TooManyRequests(DomainError):
    """429, with the seconds to wait (sent as Retry-After)."""

    status = 429

    def __init__(self, message: str, retry_after: int, code: str = "too_many_requests"):
        super().__init__(code, message)
        self.retry_after = max(1, int(retry_after))


def per_address(setting: str, scope: str):
    """At most config[setting] POSTs per client address, shared by every view decorated
    with the same scope."""
    return limiter.shared_limit(lambda: current_app.config[setting], scope=scope,
                                methods=["POST"])


def _active() -> bool:
    return limiter.enabled and current_app.config.get("RATELIMIT_ENABLED", True) \
        and getattr(limiter, "limiter", None) is not None


def refuse_if_exhausted(setting: str, scope: str, address: str | None) -> None:
    """TooManyRequests if `address` already used up config[setting] within its window."""
    if not address or not _active():
        return
    item = parse(current_app.config[setting])
    if limiter.limiter.test(item, scope, address):
        return
    reset_at, _remaining = limiter.limiter.get_window_stats(item, scope, address)
    wait = max(1, int(reset_at - time.time()) + 1)
    raise TooManyRequests(_("Too many failed attempts from your connection: try again in "
                            "%(minutes)d minutes.", minutes=(wait + 59) // 60), wait)


def count(setting: str, scope: str, address: str | None) -> None:
    """One more use of config[setting] for `address` (e.g. a failed login)."""
    if address and _active():
        limiter.limiter.hit(parse(current_app.config[setting]), scope, address)


def init_app(app) -> None:
    app.config.setdefault("RATELIMIT_STORAGE_URI", "memory://")
    limiter.init_app(app)
