"""The statute parameters of DOMAIN.md §1: dated values, each rule evaluated with the
value in force on the day it is about."""
from __future__ import annotations


def init_app(app) -> None:
    from ..authz import P
    from ..core.api import register_api
    from ..core.navigation import NavItem, register_nav
    from flask_babel import lazy_gettext as _l
    from . import api, views
    app.register_blueprint(views.bp)
    register_api(api.blp)
    register_nav(app, NavItem("statute.parameters", _l("Statute"), P.STATUTE_READ, order=80))
