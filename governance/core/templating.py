"""Jinja filters and globals shared by every template. Domains add their own in their
`init_app` (e.g. the register's history words); core knows none of them."""
from __future__ import annotations

from flask import current_app
from flask_babel import get_locale
from flask_login import current_user

from . import audit, clock, formatting, navigation, outbox
from .permissions import can


def init_app(app):
    app.add_template_filter(formatting.money, "eur")
    app.add_template_filter(formatting.day, "d")
    app.add_template_filter(formatting.number, "num")
    app.add_template_filter(formatting.percent, "pct")
    app.add_template_filter(formatting.label, "label")
    def page_has_errors(form=None) -> bool:
        """A form on this page came back with errors (the page's title says so)."""
        from flask import g
        return bool(g.get("form_errors") or (form is not None and getattr(form, "errors", None)))

    def _has_a_page(path: str) -> bool:
        """Some route answers a GET at this path (the form's own page, often)."""
        from flask import request
        from werkzeug.exceptions import HTTPException
        try:
            app.url_map.bind_to_environ(request.environ).match(path, method="GET")
        except HTTPException:
            return False
        return True

    def language_next() -> str:
        """Where the language switch comes back to: this page, or after a POST (a form
        sent with errors) the page the form was on, by GET."""
        from urllib.parse import urlsplit

        from flask import request
        if request.method == "GET":
            return request.full_path
        referrer = urlsplit(request.referrer or "")
        if referrer.netloc == request.host and referrer.path:
            return referrer.path + (f"?{referrer.query}" if referrer.query else "")
        return request.path if _has_a_page(request.path) else "/"

    def dear(person) -> str:
        """The greeting of a letter or email: "Gentile Giulia Bianchi," before a person,
        "Spett.le Cooperativa Esempio srl," before a legal person (its `is_legal_person`)."""
        from flask_babel import gettext
        name = person.full_name
        if getattr(person, "is_legal_person", False):
            return gettext("To %(name)s,", name=name)
        return gettext("Dear %(name)s,", name=name)

    app.jinja_env.globals.update(dear=dear, language_next=language_next, page_has_errors=page_has_errors, days=formatting.days, outbox_topic=outbox.topic_label, audit_action=audit.action_label, audit_object=audit.object_label,
                                 audit_changes=audit.change_lines)

    @app.context_processor
    def globals_():
        def has_endpoint(endpoint: str) -> bool:
            return endpoint in current_app.view_functions

        return {"has_endpoint": has_endpoint, "get_locale": get_locale,
                "nav_items": lambda: navigation.nav_items(current_user),
                "can": lambda name: can(current_user, name),
                "today": clock.today(), "cooperative_name": current_app.config["COOPERATIVE_NAME"]}
