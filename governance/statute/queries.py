"""Reading the statute parameters in force on a day."""
from __future__ import annotations

from datetime import date
from typing import Any

import sqlalchemy as sa

from ..core import clock
from ..extensions import db
from .models import StatuteValue
from .parameters import BY_NAME, PARAMETERS


def value_on(name: str, on: date | None = None) -> Any:
    """The typed value of one parameter in force on `on` (default: today)."""
    parameter = BY_NAME[name]
    on = on or clock.today()
    raw = db.session.scalar(
        sa.select(StatuteValue.value)
        .where(StatuteValue.name == name, StatuteValue.effective_from <= on)
        .order_by(StatuteValue.effective_from.desc(), StatuteValue.id.desc())
        .limit(1))
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
