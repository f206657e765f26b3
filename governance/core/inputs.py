"""Cleaning what people and programs send, once for every form, API body and CSV row
(CONVENTIONS.md habit 17).

Each parser takes the raw value and returns the clean one, or raises `InvalidInput`
with a message for the user (translated) and a stable code. `Problems` collects them
by field across a use case and raises one DomainError with all of them, so a form
shows every message next to its field and the API answers them all at once.

What no text may contain: control characters (NUL among them: PostgreSQL refuses it)
except line breaks and tabs in multi-line text, and Unicode direction overrides
(they make "exe.txt" read as "txt.exe"). Names additionally refuse zero-width and other
invisible format characters, so two entries cannot look alike and differ.
"""
from __future__ import annotations

import re
import unicodedata
from datetime import date
from decimal import Decimal
from typing import Any, Callable

from email_validator import EmailNotValidError, validate_email
from flask_babel import gettext as _

from .errors import DomainError
from .money import parse_money

# Direction overrides and isolates (U+202A-202E, U+2066-2069).
_BIDI = set("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
_ITALIAN_DATE = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})$")
EMAIL_MAX_LENGTH = 254
LONG_TEXT = 5000


class InvalidInput(ValueError):
    def __init__(self, message: str, code: str = "validation"):
        super().__init__(message)
        self.message = message
        self.code = code


def text(raw: Any, *, max_length: int, required: bool = False, multiline: bool = False,
         name: bool = False) -> str | None:
    """Trimmed text, or None when empty. `name`: a person's or company's name."""
    if raw is None:
        value = ""
    elif isinstance(raw, str):
        value = raw.strip()
    elif isinstance(raw, (int, Decimal)) and not isinstance(raw, bool):
        value = str(raw)
    else:
        raise InvalidInput(_("Not a text."))
    for char in value:
        category = unicodedata.category(char)
        if category == "Cc" and not (multiline and char in "\n\r\t"):
            raise InvalidInput(_("Contains control characters that are not allowed."))
        if char in _BIDI or (name and category == "Cf"):
            raise InvalidInput(_("Contains invisible characters that are not allowed."))
    if len(value) > max_length:
        raise InvalidInput(_("At most %(n)d characters.", n=max_length))
    if not value:
        if required:
            raise InvalidInput(_("This field is required."))
        return None
    return value


def search(raw: Any, *, field: str = "q", max_length: int = 100) -> str:
    """A search box or query-string filter (`?q=`): trimmed text, "" when empty. What
    no stored text can hold (a NUL byte, control characters) is refused at once with
    a 422 naming the parameter, instead of reaching the database."""
    try:
        value = text(raw if isinstance(raw, str) else None, max_length=10_000)
    except InvalidInput as problem:
        raise DomainError("validation", problem.message, field=field) from None
    return (value or "")[:max_length]


def email(raw: Any, *, required: bool = False) -> str | None:
    """One email address, checked by email-validator (no second address, no comma, no
    line break), lower-cased. The domain is not looked up (no network in a request)."""
    value = text(raw, max_length=EMAIL_MAX_LENGTH, required=required)
    if value is None:
        return None
    try:
        checked = validate_email(value, check_deliverability=False, allow_smtputf8=False)
    except EmailNotValidError:
        raise InvalidInput(_("Not a valid email address.")) from None
    return checked.normalized.lower()


def day(raw: Any, *, required: bool = False) -> date | None:
    """A date as YYYY-MM-DD (what forms and the API send) or DD/MM/YYYY (what Italians
    type and Excel writes)."""
    if isinstance(raw, date):
        return raw
    value = text(raw, max_length=20, required=required)
    if value is None:
        return None
    match = _ITALIAN_DATE.match(value)
    try:
        if match:
            return date(int(match[3]), int(match[2]), int(match[1]))
        return date.fromisoformat(value)
    except ValueError:
        raise InvalidInput(_("Not a date (use DD/MM/YYYY).")) from None


def whole_number(raw: Any, *, required: bool = True, minimum: int | None = None,
                 maximum: int | None = None, message: str | None = None) -> int | None:
    if isinstance(raw, bool):
        raise InvalidInput(message or _("Not a whole number."))
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        if required:
            raise InvalidInput(_("This field is required."))
        return None
    try:
        value = int(str(raw).strip()) if not isinstance(raw, int) else raw
    except ValueError:
        raise InvalidInput(message or _("Not a whole number.")) from None
    if minimum is not None and value < minimum:
        raise InvalidInput(_("At least %(n)d.", n=minimum))
    if maximum is not None and value > maximum:
        raise InvalidInput(_("At most %(n)d.", n=maximum))
    return value


def year(raw: Any, default: int, *, latest: int) -> int:
    """A year in a query string (reports, statements): 1900 up to `latest`, else a
    `validation` DomainError on the field `year` (the page answers 422, not 500)."""
    raw = str(raw or "").strip() or str(default)
    value = int(raw) if raw.isdigit() and len(raw) <= 4 else 0
    if not 1900 <= value <= latest:
        raise DomainError("validation", _("Not a valid year: %(value)s.", value=raw[:10]), field="year")
    return value


def amount(raw: Any, *, required: bool = True, positive: bool = True) -> Decimal | None:
    """Money: "1234.50" or "1.234,50"; never a float, at most two decimals."""
    if isinstance(raw, float | bool):
        raise InvalidInput(_("Not an amount (use 25,00)."))
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        if required:
            raise InvalidInput(_("This field is required."))
        return None
    try:
        value = parse_money(raw)
    except ValueError:
        raise InvalidInput(_("Not an amount (use 25,00).")) from None
    if positive and value <= 0:
        raise InvalidInput(_("The amount must be more than zero."))
    return value


def flag(raw: Any) -> bool:
    """A tick box or a JSON boolean."""
    if isinstance(raw, bool):
        return raw
    return str(raw or "").strip().lower() in {"1", "true", "on", "yes", "y", "si", "sì"}


class Problems:
    """Field errors collected across a use case, raised once with the code of the most
    important rule broken."""

    def __init__(self):
        self.errors: dict[str, list[str]] = {}
        self.codes: list[str] = []

    def add(self, field: str, message: str, code: str = "validation") -> None:
        self.errors.setdefault(field, []).append(message)
        self.codes.append(code)

    def merge(self, errors: dict[str, list[str]], code: str = "validation") -> None:
        for field, messages in errors.items():
            for message in messages:
                self.add(field, message, code)

    def take(self, field: str, parser: Callable[..., Any], raw: Any, **options) -> Any:
        """parser(raw, **options), or None with the problem noted under `field`."""
        try:
            return parser(raw, **options)
        except InvalidInput as problem:
            self.add(field, problem.message, problem.code)
            return None

    def __contains__(self, field: str) -> bool:
        return field in self.errors

    def __bool__(self) -> bool:
        return bool(self.errors)

    def raise_if_any(self, priority: tuple[str, ...] = ()) -> None:
        if not self.errors:
            return
        code = next((c for c in priority if c in self.codes), None)
        if code is None:
            code = "tax_code" if set(self.errors) == {"tax_code"} and "validation" in self.codes \
                else self.codes[0]
        if len(self.errors) == 1:
            (_field, messages), = self.errors.items()
            message = messages[0]
        else:
            message = _("%(n)d fields are not valid: see the message next to each.",
                        n=len(self.errors))
        raise DomainError(code, message, errors=self.errors)
