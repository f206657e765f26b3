"""Pure rules of social loans (DOMAIN.md §6, parameters in §1). No database here.

Amounts are Decimal; unrounded interest is an exact Fraction, so a period split at any
day sums to the whole; rounding happens only where DOMAIN.md says (year end, closing).
Problems come back as a stable code (API.md) with the figures the message names."""
from __future__ import annotations

import calendar
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal, InvalidOperation
from fractions import Fraction
from typing import NamedTuple

from governance.core.money import CENT, to_cents

ONE_DAY = timedelta(days=1)
WITHHOLDING_PERCENT = Decimal("26.00")  # fixed by law, final (DOMAIN.md §1)

Rates = Sequence[tuple[date, Decimal]]  # (effective_from, gross annual percent "2.00")


class Movement(NamedTuple):
    """A value-dated movement: signed amount (deposit +, withdrawal -). It counts in the
    balance from the end of `value_date` and earns from `earns_from` (by default the value
    date: a deposit valued on D earns from D, a withdrawal valued on D stops on D)."""
    value_date: date
    amount: Decimal
    earns_from: date | None = None

    @property
    def earning_from(self) -> date:
        return self.earns_from or self.value_date


def capitalisation(year: int, amount: Decimal) -> Movement:
    """DOMAIN.md §6: the year's net interest is capitalised with value date 31 December
    and earns from 1 January of the next year."""
    return Movement(date(year, 12, 31), amount, date(year + 1, 1, 1))


class Problem(NamedTuple):
    """A broken rule: the API code and the figures its message names (never words)."""
    code: str
    figures: dict


def _movements(movements: Iterable[tuple]) -> list[Movement]:
    return [m if isinstance(m, Movement) else Movement(*m) for m in movements]


def _half_up_cents(value: Fraction) -> Decimal:
    """Exact ROUND_HALF_UP of a Fraction to cents (ties away from zero, as to_cents)."""
    cents = math.floor(abs(value) * 100 + Fraction(1, 2))
    return Decimal(cents) * CENT if value >= 0 else -Decimal(cents) * CENT


def _has_cents_only(value: Decimal) -> bool:
    """A Decimal (or int, never a float or bool) with at most two decimals."""
    if isinstance(value, bool) or not isinstance(value, Decimal | int):
        return False
    try:
        return Decimal(value) == Decimal(value).quantize(CENT)
    except InvalidOperation:  # NaN, infinity, or too many digits to quantize
        return False


# --- balances ---------------------------------------------------------------------------

def balance_on(opening: Decimal, movements: Iterable[tuple], day: date) -> Decimal:
    """Balance at the END of `day`: the opening balance (before every listed movement)
    plus the movements valued on or before that day."""
    return opening + sum((m.amount for m in _movements(movements) if m.value_date <= day), Decimal(0))


def balance_timeline(opening: Decimal, movements: Iterable[tuple], start: date,
                     end: date) -> list[tuple[date, Decimal]]:
    """Points (day, balance at end of day) for a step chart: `start`, every day in
    (start, end] on which a movement is valued, and `end`."""
    moves = sorted(_movements(movements), key=lambda m: m.value_date)
    days = sorted({start, end} | {m.value_date for m in moves if start < m.value_date <= end})
    points, balance, index = [], opening, 0
    for day in days:
        while index < len(moves) and moves[index].value_date <= day:
            balance += moves[index].amount
            index += 1
        points.append((day, balance))
    return points


def _balances_from(opening: Decimal, movements: Iterable[tuple], day: date) -> list[Decimal]:
    moves = _movements(movements)
    later = sorted({m.value_date for m in moves if m.value_date > day})
    return [balance_on(opening, moves, d) for d in [day, *later]]


def available_for_withdrawal(opening: Decimal, movements: Iterable[tuple], value_date: date) -> Decimal:
    """The most a withdrawal valued on `value_date` may take: the lowest end-of-day
    balance from then on, so no later-valued movement is left with a negative balance."""
    return min(_balances_from(opening, movements, value_date))


def highest_balance_from(opening: Decimal, movements: Iterable[tuple], value_date: date) -> Decimal:
    """The highest balance from `value_date` on: what a deposit there adds to for the cap."""
    return max(_balances_from(opening, movements, value_date))


# --- interest (DOMAIN.md §6, our convention, stated in the contract) -----------------------

def rate_in_force(rates: Rates, on: date) -> Decimal | None:
    """The rate whose effective date is the latest on or before `on`; None before the
    first one (a rate never applies before its effective date)."""
    current = None
    for effective_from, rate in sorted(rates, key=lambda item: item[0]):
        if effective_from <= on:
            current = rate
    return current


