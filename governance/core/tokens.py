"""Signed, expiring tokens for links and applicant access (itsdangerous), on the one
clock, so links expire when tests or the demo move time.

A token only proves that the server issued `payload` at some moment. Single use is the
caller's part: it puts a value in the payload that the use changes (a login's random
session version, an application's access version) and compares it when the token
comes back. Nothing derived from a password hash goes into a token.
"""
from __future__ import annotations

from datetime import datetime
from typing import Any

from flask import current_app
from itsdangerous import BadSignature, SignatureExpired, TimestampSigner, URLSafeTimedSerializer

from . import clock


class ClockTimestampSigner(TimestampSigner):
    """itsdangerous reads time.time(); the platform's clock is governance.core.clock."""

    def get_timestamp(self) -> int:
        return int(clock.now().timestamp())


class TokenInvalid(Exception):
    """Forged, damaged, or made for another purpose."""


class TokenExpired(TokenInvalid):
    """Genuine but older than its maximum age."""


def _serializer(purpose: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.secret_key, salt=purpose,
                                  signer=ClockTimestampSigner)


def sign(purpose: str, payload: Any) -> str:
    """A URL-safe token carrying `payload` (JSON), valid for `purpose` only."""
    return _serializer(purpose).dumps(payload)


def load(purpose: str, token: str, max_age: int) -> tuple[Any, datetime]:
    """(payload, issued_at) of a token made by sign(purpose, ...) at most `max_age`
    seconds ago; TokenExpired or TokenInvalid otherwise."""
    try:
        return _serializer(purpose).loads(token, max_age=max_age, return_timestamp=True)
    except SignatureExpired:
        raise TokenExpired() from None
    except (BadSignature, UnicodeError, ValueError):
        raise TokenInvalid() from None
