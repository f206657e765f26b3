"""What every domain shares and no domain owns: the clock, money and inputs, errors,
permissions, the audit log, the outbox, PDFs, the API helpers, the request cycle, the
menu and home page. Core imports no domain (the import-linter contract checks it)."""
from __future__ import annotations


def init_app(app) -> None:
    from . import api, limits, outbox, request_cycle, security, templating, views
    security.init_app(app)  # first: its headers go on every answer, errors included
    limits.init_app(app)
    api.init_app(app)
    request_cycle.init_app(app)
    templating.init_app(app)
    app.register_blueprint(views.bp)
    app.cli.add_command(outbox.outbox_cli)
