"""Changing statute parameters: dated, validated, audited."""
from __future__ import annotations

from datetime import date
from typing import Any

from flask_babel import gettext as _

from ..core import audit, clock, inputs
from ..core.formatting import day
from ..core.errors import DomainError
from ..extensions import db
from .models import StatuteValue
from .parameters import BY_NAME
from . import words
from .queries import forget_cached_values, value_on


def change_parameters(values: dict[str, Any], effective_from: date, actor, note: str | None = None,
                      *, correction: bool = False) -> list[StatuteValue]:
    """Record new values of one or more parameters from `effective_from`.
    All-or-nothing: one invalid value rejects the whole change.

    The past is not rewritten by a change: decisions already taken were taken under
    the values then in force. An `effective_from` before today is only a correction
    of a value entered wrongly (`correction=True`), with its reason in the note, and
    is audited as such ('statute.correction')."""
    if not values:
        raise DomainError("validation", _("Give at least one parameter to change."), field="name")
    try:
        note = inputs.text(note, max_length=2000, multiline=True)
    except inputs.InvalidInput as problem:
        raise DomainError("validation", problem.message, field="note") from None
    retroactive = effective_from < clock.today()
    if retroactive and not correction:
        raise DomainError("retroactive_change", _(
            "%(date)s is in the past: a change applies from today or later. To correct a value "
            "entered wrongly, mark the change as a correction and give the reason.",
            date=day(effective_from)), field="effective_from")
    if retroactive and not note:
        raise DomainError("reasons_required", _("A correction of the past needs its reason in the note."),
                          field="note")
    errors: dict[str, list[str]] = {}
    parsed: dict[str, Any] = {}
    for name, raw in values.items():
        parameter = BY_NAME.get(name)
        if parameter is None:
            errors[name] = [_("Unknown statute parameter.")]
            continue
        try:
            parsed[name] = parameter.parse(raw)
        except ValueError as exc:
            errors[name] = [_("The value %(value)s is not valid: expected %(expected)s.",
                              value=str(raw), expected=words.expected(parameter, exc))]
    if errors:
        raise DomainError("validation", _("Some parameters are not valid."), errors=errors)
    created = []
    for name, value in parsed.items():
        parameter = BY_NAME[name]
        previous = value_on(name, effective_from)
        row = StatuteValue(name=name, value=parameter.to_storage(value), effective_from=effective_from,
                           created_at=clock.now(), created_by_id=getattr(actor, "id", None),
                           created_by_email=getattr(actor, "email", None), note=note)
        db.session.add(row)
        created.append(row)
        audit.record(actor, "statute.correction" if retroactive else "statute.change", row,
                     summary=f"{name} from {effective_from.isoformat()}"
                             + (f": {note}" if retroactive else ""),
                     changes={name: [parameter.dump(previous), parameter.dump(value)]})
    db.session.flush()
    forget_cached_values()
    return created


def cancel_change(value_id: int, actor) -> StatuteValue:
    """Cancel a change that has not applied yet (effective after today): the row goes,
    the audit log keeps what it was. A value already in force is history: it is changed
    by a new change, or corrected (change_parameters with correction=True)."""
    import sqlalchemy as sa

    from ..core.errors import Conflict, NotFound
    row = db.session.scalar(sa.select(StatuteValue).where(StatuteValue.id == value_id).with_for_update())
    if row is None:
        raise NotFound(_("There is no such statute change."))
    if row.effective_from <= clock.today():
        raise Conflict("already_in_force", _(
            "This value has applied since %(date)s: it can no longer be cancelled; record a new "
            "change instead.", date=day(row.effective_from)))
    audit.record(actor, "statute.cancel", row,
                 summary=f"{row.name} {row.value} from {row.effective_from.isoformat()} cancelled",
                 changes={row.name: [row.value, None], "effective_from": [row.effective_from, None]})
    db.session.delete(row)
    db.session.flush()
    forget_cached_values()
    return row
