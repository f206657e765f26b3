"""The member register (libro soci, DOMAIN.md §2): entries, corrections with history,
import and export, each member's own entry."""
from __future__ import annotations


def init_app(app) -> None:
    from flask_babel import lazy_gettext as _l

    from ..authz import P
    from ..core.api import register_api
    from ..core.navigation import NavItem, register_nav
    from ..core.permissions import AUTHENTICATED
    from . import api, history, views
    app.register_blueprint(views.bp)
    register_api(api.blp)
    history.init_app(app)
    register_nav(app, NavItem("members.register", _l("Register"), P.REGISTER_READ, order=10),
                 NavItem("members.my_entry", _l("My membership"), AUTHENTICATED, order=60,
                         count=None))
