"""Edges of the pure rules that a mutation run (tests/mutation) found unchecked: each test
fails if the guard or comparison it names is loosened."""
from __future__ import annotations

from datetime import date, datetime, timedelta, tzinfo
from decimal import Decimal
from fractions import Fraction

import pytest

from governance.assemblies import rules as assembly_rules
from governance.loans import rules as loan_rules
from governance.members import rules as member_rules


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


def test_the_equity_ratio_with_figures_below_one_euro():
    """Equity and maximum of a few cents still give a ratio; nothing outstanding and no
    maximum is no warning; 50 cents out of a 60-cent maximum is one."""
    D = Decimal
    small = loan_rules.equity_ratio(D("0.50"), D("0.50"), D("0.60"))
    assert (small.ratio, small.percent_of_max, small.warning) == (D("1.00"), D("83.33"), True)
    empty = loan_rules.equity_ratio(D("0.00"), D("0.00"), D("0.00"))
    assert (empty.ratio, empty.percent_of_max, empty.warning) == (None, None, False)


# --- the register's rules ----------------------------------------------------------------------

@pytest.mark.parametrize("validate", [member_rules.validate_tax_code, member_rules.validate_vat_number])
@pytest.mark.parametrize("blank", ["", "   ", None])
def test_a_blank_code_is_required_not_malformed(validate, blank):
    with pytest.raises(member_rules.InvalidCode) as info:
        validate(blank)
    assert info.value.reason == "required"


def test_the_volunteer_share_of_no_members_is_zero():
    check = member_rules.VolunteerCheck(True, 0, 0, Decimal("50.00"))
    assert check.percent_after == Decimal("0.00")
    assert member_rules.VolunteerCheck(True, 1, 1, Decimal("50.00")).percent_after == Decimal("100.00")


def test_the_volunteer_count_after_a_change_that_is_not_a_volunteer():
    admitted_worker = member_rules.volunteer_cap_check(3, 10, adds_volunteer=False, adds_member=True)
    assert (admitted_worker.volunteers_after, admitted_worker.members_after) == (3, 11)
    left_volunteers = member_rules.volunteer_cap_check(3, 10, adds_volunteer=False, adds_member=False,
                                                       removes_volunteer=True)
    assert (left_volunteers.volunteers_after, left_volunteers.members_after) == (2, 10)


@pytest.mark.parametrize("year_end_month, year_end_day, requested_on, effective_on", [
    # a financial year closing on 31 March: three months before is 31 December
    (3, 31, date(2026, 12, 31), date(2027, 3, 31)),
    (3, 31, date(2027, 1, 1), date(2028, 3, 31)),
    # closing on 30 April: three months before is 30 January
    (4, 30, date(2027, 1, 30), date(2027, 4, 30)),
    (4, 30, date(2027, 1, 31), date(2028, 4, 30)),
])
def test_the_mutual_relationship_ends_with_a_financial_year_closing_early_in_the_year(
        year_end_month, year_end_day, requested_on, effective_on):
    assert member_rules.withdrawal_effective_on(requested_on, year_end_month, year_end_day) == effective_on
