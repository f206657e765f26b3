"""Use cases of the member register (DOMAIN.md §2). Operations validate, change the
models, write history and audit, and flush; the request wrapper commits."""
from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any, Callable

import sqlalchemy as sa
from flask_babel import format_decimal
from flask_babel import gettext as _
from flask_babel import ngettext

from ..core import audit, clock, inputs
from ..core.errors import DomainError
from ..core.formatting import day, money
from ..core.money import parse_money
from ..extensions import db
from ..statute.queries import value_on
from . import rules
from .models import Category, Member, MemberHistory, MemberStatus, RegisterCounter

REGISTER = "libro_soci"

# The fields of a register entry that users enter (API.md names).
ENTRY_FIELDS = ("first_name", "last_name", "tax_code", "birth_date", "address", "email", "phone",
                "category", "admitted_on", "shares", "legal_representative")


# Names refuse invisible characters too (two entries must not look alike and differ).
NAME_FIELDS = frozenset({"first_name", "last_name", "legal_representative"})


def _text(value: Any, max_len: int, field: str = "") -> str | None:
    """The one cleaning of free text (core.inputs.text): control characters (NUL:
    PostgreSQL refuses it), direction overrides, and in names zero-width characters."""
    try:
        return inputs.text(value, max_length=max_len, name=field in NAME_FIELDS)
    except inputs.InvalidInput as problem:
        raise ValueError(problem.message) from None


NOTE_MAX_LENGTH = inputs.LONG_TEXT


def _note(value: Any) -> str | None:
    """The reason of an entry or a correction, kept in its history: several lines."""
    try:
        return inputs.text(value, max_length=NOTE_MAX_LENGTH, multiline=True)
    except inputs.InvalidInput as problem:
        raise ValueError(problem.message) from None


def _date(value: Any) -> date | None:
    if value in (None, ""):
        return None
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value).strip())
    except ValueError:
        raise ValueError(_("Not a date (use YYYY-MM-DD).")) from None


def code_problem(reason: str, *, legal: bool) -> str:
    """Why python-stdnum refused a code, in the user's language."""
    if reason == "checksum":
        return _("the check character is wrong (a typing error?).")
    if reason == "length":
        return _("a VAT number has 11 digits.") if legal else _("a tax code has 16 characters.")
    if reason == "component":
        if legal:
            return _("the office code it contains (digits 8 to 10) is not valid.")
        return _("the birth date or place encoded in it is not valid.")
    return _("it contains characters that are not allowed here.")


