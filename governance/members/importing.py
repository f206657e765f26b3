"""Importing an existing register from CSV (DOMAIN.md §2): historic admission dates,
all-or-nothing, with a per-row report.

The whole file is parsed and every row validated with the same `validate_entry` as a
single entry, in Python; duplicates are checked against the database with a few
set-based queries; then the entries and their history are written with two bulk
INSERTs and one audit entry. 10,000 rows take well under a second of database time.
"""
from __future__ import annotations

import bisect
import enum
import csv
import io
import re
from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any, Iterable

import sqlalchemy as sa
from flask_babel import gettext as _
from flask_babel import ngettext

from ..core import audit, clock
from ..core.errors import DomainError
from ..extensions import db
from ..statute.models import StatuteValue
from ..statute.parameters import BY_NAME
from . import operations
from .models import Category, Member, MemberHistory, MemberStatus, search_key

# API.md: the header of an import file. `number` may be left out (assigned).
REQUIRED_COLUMNS = ("first_name", "last_name", "tax_code", "birth_date", "email", "phone",
                    "address", "category", "admitted_on", "shares")
# Accepted too: the register number, and what legal persons and historic registers need.
OPTIONAL_COLUMNS = ("number", "legal_representative", "shares_paid_amount")
HEADER = ("number",) + REQUIRED_COLUMNS
# The same file as Italian Excel writes it (the register's Excel export reads back):
# Italian column names and category words, accepted as well as the codes above.
ITALIAN_COLUMNS = {"numero": "number", "nome": "first_name", "cognome": "last_name",
                   "codice_fiscale": "tax_code", "data_nascita": "birth_date", "email": "email",
                   "telefono": "phone", "indirizzo": "address", "categoria": "category",
                   "data_ammissione": "admitted_on", "quote": "shares",
                   "rappresentante_legale": "legal_representative", "versato": "shares_paid_amount"}
ITALIAN_HEADER = tuple(name for name, code in ITALIAN_COLUMNS.items() if code in HEADER)
ITALIAN_CATEGORIES = {Category.WORKER: "lavoratore", Category.VOLUNTEER: "volontario",
                      Category.USER: "fruitore", Category.FINANCING: "sovventore",
                      Category.LEGAL_PERSON: "persona_giuridica"}
CATEGORY_CODES = {word: category.value for category, word in ITALIAN_CATEGORIES.items()}
ITALIAN_NAMES = {code: name for name, code in ITALIAN_COLUMNS.items()}
MAX_ROWS = 50_000
# Reported problems are capped so that a file that is wrong everywhere stays readable.
MAX_REPORTED = 1000
# Bound parameters per IN (...) query: far below SQLite's and PostgreSQL's limits.
CHUNK = 1000
ITALIAN_DATE = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})$")
FILE = 0  # "row" of a problem about the whole file
# What an imported entry's history records, named as in operations.entry_snapshot.
HISTORY_NAMES = {"shares_subscribed": "shares"}
HISTORY_FIELDS = ("number", "first_name", "last_name", "tax_code", "birth_date", "address", "email",
                  "phone", "category", "admitted_on", "shares_subscribed", "shares_paid_amount",
                  "status", "legal_representative")


@dataclass(frozen=True)
class Problem:
    row: int      # as in the file, the header being row 1; FILE for the whole file
    field: str
    message: str


class ImportRejected(DomainError):
    """The file was refused and nothing was stored. `problems` is the per-row report;
    `errors` (API) maps the row number ("2", "3", ...; "file" for the whole file) to
    "field: message" strings."""

    def __init__(self, problems: list[Problem], code: str = "validation", message: str | None = None):
        rows = {p.row for p in problems}
        if message is None:
            message = _("The file was not imported: %(errors)s in %(rows)s. Nothing was stored.",
                        errors=ngettext("%(num)d error", "%(num)d errors", len(problems)),
                        rows=ngettext("%(num)d row", "%(num)d rows", len(rows)))
        errors: dict[str, list[str]] = {}
        for p in problems[:MAX_REPORTED]:
            errors.setdefault("file" if p.row == FILE else str(p.row), []).append(f"{p.field}: {p.message}")
        super().__init__(code, message, errors=errors)
        self.problems = problems[:MAX_REPORTED]
        self.total_problems = len(problems)
        self.italian = False  # the file had the Italian header: name its columns so

    def column(self, field: str) -> str:
        """The column a problem is about, named as in the file the user imported
        (nothing for a problem about the whole file or a whole row)."""
        if field == "header":
            return _("header row")
        if field in ("file", "row"):
            return ""
        return ITALIAN_NAMES.get(field, field) if self.italian else field


