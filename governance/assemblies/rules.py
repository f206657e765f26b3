"""Pure rules of the assemblies (DOMAIN.md §4). No database, no request, no words.

Functions return data and stable codes (API.md); the caller turns them into sentences
in the reader's language. Thresholds are exact `Fraction`s compared in integers
(P >= E/2 is 2P >= E), never floats.
"""
from __future__ import annotations

import enum
from dataclasses import dataclass, fields
from datetime import date, datetime
from fractions import Fraction
from typing import Any, Iterable, Mapping
from zoneinfo import ZoneInfo

from ..members.rules import first_voting_day

ROME = ZoneInfo("Europe/Rome")


class AssemblyKind(str, enum.Enum):
    ORDINARY = "ordinary"
    EXTRAORDINARY = "extraordinary"


class Call(str, enum.Enum):
    FIRST = "first"
    SECOND = "second"


# Comparisons a threshold may use, kept as codes for the caller's wording.
AT_LEAST = "at_least"    # count >= fraction x base
MORE_THAN = "more_than"  # count >  fraction x base


@dataclass(frozen=True)
class AssemblyParameters:
    """The statute values the quorum and majority rules read, as in force on the
    assembly date. Defaults are DOMAIN.md §4 (Civil Code arts. 2368-2369, per head)."""

    ordinary_first_call_quorum: Fraction = Fraction(1, 2)         # P >= 1/2 E
    extraordinary_first_call_quorum: Fraction = Fraction(1, 2)    # P >  1/2 E
    extraordinary_second_call_quorum: Fraction = Fraction(1, 3)   # P >  1/3 E
    extraordinary_first_call_majority: Fraction = Fraction(1, 2)  # yes >  1/2 E
    extraordinary_second_call_majority: Fraction = Fraction(2, 3)  # yes >= 2/3 P
    purpose_change_min_yes_of_roll: Fraction = Fraction(1, 3)     # and yes > 1/3 E
    # art. 2368 c.c. "maggioranza assoluta": yes > 1/2 P. Not a statute parameter (yet),
    # so it is only ever the default unless a caller passes another value.
    ordinary_majority: Fraction = Fraction(1, 2)

    @classmethod
    def from_statute(cls, values: Mapping[str, Any]) -> AssemblyParameters:
        """Pick the known names from the statute values in force (other names ignored)."""
        names = {f.name for f in fields(cls)}
        return cls(**{name: Fraction(value) for name, value in values.items() if name in names})


