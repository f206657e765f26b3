"""Reading the statute parameters in force on a day."""
from __future__ import annotations

from datetime import date
from typing import Any

import sqlalchemy as sa
from flask import g, has_app_context

from ..core import clock
from ..extensions import db
from .models import StatuteValue
from .parameters import BY_NAME, PARAMETERS


def _timeline() -> dict[str, list[tuple[date, str]]]:
    """Every dated value, by name, oldest first: the table is tiny (a row per change),
    so it is read once per request (cached on flask.g) and dates are resolved in
    Python; list pages that evaluate a rule per row then cost no query per row."""
    cache = g.get("_statute_timeline") if has_app_context() else None
    if cache is None:
        cache = {}
        rows = db.session.execute(
            sa.select(StatuteValue.name, StatuteValue.effective_from, StatuteValue.value)
            .order_by(StatuteValue.name, StatuteValue.effective_from, StatuteValue.id))
        for name, effective_from, raw in rows:
            cache.setdefault(name, []).append((effective_from, raw))
        if has_app_context():
            g._statute_timeline = cache
    return cache


def forget_cached_values() -> None:
    """Called when a parameter changes, so the same request reads the new value."""
    if has_app_context():
        g.pop("_statute_timeline", None)


def history_of_values(name: str) -> list[tuple[date | None, Any]]:
    """A parameter's values over time, oldest first: [(None, default), (effective_from,
    value), ...]; a later entry on the same day replaces the earlier one."""
    parameter = BY_NAME[name]
    out: list[tuple[date | None, Any]] = [(None, parameter.default)]
    for effective_from, raw in _timeline().get(name, ()):
        if out[-1][0] == effective_from:
            out.pop()
        out.append((effective_from, parameter.parse(raw)))
    return out


def value_on(name: str, on: date | None = None) -> Any:
    """The typed value of one parameter in force on `on` (default: today): the latest
    value effective on or before that day (the later entry wins on the same day)."""
    parameter = BY_NAME[name]
    on = on or clock.today()
    raw = None
    for effective_from, value in _timeline().get(name, ()):
        if effective_from > on:
            break
        raw = value
    return parameter.default if raw is None else parameter.parse(raw)


def parameters_on(on: date | None = None) -> dict[str, Any]:
    """All parameters in force on `on`, in one query."""
    on = on or clock.today()
    rows = db.session.execute(
        sa.select(StatuteValue.name, StatuteValue.value)
        .where(StatuteValue.effective_from <= on)
        .order_by(StatuteValue.name, StatuteValue.effective_from, StatuteValue.id)).all()
    values = {p.name: p.default for p in PARAMETERS}
    for name, raw in rows:  # ascending: the last one per name wins
        if name in BY_NAME:
            values[name] = BY_NAME[name].parse(raw)
    return values


def history(name: str | None = None) -> list[StatuteValue]:
    query = sa.select(StatuteValue).order_by(StatuteValue.effective_from.desc(), StatuteValue.id.desc())
    if name:
        query = query.where(StatuteValue.name == name)
    return list(db.session.scalars(query))


def history_with_authors(name: str | None = None) -> list[tuple[StatuteValue, str | None]]:
    """Every dated value entered, newest effective date first, with the email of who
    entered it (the API's `created_by`)."""
    return [(row, row.created_by_email) for row in history(name)]


def history_with_names(name: str | None = None) -> list[tuple[StatuteValue, str | None]]:
    """The same for people: the login's name (one query for all rows), or the email kept
    on the row when the login is gone."""
    from ..core.audit import actor_names
    rows = history(name)
    names = actor_names({row.created_by_id for row in rows})
    return [(row, names.get(row.created_by_id) or row.created_by_email) for row in rows]


def next_changes_after(on: date) -> dict[str, tuple[date, Any]]:
    """For each parameter, the first change already scheduled after `on`, if any."""
    rows = db.session.execute(
        sa.select(StatuteValue.name, StatuteValue.effective_from, StatuteValue.value)
        .where(StatuteValue.effective_from > on)
        .order_by(StatuteValue.name, StatuteValue.effective_from.desc(), StatuteValue.id)).all()
    upcoming: dict[str, tuple[date, Any]] = {}
    for name, effective_from, raw in rows:  # latest date first, so the earliest one wins
        if name in BY_NAME:
            upcoming[name] = (effective_from, BY_NAME[name].parse(raw))
    return upcoming


def dump_parameters(values: dict[str, Any]) -> dict[str, Any]:
    """Typed values -> JSON-friendly (money and percentages "25.00", fractions "1/2")."""
    return {name: BY_NAME[name].dump(value) for name, value in values.items()}