@dataclass(frozen=True)
class ImportResult:
    imported: int
    first_number: int | None
    last_number: int | None


class StatuteTimeline:
    """The statute parameters an entry's rules read, loaded once: value_on() for each
    of 10,000 rows would be 30,000 queries."""

    def __init__(self, names: Iterable[str]):
        self._dates: dict[str, list[date]] = defaultdict(list)
        self._values: dict[str, list[Any]] = defaultdict(list)
        rows = db.session.execute(
            sa.select(StatuteValue.name, StatuteValue.value, StatuteValue.effective_from)
            .where(StatuteValue.name.in_(list(names)))
            .order_by(StatuteValue.name, StatuteValue.effective_from, StatuteValue.id))
        for name, raw, effective_from in rows:
            dates, values = self._dates[name], self._values[name]
            value = BY_NAME[name].parse(raw)
            if dates and dates[-1] == effective_from:  # same day: the later entry wins
                values[-1] = value
            else:
                dates.append(effective_from)
                values.append(value)

    def __call__(self, name: str, on: date) -> Any:
        index = bisect.bisect_right(self._dates[name], on) - 1
        return BY_NAME[name].default if index < 0 else self._values[name][index]


def _json_value(value: Any) -> Any:
    """A history value as JSON (what audit._plain does, for the import's known types)."""
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return f"{value:.2f}"
    if isinstance(value, enum.Enum):
        return value.value
    return value


def decode(data: bytes) -> str:
    """The file's text: UTF-8 (with or without the BOM Excel writes), else Windows-1252,
    what Excel on Windows writes when saving as plain "CSV" ("Niccolò Bertè" arrives
    intact either way). UTF-8 is tried first: a UTF-8 file is almost never valid
    Windows-1252 by accident the other way round."""
    if not data or not data.strip():
        raise ImportRejected([Problem(FILE, "file", _("The file is empty."))])
    if b"\x00" in data[:65536]:
        raise ImportRejected([Problem(FILE, "file", _("This is not a CSV text file."))])
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        try:
            return data.decode("cp1252")
        except UnicodeDecodeError:
            raise ImportRejected([Problem(FILE, "file", _(
                "The file is not UTF-8 text (invalid byte at position %(pos)d): save it as "
                "\"CSV UTF-8\".", pos=exc.start))]) from None


def sniff_delimiter(text: str) -> str:
    """Comma, or semicolon as Italian spreadsheets write it: whichever the header uses more."""
    first_line = text.split("\n", 1)[0]
    return ";" if first_line.count(";") > first_line.count(",") else ","


def _italian_date_to_iso(value: str) -> str:
    """Spreadsheets saved in Italy write 31/01/1994: accept it as 1994-01-31."""
    match = ITALIAN_DATE.match(value)
    if not match:
        return value
    day, month, year = match.groups()
    return f"{year}-{int(month):02d}-{int(day):02d}"


def _check_header(header: list[str]) -> list[Problem]:
    problems = []
    seen = set()
    for name in header:
        if name in seen:
            problems.append(Problem(1, "header", _("The column %(name)s appears twice.", name=name)))
        seen.add(name)
        if name not in REQUIRED_COLUMNS and name not in OPTIONAL_COLUMNS:
            problems.append(Problem(1, "header", _("Unknown column %(name)s.", name=repr(name))))
    missing = [c for c in REQUIRED_COLUMNS if c not in seen]
    if missing:
        problems.append(Problem(1, "header", ngettext(
            "Missing column: %(names)s. The header must be: %(header)s.",
            "Missing columns: %(names)s. The header must be: %(header)s.",
            len(missing), names=", ".join(missing), header=",".join(HEADER))))
    return problems


@dataclass
class _Row:
    row: int
    clean: dict
    number: int | None


def read_records(text: str) -> tuple[list[str], list[tuple[int, list[str]]]]:
    """(header, [(row number, values)]) of the CSV text, blank lines skipped. Refuses
    malformed CSV and too many rows before any row is validated."""
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=sniff_delimiter(text), strict=True)
    header: list[str] | None = None
    records: list[tuple[int, list[str]]] = []
    row_number = 0
    try:
        for record in reader:
            row_number += 1
            if header is None:
                header = [cell.strip().lower() for cell in record]
                header = [ITALIAN_COLUMNS.get(name, name) for name in header]
            elif any(cell.strip() for cell in record):  # blank lines end many spreadsheets
                records.append((row_number, record))
                if len(records) > MAX_ROWS:
                    raise ImportRejected([Problem(FILE, "file", _(
                        "The file has more than %(max)d rows: split it into smaller files.",
                        max=MAX_ROWS))])
    except csv.Error as exc:
        raise ImportRejected([Problem(row_number + 1, "file", _(
            "The file is not valid CSV here (%(reason)s); check the quotes.", reason=str(exc)))]) from None
    if header is None or not records:
        raise ImportRejected([Problem(FILE, "file", _("The file has no rows to import."))])
    return header, records


