"""Table-driven and property-based tests of the assembly rules (no database)."""
from __future__ import annotations

from datetime import date, datetime, timedelta, timezone
from fractions import Fraction
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from governance.assemblies import rules
from governance.assemblies.rules import AssemblyParameters, Proxy, ProxyMember

ROME = ZoneInfo("Europe/Rome")
dates = st.dates(min_value=date(1994, 1, 1), max_value=date(2100, 12, 31))


def rome(*args) -> datetime:
    return datetime(*args, tzinfo=ROME)


# --- art. 2366 c.c.: notice period, calendar days ---------------------------------------

@pytest.mark.parametrize("first_call_on, problem", [
    (date(2026, 9, 14), "notice_period"),  # 7th day after publication
    (date(2026, 9, 15), None),             # 8th day: DOMAIN.md's example
    (date(2026, 9, 16), None),
    (date(2026, 9, 7), "notice_period"),   # same day
    (date(2026, 9, 1), "notice_period"),   # before publication
])
def test_notice_8th_day_accepted_7th_refused(first_call_on, problem):
    assert rules.notice_problem(date(2026, 9, 7), first_call_on, 8) == problem


def test_notice_reads_a_first_call_datetime_as_its_day_in_rome():
    # 00:30 on 15 September in Rome is still 14 September in UTC: the Rome day counts.
    first_call = rome(2026, 9, 15, 0, 30)
    assert first_call.astimezone(timezone.utc).date() == date(2026, 9, 14)
    assert rules.notice_problem(date(2026, 9, 7), first_call, 8) is None
    assert rules.notice_problem(date(2026, 9, 7), rome(2026, 9, 14, 23, 59), 8) == "notice_period"


@given(published=dates, gap=st.integers(-30, 400), notice=st.integers(8, 365))
def test_notice_is_exactly_the_calendar_day_count(published, gap, notice):
    first_call = published + timedelta(days=gap)
    assert (rules.notice_problem(published, first_call, notice) is None) == (gap >= notice)


# --- two calls: the second on another day ------------------------------------------------

@pytest.mark.parametrize("second_call_at, problem", [
    (rome(2026, 9, 15, 21, 0), "second_call_same_day"),   # same day, later hour
    (rome(2026, 9, 15, 23, 59), "second_call_same_day"),
    (rome(2026, 9, 16, 0, 30), None),                      # 00:30 of the next day
    (rome(2026, 9, 16, 18, 0), None),
    (rome(2026, 9, 14, 18, 0), "second_call_same_day"),   # earlier day
    (rome(2026, 9, 15, 9, 0), "second_call_same_day"),    # same day, earlier hour
])
def test_second_call_must_be_on_a_later_day_in_rome(second_call_at, problem):
    assert rules.calls_problem(rome(2026, 9, 15, 18, 0), second_call_at) == problem


def test_calls_compare_days_in_rome_not_in_utc():
    first = rome(2026, 9, 15, 18, 0)
    # 22:30 UTC on 15 September is 00:30 on the 16th in Rome (CEST, UTC+2): another day.
    assert rules.calls_problem(first, datetime(2026, 9, 15, 22, 30, tzinfo=timezone.utc)) is None
    # 21:30 UTC is 23:30 in Rome: the same day.
    assert rules.calls_problem(first, datetime(2026, 9, 15, 21, 30, tzinfo=timezone.utc)) == "second_call_same_day"


def test_naive_datetimes_are_refused():
    with pytest.raises(ValueError):
        rules.calls_problem(datetime(2026, 9, 15, 18, 0), rome(2026, 9, 16, 18, 0))


# --- the roll of voters --------------------------------------------------------------------

@pytest.mark.parametrize("days_after, on_roll", [(88, False), (89, False), (90, True), (91, True)])
def test_roll_seniority_89th_and_90th_day(days_after, on_roll):
    admitted = date(2025, 3, 1)
    on = admitted + timedelta(days=days_after)
    assert rules.may_vote_at(admitted, [(None, 90)], True, on) is on_roll
    assert rules.may_vote_at(admitted, 90, True, on) is on_roll


