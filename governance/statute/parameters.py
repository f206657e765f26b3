"""The statute parameters of DOMAIN.md §1: name, type, default, bounds, source.

Pure data and parsing; the dated values live in the `statute_values` table and are
read through `governance.statute.queries`. A rule is always evaluated with the value
in force on the date the rule is about.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from fractions import Fraction
from typing import Any, Callable

from flask_babel import lazy_gettext as _l


@dataclass(frozen=True)
class Parameter:
    name: str
    kind: str  # "int", "bool", "money", "percent", "fraction"
    default: Any
    label: Any
    source: Any  # a legal reference; a lazy string where it has words to translate
    minimum: Any = None
    maximum: Any = None
    unit: Any = ""

    @property
    def in_days(self) -> bool:
        """A number of days (shown "1 giorno", "60 giorni")."""
        return self.kind == "int" and bool(str(self.unit))

    def parse(self, raw: Any) -> Any:
        """Turn user input (str/int/bool) into the typed value, or raise ValueError."""
        return PARSERS[self.kind](raw, self)

    def dump(self, value: Any) -> Any:
        """Typed value -> JSON-friendly value (money and percentages as strings)."""
        if self.kind in {"money", "percent"}:
            return f"{Decimal(value):.2f}"
        if self.kind == "fraction":
            return f"{value.numerator}/{value.denominator}"
        return value

    def to_storage(self, value: Any) -> str:
        if self.kind == "bool":
            return "true" if value else "false"
        return str(self.dump(value))


class InvalidValue(ValueError):
    """Why a value is refused, as a code (and the bound it broke): the message is worded
    in the reader's language where it is shown (statute.operations)."""

    def __init__(self, reason: str, bound: Any = None):
        super().__init__(reason if bound is None else f"{reason} {bound}")
        self.reason = reason
        self.bound = bound


def _check_bounds(value, p: Parameter):
    if p.minimum is not None and value < p.minimum:
        raise InvalidValue("at_least", p.minimum)
    if p.maximum is not None and value > p.maximum:
        raise InvalidValue("at_most", p.maximum)
    return value


def _parse_int(raw, p):
    if isinstance(raw, bool):
        raise InvalidValue("whole_number")
    try:
        value = int(str(raw).strip())
    except (TypeError, ValueError):
        raise InvalidValue("whole_number") from None
    return _check_bounds(value, p)


def _parse_bool(raw, p):
    if isinstance(raw, bool):
        return raw
    text = str(raw).strip().lower()
    if text in {"true", "1", "yes", "si", "sì", "y", "on"}:
        return True
    if text in {"false", "0", "no", "n", "off"}:
        return False
    raise InvalidValue("yes_no")


def _parse_decimal(raw, p):
    if isinstance(raw, float | bool):
        raise InvalidValue("decimal_string")
    try:
        value = Decimal(str(raw).strip().replace(",", "."))
    except (InvalidOperation, ValueError):
        raise InvalidValue("decimal") from None
    if not value.is_finite() or abs(value) > Decimal("999999999999"):
        raise InvalidValue("decimal")
    if value != value.quantize(Decimal("0.01")):
        raise InvalidValue("two_decimals")
    return _check_bounds(value.quantize(Decimal("0.01")), p)


def _parse_fraction(raw, p):
    # Only "n/d" or a plain decimal: an exponent ("1e1000000000") would take the worker
    # minutes to expand.
    text = str(raw).strip().replace(",", ".")  # "0,5" as Italians write it
    if len(text) > 15 or not re.fullmatch(r"\d+(\.\d+)?(\s*/\s*\d+)?", text):
        raise InvalidValue("fraction")
    try:
        value = Fraction(text)
    except (ValueError, ZeroDivisionError):
        raise InvalidValue("fraction") from None
    return _check_bounds(value, p)


PARSERS: dict[str, Callable] = {
    "int": _parse_int, "bool": _parse_bool, "money": _parse_decimal,
    "percent": _parse_decimal, "fraction": _parse_fraction,
}

D = Decimal
F = Fraction