def parse(data: bytes, today: date) -> list[_Row]:
    """Parse and validate the whole file; raise ImportRejected with every problem found,
    or return the valid rows (the database is only read)."""
    text = decode(data)
    italian = _has_italian_header(text)
    try:
        return _parse(text, today, italian)
    except ImportRejected as rejected:
        rejected.italian = italian
        raise


def _has_italian_header(text: str) -> bool:
    first = text.lstrip("\ufeff").split("\n", 1)[0].lower().replace(";", ",")
    names = {cell.strip().strip('"') for cell in first.split(",")}
    return any(ITALIAN_COLUMNS.get(name, name) != name for name in names)


def _parse(text: str, today: date, italian: bool) -> list[_Row]:
    header, records = read_records(text)
    header_problems = _check_header(header)
    if header_problems:
        raise ImportRejected(header_problems)

    statute = StatuteTimeline(("min_shares_per_member", "share_value", "max_capital_per_member"))
    problems: list[Problem] = []
    rows: list[_Row] = []
    numbers_seen: dict[int, int] = {}
    tax_codes_seen: dict[str, int] = {}
    for row_number, record in records:
        if len(record) != len(header):
            problems.append(Problem(row_number, "row", _(
                "Expected %(expected)d values, found %(found)d.",
                expected=len(header), found=len(record))))
            continue
        values = {name: cell.strip() for name, cell in zip(header, record)}
        for field in ("birth_date", "admitted_on"):
            values[field] = _italian_date_to_iso(values[field])
        values["category"] = CATEGORY_CODES.get(values["category"].lower(), values["category"])
        row_problems, row = _check_row(row_number, values, today, statute, numbers_seen, tax_codes_seen,
                                       italian)
        if row_problems:
            problems.extend(row_problems)
        else:
            rows.append(row)

    problems.extend(_check_against_register(numbers_seen, tax_codes_seen))
    if problems:
        problems.sort(key=lambda p: p.row)
        raise ImportRejected(problems)
    return rows


def _check_row(row_number: int, values: dict, today: date, statute: StatuteTimeline,
               numbers_seen: dict[int, int], tax_codes_seen: dict[str, int], italian: bool = False
               ) -> tuple[list[Problem], _Row]:
    """One row's problems (the entry's rules, and repeats within the file)."""
    problems: list[Problem] = []
    # A wrong category lists the words the file's language uses (both are accepted).
    choices = ", ".join(ITALIAN_CATEGORIES.values()) if italian else None
    clean, errors = operations.validate_entry(values, today=today, statute=statute,
                                              category_choices=choices)
    for field, messages in errors.items():
        problems.extend(Problem(row_number, field, m) for m in messages)
    number = None
    try:
        number = operations.parse_register_number(values.get("number"))
    except ValueError as exc:
        problems.append(Problem(row_number, "number", str(exc)))
    if number is not None:
        first = numbers_seen.setdefault(number, row_number)
        if first != row_number:
            problems.append(Problem(row_number, "number", _(
                "Register number %(n)d is repeated (first on row %(row)d).", n=number, row=first)))
    tax_code = clean.get("tax_code")
    if tax_code:
        first = tax_codes_seen.setdefault(tax_code, row_number)
        if first != row_number:
            problems.append(Problem(row_number, "tax_code", _(
                "Tax code %(code)s is repeated (first on row %(row)d).", code=tax_code, row=first)))
    return problems, _Row(row_number, clean, number)


def _chunks(items: list, size: int = CHUNK):
    for start in range(0, len(items), size):
        yield items[start:start + size]


