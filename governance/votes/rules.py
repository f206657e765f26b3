"""Pure rules of motions and votes (DOMAIN.md §5). No database, no request, no words.

Functions return data and stable codes (API.md); the caller turns them into sentences
in the reader's language. Thresholds are exact `Fraction`s compared in integers.
"""
from __future__ import annotations

import enum
import hashlib
import secrets
from collections import Counter
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from typing import Iterable

from ..assemblies.rules import (AT_LEAST, MORE_THAN, AssemblyKind, AssemblyParameters, Call, QuorumResult,
                                check_figures, minimum_count, quorum)


class Subject(str, enum.Enum):
    MISSION = "mission"                  # the identity card, not the statute
    STATUTE_PURPOSE = "statute_purpose"  # the purpose (mission) clause of the statute
    STATUTE_OTHER = "statute_other"
    LOAN_REGULATION = "loan_regulation"
    ACCOUNTS = "accounts"
    ELECTION = "election"
    APPEAL = "appeal"
    OTHER = "other"


class Choice(str, enum.Enum):
    YES = "yes"
    NO = "no"
    ABSTAIN = "abstain"


STATUTE_SUBJECTS = frozenset({Subject.STATUTE_PURPOSE, Subject.STATUTE_OTHER})


def kind_problem(subject: str, assembly_kind: str) -> str | None:
    """"wrong_assembly_kind" for a statute change on an ordinary assembly: only an
    extraordinary one changes the statute. The mission statement (not the statute) and
    every other subject may be voted by either kind."""
    if Subject(subject) in STATUTE_SUBJECTS and AssemblyKind(assembly_kind) is AssemblyKind.ORDINARY:
        return "wrong_assembly_kind"
    return None


# --- majorities (arts. 2368-2369 c.c., per head) ----------------------------------------

PRESENT = "present"    # the condition is over P, the votes of those present
ELIGIBLE = "eligible"  # the condition is over E, the voters on the roll


@dataclass(frozen=True)
class Condition:
    """One "yes must be ..." condition: yes {comparison} fraction x base_count."""

    base: str           # PRESENT or ELIGIBLE
    base_count: int
    fraction: Fraction
    comparison: str     # AT_LEAST or MORE_THAN
    required_yes: int   # the smallest yes that meets it
    met: bool


def percent_of(count: int, base: int) -> Decimal:
    """count / base as a percentage with one decimal, rounded half-up in integers
    (64 of 90 -> 71.1). 0.0 when the base is 0."""
    if base <= 0:
        return Decimal("0.0")
    tenths = (2 * 1000 * count + base) // (2 * base)
    return Decimal(tenths).scaleb(-1)


@dataclass(frozen=True)
class Outcome:
    """The result of a motion and the figures to explain it, e.g. the caller's
    "approved: 64 yes of 90 present (71.1%), 2/3 required" is built from
    `approved`, `yes`, `main.base_count`, `main.base`, `percent` and `main.fraction`."""

    approved: bool
    reason: str | None      # None, "wrong_assembly_kind", "no_quorum" or "majority_not_reached"
    rule: str               # "ordinary", "extraordinary_first", "extraordinary_second",
                            # "extraordinary_second_purpose"
    required_yes: int       # the smallest yes that meets every condition
    conditions: tuple[Condition, ...]
    quorum: QuorumResult
    eligible: int
    present: int
    yes: int
    no: int
    abstain: int
    eligible_votes: int = 0  # the majority's bases in votes (legal persons, art. 2538 c.3)
    present_votes: int = 0

    @property
    def main(self) -> Condition:
        """The condition the explanation names first (the others are extra)."""
        return self.conditions[0]

    @property
    def percent(self) -> Decimal:
        """yes as a percentage of the main condition's base, one decimal, half-up."""
        return percent_of(self.yes, self.main.base_count)


def _condition(base: str, base_count: int, fraction: Fraction, comparison: str, yes: int) -> Condition:
    required = minimum_count(fraction, base_count, comparison)
    return Condition(base, base_count, Fraction(fraction), comparison, required, yes >= required)


