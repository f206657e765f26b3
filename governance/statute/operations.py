"""Changing statute parameters: dated, validated, audited."""
from __future__ import annotations

from datetime import date
from typing import Any

from flask_babel import gettext as _

from ..core import audit, clock
from ..core.errors import DomainError
from ..extensions import db
from .models import StatuteValue
from .parameters import BY_NAME
from . import words
from .queries import forget_cached_values, value_on


def change_parameters(values: dict[str, Any], effective_from: date, actor, note: str | None = None
                      ) -> list[StatuteValue]:
    """Record new values of one or more parameters from `effective_from`.
    All-or-nothing: one invalid value rejects the whole change."""
    if not values:
        raise DomainError("validation", _("Give at least one parameter to change."), field="name")
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
        audit.record(actor, "statute.change", row, summary=f"{name} from {effective_from.isoformat()}",
                     changes={name: [parameter.dump(previous), parameter.dump(value)]})
    db.session.flush()
    forget_cached_values()
    return created
