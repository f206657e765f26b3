"""Edges of the pure rules that a mutation run (tests/mutation) found unchecked: each test
fails if the guard or comparison it names is loosened."""
from __future__ import annotations

from datetime import date, datetime, timedelta, tzinfo
from decimal import Decimal
from fractions import Fraction

import pytest

from governance.assemblies import rules as assembly_rules
from governance.loans import rules as loan_rules


class _NoOffset(tzinfo):
    """A tzinfo that does not know its offset: the moment is as naive as without one."""

    def utcoffset(self, dt):
        return None

    def dst(self, dt):
        return None


def test_rome_day_refuses_a_timezone_without_an_offset():
    with pytest.raises(ValueError):
        assembly_rules.rome_day(datetime(2026, 12, 1, 18, 0, tzinfo=_NoOffset()))


@pytest.mark.parametrize("eligible, present", [(-1, 0), (0, -1), (3, 4)])
def test_the_quorum_refuses_impossible_figures(eligible, present):
    with pytest.raises(ValueError):
        assembly_rules.check_figures(eligible, present)


def test_the_quorum_accepts_the_edges():
    assembly_rules.check_figures(0, 0)
    assembly_rules.check_figures(4, 4)


@pytest.mark.parametrize("value, cents", [
    (Fraction(-1, 200), Decimal("-0.01")),     # -0.005: half away from zero
    (Fraction(-1, 300), Decimal("0.00")),      # -0.0033
    (Fraction(-1234, 1000), Decimal("-1.23")),
    (Fraction(1, 200), Decimal("0.01")),
])
def test_half_up_to_the_cent_on_both_sides_of_zero(value, cents):
    assert loan_rules._half_up_cents(value) == cents


def test_the_rate_in_force_is_the_latest_by_date_not_by_size():
    """A rate cut: the later, lower rate applies from its day, whatever order the table is in."""
    rates = [(date(2026, 7, 1), Decimal("1.50")), (date(2026, 1, 1), Decimal("3.00"))]
    assert loan_rules.rate_in_force(rates, date(2026, 6, 30)) == Decimal("3.00")
    assert loan_rules.rate_in_force(rates, date(2026, 7, 1)) == Decimal("1.50")
    assert loan_rules.rate_in_force(rates, date(2026, 7, 1) + timedelta(days=100)) == Decimal("1.50")