def validate_entry(data: dict, *, today: date | None = None, partial: bool = False,
                   require_admitted_on: bool = True,
                   statute: Callable[[str, date], Any] | None = None,
                   category_choices: str | None = None
                   ) -> tuple[dict, dict[str, list[str]]]:
    """Check the input shape and the rules of one register entry. Returns (clean data,
    errors by field). Used by the add/correct forms, the API, the CSV import (row by
    row) and the applications. `partial`: only the fields present are checked.
    `statute(name, on)` reads a statute parameter (default: one query per call; the
    import passes a preloaded timeline so 10,000 rows do not cost 30,000 queries).
    `shares_paid_amount` is checked only when given (applications never give it).
    `category_choices`: the category words to suggest when the category is unknown (the
    import of an Italian file suggests the Italian file words; the codes otherwise)."""
    today = today or clock.today()
    statute = statute or value_on
    clean: dict[str, Any] = {}
    errors: dict[str, list[str]] = {}

    def fail(field: str, message: str):
        errors.setdefault(field, []).append(message)

    def present(field: str) -> bool:
        return not partial or field in data

    category = None
    if present("category"):
        raw = data.get("category")
        try:
            category = Category(str(raw).strip()) if raw not in (None, "") else None
        except ValueError:
            fail("category", _("Unknown category %(value)s: use one of %(choices)s.", value=repr(raw),
                               choices=category_choices or ", ".join(c.value for c in Category)))
        else:
            if category is None:
                fail("category", _("This field is required."))
            else:
                clean["category"] = category
    legal = category == Category.LEGAL_PERSON

    for field, max_len, required in (("first_name", 100, not legal), ("last_name", 200, True),
                                     ("address", 300, False), ("phone", 40, False),
                                     ("legal_representative", 200, legal)):
        if not present(field):
            continue
        try:
            value = _text(data.get(field), max_len, field)
        except ValueError as exc:
            fail(field, str(exc))
            continue
        if required and not value:
            fail(field, _("This field is required."))
        clean[field] = value if field not in ("first_name",) else (value or "")

    if present("email"):
        try:
            clean["email"] = inputs.email(data.get("email"))
        except inputs.InvalidInput as problem:
            fail("email", problem.message)
            clean["email"] = None

    if present("tax_code"):
        raw = data.get("tax_code") or ""
        try:
            if legal:
                clean["tax_code"] = rules.validate_vat_number(raw)
            else:
                clean["tax_code"] = rules.validate_tax_code(raw)
        except rules.InvalidCode as exc:
            if exc.reason == "required":
                fail("tax_code", _("This field is required."))
            elif legal:
                fail("tax_code", _("Invalid VAT number (partita IVA) %(value)s: %(reason)s",
                                   value=repr(raw), reason=code_problem(exc.reason, legal=True)))
            else:
                fail("tax_code", _("Invalid tax code (codice fiscale) %(value)s: %(reason)s",
                                   value=repr(raw), reason=code_problem(exc.reason, legal=False)))

    if present("birth_date"):
        try:
            birth = _date(data.get("birth_date"))
        except ValueError as exc:
            fail("birth_date", str(exc))
        else:
            if birth is None and not legal:
                fail("birth_date", _("This field is required."))
            elif birth is not None and birth > today:
                fail("birth_date", _("The date %(date)s is in the future.", date=day(birth)))
            elif birth is not None and birth.year < 1900:
                fail("birth_date", _("The date %(date)s is too far in the past.", date=day(birth)))
            clean["birth_date"] = birth if not legal else None

    if present("admitted_on"):
        try:
            admitted = _date(data.get("admitted_on"))
        except ValueError as exc:
            fail("admitted_on", str(exc))
        else:
            if admitted is None and require_admitted_on:
                fail("admitted_on", _("This field is required."))
            elif admitted is not None and admitted > today:
                fail("admitted_on", _("The date %(date)s is in the future.", date=day(admitted)))
            elif admitted is not None and clean.get("birth_date") and admitted < clean["birth_date"]:
                fail("admitted_on", _("The admission date is before the birth date."))
            clean["admitted_on"] = admitted

    if present("shares"):
        raw = data.get("shares")
        try:
            if isinstance(raw, bool) or raw in (None, ""):
                raise ValueError
            shares = int(str(raw).strip())
        except ValueError:
            fail("shares", _("The number of shares must be a whole number."))
        else:
            on = clean.get("admitted_on") or today
            minimum = statute("min_shares_per_member", on)
            share_value = statute("share_value", on)
            max_capital = statute("max_capital_per_member", on)
            if shares < minimum:
                fail("shares", ngettext("At least %(num)d share is required.", "At least %(num)d shares are required.", minimum))
            elif Decimal(shares) * share_value > max_capital:
                fail("shares", _("%(n)d shares of %(value)s exceed the maximum capital per member "
                                 "(%(max)s).", n=shares, value=money(share_value),
                                 max=money(max_capital)))
            clean["shares"] = shares

    if "shares_paid_amount" in data:
        raw = data.get("shares_paid_amount")
        try:
            if isinstance(raw, float | bool):
                raise ValueError  # money is never a float
            paid = parse_money(raw if raw not in (None, "") else "0")
        except ValueError:
            fail("shares_paid_amount", _("Not an amount (use 25.00)."))
        else:
            if paid < 0:
                fail("shares_paid_amount", _("The amount paid cannot be negative."))
            elif "shares" in clean:
                # art. 2525 c.c.: what is paid is part of the shares subscribed.
                subscribed = Decimal(clean["shares"]) * statute(
                    "share_value", clean.get("admitted_on") or today)
                if paid > subscribed:
                    fail("shares_paid_amount", _(
                        "The amount paid (%(paid)s) is more than the shares subscribed (%(value)s).",
                        paid=money(paid), value=money(subscribed)))
            clean["shares_paid_amount"] = paid
    return clean, errors


