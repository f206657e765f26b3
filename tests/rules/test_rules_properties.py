"""Table-driven and property-based tests of the pure rules (no database)."""
from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from governance.core import clock
from governance.core.money import format_eur, parse_money, to_cents
from governance.members import rules
from governance.statute.parameters import BY_NAME, PARAMETERS

dates = st.dates(min_value=date(1994, 1, 1), max_value=date(2100, 12, 31))


# --- art. 2538 c.1 c.c.: 90 days in the register before voting ---------------------

def test_domain_example_admitted_1_march_votes_from_30_may():
    assert rules.voting_right_from(date(2025, 3, 1), 90) == date(2025, 5, 30)


@pytest.mark.parametrize("days_after, may_vote", [(89, False), (90, True), (91, True)])
def test_seniority_boundary_89th_and_90th_day(days_after, may_vote):
    admitted = date(2025, 3, 1)
    assert rules.may_vote_on(admitted, 90, admitted + timedelta(days=days_after)) is may_vote


@given(admitted=dates, seniority=st.integers(min_value=0, max_value=365))
def test_voting_right_is_exactly_seniority_days_after_admission(admitted, seniority):
    start = rules.voting_right_from(admitted, seniority)
    assert (start - admitted).days == seniority
    assert rules.may_vote_on(admitted, seniority, start)
    if seniority:
        assert not rules.may_vote_on(admitted, seniority, start - timedelta(days=1))


# --- L. 381/1991 art. 2: volunteers at most 50% ---------------------------------------

@pytest.mark.parametrize("volunteers, members, allowed", [
    (4, 9, True),    # 5 of 10 after admission: exactly 50%
    (5, 9, False),   # 6 of 10: one more
    (0, 0, False),   # the first member cannot be a volunteer (100%)
    (0, 1, True),    # 1 of 2
])
def test_volunteer_cap_admission_boundary(volunteers, members, allowed):
    check = rules.volunteer_cap_check(volunteers, members, adds_volunteer=True, adds_member=True)
    assert check.allowed is allowed


@given(v=st.integers(0, 500), extra=st.integers(0, 500))
def test_volunteer_cap_matches_the_percentage(v, extra):
    members = v + extra
    check = rules.volunteer_cap_check(v, members, adds_volunteer=True, adds_member=True)
    assert check.allowed == ((v + 1) * 2 <= members + 1)
    # A non-volunteer admission is never refused by this rule.
    assert rules.volunteer_cap_check(v, members, adds_volunteer=False, adds_member=True).allowed


def test_volunteer_cap_message_figures():
    check = rules.volunteer_cap_check(5, 9, adds_volunteer=True, adds_member=True)
    assert (check.volunteers_after, check.members_after, check.percent_after) == (6, 10, Decimal("60.00"))


# --- tax codes and VAT numbers (python-stdnum) ------------------------------------------

def test_tax_code_checksum_and_normalisation():
    assert rules.validate_tax_code(" rssmra85t10a562s ") == "RSSMRA85T10A562S"
    with pytest.raises(ValueError):
        rules.validate_tax_code("RSSMRA85T10A562X")  # wrong check character
    with pytest.raises(ValueError):
        rules.validate_tax_code("RSSMRA85T10A562")   # too short


def test_vat_number_checksum():
    assert rules.validate_vat_number("IT00743110157") == "00743110157"
    with pytest.raises(ValueError):
        rules.validate_vat_number("00743110158")


# --- money: Decimal, half-up, never float -----------------------------------------------

@pytest.mark.parametrize("value, cents", [("0.005", "0.01"), ("0.004", "0.00"), ("167.665", "167.67"),
                                          ("-0.005", "-0.01"), ("43.585", "43.59")])
def test_rounding_is_half_up(value, cents):
    assert to_cents(Decimal(value)) == Decimal(cents)


def test_parse_money_accepts_italian_and_machine_formats():
    assert parse_money("1.234,50") == Decimal("1234.50")
    assert parse_money("1234.5") == Decimal("1234.50")
    assert format_eur(Decimal("1234.5")) == "€ 1.234,50"
    for bad in ("12.345", "abc", "NaN", "1e400x"):
        with pytest.raises(ValueError):
            parse_money(bad)


@given(cents=st.integers(min_value=0, max_value=10**12))
def test_parse_money_round_trips(cents):
    value = Decimal(cents) / 100
    assert parse_money(f"{value:.2f}") == value


# --- statute parameters -------------------------------------------------------------------

def test_defaults_match_domain_md():
    expected = {
        "voting_seniority_days": 90, "max_proxies_per_delegate": 10, "notice_days": 8,
        "share_value": Decimal("25.00"), "min_shares_per_member": 1,
        "max_capital_per_member": Decimal("100000.00"), "max_volunteer_percent": Decimal("50.00"),
        "application_decision_days": 60, "appeal_days": 60, "share_refund_days": 180,
        "loan_seniority_days": 90, "loan_member_cap": Decimal("43736.62"), "loan_equity_multiple": 3,
        "loan_equity_multiple_guaranteed": 5, "loan_withdrawal_notice_days": 1,
        "loan_max_rate": Decimal("8.50"), "loan_withholding_percent": Decimal("26.00"),
        "ordinary_first_call_quorum": Fraction(1, 2), "extraordinary_second_call_quorum": Fraction(1, 3),
        "extraordinary_second_call_majority": Fraction(2, 3), "votes_per_member": 1,
        "remote_voting_allowed": True, "proxies_allowed": True,
    }
    for name, value in expected.items():
        assert BY_NAME[name].default == value, name


