"""The board's daily digest (BOARD_NOTIFICATIONS=digest): one email a day listing the
applications and withdrawal requests that arrived on that day."""
from __future__ import annotations

from datetime import date, datetime, time, timedelta

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from ...core import clock
from ...extensions import db
from .. import notifications
from ..models import Application, WithdrawalRequest


def send_board_digest(day: date) -> int:
    """Queue the digest of `day` to each board member not yet sent it; the number of
    emails queued (0 when nothing arrived)."""
    start = datetime.combine(day, time(0, 0), tzinfo=clock.ROME)
    end = start + timedelta(days=1)
    applications = list(db.session.scalars(
        sa.select(Application).where(Application.submitted_at >= start, Application.submitted_at < end)
        .order_by(Application.submitted_at, Application.id)))
    withdrawals = list(db.session.scalars(
        sa.select(WithdrawalRequest)
        .where(WithdrawalRequest.requested_at >= start, WithdrawalRequest.requested_at < end)
        .options(selectinload(WithdrawalRequest.member))
        .order_by(WithdrawalRequest.requested_at, WithdrawalRequest.id)))
    return notifications.board_digest(applications, withdrawals, day)