def test_domain_example_admitted_1_march_votes_on_30_may():
    assert rules.may_vote_at(date(2025, 3, 1), 90, True, date(2025, 5, 30))
    assert rules.roll_problem(date(2025, 3, 1), 90, date(2025, 5, 29)) == "seniority"


def test_roll_uses_the_seniority_in_force_on_the_assembly_date():
    history = [(None, 90), (date(2027, 1, 1), 60)]
    admitted = date(2026, 10, 26)  # 60 days would be 25 Dec, before the change
    assert not rules.may_vote_at(admitted, history, True, date(2026, 12, 31))
    assert rules.may_vote_at(admitted, history, True, date(2027, 1, 1))


@pytest.mark.parametrize("ended_on, on_roll", [
    (date(2026, 9, 14), False),  # withdrawal acceptance notified yesterday
    (date(2026, 9, 15), False),  # on the assembly day itself
    (date(2026, 9, 16), True),   # ends tomorrow: still a member today
    (None, True),
])
def test_a_membership_ended_on_or_before_the_assembly_date_is_off_the_roll(ended_on, on_roll):
    on = date(2026, 9, 15)
    assert rules.may_vote_at(date(2020, 1, 1), 90, True, on, ended_on=ended_on) is on_roll
    assert rules.membership_ended(ended_on, on) is (not on_roll)


def test_roll_problem_codes():
    on = date(2026, 9, 15)
    assert rules.roll_problem(date(2020, 1, 1), 90, on, ended_on=date(2026, 9, 14)) == "membership_ended"
    assert rules.roll_problem(date(2020, 1, 1), 90, on, active=False) == "not_active"
    assert rules.roll_problem(date(2026, 9, 1), 90, on) == "seniority"
    assert rules.roll_problem(date(2020, 1, 1), 90, on) is None
    assert not rules.may_vote_at(date(2020, 1, 1), 90, False, on)


# --- quorum, DOMAIN.md §4 table at its boundaries ---------------------------------------------

@pytest.mark.parametrize("kind, call, eligible, present, reached", [
    ("ordinary", "first", 90, 44, False), ("ordinary", "first", 90, 45, True),      # P >= E/2
    ("ordinary", "first", 91, 45, False), ("ordinary", "first", 91, 46, True),
    ("ordinary", "second", 90, 0, False), ("ordinary", "second", 90, 1, True),      # any P >= 1
    ("ordinary", "second", 1, 1, True),
    ("extraordinary", "first", 90, 45, False), ("extraordinary", "first", 90, 46, True),  # P > E/2
    ("extraordinary", "first", 91, 45, False), ("extraordinary", "first", 91, 46, True),
    ("extraordinary", "second", 90, 30, False), ("extraordinary", "second", 90, 31, True),  # P > E/3
    ("extraordinary", "second", 91, 30, False), ("extraordinary", "second", 91, 31, True),
    ("extraordinary", "second", 92, 30, False), ("extraordinary", "second", 92, 31, True),
    ("extraordinary", "second", 93, 31, False), ("extraordinary", "second", 93, 32, True),
])
def test_quorum_table_boundaries(kind, call, eligible, present, reached):
    result = rules.quorum(kind, call, eligible, present)
    assert result.reached is reached
    assert result.rule == f"{kind}_{call}"
    assert (result.eligible, result.present) == (eligible, present)


@pytest.mark.parametrize("kind, call, eligible, required, fraction, comparison", [
    ("ordinary", "first", 90, 45, Fraction(1, 2), "at_least"),
    ("ordinary", "first", 91, 46, Fraction(1, 2), "at_least"),
    ("ordinary", "second", 90, 1, Fraction(0), "more_than"),
    ("extraordinary", "first", 90, 46, Fraction(1, 2), "more_than"),
    ("extraordinary", "second", 90, 31, Fraction(1, 3), "more_than"),
    ("extraordinary", "second", 93, 32, Fraction(1, 3), "more_than"),
])
def test_quorum_required_is_the_smallest_present_that_reaches_it(kind, call, eligible, required,
                                                                 fraction, comparison):
    result = rules.quorum(kind, call, eligible, 0)
    assert (result.required, result.fraction, result.comparison) == (required, fraction, comparison)


