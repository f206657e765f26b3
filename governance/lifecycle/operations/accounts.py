"""The approval of a year's accounts, which starts the share refunds of that year's
exits (art. 2535 c.c.)."""
from __future__ import annotations

from datetime import date

import sqlalchemy as sa
from flask_babel import gettext as _

from ...core import audit, clock
from ...core.errors import Conflict
from ...core.formatting import day
from ...core.inputs import Problems
from ...extensions import db
from ...statute.queries import value_on
from .. import notifications, queries, rules
from ..models import AccountsApproval
from .common import parse_date


def refund_due_after(approval: AccountsApproval) -> date:
    """art. 2535 c.c.: share_refund_days (in force on the approval day) after it."""
    return rules.share_refund_due_on(approval.approved_on,
                                     value_on("share_refund_days", approval.approved_on))


def refund_due_on(effective_on: date) -> date | None:
    approval = db.session.scalar(sa.select(AccountsApproval).where(
        AccountsApproval.financial_year == rules.financial_year_of(effective_on)))
    return refund_due_after(approval) if approval is not None else None


def record_accounts_approval(data: dict, actor) -> AccountsApproval:
    """The board records the day a financial year's accounts were approved: the share
    refunds of that year's exits fall due share_refund_days later (art. 2535 c.c.)."""
    today = clock.today()
    problems = Problems()
    year = None
    try:
        raw = data.get("year")
        if isinstance(raw, bool) or raw in (None, ""):
            raise ValueError
        year = int(str(raw).strip())
    except ValueError:
        problems.add("year", _("Give the financial year, e.g. %(year)d.", year=today.year - 1))
    approved_on = parse_date(data.get("approved_on"), "approved_on", problems)
    if year is not None:
        if not 1900 <= year < today.year:
            problems.add("year", _("The accounts of %(year)d cannot be approved yet: the year has "
                                   "not ended.", year=year) if year >= today.year else
                         _("Not a plausible year."))
        elif approved_on is not None and approved_on <= date(year, 12, 31):
            problems.add("approved_on", _("The accounts of %(year)d are approved after the year "
                                          "ends.", year=year))
    if approved_on is not None and approved_on > today:
        problems.add("approved_on", _("The date %(date)s is in the future.", date=day(approved_on)))
    problems.raise_if_any()
    existing = db.session.scalar(sa.select(AccountsApproval).where(AccountsApproval.financial_year == year))
    if existing is not None:
        raise Conflict("already_recorded", _("The approval of the %(year)d accounts was already "
                                             "recorded (%(date)s).", year=year,
                                             date=day(existing.approved_on)))
    approval = AccountsApproval(financial_year=year, approved_on=approved_on, recorded_at=clock.now(),
                                recorded_by_id=getattr(actor, "id", None))
    db.session.add(approval)
    db.session.flush()
    due_on = refund_due_after(approval)
    exits = queries.exits_in_year(year)
    for exit_ in exits:
        exit_.refund_due_on = due_on
        notifications.refund_due(exit_.member, exit_, approval)
    db.session.flush()
    audit.record(actor, "accounts.approved", approval,
                 summary=f"accounts {year} approved on {approved_on.isoformat()}: "
                         f"{len(exits)} refund(s) due {due_on.isoformat()}")
    return approval