def unrounded_interest(opening: Decimal, movements: Iterable[tuple], rates: Rates,
                       start: date, end: date) -> Fraction:
    """Sum over each day D in [start, end] of balance at end of D x rate in force on D /
    days in D's year (365 or 366); a day without a rate earns 0. Exact, and computed per
    interval between changes (movements, rate changes, 1 January), not day by day."""
    if end < start:
        return Fraction(0)
    moves = sorted(_movements(movements), key=lambda m: m.earning_from)
    timeline = sorted(rates, key=lambda item: item[0])
    cuts = {start, end + ONE_DAY}
    cuts.update(m.earning_from for m in moves if start < m.earning_from <= end)
    cuts.update(effective_from for effective_from, _ in timeline if start < effective_from <= end)
    cuts.update(date(year, 1, 1) for year in range(start.year + 1, end.year + 1))
    points = sorted(cuts)
    # Exact integer arithmetic: amounts in units of 10^-places (cents, as a rule), and
    # balance x days grouped by (rate, days in year), divided once per group at the end.
    places = max(_decimal_places(amount) for amount in [opening, *(m.amount for m in moves)])
    balance, rate, next_move, next_rate = _units(opening, places), None, 0, 0
    weighted: dict[tuple[Decimal, int], int] = {}
    for first, after in zip(points, points[1:]):
        while next_move < len(moves) and moves[next_move].earning_from <= first:
            balance += _units(moves[next_move].amount, places)
            next_move += 1
        while next_rate < len(timeline) and timeline[next_rate][0] <= first:
            rate = timeline[next_rate][1]
            next_rate += 1
        if balance and rate:
            key = (rate, 366 if calendar.isleap(first.year) else 365)
            weighted[key] = weighted.get(key, 0) + balance * (after - first).days
    return sum((Fraction(amount) * Fraction(rate) / (100 * year_days * 10 ** places)
                for (rate, year_days), amount in weighted.items()), Fraction(0))


def _decimal_places(amount: Decimal) -> int:
    return max(0, -Decimal(amount).as_tuple().exponent)


def _units(amount: Decimal, places: int) -> int:
    return int(Decimal(amount).scaleb(places))


def accrued_interest(opening: Decimal, movements: Iterable[tuple], rates: Rates, on: date) -> Fraction:
    """Gross interest accrued (unrounded) from 1 January of `on`'s year to `on` included."""
    return unrounded_interest(opening, movements, rates, date(on.year, 1, 1), on)


@dataclass(frozen=True)
class YearInterest:
    gross: Decimal
    withholding: Decimal
    net: Decimal


def rounded_interest(unrounded: Fraction, withholding_percent: Decimal = WITHHOLDING_PERCENT) -> YearInterest:
    """DOMAIN.md §6: gross = unrounded sum rounded half-up to cents; withholding = 26% of
    the rounded gross, half-up; net = gross - withholding."""
    gross = _half_up_cents(unrounded)
    withholding = to_cents(gross * Decimal(withholding_percent) / 100)
    return YearInterest(gross, withholding, gross - withholding)


def year_interest(opening: Decimal, movements: Iterable[tuple], rates: Rates, year: int,
                  withholding_percent: Decimal = WITHHOLDING_PERCENT) -> YearInterest:
    """The year's interest, rounded on 31 December (DOMAIN.md §6)."""
    unrounded = unrounded_interest(opening, movements, rates, date(year, 1, 1), date(year, 12, 31))
    return rounded_interest(unrounded, withholding_percent)


def closing_interest(opening: Decimal, movements: Iterable[tuple], rates: Rates, closed_on: date,
                     withholding_percent: Decimal = WITHHOLDING_PERCENT) -> YearInterest:
    """An account closed on `closed_on`: interest from 1 January to the closing day,
    rounded at closing (DOMAIN.md §3.7 and §6). The closing repayment valued that day
    stops earning that day."""
    return rounded_interest(accrued_interest(opening, movements, rates, closed_on), withholding_percent)


# --- caps (DOMAIN.md §1 and §6) ---------------------------------------------------------------

def max_total_outstanding(equity: Decimal, guaranteed_share_percent: Decimal,
                          threshold_percent: Decimal = Decimal("30.00"), multiple: int = 3,
                          multiple_guaranteed: int = 5) -> Decimal:
    """Banca d'Italia, 8 Nov 2016: all loans together at most 3 x equity, or 5 x when at
    least 30% of them is guaranteed. No equity (or a negative one) allows nothing."""
    chosen = multiple_guaranteed if guaranteed_share_percent >= threshold_percent else multiple
    return max(to_cents(Decimal(equity) * chosen), Decimal("0.00"))


