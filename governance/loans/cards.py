"""Home-page cards of social loans: the member's own loans; the board's and auditor's
summary with its warnings; the office's work (year end not run, exits to close)."""
from __future__ import annotations

import sqlalchemy as sa

from ..core import clock
from ..extensions import db
from . import queries
from .models import AccountStatus, LoanAccount


def member_card(user) -> dict | None:
    if not getattr(user, "member_id", None):
        return None
    accounts = [a for a in queries.accounts_of(user.member_id) if a.status == AccountStatus.OPEN]
    if not accounts:
        return None
    return {"accounts": accounts, "total": sum((a.balance for a in accounts), queries.ZERO)}


def summary_card(user) -> dict:
    return {"summary": queries.summary(), "missing_years": queries.years_without_year_end()}


def office_card(user) -> dict | None:
    open_accounts = db.session.scalar(sa.select(sa.func.count(LoanAccount.id))
                                      .where(LoanAccount.status == AccountStatus.OPEN))
    return {"open_accounts": open_accounts, "missing_years": queries.years_without_year_end(),
            "last_year": clock.today().year - 1}