def minimum_count(fraction: Fraction, base: int, comparison: str) -> int:
    """The smallest whole number n with n >= fraction x base (AT_LEAST) or
    n > fraction x base (MORE_THAN), computed in integers."""
    fraction = Fraction(fraction)
    scaled = fraction.numerator * base  # compare n x denominator with this
    if comparison == AT_LEAST:
        return -(-scaled // fraction.denominator)  # ceiling
    if comparison == MORE_THAN:
        return scaled // fraction.denominator + 1
    raise ValueError(f"unknown comparison {comparison!r}")


def _day(value: date | datetime) -> date:
    if isinstance(value, datetime):
        return rome_day(value)
    return value


def rome_day(moment: datetime) -> date:
    """The calendar day of a moment in Rome, where the cooperative meets."""
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError("a timezone-aware datetime is required")
    return moment.astimezone(ROME).date()


# --- convocation (art. 2366 c.c.) ----------------------------------------------------

def notice_problem(published_on: date, first_call_on: date | datetime, notice_days: int) -> str | None:
    """"notice_period" unless the first call is at least `notice_days` calendar days after
    publication (our convention, DOMAIN.md §4: published 7 September with 8 days allows
    15 September or later). Datetimes are read as their day in Rome."""
    if (_day(first_call_on) - _day(published_on)).days < notice_days:
        return "notice_period"
    return None


def calls_problem(first_call_at: datetime, second_call_at: datetime) -> str | None:
    """"second_call_same_day" when the second call is not on a later calendar day (in
    Rome) than the first: the same day, or earlier. 00:30 of the next day is another day."""
    if rome_day(second_call_at) <= rome_day(first_call_at):
        return "second_call_same_day"
    return None


# --- the roll of voters (art. 2538 c.c.) -----------------------------------------------

Seniority = int | list[tuple[date | None, int]]


def membership_ended(ended_on: date | None, on: date) -> bool:
    """A membership that ended (withdrawal acceptance notified, exclusion, death, lapse)
    on or before the assembly date keeps the member off the roll: accepted yesterday or
    today -> off; ending tomorrow -> still on."""
    return ended_on is not None and ended_on <= on


def roll_problem(admitted_on: date, seniority_history: Seniority, on: date, *,
                 active: bool = True, ended_on: date | None = None) -> str | None:
    """Why a member is not on the roll of `on` (the assembly date), or None if they are.
    Codes, checked in this order: "membership_ended", "not_active", "seniority".
    `seniority_history` is the parameter's history as for `first_voting_day` (the value
    in force on the voting day applies), or a plain number of days."""
    if membership_ended(ended_on, on):
        return "membership_ended"
    if not active:
        return "not_active"
    history = [(None, seniority_history)] if isinstance(seniority_history, int) else seniority_history
    # art. 2538 c.1 c.c.: admitted 1 March, 90 days -> votes from 30 May (the 90th day).
    if on < first_voting_day(admitted_on, history):
        return "seniority"
    return None


def may_vote_at(admitted_on: date, seniority_history: Seniority, status_active_on_day: bool,
                on: date, ended_on: date | None = None) -> bool:
    """True when the member is on the roll of the assembly held on `on`."""
    return roll_problem(admitted_on, seniority_history, on, active=status_active_on_day,
                        ended_on=ended_on) is None


# --- quorum (arts. 2368-2369 c.c., per head: art. 2538 c.5) -----------------------------

@dataclass(frozen=True)
class QuorumResult:
    rule: str            # "ordinary_first", "ordinary_second", "extraordinary_first", ...
    fraction: Fraction   # of the roll
    comparison: str      # AT_LEAST or MORE_THAN
    eligible: int        # E: voters on the roll
    present: int         # P: in person + by proxy + by correspondence
    required: int        # the smallest P that reaches the quorum
    reached: bool


def _quorum_threshold(kind: str, call: str, params: AssemblyParameters) -> tuple[Fraction, str]:
    kind, call = AssemblyKind(kind), Call(call)
    if kind is AssemblyKind.ORDINARY:
        if call is Call.FIRST:
            return params.ordinary_first_call_quorum, AT_LEAST
        # "any P" on the second call: we read it as P > 0, see `quorum`.
        return Fraction(0), MORE_THAN
    if call is Call.FIRST:
        return params.extraordinary_first_call_quorum, MORE_THAN
    return params.extraordinary_second_call_quorum, MORE_THAN


def check_figures(eligible: int, present: int) -> None:
    if eligible < 0 or present < 0:
        raise ValueError("figures cannot be negative")
    if present > eligible:
        raise ValueError("more present than voters on the roll")


def quorum(kind: str, call: str, eligible: int, present: int,
           params: AssemblyParameters | None = None) -> QuorumResult:
    """The quorum of DOMAIN.md §4 for an assembly held on `call`:

    ordinary 1st P >= 1/2 E; ordinary 2nd any P; extraordinary 1st P > 1/2 E;
    extraordinary 2nd P > 1/3 E (fractions from `params`).

    "Any P" still needs somebody: a session with nobody present cannot deliberate, so
    every rule requires P >= 1 (this only matters for the ordinary second call, an empty
    roll, or a zero fraction)."""
    params = params or AssemblyParameters()
    check_figures(eligible, present)
    fraction, comparison = _quorum_threshold(kind, call, params)
    required = max(1, minimum_count(fraction, eligible, comparison))
    return QuorumResult(rule=f"{AssemblyKind(kind).value}_{Call(call).value}", fraction=fraction,
                        comparison=comparison, eligible=eligible, present=present,
                        required=required, reached=present >= required)


# --- proxies (arts. 2372, 2539 c.c.) ----------------------------------------------------

@dataclass(frozen=True)
class ProxyMember:
    """What the proxy rules need to know about one member for one assembly."""

    number: int
    on_roll: bool
    is_board_or_auditor: bool = False
    has_delegated: bool = False  # gave a proxy (not revoked) for this assembly
    proxies_held: int = 0        # proxies (not revoked) held for this assembly


def proxy_problem(delegator: ProxyMember, delegate: ProxyMember, *, max_per_delegate: int,
                  session_open: bool = False) -> str | None:
    """None if `delegator` may give a new proxy to `delegate`, else the first problem,
    checked in this order:

    1. "session_open": the session has opened; proxies are given and revoked before it
       (a state problem: 409 for the API).
    2. "proxy_not_entitled": the delegator or the delegate is not on the roll.
    3. "proxy_barred": the delegate is a board member or an auditor (art. 2372 c.c.).
    4. "proxy_duplicate": the delegator already gave a proxy (one delegate per
       delegator), delegates to themself, or it would be a sub-delegation: the
       delegate has delegated their own vote, or the delegator holds proxies.
    5. "proxy_cap": the delegate would hold more than `max_per_delegate` (art. 2539 c.c.:
       with 10, the 10th is accepted and the 11th refused). Pass 0 when the statute
       allows no proxies.
    """
    if session_open:
        return "session_open"
    if not delegator.on_roll or not delegate.on_roll:
        return "proxy_not_entitled"
    if delegate.is_board_or_auditor:
        return "proxy_barred"
    if (delegator.number == delegate.number or delegator.has_delegated
            or delegate.has_delegated or delegator.proxies_held > 0):
        return "proxy_duplicate"
    if delegate.proxies_held + 1 > max_per_delegate:
        return "proxy_cap"
    return None


@dataclass(frozen=True)
class Proxy:
    delegator: int  # register numbers
    delegate: int


def counted_proxies(proxies: Iterable[Proxy], present_numbers: Iterable[int]) -> list[Proxy]:
    """The proxies that count now: a proxy counts only while its delegate is present, and
    a delegator present in person voids it (DOMAIN.md §4). Order is kept."""
    present = set(present_numbers)
    return [p for p in proxies if p.delegate in present and p.delegator not in present]


@dataclass(frozen=True)
class Attendance:
    eligible: int
    in_person: int
    by_proxy: int
    by_correspondence: int
    present: int                      # in_person + by_proxy + by_correspondence
    present_numbers: frozenset[int]   # who makes up `present`


def attendance(eligible_numbers: Iterable[int], in_person: Iterable[int], proxies: Iterable[Proxy],
               by_correspondence: Iterable[int]) -> Attendance:
    """P of DOMAIN.md §4, each voter on the roll counted once. Only voters on the roll
    count (others may attend). A member counts in person first, then by correspondence
    (their own ballot), then by proxy: a delegator present in person voids the proxy,
    and a delegator who also voted by correspondence is counted once, by correspondence.
    A proxy counts only while its delegate is present in person."""
    roll = frozenset(eligible_numbers)
    here = roll & set(in_person)
    posted = (roll & set(by_correspondence)) - here
    represented = {p.delegator for p in counted_proxies(proxies, here)} & roll
    represented -= posted
    return Attendance(eligible=len(roll), in_person=len(here), by_proxy=len(represented),
                      by_correspondence=len(posted), present=len(here) + len(posted) + len(represented),
                      present_numbers=frozenset(here | posted | represented))
