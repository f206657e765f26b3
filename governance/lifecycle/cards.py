"""Home-page cards and menu counts of the membership lifecycle: what the board has to
decide (applications and withdrawals with their legal deadlines, appeals waiting), what
the secretary has to collect (shares still to be paid), and the member's own card.
Each is a handful of queries, whatever the size of the register."""
from __future__ import annotations

import sqlalchemy as sa

from ..core import clock
from ..extensions import db
from ..members.models import MemberStatus
from ..members.queries import count_shares_due, voting_right_from
from . import queries
from .models import (AdmissionAppeal, AppealStatus, Application, DECIDABLE_STATUSES,
                     WithdrawalRequest, WithdrawalStatus)

SHOWN = 8  # items listed by name on a card; the rest are counted


def count_applications(user) -> int:
    return db.session.scalar(sa.select(sa.func.count(Application.id))
                             .where(Application.status.in_(DECIDABLE_STATUSES))) or 0


def count_withdrawals(user) -> int:
    return db.session.scalar(sa.select(sa.func.count(WithdrawalRequest.id))
                             .where(WithdrawalRequest.status == WithdrawalStatus.PENDING)) or 0


def count_appeals(user) -> int:
    return db.session.scalar(sa.select(sa.func.count(AdmissionAppeal.id))
                             .where(AdmissionAppeal.status == AppealStatus.PENDING)) or 0


def board_card(user) -> dict:
    """Applications and withdrawals to decide, the earliest deadline first (overdue ones
    named with their days late), and appeals waiting for an assembly."""
    today = clock.today()
    applications = queries.application_queue(today)
    withdrawals = queries.withdrawal_queue(today)
    appeals = queries.pending_appeals()
    return {"applications": applications[:SHOWN], "applications_total": len(applications),
            "applications_overdue": sum(1 for row in applications if row.overdue),
            "withdrawals": withdrawals[:SHOWN], "withdrawals_total": len(withdrawals),
            "withdrawals_overdue": sum(1 for row in withdrawals if row.overdue),
            "appeals": appeals[:SHOWN], "appeals_total": len(appeals)}


def secretary_card(user) -> dict:
    return {"shares_due": count_shares_due()}


def member_card(user) -> dict | None:
    """The member's own card: number, admission, shares paid and due, from when they may
    vote, and a withdrawal request waiting for the board."""
    member = getattr(user, "member", None)
    if member is None:
        return None
    active = member.status == MemberStatus.ACTIVE
    return {"member": member, "shares": queries.shares_status(member),
            "voting_from": voting_right_from(member) if active else None,
            "today": clock.today(), "withdrawal": queries.pending_withdrawal(member)}
