"""Table-driven and property-based tests of the social-loan rules (DOMAIN.md §6; no
database: the rules are pure)."""
from __future__ import annotations

import calendar
from datetime import date, timedelta
from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from governance.core.money import CENT
from governance.loans import rules
from governance.loans.rules import Movement, Problem, YearInterest

D = Decimal
TWO_PERCENT = [(date(2000, 1, 1), D("2.00"))]
MEMBER_CAP = D("43736.62")


def interest_day_by_day(opening, movements, rates, start, end) -> Fraction:
    """The convention read literally, one day at a time: the oracle for the fast sum."""
    moves = [Movement(*m) for m in movements]
    total, day = Fraction(0), start
    while day <= end:
        balance = opening + sum((m.amount for m in moves if (m.earns_from or m.value_date) <= day), D(0))
        rate = rules.rate_in_force(rates, day) or D(0)
        total += Fraction(balance) * Fraction(rate) / 100 / (366 if calendar.isleap(day.year) else 365)
        day += timedelta(days=1)
    return total


# --- interest: DOMAIN.md §6 ---------------------------------------------------------------------

def test_domain_worked_example_to_the_cent():
    deposit = [(date(2025, 3, 1), D("10000.00"))]
    unrounded = rules.unrounded_interest(D("0.00"), deposit, TWO_PERCENT,
                                         date(2025, 1, 1), date(2025, 12, 31))
    assert unrounded == Fraction(10000 * 2 * 306, 100 * 365)
    assert rules.year_interest(D("0.00"), deposit, TWO_PERCENT, 2025) == \
        YearInterest(D("167.67"), D("43.59"), D("124.08"))


def test_a_leap_year_has_366_days():
    # The whole of 2024 at 2% is exactly 2% (with 365 days it would be 200.55).
    assert rules.year_interest(D("10000.00"), [], TWO_PERCENT, 2024).gross == D("200.00")
    # The worked example one year earlier: 306 days of 366.
    deposit = [(date(2024, 3, 1), D("10000.00"))]
    assert rules.year_interest(D("0.00"), deposit, TWO_PERCENT, 2024) == \
        YearInterest(D("167.21"), D("43.47"), D("123.74"))


def test_a_period_across_a_leap_and_a_common_year_uses_each_days_own_year():
    interest = rules.unrounded_interest(D("3650.00"), [], TWO_PERCENT, date(2024, 12, 1), date(2025, 1, 31))
    assert interest == Fraction(3650 * 2, 100) * (Fraction(31, 366) + Fraction(31, 365))


def test_a_rate_change_mid_year_applies_from_its_effective_date():
    rates = [(date(2020, 1, 1), D("2.00")), (date(2025, 7, 1), D("3.00"))]
    unrounded = rules.unrounded_interest(D("10000.00"), [], rates, date(2025, 1, 1), date(2025, 12, 31))
    assert unrounded == Fraction(10000, 365) * (Fraction(2, 100) * 181 + Fraction(3, 100) * 184)
    assert rules.year_interest(D("10000.00"), [], rates, 2025) == \
        YearInterest(D("250.41"), D("65.11"), D("185.30"))


def test_no_rate_in_force_earns_nothing_and_a_rate_never_applies_before_its_date():
    rates = [(date(2025, 12, 31), D("3.65"))]
    assert rules.rate_in_force(rates, date(2025, 12, 30)) is None
    # Only 31 December earns: 10,000 x 3.65% / 365 = 1.00.
    assert rules.year_interest(D("10000.00"), [], rates, 2025).gross == D("1.00")
    assert rules.unrounded_interest(D("10000.00"), [], [], date(2025, 1, 1), date(2025, 12, 31)) == 0


def test_a_deposit_valued_on_31_december_earns_one_day():
    deposit = [(date(2025, 12, 31), D("10000.00"))]
    assert rules.accrued_interest(D("0.00"), deposit, TWO_PERCENT, date(2025, 12, 31)) == Fraction(200, 365)
    assert rules.year_interest(D("0.00"), deposit, TWO_PERCENT, 2025) == \
        YearInterest(D("0.55"), D("0.14"), D("0.41"))


