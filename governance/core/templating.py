"""Jinja filters and globals shared by every template."""
from __future__ import annotations

from datetime import date, datetime

from flask import current_app, url_for
from flask_babel import format_date, format_datetime
from flask_login import current_user

from . import clock
from .money import format_eur
from flask_babel import lazy_gettext as _l

from .permissions import Role, user_has_role

# (endpoint, label msgid, roles that see it; None = anyone logged in)
NAVIGATION = [  # labels are lazy strings, translated when the menu is drawn
    ("members.register", _l("Register"), (Role.ADMIN, Role.BOARD, Role.SECRETARY, Role.AUDITOR)),
    ("applications.queue", _l("Applications"), (Role.BOARD, Role.SECRETARY)),
    ("applications.withdrawals", _l("Withdrawals"), (Role.BOARD,)),
    ("applications.report", _l("Membership report"), (Role.BOARD, Role.SECRETARY, Role.AUDITOR)),
    ("members.my_entry", _l("My membership"), (Role.MEMBER,)),
    ("statute.parameters", _l("Statute"), (Role.ADMIN, Role.BOARD, Role.SECRETARY, Role.AUDITOR)),
    ("admin.audit_log", _l("Audit log"), (Role.ADMIN, Role.AUDITOR)),
    ("admin.outbox", _l("Outbox"), (Role.ADMIN,)),
    ("admin.users", _l("Users"), (Role.ADMIN,)),
]


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
        return {"has_endpoint": has_endpoint, "get_locale": get_locale, "nav_items": nav_items, "Role": Role,
                "has_role": lambda *r: user_has_role(current_user, *r),
                "today": clock.today(), "cooperative_name": current_app.config["COOPERATIVE_NAME"]}
