"""Slowing down password guessing, once for logins and applicants (one mechanism).

Per key (an email): every attempt is counted BEFORE the password is checked, by one
atomic upsert, so forty parallel guesses get forty distinct counts and only the first
LOGIN_MAX_FAILURES are checked at all. A success deletes the count; failures keep it
(committed although the request fails). After the window the count starts again.
Per client address, core.limits (Flask-Limiter) adds a limit on failures across all
emails (LOGIN_ADDRESS_FAILURE_LIMIT), counted in auth.operations.authenticate.
"""
from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa
from flask import current_app
from flask_babel import gettext as _

from ..core import clock
from ..core.limits import TooManyRequests
from ..core.request_cycle import keep_changes_despite_error
from ..extensions import db
from .models import LoginThrottle


def _upsert(dialect: str):
    if dialect == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert
    return insert


def count_attempt(key: str) -> None:
    """Count one attempt for `key`; refuse it (429 too_many_attempts) when the window
    already holds the maximum. The count is kept even if the request then fails."""
    config = current_app.config
    now = clock.now()
    window = timedelta(minutes=config["LOGIN_FAILURE_WINDOW_MINUTES"])
    cutoff = now - window
    key = key[:270]
    insert = _upsert(db.session.get_bind().dialect.name)
    table = LoginThrottle.__table__
    expired = table.c.window_start <= cutoff
    statement = insert(table).values(key=key, window_start=now, attempts=1)
    statement = statement.on_conflict_do_update(
        index_elements=[table.c.key],
        set_={"attempts": sa.case((expired, 1), else_=table.c.attempts + 1),
              "window_start": sa.case((expired, now), else_=table.c.window_start)},
    ).returning(table.c.attempts, table.c.window_start)
    attempts, window_start = db.session.execute(statement).one()
    keep_changes_despite_error()
    if attempts > config["LOGIN_MAX_FAILURES"]:
        if window_start.tzinfo is None:
            window_start = window_start.replace(tzinfo=now.tzinfo)
        seconds = max(1, int((window_start + window - now).total_seconds()))
        wait = seconds // 60 + 1
        raise TooManyRequests(_(
            "Too many failed attempts for this account: try again in %(minutes)d minutes, "
            "or reset the password.", minutes=wait), seconds, code="too_many_attempts")


def clear(key: str) -> None:
    """A success starts the count again."""
    db.session.execute(sa.delete(LoginThrottle).where(LoginThrottle.key == key[:270]))