def test_a_withdrawal_of_the_whole_balance_stops_earning_that_day():
    on_first = [(date(2025, 1, 1), D("-10000.00"))]
    assert rules.year_interest(D("10000.00"), on_first, TWO_PERCENT, 2025).gross == D("0.00")
    on_second = [(date(2025, 1, 2), D("-10000.00"))]
    assert rules.unrounded_interest(D("10000.00"), on_second, TWO_PERCENT, date(2025, 1, 1),
                                    date(2025, 12, 31)) == Fraction(200, 365)


def test_withdrawing_the_whole_balance_is_allowed_and_a_cent_more_is_refused():
    available = rules.available_for_withdrawal(D("10000.00"), [], date(2025, 3, 11))
    assert available == D("10000.00")
    assert rules.withdrawal_problem(D("10000.00"), available, date(2025, 3, 10), date(2025, 3, 11), 1) is None
    assert rules.withdrawal_problem(D("10000.01"), available, date(2025, 3, 10), date(2025, 3, 11), 1) == \
        Problem("loan_insufficient_balance",
                {"available": D("10000.00"), "amount": D("10000.01"), "shortfall": D("0.01")})


def test_a_withdrawal_may_not_drive_a_later_valued_balance_negative():
    movements = [(date(2025, 3, 1), D("1000.00")), (date(2025, 6, 1), D("-800.00"))]
    assert rules.balance_on(D("0.00"), movements, date(2025, 4, 15)) == D("1000.00")
    assert rules.available_for_withdrawal(D("0.00"), movements, date(2025, 4, 15)) == D("200.00")
    assert rules.highest_balance_from(D("0.00"), movements, date(2025, 4, 15)) == D("1000.00")


def test_a_capitalisation_listed_first_does_not_hold_back_a_deposit_valued_the_same_day():
    movements = [rules.capitalisation(2025, D("124.08")), (date(2025, 12, 31), D("10000.00"))]
    assert rules.accrued_interest(D("0.00"), movements, TWO_PERCENT, date(2025, 12, 31)) == Fraction(200, 365)
    assert rules.balance_on(D("0.00"), movements, date(2025, 12, 31)) == D("10124.08")
    assert rules.accrued_interest(D("0.00"), movements, TWO_PERCENT, date(2026, 1, 1)) == \
        Fraction(1012408, 100) * Fraction(2, 100) / 365


def test_closing_interest_runs_from_1_january_to_the_closing_day_and_is_rounded_then():
    movements = [(date(2025, 6, 30), D("-10000.00"))]   # the closing repayment
    closing = rules.closing_interest(D("10000.00"), movements, TWO_PERCENT, date(2025, 6, 30))
    # 1 January - 29 June: 180 days; the repayment day earns nothing.
    assert closing == rules.rounded_interest(Fraction(10000 * 2 * 180, 100 * 365))
    assert closing == YearInterest(D("98.63"), D("25.64"), D("72.99"))


def test_withholding_is_a_parameter_and_is_taken_on_the_rounded_gross():
    # Unrounded 0.005 -> gross 0.01; 50% of it is 0.005 -> 0.01 (of the unrounded: 0.00).
    assert rules.rounded_interest(Fraction(5, 1000), D("50.00")) == \
        YearInterest(D("0.01"), D("0.01"), D("0.00"))
    assert rules.rounded_interest(Fraction(100004, 1000), D("12.50")) == \
        YearInterest(D("100.00"), D("12.50"), D("87.50"))
    assert rules.rounded_interest(Fraction(5, 1000)).gross == D("0.01")   # half-up
    assert rules.rounded_interest(Fraction(4999, 1000000)).gross == D("0.00")


# --- balances -------------------------------------------------------------------------------------

def test_balance_is_taken_at_the_end_of_the_day_and_the_timeline_steps_on_value_dates():
    movements = [(date(2025, 3, 1), D("500.00")), (date(2025, 3, 1), D("-200.00")),
                 (date(2025, 5, 10), D("100.00")), (date(2026, 1, 5), D("50.00"))]
    assert rules.balance_on(D("1000.00"), movements, date(2025, 2, 28)) == D("1000.00")
    assert rules.balance_on(D("1000.00"), movements, date(2025, 3, 1)) == D("1300.00")
    assert rules.balance_timeline(D("1000.00"), movements, date(2025, 1, 1), date(2025, 12, 31)) == [
        (date(2025, 1, 1), D("1000.00")), (date(2025, 3, 1), D("1300.00")),
        (date(2025, 5, 10), D("1400.00")), (date(2025, 12, 31), D("1400.00"))]


