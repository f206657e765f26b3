"""Rules and guards exactly at their limits (what a mutation run found tested only far
from them): the last accepted value and the first refused one, side by side."""
from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal

import pytest

from governance.core import clock, inputs
from governance.core.errors import Conflict, DomainError
from governance.lifecycle import operations as lifecycle
from governance.lifecycle import rules as lifecycle_rules
from governance.members import operations as register
from governance.members import rules
from governance.statute import queries as statute_queries
from governance.statute.operations import change_parameters
from tests.factories import make_tax_code

# --- art. 2538 c.1 c.c. with a statute that changes ------------------------------------

ADMITTED = date(2026, 1, 1)
THRESHOLD = ADMITTED + timedelta(days=90)  # 1 April 2026


def test_a_longer_seniority_in_force_on_the_threshold_day_moves_the_first_voting_day():
    history = [(None, 90), (THRESHOLD, 120)]  # 120 days in force from the day the 90 end
    assert rules.first_voting_day(ADMITTED, history) == ADMITTED + timedelta(days=120)


def test_a_longer_seniority_from_the_day_after_comes_too_late():
    history = [(None, 90), (THRESHOLD + timedelta(days=1), 120)]
    assert rules.first_voting_day(ADMITTED, history) == THRESHOLD


def test_a_shorter_seniority_lets_members_vote_from_its_first_day():
    history = [(None, 90), (date(2026, 2, 15), 30)]  # 30 days already passed on 15 Feb
    assert rules.first_voting_day(ADMITTED, history) == date(2026, 2, 15)


# --- paid, partly paid, unpaid -------------------------------------------------------------

@pytest.mark.parametrize("paid, status", [
    ("0.00", lifecycle_rules.UNPAID), ("0.01", lifecycle_rules.PARTLY_PAID),
    ("0.50", lifecycle_rules.PARTLY_PAID), ("24.99", lifecycle_rules.PARTLY_PAID),
    ("25.00", lifecycle_rules.PAID),
])
def test_paid_status_at_its_limits(paid, status):
    assert lifecycle_rules.paid_status(Decimal(paid), Decimal("25.00")) == status


# --- the statute's history and what is upcoming --------------------------------------------

def test_two_values_on_one_day_the_later_entry_is_the_history(admin_user, today):
    change_parameters({"notice_days": 10}, date(2027, 1, 1), admin_user, note="first")
    change_parameters({"notice_days": 12}, date(2027, 1, 1), admin_user, note="corrected")
    assert statute_queries.history_of_values("notice_days") == [(None, 8), (date(2027, 1, 1), 12)]


def test_a_change_effective_today_is_in_force_not_upcoming(admin_user, today):
    change_parameters({"notice_days": 10}, today + timedelta(days=1), admin_user, note="tomorrow")
    assert statute_queries.next_changes_after(today)["notice_days"][0] == today + timedelta(days=1)
    clock.advance(days=1)
    assert "notice_days" not in statute_queries.next_changes_after(clock.today())
    assert statute_queries.value_on("notice_days", clock.today()) == 10


def test_the_clock_refuses_naive_datetimes():
    with pytest.raises(ValueError):
        clock.set_now(datetime(2026, 11, 26, 10, 0))


# --- a register entry at its limits ---------------------------------------------------------

def _entry(**overrides) -> dict:
    born = date(1980, 5, 17)
    data = {"first_name": "Mario", "last_name": "Rossi", "tax_code": make_tax_code("Rossi", "Mario", born),
            "birth_date": born.isoformat(), "category": "worker", "admitted_on": "2020-01-15",
            "shares": "1", "email": "mario.rossi@example.org"}
    data.update(overrides)
    return data


def _errors(**overrides) -> dict:
    _clean, errors = register.validate_entry(_entry(**overrides), today=date(2026, 11, 26))
    return errors


@pytest.mark.parametrize("field, accepted, refused", [
    ("birth_date", "2026-11-26", "2026-11-27"),   # born today: odd but not in the future
    ("birth_date", "1900-01-01", "1899-12-31"),
    ("admitted_on", "2026-11-26", "2026-11-27"),
])
def test_dates_at_their_limits(field, accepted, refused):
    extra = {"tax_code": _entry()["tax_code"]}
    assert field not in _errors(**{field: accepted}, **extra)
    assert field in _errors(**{field: refused}, **extra)