def lock_counter() -> RegisterCounter:
    """The register counter, locked until the end of the transaction so that
    concurrent admissions queue up for their numbers (PostgreSQL: SELECT ... FOR UPDATE;
    SQLite: writes are serialised by BEGIN IMMEDIATE)."""
    counter = db.session.scalar(
        sa.select(RegisterCounter).where(RegisterCounter.name == REGISTER).with_for_update())
    if counter is None:  # a database created without the migration's first row
        counter = RegisterCounter(name=REGISTER, last_number=0)
        db.session.add(counter)
        db.session.flush()
    return counter


def allocate_number() -> int:
    """Next register number: one more than any number ever assigned (never reused)."""
    counter = lock_counter()
    highest = db.session.scalar(sa.select(sa.func.max(Member.number))) or 0
    following = max(counter.last_number, highest) + 1
    if following > MAX_REGISTER_NUMBER:
        raise DomainError("register_full", _("The register has no numbers left (the last is %(n)d).",
                                             n=MAX_REGISTER_NUMBER), field="number")
    counter.last_number = following
    return following


def reserve_number(number: int) -> None:
    """An explicit number (import of a historic register): keep the counter past it."""
    counter = lock_counter()
    counter.last_number = max(counter.last_number, number)


def active_counts() -> tuple[int, int]:
    """(active volunteers, active members)."""
    row = db.session.execute(
        sa.select(sa.func.count(),
                  sa.func.count().filter(Member.category == Category.VOLUNTEER))
        .where(Member.status == MemberStatus.ACTIVE)).one()
    return row[1], row[0]


def check_volunteer_cap(*, adds_volunteer: bool, adds_member: bool, on: date,
                        removes_volunteer: bool = False, extra_volunteers: int = 0,
                        extra_members: int = 0) -> None:
    """Refuse (code volunteer_cap) a change that would make volunteers more than the
    maximum share of active members; the message names the figures."""
    volunteers, members = active_counts()
    check = rules.volunteer_cap_check(
        volunteers + extra_volunteers, members + extra_members, adds_volunteer=adds_volunteer,
        adds_member=adds_member, removes_volunteer=removes_volunteer,
        max_percent=value_on("max_volunteer_percent", on))
    if not check.allowed:
        raise DomainError("volunteer_cap", _(
            "Volunteers would be %(v)d of %(m)d active members (%(p)s%%), more than the maximum "
            "of %(max)s%% (L. 381/1991 art. 2).", v=check.volunteers_after, m=check.members_after,
            p=format_decimal(check.percent_after, "#,##0.00"), max=format_decimal(check.max_percent, "#,##0.00")),
        field="category")


def entry_snapshot(member: Member) -> dict:
    return {
        "number": member.number, "first_name": member.first_name, "last_name": member.last_name,
        "tax_code": member.tax_code, "birth_date": member.birth_date, "address": member.address,
        "email": member.email, "phone": member.phone, "category": member.category,
        "admitted_on": member.admitted_on, "shares": member.shares_subscribed,
        "shares_paid_amount": member.shares_paid_amount, "status": member.status,
        "exit_on": member.exit_on, "exit_reason": member.exit_reason,
        "legal_representative": member.legal_representative,
    }


def add_history(member: Member, actor, action: str, changes: dict | None, note: str | None = None
                ) -> MemberHistory:
    entry = MemberHistory(member=member, at=clock.now(), actor_id=getattr(actor, "id", None),
                          actor_email=getattr(actor, "email", None), action=action,
                          changes=audit.changes_between({}, {}) if changes is None else
                          {k: [audit._plain(v[0]), audit._plain(v[1])] for k, v in changes.items()},
                          note=note)
    db.session.add(entry)
    return entry