# --- caps: art. 10 L. 59/1992 and Banca d'Italia 8 Nov 2016 ------------------------------------

@pytest.mark.parametrize("guaranteed, expected", [
    (D("0.00"), D("300000.00")), (D("29.99"), D("300000.00")), (D("30.00"), D("500000.00")),
])
def test_total_cap_is_3_or_5_times_equity(guaranteed, expected):
    assert rules.max_total_outstanding(D("100000.00"), guaranteed, D("30.00"), 3, 5) == expected


def test_negative_equity_allows_no_loans():
    assert rules.max_total_outstanding(D("-5000.00"), D("0.00")) == D("0.00")


def test_member_cap_at_the_cent_and_one_cent_over():
    assert rules.deposit_problem(D("43000.00"), D("0.00"), D("736.62"), MEMBER_CAP, D("1000000.00")) is None
    assert rules.deposit_problem(D("43000.00"), D("0.00"), D("736.63"), MEMBER_CAP, D("1000000.00")) == \
        Problem("loan_member_cap", {"balance_after": D("43736.63"), "cap": MEMBER_CAP, "excess": D("0.01")})


def test_total_cap_at_the_cent_and_one_cent_over():
    max_total = rules.max_total_outstanding(D("100000.00"), D("0.00"))
    assert rules.deposit_problem(D("0.00"), D("299000.00"), D("1000.00"), MEMBER_CAP, max_total) is None
    assert rules.deposit_problem(D("0.00"), D("299000.00"), D("1000.01"), MEMBER_CAP, max_total) == \
        Problem("loan_total_cap",
                {"balance_after": D("300000.01"), "cap": D("300000.00"), "excess": D("0.01")})


def test_the_member_cap_is_named_first_when_both_are_exceeded():
    problem = rules.deposit_problem(D("43736.62"), D("300000.00"), D("1.00"), MEMBER_CAP, D("300000.00"))
    assert problem.code == "loan_member_cap"


@pytest.mark.parametrize("amount", [D("0.00"), D("-1.00"), D("1.001"), 1.5, D("NaN"), True])
def test_amounts_are_positive_decimals_with_at_most_two_places(amount):
    deposit = rules.deposit_problem(D("0.00"), D("0.00"), amount, MEMBER_CAP, D("1000000.00"))
    assert deposit.code == "validation"
    assert rules.withdrawal_problem(amount, D("100.00"), date(2025, 3, 10), date(2025, 3, 11), 1).code \
        == "validation"


# --- withdrawals: notice, term products --------------------------------------------------------

@pytest.mark.parametrize("value_date, problem", [
    (date(2025, 3, 9), Problem("loan_notice", {"earliest_value_date": date(2025, 3, 11), "notice_days": 1})),
    (date(2025, 3, 10), Problem("loan_notice", {"earliest_value_date": date(2025, 3, 11), "notice_days": 1})),
    (date(2025, 3, 11), None),
])
def test_withdrawal_notice_of_one_day(value_date, problem):
    assert rules.withdrawal_problem(D("100.00"), D("500.00"), date(2025, 3, 10), value_date, 1) == problem


@pytest.mark.parametrize("opened_on, months, matures_on", [
    (date(2025, 3, 15), 12, date(2026, 3, 15)),
    (date(2025, 1, 31), 1, date(2025, 2, 28)),
    (date(2024, 1, 31), 1, date(2024, 2, 29)),
    (date(2025, 8, 31), 6, date(2026, 2, 28)),
    (date(2025, 11, 15), 2, date(2026, 1, 15)),
    (date(2025, 12, 31), 24, date(2027, 12, 31)),
])
def test_maturity_adds_calendar_months_clamped_to_the_month_end(opened_on, months, matures_on):
    assert rules.maturity_on(opened_on, months) == matures_on


