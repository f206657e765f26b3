"""Pure rules of the register (DOMAIN.md §2-3). No database here."""
from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

from stdnum.exceptions import InvalidChecksum, InvalidComponent, InvalidFormat, InvalidLength
from stdnum.exceptions import ValidationError as StdnumError
from stdnum.it import codicefiscale, iva


def voting_right_from(admitted_on: date, seniority_days: int) -> date:
    """art. 2538 c.1 c.c.: a member votes once they have been in the register for the
    seniority period: admitted on 1 March with 90 days -> votes from 30 May."""
    return admitted_on + timedelta(days=seniority_days)


def first_voting_day(admitted_on: date, seniority: list[tuple[date | None, int]]) -> date:
    """art. 2538 c.1 c.c. with a statute that changes: the first day D on which the member
    has been in the register for the seniority in force ON D (DOMAIN.md §1: a rule uses
    the value in force on the date it is about). `seniority` is the parameter's history,
    oldest first: [(None, default), (effective_from, days), ...]. Between two changes the
    value is fixed, so the answer is the earliest segment whose own threshold falls
    inside it."""
    for index, (start, days) in enumerate(seniority):
        end = seniority[index + 1][0] if index + 1 < len(seniority) else None
        candidate = admitted_on + timedelta(days=days)
        if start is not None and candidate < start:
            candidate = start
        if end is None or candidate < end:
            return candidate
    raise ValueError("empty seniority history")  # pragma: no cover - default always present


def may_vote_on(admitted_on: date, seniority_days: int, on: date) -> bool:
    return on >= voting_right_from(admitted_on, seniority_days)


def amount_due(shares: int, share_value: Decimal) -> Decimal:
    """What the shares subscribed cost: shares x nominal value (art. 2525 c.c.)."""
    return (Decimal(shares) * Decimal(share_value)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def normalise_tax_code(value: str) -> str:
    return "".join((value or "").split()).upper()


class InvalidCode(ValueError):
    """A tax code or VAT number that python-stdnum refused; `reason` is one of
    required, length, format, checksum, component (translated by the caller)."""

    def __init__(self, reason: str, detail: str = ""):
        super().__init__(reason if not detail else f"{reason}: {detail}")
        self.reason = reason


def _reason(exc: StdnumError) -> str:
    for kind, name in ((InvalidChecksum, "checksum"), (InvalidLength, "length"),
                       (InvalidComponent, "component"), (InvalidFormat, "format")):
        if isinstance(exc, kind):
            return name
    return "format"


def validate_tax_code(value: str) -> str:
    """Codice fiscale of a person (16 characters, checksum; also the 'omocodia'
    variants). Returns the normalised code or raises ValueError with the reason."""
    code = normalise_tax_code(value)
    if not code:
        raise InvalidCode("required")
    try:
        return codicefiscale.validate(code)
    except StdnumError as exc:
        raise InvalidCode(_reason(exc), exc.message) from None


def validate_vat_number(value: str) -> str:
    """Partita IVA of a legal person (11 digits, Luhn checksum)."""
    code = normalise_tax_code(value)
    if code.startswith("IT"):
        code = code[2:]
    if not code:
        raise InvalidCode("required")
    try:
        return iva.validate(code)
    except StdnumError as exc:
        raise InvalidCode(_reason(exc), exc.message) from None


@dataclass(frozen=True)
class VolunteerCheck:
    allowed: bool
    volunteers_after: int
    members_after: int
    max_percent: Decimal

    @property
    def percent_after(self) -> Decimal:
        if self.members_after == 0:
            return Decimal("0.00")
        return (Decimal(self.volunteers_after) * 100 / self.members_after).quantize(Decimal("0.01"))


def volunteer_cap_check(active_volunteers: int, active_members: int, *, adds_volunteer: bool,
                        adds_member: bool, removes_volunteer: bool = False,
                        max_percent: Decimal = Decimal("50.00")) -> VolunteerCheck:
    """L. 381/1991 art. 2: volunteers may not be more than 50% of all members.
    Checked after the change: an admission adds a member (and maybe a volunteer); a
    category change to volunteer adds a volunteer without adding a member."""
    volunteers = active_volunteers + (1 if adds_volunteer else 0) - (1 if removes_volunteer else 0)
    members = active_members + (1 if adds_member else 0)
    # volunteers / members <= max_percent / 100, in integers to avoid rounding.
    allowed = (not adds_volunteer) or Decimal(volunteers) * 100 <= max_percent * members
    return VolunteerCheck(allowed, volunteers, members, max_percent)


def withdrawal_effective_on(requested_on: date, year_end_month: int = 12, year_end_day: int = 31) -> date:
    """art. 2532 c.c.: the withdrawal takes effect at the close of the current financial
    year if requested at least three months before it, otherwise at the close of the
    next one. "Three months before 31 December" is 30 September (our reading: the request
    must be on or before the same day number three months earlier, clamped to month end)."""
    year_end = date(requested_on.year, year_end_month, year_end_day)
    if requested_on > year_end:
        year_end = date(requested_on.year + 1, year_end_month, year_end_day)
    limit_month = year_end.month - 3
    limit_year = year_end.year
    if limit_month <= 0:
        limit_month += 12
        limit_year -= 1
    limit_day = min(year_end.day, calendar.monthrange(limit_year, limit_month)[1])
    limit = date(limit_year, limit_month, limit_day)
    if requested_on <= limit:
        return year_end
    return date(year_end.year + 1, year_end.month, year_end.day)
