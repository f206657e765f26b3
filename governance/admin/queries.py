"""Read helpers of the admin pages and API: users, audit log, outbox."""
from __future__ import annotations

from datetime import date, datetime, time, timedelta

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from ..auth.models import User
from ..core import clock
from ..core.audit import AuditEntry
from ..core.outbox import OutboxAttachment, OutboxMessage
from ..extensions import db


def users_query() -> sa.Select:
    return sa.select(User).options(selectinload(User.roles)).order_by(User.email)


def _start_of_day(day: date) -> datetime:
    """Midnight in Rome: the audit log's days are the cooperative's days."""
    return datetime.combine(day, time(0, 0), tzinfo=clock.ROME)


def audit_query(*, action: str | None = None, actor: str | None = None,
                object_type: str | None = None, object_id: str | None = None,
                date_from: date | None = None, date_to: date | None = None) -> sa.Select:
    """Newest first; `action` is a prefix ("user." matches user.create and user.update),
    `actor` a part of the email, dates are inclusive days in Europe/Rome."""
    query = sa.select(AuditEntry).order_by(AuditEntry.at.desc(), AuditEntry.id.desc())
    if action:
        escaped = action.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        query = query.where(AuditEntry.action.like(escaped + "%", escape="\\"))
    if actor:
        escaped = actor.strip().lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        query = query.where(sa.func.lower(AuditEntry.actor_email).like(f"%{escaped}%", escape="\\"))
    if object_type:
        query = query.where(AuditEntry.object_type == object_type.strip())
    if object_id:
        query = query.where(AuditEntry.object_id == object_id.strip())
    if date_from:
        query = query.where(AuditEntry.at >= _start_of_day(date_from))
    if date_to:
        query = query.where(AuditEntry.at < _start_of_day(date_to + timedelta(days=1)))
    return query


def outbox_query(*, status=None, recipient: str | None = None) -> sa.Select:
    query = sa.select(OutboxMessage).order_by(OutboxMessage.created_at.desc(), OutboxMessage.id.desc())
    if status:
        query = query.where(OutboxMessage.status == status)
    if recipient:
        query = query.where(sa.func.lower(OutboxMessage.recipient) == recipient.strip().lower())
    return query


def outbox_message(message_id: int) -> OutboxMessage | None:
    return db.session.get(OutboxMessage, message_id)


def outbox_attachment(message_id: int, attachment_id: int) -> OutboxAttachment | None:
    return db.session.scalar(sa.select(OutboxAttachment).where(
        OutboxAttachment.id == attachment_id, OutboxAttachment.message_id == message_id))