def test_a_term_account_refuses_early_withdrawal_unless_the_regulation_allows_it():
    matures_on = rules.maturity_on(date(2025, 1, 15), 12)
    early = dict(requested_on=date(2026, 1, 10), value_date=date(2026, 1, 14), notice_days=1)
    assert rules.withdrawal_problem(D("100.00"), D("500.00"), matures_on=matures_on, **early) == \
        Problem("loan_term", {"matures_on": date(2026, 1, 15)})
    assert rules.withdrawal_problem(D("100.00"), D("500.00"), matures_on=matures_on,
                                    early_withdrawal_allowed=True, **early) is None
    at_maturity = dict(early, value_date=matures_on)
    assert rules.withdrawal_problem(D("100.00"), D("500.00"), matures_on=matures_on, **at_maturity) is None


# --- rates: art. 13 DPR 601/1973 ---------------------------------------------------------------

@pytest.mark.parametrize("rate, code", [
    (D("8.50"), None), (D("8.51"), "rate_cap"), (D("0.00"), None), (D("2.00"), None),
    (D("-0.01"), "validation"), (D("2.001"), "validation"),
])
def test_rate_at_the_cap_accepted_and_a_basis_point_over_refused(rate, code):
    problem = rules.rate_problem(rate, D("8.50"))
    assert (problem.code if problem else None) == code


# --- seniority to lend --------------------------------------------------------------------------

def test_admitted_1_march_may_lend_from_30_may():
    assert rules.lending_right_from(date(2025, 3, 1), 90) == date(2025, 5, 30)


@pytest.mark.parametrize("days_after, may_lend", [(89, False), (90, True)])
def test_lending_seniority_boundary(days_after, may_lend):
    admitted = date(2025, 3, 1)
    assert rules.may_lend_on(admitted, 90, admitted + timedelta(days=days_after)) is may_lend


# --- the board's ratio to equity ------------------------------------------------------------------

def test_ratio_to_equity_warns_from_80_percent_of_the_maximum_compared_exactly():
    at_80 = rules.equity_ratio(D("240000.00"), D("100000.00"), D("300000.00"))
    assert at_80 == rules.EquityRatio(D("2.40"), D("80.00"), D("60000.00"), True)
    # 79.9999...% shows as 80.00 once rounded, but is not yet the warning.
    below = rules.equity_ratio(D("239999.99"), D("100000.00"), D("300000.00"))
    assert (below.percent_of_max, below.warning, below.headroom) == (D("80.00"), False, D("60000.01"))


def test_ratio_without_equity_has_no_figures_and_warns_for_any_loan():
    summary = rules.equity_ratio(D("10.00"), D("0.00"), D("0.00"))
    assert (summary.ratio, summary.percent_of_max, summary.headroom, summary.warning) == \
        (None, None, D("-10.00"), True)


# --- properties -------------------------------------------------------------------------------------

days = st.dates(min_value=date(2023, 1, 1), max_value=date(2026, 12, 31))
cents = st.integers(min_value=1, max_value=5_000_000).map(lambda c: D(c) * CENT)
rates_percent = st.integers(min_value=0, max_value=850).map(lambda bp: D(bp) * CENT)
rate_timelines = st.lists(st.tuples(days, rates_percent), max_size=4)


@st.composite
def histories(draw):
    """An opening balance and value-dated movements whose balance never goes negative."""
    opening = D(draw(st.integers(min_value=0, max_value=5_000_000))) * CENT
    dated = sorted(draw(st.lists(st.tuples(days, cents, st.booleans()), max_size=12)))
    movements, balance = [], opening
    for value_date, amount, withdraws in dated:
        if withdraws:
            amount = -min(amount, balance)
        balance += amount
        movements.append((value_date, amount))
    return opening, movements


@settings(deadline=None)  # the day-by-day oracle is slow by design; a busy CI machine is slower
@given(history=histories(), rates=rate_timelines, start=days, end=days)
def test_fast_sum_equals_the_convention_day_by_day(history, rates, start, end):
    opening, movements = history
    assert rules.unrounded_interest(opening, movements, rates, start, end) == \
        interest_day_by_day(opening, movements, rates, start, end)


