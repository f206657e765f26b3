"""Statute values and the reasons a value is refused, in the reader's language."""
from __future__ import annotations

from typing import Any

from flask_babel import gettext as _

from ..core import formatting
from .parameters import InvalidValue, Parameter


def value_text(p: Parameter, value: Any) -> str:
    """"€ 25,00", "50 %", "1/2", "60 giorni", "sì"."""
    if p.kind == "bool":
        return _("yes") if value else _("no")
    if p.kind == "money":
        return formatting.money(value)
    if p.kind == "percent":
        return formatting.percent(value)
    if p.kind == "fraction":
        return formatting.number(value)
    if p.in_days:
        return formatting.days(int(value))
    return formatting.number(value)


def input_text(p: Parameter, value: Any) -> str:
    """A value as it is typed in the form: "25,00", "1/2", "90"; yes/no as "true"/"false"."""
    dumped = p.dump(value)
    if p.kind == "bool":
        return "true" if value else "false"
    return str(dumped).replace(".", ",") if p.kind in {"money", "percent"} else str(dumped)


def expected(p: Parameter, problem: ValueError) -> str:
    """What was expected instead: "al massimo 10", "un numero intero"."""
    reason = getattr(problem, "reason", None) if isinstance(problem, InvalidValue) else None
    if reason == "at_least":
        return _("at least %(bound)s", bound=value_text(p, problem.bound))
    if reason == "at_most":
        return _("at most %(bound)s", bound=value_text(p, problem.bound))
    return {
        "whole_number": _("a whole number"),
        "yes_no": _("yes or no"),
        "decimal_string": _("a decimal number written as text, e.g. \"25,00\""),
        "decimal": _("a decimal number, e.g. \"25,00\""),
        "two_decimals": _("a number with at most two decimals"),
        "fraction": _("a fraction such as 1/2 or 2/3"),
    }.get(reason or "", _("a valid value"))
