"""Administration: logins and roles, the audit log (read-only), the email outbox."""
from __future__ import annotations


def init_app(app) -> None:
    from flask_babel import lazy_gettext as _l

    from ..authz import P
    from ..core.api import register_api
    from ..core.navigation import HomeCard, NavItem, register_card, register_nav
    from . import api, cards, views
    app.register_blueprint(views.bp)
    register_api(api.blp)
    register_nav(app, NavItem("admin.audit_log", _l("Audit log"), P.AUDIT_READ, order=90),
                 NavItem("admin.outbox", _l("Outbox"), P.OUTBOX_READ, order=91,
                         count=cards.count_failed_emails, count_label=_l("not delivered")),
                 NavItem("admin.users", _l("Users"), P.USERS_MANAGE, order=92))
    register_card(app,
                  HomeCard("admin.platform", "admin/cards/admin.html", P.USERS_MANAGE,
                           cards.admin_card, order=5),
                  HomeCard("admin.audit", "admin/cards/auditor.html", P.AUDIT_READ,
                           cards.auditor_card, order=80))