def amount_problem(amount: Decimal) -> Problem | None:
    """A movement's amount is a Decimal above zero with at most two decimals."""
    if not _has_cents_only(amount) or amount <= 0:
        return Problem("validation", {"field": "amount", "amount": amount})
    return None


def deposit_problem(member_balance: Decimal, total_outstanding: Decimal, amount: Decimal,
                    member_cap: Decimal, max_total: Decimal) -> Problem | None:
    """DOMAIN.md §6: a deposit is refused if the member's balance would exceed the
    per-member cap (art. 10 L. 59/1992) or all balances the equity multiple. Exactly at a
    cap is allowed. Figures: balance_after, cap, excess."""
    if problem := amount_problem(amount):
        return problem
    for code, after, cap in (("loan_member_cap", member_balance + amount, member_cap),
                             ("loan_total_cap", total_outstanding + amount, max_total)):
        if after > cap:
            return Problem(code, {"balance_after": after, "cap": cap, "excess": after - cap})
    return None


# --- withdrawals and term products ------------------------------------------------------------

def maturity_on(opened_on: date, term_months: int) -> date:
    """Opening date plus the term in calendar months, clamped to the month's end
    (opened 31 January, 1 month -> 28 or 29 February)."""
    months = opened_on.month - 1 + term_months
    year, month = opened_on.year + months // 12, months % 12 + 1
    return date(year, month, min(opened_on.day, calendar.monthrange(year, month)[1]))


def withdrawal_problem(amount: Decimal, available: Decimal, requested_on: date, value_date: date,
                       notice_days: int, *, matures_on: date | None = None,
                       early_withdrawal_allowed: bool = False) -> Problem | None:
    """Banca d'Italia, 8 Nov 2016: value date at least the notice after the request (no
    on-demand repayment); never below zero (`available`, see available_for_withdrawal);
    a term account not before maturity unless the regulation allows it."""
    if problem := amount_problem(amount):
        return problem
    if matures_on is not None and value_date < matures_on and not early_withdrawal_allowed:
        return Problem("loan_term", {"matures_on": matures_on})
    earliest = requested_on + timedelta(days=notice_days)
    if value_date < earliest:
        return Problem("loan_notice", {"earliest_value_date": earliest, "notice_days": notice_days})
    if amount > available:
        return Problem("loan_insufficient_balance",
                       {"available": available, "amount": amount, "shortfall": amount - available})
    return None


# --- rates and seniority ------------------------------------------------------------------------

def rate_problem(rate_percent: Decimal, max_rate_percent: Decimal) -> Problem | None:
    """art. 13 DPR 601/1973: a gross rate above the tax-favoured maximum is refused; a rate
    is a percentage >= 0 with at most two decimals ("2.00")."""
    if not _has_cents_only(rate_percent) or rate_percent < 0:
        return Problem("validation", {"field": "rate", "rate": rate_percent})
    if rate_percent > max_rate_percent:
        return Problem("rate_cap", {"rate": rate_percent, "max_rate": max_rate_percent})
    return None


def lending_right_from(admitted_on: date, seniority_days: int) -> date:
    """Cooperative regulations: a member lends after the seniority in the register, counted
    like voting (art. 2538 c.1 c.c.): admitted 1 March with 90 days -> from 30 May."""
    return admitted_on + timedelta(days=seniority_days)


def may_lend_on(admitted_on: date, seniority_days: int, on: date) -> bool:
    return on >= lending_right_from(admitted_on, seniority_days)


# --- the board's view: ratio to equity ------------------------------------------------------------

@dataclass(frozen=True)
class EquityRatio:
    ratio: Decimal | None            # total / equity, 2 decimals (2.40 = 2.4 x equity)
    percent_of_max: Decimal | None   # total / allowed maximum x 100, 2 decimals
    headroom: Decimal                # allowed maximum - total (negative when over)
    warning: bool                    # from `warning_percent` of the maximum


def equity_ratio(total_outstanding: Decimal, equity: Decimal, max_total: Decimal,
                 warning_percent: Decimal = Decimal("80")) -> EquityRatio:
    """The board's summary (DOMAIN.md §6): how far the loans are from the equity multiple;
    a warning from 80% of the allowed maximum (compared exactly, not on rounded figures)."""
    total = Fraction(total_outstanding)
    ratio = _half_up_cents(total / Fraction(equity)) if equity > 0 else None
    percent = _half_up_cents(total * 100 / Fraction(max_total)) if max_total > 0 else None
    warning = total * 100 >= Fraction(warning_percent) * Fraction(max_total) and total > 0
    return EquityRatio(ratio, percent, max_total - total_outstanding, warning)
