"""The statute parameters of DOMAIN.md §1: dated values, each rule evaluated with the
value in force on the day it is about."""
from __future__ import annotations


def init_app(app) -> None:
    from ..authz import P
    from ..core.api import register_api
    from ..core.navigation import NavItem, register_nav
    from flask_babel import lazy_gettext as _l
    from ..core import audit
    from .parameters import PARAMETERS
    from . import api, views, words
    app.register_blueprint(views.bp)
    app.jinja_env.globals["statute_value"] = words.value_text
    audit.register_words(
        actions={"statute.change": _l("Statute parameter changed"),
                 "statute.correction": _l("Statute value corrected"),
                 "statute.cancel": _l("Scheduled statute change cancelled")},
        fields={p.name: p.label for p in PARAMETERS},
        money=[p.name for p in PARAMETERS if p.kind == "money"],
        percent=[p.name for p in PARAMETERS if p.kind == "percent"],
        objects={"statute_values": _l("Statute value %(id)s")})
    register_api(api.blp)
    register_nav(app, NavItem("statute.parameters", _l("Statute"), P.STATUTE_READ, order=80))
