"""Pure rules of the membership lifecycle (DOMAIN.md §3). No database here: operations
read the statute parameters in force and pass them in.

Day counting (our convention, as in DOMAIN.md §4): a term of N days from day D ends on
D + N calendar days, and that last day is still inside the term. So an application
submitted on 1 January 2026 is due on 2 March 2026 (day 60), and a refusal notified on
1 January may be appealed up to and including 2 March; on 3 March (day 61) it is late.
"""
from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

# Rules of the register used by the lifecycle too (re-exported): art. 2525 and art. 2532 c.c.
from ..members.rules import amount_due, withdrawal_effective_on  # noqa: F401


def term_end(start: date, days: int) -> date:
    """Last day of a term of `days` days that starts counting the day after `start`."""
    return start + timedelta(days=days)


def decision_due_on(submitted_on: date, decision_days: int) -> date:
    """art. 2528 c.c.: the board decides an application within 60 days (parameter
    application_decision_days in force on the submission day)."""
    return term_end(submitted_on, decision_days)


def withdrawal_decision_due_on(requested_on: date, decision_days: int) -> date:
    """art. 2532 c.c.: the board decides a withdrawal request within 60 days."""
    return term_end(requested_on, decision_days)


def days_left(due_on: date, today: date) -> int:
    """The countdown shown in the queues: 0 on the due day, negative once overdue."""
    return (due_on - today).days


def is_overdue(due_on: date, today: date) -> bool:
    return today > due_on


def appeal_deadline(notice_on: date, appeal_days: int) -> date:
    """art. 2528 c.c.: the refused applicant may appeal within 60 days of the notice."""
    return term_end(notice_on, appeal_days)


def appeal_in_time(notice_on: date, appeal_days: int, on: date) -> bool:
    return notice_on <= on <= appeal_deadline(notice_on, appeal_days)


def decision_date_problem(decided_on: date, earliest: date, today: date) -> str | None:
    """The date of the board meeting may be neither in the future nor before the
    application (or request) it decides. Returns "future", "before" or None."""
    if decided_on > today:
        return "future"
    if decided_on < earliest:
        return "before"
    return None


def share_refund_due_on(accounts_approved_on: date, refund_days: int) -> date:
    """art. 2535 c.c.: shares are refunded within 180 days of the approval of the
    accounts of the year in which the membership ended."""
    return term_end(accounts_approved_on, refund_days)


def financial_year_of(day: date) -> int:
    """The financial year a day belongs to (the cooperative's year is the calendar year,
    as withdrawal_effective_on assumes)."""
    return day.year


PAID, PARTLY_PAID, UNPAID = "paid", "partly_paid", "unpaid"


def paid_status(paid: Decimal, subscribed_amount: Decimal) -> str:
    """Paid / partly paid / unpaid, as shown on the register entry."""
    if paid >= subscribed_amount:
        return PAID
    if paid > 0:
        return PARTLY_PAID
    return UNPAID