def register_member(clean: dict, actor, *, number: int | None = None, action: str = "member.create",
                    note: str | None = None, check_cap: bool = True,
                    duplicate_check: bool = True, context: dict | None = None) -> Member:
    """Write one validated entry (see validate_entry) into the register, with its
    number, history and audit entry. `number` keeps a historic number (import);
    otherwise the next one is assigned. Admission of an applicant calls this too."""
    category = clean["category"]
    admitted_on = clean["admitted_on"]
    # Lock first: concurrent admissions then check duplicates and the volunteer cap
    # one after the other, each seeing the others' entries (PostgreSQL; SQLite
    # serialises writers anyway).
    lock_counter()
    if duplicate_check:
        existing = db.session.scalar(sa.select(Member.number).where(
            Member.tax_code == clean["tax_code"], Member.status == MemberStatus.ACTIVE))
        if existing is not None:
            raise DomainError("validation", _("An active member with tax code %(code)s is already "
                                              "in the register (number %(n)d).",
                                              code=clean["tax_code"], n=existing), field="tax_code")
    if check_cap:
        check_volunteer_cap(adds_volunteer=category == Category.VOLUNTEER, adds_member=True,
                            on=admitted_on)
    if number is None:
        number = allocate_number()
    else:
        if db.session.scalar(sa.select(Member.id).where(Member.number == number)) is not None:
            raise DomainError("validation", _("Register number %(n)d is already taken.", n=number),
                              field="number")
        reserve_number(number)
    now = clock.now()
    member = Member(
        number=number, first_name=clean.get("first_name") or "", last_name=clean["last_name"],
        tax_code=clean["tax_code"], legal_representative=clean.get("legal_representative"),
        birth_date=clean.get("birth_date"), address=clean.get("address"), email=clean.get("email"),
        phone=clean.get("phone"), category=category, admitted_on=admitted_on,
        shares_subscribed=clean["shares"],
        shares_paid_amount=clean.get("shares_paid_amount") or Decimal("0.00"),
        status=MemberStatus.ACTIVE, created_at=now, updated_at=now, search_name="")
    member.refresh_search_name()
    db.session.add(member)
    db.session.flush()
    changes = {k: [None, v] for k, v in entry_snapshot(member).items() if v not in (None, "")}
    # `context`: data about the entry's origin (the application, the decision's date),
    # stored as data and worded when shown, like every change
    add_history(member, actor, action, {**changes, **{k: [None, v] for k, v in (context or {}).items()}},
                note)
    audit.record(actor, action, member, summary=f"n. {member.number} {member.full_name}",
                 changes=changes)
    return member


# --- Adding and correcting entries (HTML form and API share these) -----------------

# Far below the 32-bit INTEGER column's limit, so allocation can never overflow it.
MAX_REGISTER_NUMBER = 99_999_999
# Entry fields as named in the API and forms -> Member attributes.
ATTRIBUTES = {"shares": "shares_subscribed"}
CORRECTABLE_FIELDS = ENTRY_FIELDS + ("shares_paid_amount",)
# Changed through their own use cases (exits: DOMAIN.md §3), never by a correction.
NOT_CORRECTABLE = ("number", "status", "exit_on", "exit_reason")
# Which other fields a field's rules read: re-checked together when one of them changes.
RELATED_FIELDS = {
    "category": ("first_name", "tax_code", "birth_date", "legal_representative"),
    "admitted_on": ("birth_date", "shares", "shares_paid_amount"),
    "birth_date": ("admitted_on",),
    "shares": ("admitted_on", "shares_paid_amount"),
    "shares_paid_amount": ("shares", "admitted_on"),
}


def entry_error(errors: dict[str, list[str]]) -> DomainError:
    """One DomainError for the errors of validate_entry. The code is `tax_code` when the
    tax code is the only thing wrong (a client can then ask the person to check it),
    otherwise `validation` (API.md error codes)."""
    if set(errors) == {"tax_code"}:
        return DomainError("tax_code", errors["tax_code"][0], errors=errors)
    return DomainError("validation", _("Some fields are not valid: %(fields)s.",
                                       fields=", ".join(sorted(errors))), errors=errors)


def parse_register_number(raw: Any) -> int | None:
    """An optional register number given by the user: a whole number from 1."""
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return None
    try:
        if isinstance(raw, bool):
            raise ValueError
        number = int(str(raw).strip())
    except ValueError:
        raise ValueError(_("The register number must be a whole number.")) from None
    if not 1 <= number <= MAX_REGISTER_NUMBER:
        raise ValueError(_("The register number must be between 1 and %(max)d.", max=MAX_REGISTER_NUMBER))
    return number


