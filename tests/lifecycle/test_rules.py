"""The pure rules of the lifecycle at their boundaries (DOMAIN.md §3)."""
from datetime import date, timedelta
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from governance.lifecycle import rules


def test_decision_is_due_on_day_60():
    # Submitted on 1 January 2026: day 60 is 2 March (31 + 28 + 1 = 60).
    assert rules.decision_due_on(date(2026, 1, 1), 60) == date(2026, 3, 2)
    # Leap year: 1 January 2028 + 60 days is 1 March.
    assert rules.decision_due_on(date(2028, 1, 1), 60) == date(2028, 3, 1)


@pytest.mark.parametrize("today, days_left, overdue", [
    (date(2026, 3, 1), 1, False),
    (date(2026, 3, 2), 0, False),   # day 60: due today, not overdue
    (date(2026, 3, 3), -1, True),   # day 61: overdue
])
def test_countdown_around_the_due_day(today, days_left, overdue):
    due = rules.decision_due_on(date(2026, 1, 1), 60)
    assert rules.days_left(due, today) == days_left
    assert rules.is_overdue(due, today) is overdue


@pytest.mark.parametrize("day, in_time", [(0, True), (1, True), (59, True), (60, True), (61, False)])
def test_appeal_in_time_up_to_day_60(day, in_time):
    notice = date(2026, 1, 1)
    assert rules.appeal_in_time(notice, 60, notice + timedelta(days=day)) is in_time
    assert rules.appeal_deadline(notice, 60) == date(2026, 3, 2)


@settings(database=None)  # no .hypothesis/ directory in the working tree
@given(st.dates(min_value=date(2000, 1, 1), max_value=date(2090, 1, 1)),
       st.integers(min_value=1, max_value=365), st.integers(min_value=-5, max_value=400))
def test_appeal_term_is_inclusive_of_its_last_day(notice, days, offset):
    assert rules.appeal_in_time(notice, days, notice + timedelta(days=offset)) is (0 <= offset <= days)


@pytest.mark.parametrize("requested_on, effective_on", [
    (date(2026, 1, 1), date(2026, 12, 31)),
    (date(2026, 9, 30), date(2026, 12, 31)),   # exactly three months before the year end
    (date(2026, 10, 1), date(2027, 12, 31)),   # one day later: close of the next year
    (date(2026, 12, 31), date(2027, 12, 31)),
    (date(2028, 9, 30), date(2028, 12, 31)),   # leap year, same boundary
])
def test_withdrawal_effective_date(requested_on, effective_on):
    """DOMAIN.md §3.4: close of this financial year if requested at least 3 months before
    it, otherwise close of the next one (art. 2532 c.c.)."""
    assert rules.withdrawal_effective_on(requested_on) == effective_on


@settings(database=None)
@given(st.dates(min_value=date(2000, 1, 1), max_value=date(2090, 12, 31)))
def test_withdrawal_takes_effect_at_a_year_end_at_least_three_months_later(requested_on):
    effective = rules.withdrawal_effective_on(requested_on)
    assert (effective.month, effective.day) == (12, 31)
    assert effective.year in (requested_on.year, requested_on.year + 1)
    assert (effective - requested_on).days >= 92  # 30 Sep -> 31 Dec


def test_share_refund_due_180_days_after_the_accounts():
    assert rules.share_refund_due_on(date(2027, 4, 28), 180) == date(2027, 10, 25)


@pytest.mark.parametrize("decided_on, problem", [
    (date(2026, 11, 27), "future"),
    (date(2026, 11, 26), None),
    (date(2026, 11, 1), None),
    (date(2026, 10, 31), "before"),
])
def test_decision_date(decided_on, problem):
    assert rules.decision_date_problem(decided_on, date(2026, 11, 1), date(2026, 11, 26)) == problem


def test_amount_due_and_paid_status():
    assert rules.amount_due(3, Decimal("25.00")) == Decimal("75.00")
    assert rules.paid_status(Decimal("75.00"), Decimal("75.00")) == rules.PAID
    assert rules.paid_status(Decimal("25.00"), Decimal("75.00")) == rules.PARTLY_PAID
    assert rules.paid_status(Decimal("0.00"), Decimal("75.00")) == rules.UNPAID