def test_nobody_present_never_reaches_a_quorum_even_with_an_empty_roll():
    for kind in ("ordinary", "extraordinary"):
        for call in ("first", "second"):
            assert not rules.quorum(kind, call, 0, 0).reached
            assert rules.quorum(kind, call, 0, 0).required == 1


def test_quorum_fractions_come_from_the_statute():
    params = AssemblyParameters(extraordinary_second_call_quorum=Fraction(1, 2))
    assert not rules.quorum("extraordinary", "second", 90, 45, params).reached
    assert rules.quorum("extraordinary", "second", 90, 46, params).reached


def test_parameters_defaults_are_the_statute_defaults():
    from governance.statute.parameters import defaults
    assert AssemblyParameters.from_statute(defaults()) == AssemblyParameters()
    changed = AssemblyParameters.from_statute({**defaults(), "ordinary_first_call_quorum": Fraction(2, 3)})
    assert changed.ordinary_first_call_quorum == Fraction(2, 3)


@pytest.mark.parametrize("eligible, present", [(10, 11), (-1, 0), (10, -1)])
def test_impossible_figures_are_refused(eligible, present):
    with pytest.raises(ValueError):
        rules.quorum("ordinary", "first", eligible, present)


kinds = st.sampled_from(["ordinary", "extraordinary"])
calls = st.sampled_from(["first", "second"])
fractions = st.fractions(min_value=0, max_value=1, max_denominator=12)


@given(kind=kinds, call=calls, eligible=st.integers(0, 3000), data=st.data())
def test_more_presence_never_loses_a_reached_quorum(kind, call, eligible, data):
    present = data.draw(st.integers(0, eligible))
    more = data.draw(st.integers(present, eligible))
    if rules.quorum(kind, call, eligible, present).reached:
        assert rules.quorum(kind, call, eligible, more).reached


@given(kind=kinds, call=calls, eligible=st.integers(0, 3000), fraction=fractions, data=st.data())
def test_quorum_matches_the_exact_fraction(kind, call, eligible, fraction, data):
    params = AssemblyParameters(ordinary_first_call_quorum=fraction, extraordinary_first_call_quorum=fraction,
                                extraordinary_second_call_quorum=fraction)
    present = data.draw(st.integers(0, eligible))
    result = rules.quorum(kind, call, eligible, present, params)
    if (kind, call) == ("ordinary", "first"):
        expected = present >= fraction * eligible
    elif kind == "ordinary":
        expected = True
    else:
        expected = present > fraction * eligible
    assert result.reached == (expected and present >= 1)
    # `required` is the boundary: reached from it, not one below it.
    assert result.reached == (present >= result.required)
    if result.required <= eligible:
        assert rules.quorum(kind, call, eligible, result.required, params).reached
    if 0 <= result.required - 1 <= eligible:
        assert not rules.quorum(kind, call, eligible, result.required - 1, params).reached


# --- proxies (arts. 2372, 2539 c.c.) -----------------------------------------------------------

def member(number, **kwargs) -> ProxyMember:
    return ProxyMember(number=number, on_roll=kwargs.pop("on_roll", True), **kwargs)


@pytest.mark.parametrize("held, problem", [(0, None), (8, None), (9, None), (10, "proxy_cap"), (11, "proxy_cap")])
def test_the_10th_proxy_is_accepted_the_11th_refused(held, problem):
    assert rules.proxy_problem(member(1), member(2, proxies_held=held), max_per_delegate=10) == problem


def test_no_proxies_when_the_cap_is_zero():
    assert rules.proxy_problem(member(1), member(2), max_per_delegate=0) == "proxy_cap"