def _check_against_register(numbers_seen: dict[int, int], tax_codes_seen: dict[str, int]) -> list[Problem]:
    """Numbers already in the register (never reused) and tax codes of active members:
    one query per thousand values."""
    problems = []
    for chunk in _chunks(sorted(numbers_seen)):
        for number in db.session.scalars(sa.select(Member.number).where(Member.number.in_(chunk))):
            problems.append(Problem(numbers_seen[number], "number", _(
                "Register number %(n)d is already in the register.", n=number)))
    for chunk in _chunks(sorted(tax_codes_seen)):
        for tax_code, number in db.session.execute(
                sa.select(Member.tax_code, Member.number).where(
                    Member.tax_code.in_(chunk), Member.status == MemberStatus.ACTIVE)):
            problems.append(Problem(tax_codes_seen[tax_code], "tax_code", _(
                "An active member with tax code %(code)s is already in the register (number %(n)d).",
                code=tax_code, n=number)))
    return problems


def _check_volunteer_cap(rows: list[_Row], today: date) -> None:
    """L. 381/1991 art. 2 on the register as it would be after the import."""
    volunteers = sum(1 for r in rows if r.clean["category"] == Category.VOLUNTEER)
    if not volunteers:
        return
    try:
        # As if the file's entries were admitted one by one, the last being a volunteer.
        operations.check_volunteer_cap(adds_volunteer=True, adds_member=True, on=today,
                                       extra_volunteers=volunteers - 1, extra_members=len(rows) - 1)
    except DomainError as error:
        raise ImportRejected([Problem(FILE, "category", error.message)], code="volunteer_cap",
                             message=error.message) from None


def import_register(data: bytes, actor, *, note: str | None = None) -> ImportResult:
    """Import a register file (API.md header). All-or-nothing: ImportRejected with the
    per-row report if anything is wrong; otherwise every entry is written with its
    history, the register counter is moved past the highest number, and one audit
    entry summarises the import."""
    today = clock.today()
    # Lock the register before reading it, so that an admission or another import
    # running meanwhile cannot take a number or tax code this file was checked against.
    counter = operations.lock_counter()
    rows = parse(data, today)
    try:
        _check_volunteer_cap(rows, today)
    except ImportRejected as rejected:
        rejected.italian = _has_italian_header(decode(data))
        raise

    # Numbers not given come after every number in the register, ever assigned
    # (the counter) and in the file, in file order: numbers are never reused.
    highest = db.session.scalar(sa.select(sa.func.max(Member.number))) or 0
    next_number = max([counter.last_number, highest] + [r.number for r in rows if r.number]) + 1
    for row in rows:
        if row.number is None:
            row.number = next_number
            next_number += 1
    counter.last_number = max(counter.last_number, max(r.number for r in rows))

    now = clock.now()
    member_values = []
    for row in rows:
        c = row.clean
        last, first = c["last_name"], c.get("first_name") or ""
        member_values.append({
            "number": row.number, "first_name": first, "last_name": last,
            "tax_code": c["tax_code"], "legal_representative": c.get("legal_representative"),
            "birth_date": c.get("birth_date"), "address": c.get("address"), "email": c.get("email"),
            "phone": c.get("phone"), "category": c["category"], "admitted_on": c["admitted_on"],
            "shares_subscribed": c["shares"],
            "shares_paid_amount": c.get("shares_paid_amount") or Decimal("0.00"),
            "status": MemberStatus.ACTIVE, "created_at": now, "updated_at": now,
            "search_name": search_key(f"{last} {first}"),
        })
    db.session.flush()  # the counter, before the bulk statements
    # A plain executemany (no RETURNING: psycopg would re-parse each huge multi-row
    # statement), then the new ids in one query over the numbers' range.
    db.session.execute(sa.insert(Member), member_values)
    numbers = {r.number for r in rows}
    ids = {number: id_ for id_, number in db.session.execute(
        sa.select(Member.id, Member.number).where(Member.number.between(min(numbers), max(numbers))))
        if number in numbers}

    action = "member.import"
    actor_id, actor_email = getattr(actor, "id", None), getattr(actor, "email", None)
    history_values = []
    for values in member_values:
        history_values.append({
            "member_id": ids[values["number"]], "at": now, "actor_id": actor_id,
            "actor_email": actor_email, "action": action, "note": note,
            "changes": {HISTORY_NAMES.get(k, k): [None, _json_value(v)]
                        for k, v in values.items() if k in HISTORY_FIELDS and v not in (None, "")},
        })
    db.session.execute(sa.insert(MemberHistory), history_values)

    first_number, last_number = min(numbers), max(numbers)
    audit.record(actor, action, object_type="members", object_id=f"{first_number}-{last_number}",
                 summary=f"{len(rows)} entries imported, numbers {first_number}-{last_number}",
                 changes={"imported": [None, len(rows)], "numbers": [None, f"{first_number}-{last_number}"]})
    return ImportResult(len(rows), first_number, last_number)