def test_admission_on_the_birth_date_is_accepted_the_day_before_refused():
    born = date(2000, 3, 10)
    code = make_tax_code("Rossi", "Mario", born)
    assert "admitted_on" not in _errors(birth_date="2000-03-10", tax_code=code, admitted_on="2000-03-10")
    assert "admitted_on" in _errors(birth_date="2000-03-10", tax_code=code, admitted_on="2000-03-09")


def test_shares_exactly_at_the_maximum_capital():
    # 100,000.00 / 25.00 = 4,000 shares: the maximum itself is allowed, one share more is not
    assert "shares" not in _errors(shares="4000")
    assert "shares" in _errors(shares="4001")


@pytest.mark.parametrize("field, limit", [("first_name", 100), ("last_name", 200), ("address", 300),
                                          ("phone", 40)])
def test_text_at_its_maximum_length(field, limit):
    assert field not in _errors(**{field: "a" * limit})
    assert field in _errors(**{field: "a" * (limit + 1)})


def test_email_at_its_maximum_length():
    domain = ".".join(["b" * 61, "c" * 61, "d" * 61]) + ".it"   # 188 characters
    longest = f"{'a' * 65}@{domain}"  # 254: the longest address (RFC 5321 path limit)
    assert len(longest) == 254
    assert "email" not in _errors(email=longest)
    assert "email" in _errors(email=f"{'a' * 66}@{domain}")


@pytest.mark.parametrize("number, accepted", [(99_999_999, True), (100_000_000, False), (0, False)])
def test_the_register_number_limits(number, accepted):
    if accepted:
        assert register.parse_register_number(str(number)) == number
    else:
        with pytest.raises(ValueError):
            register.parse_register_number(str(number))


# --- passwords --------------------------------------------------------------------------------

@pytest.mark.parametrize("length, accepted", [(9, False), (10, True), (200, True), (201, False)])
def test_password_length_limits(length, accepted):
    from governance.auth import passwords
    from governance.core.inputs import InvalidInput
    if accepted:
        assert passwords.checked("p" * length)
    else:
        with pytest.raises(InvalidInput):
            passwords.checked("p" * length)


# --- the lifecycle's guards ------------------------------------------------------------------

def test_an_exclusion_challenged_on_the_notice_day_is_recorded(today, member_factory, board_user):
    member = member_factory()
    lifecycle.record_exit(member, {"kind": "exclusion", "date": "2026-11-20", "reasons": "Morosità",
                                   "notice_on": "2026-11-21"}, board_user)
    with pytest.raises(DomainError) as info:
        lifecycle.record_challenge(member, {"challenged_on": "2026-11-20"}, board_user)
    assert "challenged_on" in info.value.errors
    exit_ = lifecycle.record_challenge(member, {"challenged_on": "2026-11-21"}, board_user)
    assert exit_.challenged_on == date(2026, 11, 21)


def test_no_share_payment_for_a_member_who_left(today, member_factory, board_user, secretary_user):
    member = member_factory(shares_subscribed=2, shares_paid_amount=Decimal("25.00"))
    lifecycle.record_exit(member, {"kind": "lapse", "date": "2026-11-20"}, board_user)
    with pytest.raises(Conflict) as info:
        lifecycle.record_share_payment(member, {"amount": "25.00", "paid_on": "2026-11-25"}, secretary_user)
    assert info.value.code == "not_active"
    assert member.shares_paid_amount == Decimal("25.00")


# --- a year in a query string (reports, statements) ------------------------------------------

@pytest.mark.parametrize("raw, expected", [
    (None, 2026), ("", 2026), ("1900", 1900), ("2027", 2027),
    ("1899", None), ("2028", None), ("abc", None), ("-1", None), ("20266", None), ("2026\x00", None),
])
def test_a_year_from_1900_to_the_latest_allowed(raw, expected):
    if expected is None:
        with pytest.raises(DomainError) as info:
            inputs.year(raw, 2026, latest=2027)
        assert info.value.code == "validation" and "year" in info.value.errors
    else:
        assert inputs.year(raw, 2026, latest=2027) == expected