@pytest.mark.parametrize("delegator, delegate, problem", [
    (member(1), member(2, is_board_or_auditor=True), "proxy_barred"),       # art. 2372 c.c.
    (member(1), member(1), "proxy_duplicate"),                               # to oneself
    (member(1, has_delegated=True), member(2), "proxy_duplicate"),           # one delegate per delegator
    (member(1), member(2, has_delegated=True), "proxy_duplicate"),           # sub-delegation
    (member(1, proxies_held=1), member(2), "proxy_duplicate"),               # would pass on proxies held
    (member(1), member(2, on_roll=False), "proxy_not_entitled"),
    (member(1, on_roll=False), member(2), "proxy_not_entitled"),
    (member(1, is_board_or_auditor=True), member(2), None),                  # a board member may delegate
])
def test_proxy_problems(delegator, delegate, problem):
    assert rules.proxy_problem(delegator, delegate, max_per_delegate=10) == problem


def test_proxy_checks_run_in_the_documented_order():
    everything_wrong = dict(delegator=member(1, on_roll=False, has_delegated=True),
                            delegate=member(1, on_roll=False, is_board_or_auditor=True, proxies_held=10))
    assert rules.proxy_problem(**everything_wrong, max_per_delegate=10, session_open=True) == "session_open"
    assert rules.proxy_problem(**everything_wrong, max_per_delegate=10) == "proxy_not_entitled"
    assert rules.proxy_problem(member(1, has_delegated=True), member(1, is_board_or_auditor=True, proxies_held=10),
                               max_per_delegate=10) == "proxy_barred"
    assert rules.proxy_problem(member(1, has_delegated=True), member(2, proxies_held=10),
                               max_per_delegate=10) == "proxy_duplicate"


def test_no_proxy_once_the_session_is_open():
    assert rules.proxy_problem(member(1), member(2), max_per_delegate=10, session_open=True) == "session_open"


def test_a_proxy_counts_only_while_its_delegate_is_present():
    proxy = Proxy(delegator=1, delegate=2)
    assert rules.counted_proxies([proxy], {2}) == [proxy]
    assert rules.counted_proxies([proxy], {3}) == []   # the delegate left or never came


def test_a_delegator_present_in_person_voids_the_proxy():
    assert rules.counted_proxies([Proxy(1, 2)], {1, 2}) == []


def test_attendance_counts_each_voter_once():
    roll = range(1, 21)
    figures = rules.attendance(
        roll,
        in_person=[1, 2, 3, 4, 99],                 # 99 attends but is not on the roll
        proxies=[Proxy(5, 1), Proxy(6, 1),          # counted: 1 is present
                 Proxy(2, 3),                       # void: 2 came in person
                 Proxy(7, 8),                       # 8 is absent: does not count
                 Proxy(9, 4)],                      # 9 also voted by correspondence: counted once
        by_correspondence=[3, 9, 10, 99])           # 3 is present in person: counted once
    assert (figures.eligible, figures.in_person, figures.by_proxy, figures.by_correspondence,
            figures.present) == (20, 4, 2, 2, 8)
    assert figures.present_numbers == {1, 2, 3, 4, 5, 6, 9, 10}


@given(roll=st.sets(st.integers(1, 40), max_size=30), here=st.sets(st.integers(1, 45)),
       posted=st.sets(st.integers(1, 45)),
       proxies=st.lists(st.tuples(st.integers(1, 45), st.integers(1, 45)), max_size=20))
def test_attendance_never_double_counts(roll, here, posted, proxies):
    figures = rules.attendance(roll, here, [Proxy(a, b) for a, b in proxies], posted)
    assert figures.present == figures.in_person + figures.by_proxy + figures.by_correspondence
    assert figures.present == len(figures.present_numbers)
    assert figures.present_numbers <= roll
    assert figures.in_person == len(roll & here)
    assert figures.eligible == len(roll)
