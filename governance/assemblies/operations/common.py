"""What the assembly use cases share: loading and locking, reading times, statute values."""
from __future__ import annotations

from datetime import datetime, timezone

import sqlalchemy as sa
from flask_babel import gettext as _

from ...core import inputs
from ...core.errors import Conflict, DomainError, NotFound
from ...extensions import db
from ..models import Assembly, AssemblyStatus
from ..rules import ROME


def get_assembly(assembly_id: int) -> Assembly:
    assembly = db.session.get(Assembly, assembly_id)
    if assembly is None:
        raise NotFound(_("There is no assembly %(id)d.", id=assembly_id))
    return assembly


def lock(assembly: Assembly) -> Assembly:
    """Re-read the assembly with its row locked (SELECT ... FOR UPDATE on PostgreSQL): every
    change of its state and every proxy given for it waits for the previous one."""
    db.session.flush()
    db.session.execute(sa.select(Assembly.id).where(Assembly.id == assembly.id).with_for_update())
    db.session.refresh(assembly)
    return assembly


def moment(raw, *, required: bool = True) -> datetime | None:
    """A date and time: ISO 8601 with an offset (API), or without one (a form's
    datetime-local field), then read in Rome, where the cooperative meets."""
    if isinstance(raw, datetime):
        value = raw
    else:
        text = inputs.text(raw, max_length=40, required=required)
        if text is None:
            return None
        try:
            value = datetime.fromisoformat(text.replace("Z", "+00:00"))
        except ValueError:
            raise inputs.InvalidInput(_("Not a date and time (use YYYY-MM-DD HH:MM).")) from None
    if value.tzinfo is None:
        value = value.replace(tzinfo=ROME)
    return value.astimezone(timezone.utc)


def require_status(assembly: Assembly, *allowed: AssemblyStatus, message: str | None = None) -> None:
    if assembly.status not in allowed:
        raise Conflict("wrong_status", message or _("Not possible while the assembly is %(status)s.",
                                                    status=assembly.status.label.lower()))


def refuse(code: str, message: str, field: str | None = None, status: int | None = None):
    raise DomainError(code, message, field=field, status=status)