def majority(kind: str, call: str, subject: str, eligible: int, present: int, yes: int, no: int,
             abstain: int, params: AssemblyParameters | None = None, *, eligible_votes: int | None = None,
             present_votes: int | None = None) -> Outcome:
    """Whether a motion passes, per DOMAIN.md §4 (fractions from `params`):

    - ordinary, either call: yes > 1/2 of the votes of those present (abstentions and
      members present who cast no ballot count as present: yes > P/2);
    - extraordinary, 1st call: yes > 1/2 E;
    - extraordinary, 2nd call: yes >= 2/3 P;
    - extraordinary, 2nd call, subject statute_purpose (the purpose/mission clause of the
      statute): also yes > 1/3 E.

    Never approved on a subject the assembly kind may not vote ("wrong_assembly_kind",
    see `kind_problem`) or without the quorum ("no_quorum"). Every condition needs at
    least one yes, so an empty vote never passes.

    `eligible` and `present` are heads (the quorum); `eligible_votes` and `present_votes`
    (default: the heads) are the votes they hold when a legal person's ballot counts more
    than one (art. 2538 c.3 c.c.): yes, no and abstain are votes, and so are the bases of
    the majority conditions."""
    params = params or AssemblyParameters()
    check_figures(eligible, present)
    eligible_votes = eligible if eligible_votes is None else eligible_votes
    present_votes = present if present_votes is None else present_votes
    if eligible_votes < eligible or present_votes < present:
        raise ValueError("fewer votes than heads")
    check_figures(eligible_votes, present_votes)
    if min(yes, no, abstain) < 0 or yes + no + abstain > present_votes:
        raise ValueError("more votes than members present")
    kind, call, subject = AssemblyKind(kind), Call(call), Subject(subject)
    if kind is AssemblyKind.ORDINARY:
        rule = "ordinary"
        conditions = [_condition(PRESENT, present_votes, params.ordinary_majority, MORE_THAN, yes)]
    elif call is Call.FIRST:
        rule = "extraordinary_first"
        conditions = [_condition(ELIGIBLE, eligible_votes, params.extraordinary_first_call_majority, MORE_THAN,
                                 yes)]
    else:
        rule = "extraordinary_second"
        conditions = [_condition(PRESENT, present_votes, params.extraordinary_second_call_majority, AT_LEAST,
                                 yes)]
        if subject is Subject.STATUTE_PURPOSE:
            rule = "extraordinary_second_purpose"
            conditions.append(_condition(ELIGIBLE, eligible_votes, params.purpose_change_min_yes_of_roll,
                                         MORE_THAN, yes))
    session_quorum = quorum(kind, call, eligible, present, params)
    required_yes = max(1, *(c.required_yes for c in conditions))
    if kind_problem(subject, kind):
        reason = "wrong_assembly_kind"
    elif not session_quorum.reached:
        reason = "no_quorum"
    elif yes < required_yes:
        reason = "majority_not_reached"
    else:
        reason = None
    return Outcome(approved=reason is None, reason=reason, rule=rule, required_yes=required_yes,
                   conditions=tuple(conditions), quorum=session_quorum, eligible=eligible,
                   present=present, yes=yes, no=no, abstain=abstain, eligible_votes=eligible_votes,
                   present_votes=present_votes)


# --- counting ballots -------------------------------------------------------------------

def correspondence_counts(motion_text_amended: bool) -> bool:
    """art. 2538 c.6 c.c.: a vote by correspondence is on the text published in the
    notice, so it does not count when the text put to the vote was amended."""
    return not motion_text_amended


@dataclass(frozen=True)
class Ballot:
    choice: str
    by_correspondence: bool = False


@dataclass(frozen=True)
class Tally:
    yes: int
    no: int
    abstain: int
    dropped: tuple[Ballot, ...]  # correspondence ballots left out (amended text)


def tally(ballots: Iterable[Ballot], *, text_amended: bool = False) -> Tally:
    """Count the ballots of one motion. Correspondence ballots are dropped, and returned
    in `dropped`, when the text was amended. Whether those voters still count in the
    motion's P is the caller's choice; this function only counts."""
    counted: Counter[Choice] = Counter()
    dropped: list[Ballot] = []
    for ballot in ballots:
        choice = Choice(ballot.choice)
        if ballot.by_correspondence and not correspondence_counts(text_amended):
            dropped.append(ballot)
        else:
            counted[choice] += 1
    return Tally(counted[Choice.YES], counted[Choice.NO], counted[Choice.ABSTAIN], tuple(dropped))


# --- secret votes: receipts anyone can recount ------------------------------------------

# No 0/O, 1/I: a receipt is read off a screen or paper and typed back.
RECEIPT_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
RECEIPT_LENGTH = 10  # 32^10 = 2^50 codes


def new_receipt_code() -> str:
    """A random receipt such as "K7QD-M3XA-9P" (10 characters, groups of 4)."""
    code = "".join(secrets.choice(RECEIPT_ALPHABET) for _ in range(RECEIPT_LENGTH))
    return "-".join(code[i:i + 4] for i in range(0, RECEIPT_LENGTH, 4))


def normalise_receipt(text: str) -> str:
    """What a voter typed back ("k7qd m3xa 9p") in the printed form, or ValueError."""
    code = "".join(ch for ch in (text or "").upper() if ch not in " -\t")
    if len(code) != RECEIPT_LENGTH or any(ch not in RECEIPT_ALPHABET for ch in code):
        raise ValueError("not a receipt code")
    return "-".join(code[i:i + 4] for i in range(0, RECEIPT_LENGTH, 4))


def _receipt_lines(pairs: Iterable[tuple[str, str]]) -> list[str]:
    lines, seen = [], set()
    for receipt, choice in pairs:
        receipt = str(receipt)
        if not receipt or any(ch in receipt for ch in ":\r\n"):
            raise ValueError(f"malformed receipt {receipt!r}")
        if receipt in seen:
            raise ValueError(f"receipt {receipt!r} appears twice")
        seen.add(receipt)
        lines.append(f"{receipt}:{Choice(choice).value}")
    return sorted(lines)


def receipt_digest(pairs: Iterable[tuple[str, str]]) -> str:
    """SHA-256 (lowercase hex) of the published receipts of a secret vote.

    Canonical form, so anyone can recompute it: one line "RECEIPT:CHOICE" per ballot
    (the receipt as published, e.g. "K7QD-M3XA-9P"; CHOICE is yes, no or abstain),
    lines sorted by code point (plain ASCII order), joined by "\\n" with no trailing
    newline, encoded as UTF-8. The empty list hashes the empty string. Any order of
    input gives the same digest; a duplicate or malformed receipt is a ValueError."""
    return hashlib.sha256("\n".join(_receipt_lines(pairs)).encode("utf-8")).hexdigest()


def recount(pairs: Iterable[tuple[str, str]]) -> dict[str, int]:
    """{"yes": n, "no": n, "abstain": n} from the published receipts."""
    counted = Counter(line.rsplit(":", 1)[1] for line in _receipt_lines(pairs))
    return {choice.value: counted[choice.value] for choice in Choice}
