"""Home-page cards and menu counts of administration: the auditor's recent changes
and exports, the administrator's failed emails and logins."""
from __future__ import annotations

import sqlalchemy as sa

from ..auth.models import User
from ..core.audit import AuditEntry
from ..core.outbox import OutboxMessage, OutboxStatus
from ..extensions import db

RECENT = 6


def count_failed_emails(user) -> int:
    return db.session.scalar(sa.select(sa.func.count(OutboxMessage.id))
                             .where(OutboxMessage.status == OutboxStatus.FAILED)) or 0


def auditor_card(user) -> dict:
    entries = list(db.session.scalars(sa.select(AuditEntry).order_by(
        AuditEntry.at.desc(), AuditEntry.id.desc()).limit(RECENT)))
    return {"entries": entries}


def admin_card(user) -> dict:
    failed = count_failed_emails(user)
    users, inactive = db.session.execute(sa.select(
        sa.func.count(User.id),
        sa.func.count(User.id).filter(User.is_active_account.is_(False)))).one()
    return {"failed": failed, "users": users, "inactive": inactive}