@given(history=histories(), rates=rate_timelines, year=st.integers(2023, 2026))
def test_interest_is_never_negative_for_non_negative_balances(history, rates, year):
    opening, movements = history
    unrounded = rules.unrounded_interest(opening, movements, rates, date(year, 1, 1), date(year, 12, 31))
    assert unrounded >= 0
    interest = rules.rounded_interest(unrounded)
    assert interest.gross >= 0 and interest.net >= 0 and interest.withholding <= interest.gross
    # and never more than the highest balance for a year at the highest rate
    highest_rate = max([rate for _, rate in rates], default=D(0))
    highest_balance = rules.highest_balance_from(opening, movements, date(2000, 1, 1))
    assert unrounded <= Fraction(highest_balance) * Fraction(highest_rate) / 100


@given(history=histories(), rates=rate_timelines, year=st.integers(2023, 2026), split=st.integers(0, 365))
def test_splitting_a_year_at_any_day_sums_exactly_to_the_whole(history, rates, year, split):
    opening, movements = history
    first, last = date(year, 1, 1), date(year, 12, 31)
    cut = min(first + timedelta(days=split), last)
    parts = (rules.unrounded_interest(opening, movements, rates, first, cut)
             + rules.unrounded_interest(opening, movements, rates, cut + timedelta(days=1), last))
    assert parts == rules.unrounded_interest(opening, movements, rates, first, last)
    assert rules.accrued_interest(opening, movements, rates, cut) == \
        rules.unrounded_interest(opening, movements, rates, first, cut)


@given(amounts=st.lists(st.tuples(st.sampled_from([date(2025, 2, 1), date(2025, 7, 31)]), cents),
                        min_size=2, max_size=8),
       order=st.randoms(use_true_random=False), rates=rate_timelines)
def test_the_order_of_movements_on_the_same_value_date_does_not_matter(amounts, order, rates):
    # Deposits and withdrawals alternate on the same day; the end-of-day balance counts.
    movements = [(day, amount if i % 2 == 0 else -amount) for i, (day, amount) in enumerate(amounts)]
    shuffled = list(movements)
    order.shuffle(shuffled)
    opening = D("100000000.00")
    for day in (date(2025, 2, 1), date(2025, 7, 31)):
        assert rules.balance_on(opening, shuffled, day) == rules.balance_on(opening, movements, day)
    assert rules.year_interest(opening, shuffled, rates, 2025) == \
        rules.year_interest(opening, movements, rates, 2025)
    assert rules.unrounded_interest(opening, shuffled, rates, date(2025, 1, 1), date(2025, 12, 31)) == \
        rules.unrounded_interest(opening, movements, rates, date(2025, 1, 1), date(2025, 12, 31))


@given(history=histories(), rate=rates_percent, year=st.integers(2023, 2025))
def test_net_capitalised_on_31_december_earns_from_1_january(history, rate, year):
    opening, movements = history
    rates = [(date(2000, 1, 1), rate)]
    this_year = [m for m in movements if m[0].year <= year]
    next_year = [m for m in movements if m[0].year == year + 1]
    interest = rules.year_interest(opening, this_year, rates, year)
    capitalised = rules.capitalisation(year, interest.net)
    assert capitalised == Movement(date(year, 12, 31), interest.net, date(year + 1, 1, 1))
    # The capitalisation earns nothing in its own year, wherever it is listed...
    assert rules.year_interest(opening, [*this_year, capitalised], rates, year) == interest
    assert rules.year_interest(opening, [capitalised, *reversed(this_year)], rates, year) == interest
    # ...but counts in the balance at the end of 31 December...
    closing = rules.balance_on(opening, [*this_year, capitalised], date(year, 12, 31))
    assert closing == rules.balance_on(opening, this_year, date(year, 12, 31)) + interest.net
    # ...and the next year, from the full history or from that opening balance, agrees,
    full = rules.unrounded_interest(opening, [*this_year, capitalised, *next_year], rates,
                                    date(year + 1, 1, 1), date(year + 1, 12, 31))
    assert full == rules.unrounded_interest(closing, next_year, rates,
                                            date(year + 1, 1, 1), date(year + 1, 12, 31))
    # ...with the net earning every day of it: net x rate for the whole year.
    without = rules.unrounded_interest(opening, [*this_year, *next_year], rates,
                                       date(year + 1, 1, 1), date(year + 1, 12, 31))
    assert full - without == Fraction(interest.net) * Fraction(rate) / 100
