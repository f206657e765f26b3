"""The audit log: who did what, when, to which object, what changed. Append-only."""
from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.orm import Mapped, Session, mapped_column

from ..extensions import db
from .types import AwareDateTime
from . import clock


class AuditEntry(db.Model):
    __tablename__ = "audit_entries"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(AwareDateTime(), nullable=False, index=True)
    actor_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL"), nullable=True, index=True)
    actor_email: Mapped[str | None] = mapped_column(sa.String(254), nullable=True)
    action: Mapped[str] = mapped_column(sa.String(80), nullable=False, index=True)
    object_type: Mapped[str | None] = mapped_column(sa.String(40), nullable=True)
    object_id: Mapped[str | None] = mapped_column(sa.String(40), nullable=True)
    summary: Mapped[str | None] = mapped_column(sa.Text, nullable=True)
    changes: Mapped[dict | None] = mapped_column(sa.JSON, nullable=True)

    __table_args__ = (sa.Index("ix_audit_entries_object", "object_type", "object_id"),)


class AuditLogIsAppendOnly(RuntimeError):
    pass


@event.listens_for(Session, "before_flush")
def _refuse_audit_changes(session, flush_context, instances):
    for obj in list(session.dirty) + list(session.deleted):
        if isinstance(obj, AuditEntry):
            raise AuditLogIsAppendOnly("audit entries are never changed or deleted")


def _plain(value: Any) -> Any:
    if isinstance(value, Decimal):
        return f"{value:.2f}" if value == value.quantize(Decimal("0.01")) else str(value)
    if isinstance(value, datetime | date):
        return value.isoformat()
    if hasattr(value, "value") and not isinstance(value, str | int):
        return value.value  # enums
    return value


def changes_between(before: dict, after: dict) -> dict:
    """{field: [old, new]} for the fields that differ."""
    out = {}
    for key in sorted(set(before) | set(after)):
        old, new = _plain(before.get(key)), _plain(after.get(key))
        if old != new:
            out[key] = [old, new]
    return out


def record(actor, action: str, obj=None, *, summary: str | None = None,
           changes: dict | None = None, object_type: str | None = None,
           object_id: Any = None) -> AuditEntry:
    """Append one entry in the current transaction (so it commits or rolls back with
    the change it describes)."""
    if obj is not None:
        object_type = object_type or getattr(obj, "__tablename__", type(obj).__name__)
        if object_id is None and getattr(obj, "id", None) is None:
            db.session.flush()  # give a new object its id before naming it
        if object_id is None:
            object_id = getattr(obj, "id", None)
    entry = AuditEntry(
        at=clock.now(),
        actor_id=getattr(actor, "id", None),
        actor_email=getattr(actor, "email", None),
        action=action,
        object_type=object_type,
        object_id=None if object_id is None else str(object_id),
        summary=summary,
        changes={k: [_plain(v[0]), _plain(v[1])] for k, v in (changes or {}).items()} or None,
    )
    db.session.add(entry)
    return entry