@pytest.mark.parametrize("parameter", PARAMETERS, ids=lambda p: p.name)
def test_every_default_survives_storage(parameter):
    assert parameter.parse(parameter.to_storage(parameter.default)) == parameter.default
    assert parameter.parse(parameter.to_storage(parameter.default)) == parameter.default


@pytest.mark.parametrize("name, ok, refused", [
    ("share_value", "25.00", "24.99"),                 # art. 2525: at least 25 euro
    ("max_volunteer_percent", "50.00", "50.01"),       # L. 381/1991: at most 50%
    ("max_proxies_per_delegate", "10", "11"),          # art. 2539: at most 10
    ("votes_per_legal_person", "5", "6"),              # art. 2538 c.3: up to 5
    ("loan_max_rate", "8.50", "20.01"),
])
def test_parameter_bounds(name, ok, refused):
    BY_NAME[name].parse(ok)
    with pytest.raises(ValueError):
        BY_NAME[name].parse(refused)


def test_float_is_refused_for_money_parameters():
    with pytest.raises(ValueError):
        BY_NAME["share_value"].parse(25.0)


# --- the one clock --------------------------------------------------------------------------

def test_clock_can_be_frozen_and_moved():
    with clock.frozen(date(2026, 2, 28)):
        assert clock.today() == date(2026, 2, 28)
        clock.advance(days=1)
        assert clock.today() == date(2026, 3, 1)
    assert clock.today() != date(2026, 3, 1) or date.today() == date(2026, 3, 1)


@pytest.mark.parametrize("raw", ["1e30", "9e99", "1" + "0" * 5000, "-1e13"])
def test_absurd_amounts_are_refused_not_crashing(raw):
    with pytest.raises(ValueError):
        parse_money(raw)
    with pytest.raises(ValueError):
        BY_NAME["share_value"].parse(raw)


def test_largest_storable_amount_is_accepted():
    assert parse_money("999999999999.99") == Decimal("999999999999.99")
    with pytest.raises(ValueError):
        parse_money("1000000000000.00")


def test_huge_fraction_input_is_refused_quickly():
    with pytest.raises(ValueError):
        BY_NAME["ordinary_first_call_quorum"].parse("1e1000000000")


# --- the seniority rule in force on the voting day (DOMAIN.md §1) ------------------------

def test_a_shorter_seniority_counts_from_its_effective_date():
    history = [(None, 90), (date(2027, 1, 1), 60)]
    # admitted 26 Oct 2026: under 60 days the threshold (25 Dec) is before the change,
    # so the member votes from the day the new rule applies.
    assert rules.first_voting_day(date(2026, 10, 26), history) == date(2027, 1, 1)
    # admitted long ago: nothing changes
    assert rules.first_voting_day(date(2020, 1, 1), history) == date(2020, 3, 31)
    # admitted after the change: 60 days
    assert rules.first_voting_day(date(2027, 3, 1), history) == date(2027, 4, 30)


def test_a_longer_seniority_in_force_before_the_old_threshold_postpones_the_vote():
    history = [(None, 90), (date(2027, 1, 10), 120)]
    assert rules.first_voting_day(date(2026, 10, 26), history) == date(2027, 2, 23)
    assert rules.first_voting_day(date(2026, 10, 1), history) == date(2026, 12, 30)


@given(admitted=dates, days=st.integers(0, 365))
def test_without_changes_it_is_the_simple_rule(admitted, days):
    assert rules.first_voting_day(admitted, [(None, days)]) == rules.voting_right_from(admitted, days)


@given(admitted=dates, changes=st.lists(st.tuples(dates, st.integers(0, 365)), max_size=4))
def test_the_first_voting_day_satisfies_the_rule_in_force_that_day(admitted, changes):
    history = [(None, 90)] + sorted(changes)
    dedup = []
    for start, days in history:
        if dedup and dedup[-1][0] == start:
            dedup.pop()
        dedup.append((start, days))

    def seniority_on(d):
        value = dedup[0][1]
        for start, days in dedup[1:]:
            if start <= d:
                value = days
        return value

    first = rules.first_voting_day(admitted, dedup)
    assert first >= admitted + timedelta(days=seniority_on(first))
    day_before = first - timedelta(days=1)
    if day_before >= admitted:
        assert day_before < admitted + timedelta(days=seniority_on(day_before))


def test_pdf_text_keeps_italian_accents_and_transliterates_other_letters():
    from governance.core.pdf import latin1
    assert latin1("Niccolò Società") == "Niccolò Società"
    assert latin1("Ștefan Țurcanu, Łukasz Wójcik") == "Stefan Turcanu, Lukasz Wójcik"
    assert latin1("€ 25,00 – «sì»") == "€ 25,00 – «sì»"  # Windows-1252 has them
    assert latin1("王") == "?"


@pytest.mark.parametrize("shares, value, due", [(1, "25.00", "25.00"), (4, "25.00", "100.00"),
                                                (3, "33.33", "99.99"), (4000, "25.00", "100000.00")])
def test_amount_due_for_the_shares(shares, value, due):
    assert rules.amount_due(shares, Decimal(value)) == Decimal(due)
