"""How the register's history is shown: the action and each changed field in the
reader's language, and stored values ("worker", "2001-02-03", "200.00") as people read
them. The history stores codes and data (CONVENTIONS.md habit 16)."""
from __future__ import annotations

from datetime import date
from decimal import Decimal

from flask_babel import lazy_gettext as _l

from ..core import formatting
from .models import Category, ExitKind, MemberStatus

ACTIONS = {
    "member.create": _l("Entered in the register"),
    "member.import": _l("Imported from a register file"),
    "member.admit": _l("Admitted by the board"),
    "member.correct": _l("Correction"),
    "member.share_payment": _l("Share payment"),
    "member.status": _l("Status change"),
    "member.exit_applied": _l("Exit took effect"),
    "member.exit_withdrawal": _l("Withdrawal (recesso)"),
    "member.exit_exclusion": _l("Exclusion"),
    "member.exit_death": _l("Death"),
    "member.exit_lapse": _l("Lapse (decadenza)"),
    "member.exclusion_challenged": _l("Exclusion challenged in court"),
    "member.withdrawal_refusal_challenged": _l("Refusal of the withdrawal challenged in court"),
}
FIELDS = {
    "number": _l("Register number"), "first_name": _l("Name"), "last_name": _l("Surname"),
    "tax_code": _l("Tax code"), "birth_date": _l("Birth date"), "address": _l("Address"),
    "email": _l("Email"), "phone": _l("Phone"), "category": _l("Category"),
    "admitted_on": _l("Admission date"), "shares": _l("Shares subscribed"),
    "shares_subscribed": _l("Shares subscribed"),
    "shares_paid_amount": _l("Amount paid"), "status": _l("Status"), "exit_on": _l("Exit date"),
    "exit_kind": _l("Exit"), "exit_reason": _l("Exit reason"),
    "legal_representative": _l("Legal representative"),
    "challenged_on": _l("Challenged in court on"), "application": _l("Application"),
    "decided_on": _l("Date of the decision"), "paid_on": _l("Date of payment"),
    "amount": _l("Amount"),
}
_ENUMS = {"category": Category, "status": MemberStatus, "exit_kind": ExitKind}
_DATES = ("birth_date", "admitted_on", "exit_on", "challenged_on", "decided_on", "paid_on")
_MONEY = ("shares_paid_amount", "amount")


def action_label(code: str) -> str:
    return str(ACTIONS.get(code, _l("Change")))


def field_label(name: str) -> str:
    return str(FIELDS.get(name, name.replace("_", " ")))


def value_text(name: str, value) -> str:
    """A stored value as people read it; "—" for nothing."""
    if value is None or value == "":
        return "—"
    try:
        if name in _ENUMS:
            return _ENUMS[name](value).label
        if name in _DATES:
            return formatting.day(date.fromisoformat(str(value)))
        if name in _MONEY:
            return formatting.money(Decimal(str(value)))
    except (KeyError, ValueError, ArithmeticError):
        pass
    return str(value)


def category_label(value) -> str:
    """A category (member or code) as its label: the same name everywhere."""
    category = Category.from_value(value)
    return category.label if category is not None else ""


def init_app(app) -> None:
    from ..core import audit
    audit.register_words(
        actions={**ACTIONS, "register.export_csv": _l("Register exported (CSV)"),
                 "register.export_pdf": _l("Register exported (PDF)")},
        fields=FIELDS, enums=_ENUMS, dates=_DATES, money=_MONEY,
        objects={"members": _l("Register entry %(id)s")})
    app.jinja_env.globals.update(history_action=action_label, entry_field=field_label,
                                 entry_value=value_text)
    app.add_template_filter(category_label, "category")
