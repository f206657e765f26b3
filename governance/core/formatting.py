"""How values are shown to people, in the reader's language (CONVENTIONS.md habit 16).

One place for every page, email, PDF and CSV meant for people: dates in one short form
for tables and forms ("29/11/2026") and one long form for letters ("29 novembre 2026"),
Italian numbers and money ("€ 1.234,50"), units spelled out ("8 giorni"), enum values as
their labels. Machines (the API, the plain CSV) get ISO dates and "1234.50" instead:
see core.money.format_money.
"""
from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from fractions import Fraction
from typing import Any

from flask_babel import format_date, format_datetime, format_decimal, get_locale, ngettext

from . import clock
from .money import CENT

SHORT_DATE = "dd/MM/yyyy"   # four-digit years: the register starts in 1994
LONG_DATE = "long"         # babel's: "29 novembre 2026", "November 29, 2026"


def day(value: date | datetime | None, style: str = "short") -> str:
    """A date (or the date and time of a datetime, in Rome) as people read it.
    Styles: "short" (tables, forms, messages), "long" (letters), "time" (hours only)."""
    if value is None or value == "":
        return ""
    if isinstance(value, str):
        try:
            value = date.fromisoformat(value)
        except ValueError:
            return value
    if isinstance(value, datetime):
        local = value.astimezone(clock.ROME) if value.tzinfo else value
        if style == "time":
            return format_datetime(local, "HH:mm")
        if style == "long":
            return f"{format_date(local.date(), LONG_DATE)}, {format_datetime(local, 'HH:mm')}"
        return format_datetime(local, f"{SHORT_DATE} HH:mm")
    return format_date(value, LONG_DATE if style == "long" else SHORT_DATE)


def _italian_digits(text: str) -> str:
    return text.replace(",", "_").replace(".", ",").replace("_", ".")


def number(value: Any, decimals: int | None = None) -> str:
    """A number in the reader's language: "1.234,5" in Italian."""
    if value is None or value == "":
        return ""
    if isinstance(value, Fraction):
        return format_decimal(value.numerator) if value.denominator == 1 else f"{value.numerator}/{value.denominator}"
    if decimals is None:
        return format_decimal(value)
    pattern = "#,##0" + ("." + "0" * decimals if decimals else "")
    return format_decimal(Decimal(value), pattern)


def money(value: Decimal | None) -> str:
    """An amount in euro: "€ 1.234,50" (Italian), "€ 1,234.50" (English)."""
    if value is None or value == "":
        return ""
    text = f"{Decimal(value).quantize(CENT):,.2f}"
    if str(get_locale() or "it") != "en":
        text = _italian_digits(text)
    return f"€ {text}"


def percent(value: Decimal | float | None, decimals: int = 2) -> str:
    """A percentage: "50 %" or "71,1 %" (trailing zeros of whole values dropped)."""
    if value is None or value == "":
        return ""
    value = Decimal(str(value))
    if value == value.to_integral_value():
        decimals = 0
    return f"{number(value, decimals)} %"


def days(count: int) -> str:
    """A number of days spelled out: "1 giorno", "8 giorni", "3.650 giorni"."""
    return ngettext("%(count)s day", "%(count)s days", count, count=number(count))


def label(value: Any) -> str:
    """An enum member's label (see core.labels.LabeledEnum); other values as they are."""
    text = getattr(value, "label", None)
    return str(text) if text is not None else ("" if value is None else str(value))