def add_member(data: dict, actor, *, note: str | None = None) -> Member:
    """Add one entry to the register from user input (form or API): `number` is kept if
    given, else the next one is assigned. All input errors are reported together."""
    clean, errors = validate_entry(data)
    try:
        note = _note(note)
    except ValueError as exc:
        errors.setdefault("note", []).append(str(exc))
    number = None
    try:
        number = parse_register_number(data.get("number"))
    except ValueError as exc:
        errors.setdefault("number", []).append(str(exc))
    if number is not None:
        # DOMAIN.md §2: numbers are sequential. A number given by hand records an entry of
        # the past (a paper register being transcribed); it may not jump ahead of the
        # numbers already assigned, which would leave a gap in the sequence.
        last = max(lock_counter().last_number, db.session.scalar(sa.select(sa.func.max(Member.number))) or 0)
        if number > last:
            errors.setdefault("number", []).append(_(
                "Number %(n)d has not been assigned yet: leave the field empty and the next "
                "number (%(next)d) is assigned.", n=number, next=last + 1))
    if errors:
        raise entry_error(errors)
    return register_member(clean, actor, number=number, note=note)


def _api_value(member: Member, field: str) -> Any:
    value = getattr(member, ATTRIBUTES.get(field, field))
    return value.value if isinstance(value, Category | MemberStatus) else value


def correct_member(member: Member, changes: dict, actor, note: str | None) -> dict:
    """Correct a register entry (DOMAIN.md §2: corrections never overwrite silently).
    Returns {field: [old, new]} of what changed, kept in the entry's history with the
    reason and in the audit log; an empty dict (and nothing written) when nothing
    differs. Status and exit are not corrected here: exits have their own use case."""
    errors: dict[str, list[str]] = {}
    try:
        note = _note(note)
    except ValueError as exc:
        errors["note"] = [str(exc)]
    else:
        if not note:
            errors["note"] = [_("Give the reason for the correction.")]
    for field in changes:
        if field in NOT_CORRECTABLE:
            errors.setdefault(field, []).append(_("This field cannot be corrected here."))
        elif field not in CORRECTABLE_FIELDS:
            errors.setdefault(field, []).append(_("Unknown field."))
    wanted = {k: v for k, v in changes.items() if k in CORRECTABLE_FIELDS}

    # Validate the changed fields together with the fields their rules read, taking
    # the current value for those not changed; the category is always known so that
    # the tax code is checked as a codice fiscale or as a VAT number.
    to_check = set(wanted) | {"category"}
    for field in list(wanted):
        to_check.update(RELATED_FIELDS.get(field, ()))
    data = {f: wanted[f] if f in wanted else _api_value(member, f) for f in to_check}
    clean, field_errors = validate_entry(data, partial=True)
    for field, messages in field_errors.items():
        errors.setdefault(field, []).extend(messages)
    if errors:
        raise entry_error(errors)

    before = {f: _api_value(member, f) for f in clean}
    diff = audit.changes_between(before, clean)
    if not diff:
        return {}

    new_category = clean.get("category", member.category)
    if member.status == MemberStatus.ACTIVE and ("tax_code" in diff or "category" in diff):
        lock_counter()  # register-wide checks below: one writer at a time (see register_member)
        if "tax_code" in diff:
            other = db.session.scalar(sa.select(Member.number).where(
                Member.tax_code == clean["tax_code"], Member.status == MemberStatus.ACTIVE,
                Member.id != member.id))
            if other is not None:
                raise DomainError("validation", _(
                    "An active member with tax code %(code)s is already in the register "
                    "(number %(n)d).", code=clean["tax_code"], n=other), field="tax_code")
        if "category" in diff and new_category == Category.VOLUNTEER:
            # L. 381/1991 art. 2: becoming a volunteer adds a volunteer, not a member.
            check_volunteer_cap(adds_volunteer=True, adds_member=False, on=clock.today())

    for field in diff:
        setattr(member, ATTRIBUTES.get(field, field), clean[field])
    member.refresh_search_name()
    member.updated_at = clock.now()
    db.session.flush()
    add_history(member, actor, "member.correct", diff, note)
    audit.record(actor, "member.correct", member, summary=f"n. {member.number}: {note}",
                 changes=diff)
    return diff


def record_export(actor, kind: str, register_filter) -> None:
    """Personal data of the whole register leaving the platform is logged: who
    exported what, with which filters (the export itself changes nothing)."""
    filters = register_filter.as_args()
    audit.record(actor, f"register.export_{kind}", object_type="members",
                 summary=f"{kind.upper()} export" + (f" ({filters})" if filters else ""))