PARAMETERS: list[Parameter] = [
    Parameter("voting_seniority_days", "int", 90, _l("Days in the register before a member may vote"),
              "art. 2538 c.1 c.c.", 0, 90, _l("days")),
    Parameter("votes_per_member", "int", 1, _l("Votes per member"), "art. 2538 c.2 c.c.", 1, 1),
    Parameter("votes_per_legal_person", "int", 1, _l("Votes of a legal-person member"),
              "art. 2538 c.3 c.c.", 1, 5),
    Parameter("remote_voting_allowed", "bool", True,
              _l("Voting by correspondence or electronic means allowed"), "art. 2538 c.6 c.c."),
    Parameter("proxies_allowed", "bool", True, _l("Proxies allowed"), "art. 2539 c.c."),
    Parameter("max_proxies_per_delegate", "int", 10, _l("Maximum proxies held by one delegate"),
              "art. 2539 c.c.", 0, 10),
    Parameter("notice_days", "int", 8, _l("Convocation notice (days, with proof of receipt)"),
              "art. 2366 c.c.", 8, 365, _l("days")),
    Parameter("ordinary_first_call_quorum", "fraction", F(1, 2),
              _l("Ordinary assembly, first call: quorum (present ≥ fraction of the roll)"),
              "art. 2368 c.c.", F(0), F(1)),
    Parameter("extraordinary_first_call_quorum", "fraction", F(1, 2),
              _l("Extraordinary assembly, first call: quorum (present > fraction of the roll)"),
              "art. 2368 c.c.", F(0), F(1)),
    Parameter("extraordinary_first_call_majority", "fraction", F(1, 2),
              _l("Extraordinary assembly, first call: yes > fraction of the roll"),
              "art. 2368 c.c.", F(0), F(1)),
    Parameter("extraordinary_second_call_quorum", "fraction", F(1, 3),
              _l("Extraordinary assembly, second call: quorum (present > fraction of the roll)"),
              "art. 2369 c.c.", F(0), F(1)),
    Parameter("extraordinary_second_call_majority", "fraction", F(2, 3),
              _l("Extraordinary assembly, second call: yes ≥ fraction of those present"),
              "art. 2369 c.c.", F(0), F(1)),
    Parameter("purpose_change_min_yes_of_roll", "fraction", F(1, 3),
              _l("Change of the purpose clause, second call: yes > fraction of the roll"),
              "art. 2369 c.c.", F(0), F(1)),
    Parameter("share_value", "money", D("25.00"), _l("Share nominal value"),
              _l("art. 2525 c.c. (at least € 25,00, fixed by law)"), D("25.00"), D("500.00"), "€"),
    Parameter("min_shares_per_member", "int", 1, _l("Minimum shares per member"), "art. 2525 c.c.", 1, 1000),
    Parameter("max_capital_per_member", "money", D("100000.00"), _l("Maximum share capital per member"),
              "art. 2525 c.c.", D("25.00"), D("100000.00"), "€"),
    Parameter("max_volunteer_percent", "percent", D("50.00"),
              _l("Volunteers, maximum share of all members"),
              _l("L. 381/1991 art. 2 (fixed by law)"), D("0.00"), D("50.00"), "%"),
    Parameter("application_decision_days", "int", 60, _l("Board's deadline to decide an application"),
              "art. 2528 c.c.", 1, 60, _l("days")),
    Parameter("withdrawal_decision_days", "int", 60, _l("Board's deadline to decide a withdrawal"),
              "art. 2532 c.c.", 1, 60, _l("days")),
    Parameter("appeal_days", "int", 60, _l("Applicant's deadline to appeal a refusal"),
              "art. 2528 c.c.", 60, 365, _l("days")),
    Parameter("share_refund_days", "int", 180, _l("Share refund due after approval of the accounts"),
              "art. 2535 c.c.", 1, 180, _l("days")),
    Parameter("loan_seniority_days", "int", 90, _l("Social loans: minimum seniority to lend"),
              _l("cooperative regulations"), 0, 3650, _l("days")),
    Parameter("loan_member_cap", "money", D("43736.62"), _l("Social loans: maximum balance per member"),
              _l("art. 10 L. 59/1992, ISTAT update 2025-2027"), D("0.00"), D("87473.25"), "€"),
    Parameter("loan_equity_multiple", "int", 3, _l("Social loans: maximum total as a multiple of equity"),
              _l("Banca d'Italia, 8 November 2016"), 1, 3),
    Parameter("loan_equity_multiple_guaranteed", "int", 5,
              _l("Social loans: multiple of equity when guaranteed"), _l("Banca d'Italia, 8 November 2016"), 1, 5),
    Parameter("loan_guarantee_threshold_percent", "percent", D("30.00"),
              _l("Social loans: guaranteed share that allows the higher multiple"),
              _l("Banca d'Italia, 8 November 2016"), D("30.00"), D("100.00"), "%"),
    Parameter("loan_withdrawal_notice_days", "int", 1, _l("Social loans: withdrawal notice"),
              _l("Banca d'Italia, 8 November 2016 (no on-demand repayment)"), 1, 365, _l("days")),
    Parameter("loan_max_rate", "percent", D("8.50"), _l("Social loans: maximum gross rate with tax benefits"),
              "art. 13 DPR 601/1973", D("0.00"), D("20.00"), "%"),
    Parameter("loan_withholding_percent", "percent", D("26.00"), _l("Social loans: withholding tax on interest"),
              _l("fixed by law"), D("0.00"), D("100.00"), "%"),
]

BY_NAME: dict[str, Parameter] = {p.name: p for p in PARAMETERS}


def defaults() -> dict[str, Any]:
    return {p.name: p.default for p in PARAMETERS}
