"""Jinja filters and globals shared by every template."""
from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from flask import current_app, url_for
from flask_babel import format_date, format_datetime
from flask_login import current_user

from . import clock
from .money import format_eur
from flask_babel import lazy_gettext as _l

from .permissions import Role, user_has_role

# (endpoint, label msgid, roles that see it; None = anyone logged in)
NAVIGATION = [  # labels are lazy strings, translated when the menu is drawn
    ("members.register", _l("Register"), (Role.BOARD, Role.SECRETARY, Role.AUDITOR)),
    ("lifecycle.queue", _l("Applications"), (Role.BOARD, Role.SECRETARY)),
    ("lifecycle.withdrawals", _l("Withdrawals"), (Role.BOARD,)),
    ("lifecycle.report", _l("Membership report"), (Role.BOARD, Role.SECRETARY, Role.AUDITOR)),
    ("members.my_entry", _l("My membership"), (Role.MEMBER,)),
    ("statute.parameters", _l("Statute"), (Role.ADMIN, Role.BOARD, Role.SECRETARY, Role.AUDITOR)),
    ("admin.audit_log", _l("Audit log"), (Role.ADMIN, Role.AUDITOR)),
    ("admin.outbox", _l("Outbox"), (Role.ADMIN,)),
    ("admin.users", _l("Users"), (Role.ADMIN,)),
]


# How the register's history names what happened (MemberHistory.action) and what
# changed (the entry's fields); unknown codes are shown as they are.
HISTORY_ACTIONS = {
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
}
ENTRY_FIELDS = {
    "number": _l("Register number"), "first_name": _l("Name"), "last_name": _l("Surname"),
    "tax_code": _l("Tax code"), "birth_date": _l("Birth date"), "address": _l("Address"),
    "email": _l("Email"), "phone": _l("Phone"), "category": _l("Category"),
    "admitted_on": _l("Admission date"), "shares": _l("Shares subscribed"),
    "shares_paid_amount": _l("Amount paid"), "status": _l("Status"), "exit_on": _l("Exit date"),
    "exit_reason": _l("Exit reason"), "legal_representative": _l("Legal representative"),
}


def init_app(app):
    @app.template_filter("eur")
    def eur(value):
        return format_eur(value)

    @app.template_filter("d")
    def fmt_date(value, style="medium"):
        if value is None:
            return ""
        if isinstance(value, datetime):
            if style == "short":  # four-digit years: the register starts in 1994
                return format_datetime(value, "dd/MM/yyyy HH:mm")
            return format_datetime(value, style)
        if style == "short":
            return format_date(value, "dd/MM/yyyy")
        return format_date(value, style)

    @app.context_processor
    def globals_():
        def has_endpoint(endpoint: str) -> bool:
            return endpoint in current_app.view_functions

        def nav_items():
            items = []
            for endpoint, label, roles in NAVIGATION:
                if not has_endpoint(endpoint):
                    continue
                if roles is None or user_has_role(current_user, *roles):
                    items.append((url_for(endpoint), str(label), endpoint))
            return items

        from flask_babel import get_locale
        def history_action(code: str) -> str:
            return str(HISTORY_ACTIONS.get(code, code))

        def entry_field(name: str) -> str:
            return str(ENTRY_FIELDS.get(name, name))

        def entry_value(name: str, value) -> str:
            """A stored history value ("worker", "2001-02-03", "200.00") as people read it."""
            if value is None or value == "":
                return "—"
            from ..members.forms import CATEGORY_LABELS, STATUS_LABELS
            from ..members.models import Category, MemberStatus
            try:
                if name == "category":
                    return str(CATEGORY_LABELS[Category(value)])
                if name == "status":
                    return str(STATUS_LABELS[MemberStatus(value)])
                if name in ("birth_date", "admitted_on", "exit_on"):
                    return format_date(date.fromisoformat(str(value)), "dd/MM/yyyy")
                if name == "shares_paid_amount":
                    return format_eur(Decimal(str(value)))
            except (KeyError, ValueError, ArithmeticError):
                pass
            return str(value)

        return {"history_action": history_action, "entry_field": entry_field, "entry_value": entry_value,
                "has_endpoint": has_endpoint, "get_locale": get_locale, "nav_items": nav_items, "Role": Role,
                "has_role": lambda *r: user_has_role(current_user, *r),
                "today": clock.today(), "cooperative_name": current_app.config["COOPERATIVE_NAME"]}
