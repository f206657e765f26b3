"""The governance platform for Italian cooperatives: app factory."""
from __future__ import annotations

import logging
import os
from importlib import import_module

from flask import Flask, current_app, has_request_context, session
from flask_login import current_user
from sqlalchemy import event
from sqlalchemy.engine import Engine
from werkzeug.routing import IntegerConverter
from sqlalchemy.exc import IntegrityError, OperationalError

from config import CONFIGS, INSTANCE_DIR

from .extensions import api, babel, bootstrap, csrf, db, login_manager, migrate

log = logging.getLogger(__name__)

# (HTML blueprint module, API blueprint module) per domain; each module exposes `bp` / `blp`.
HTML_BLUEPRINTS = [
    "governance.core.views",
    "governance.auth.views",
    "governance.statute.views",
    "governance.members.views",
    "governance.admin.views",
]
API_BLUEPRINTS = [
    "governance.auth.api",
    "governance.statute.api",
    "governance.members.api",
    "governance.admin.api",
]
# Later domains (applications, assemblies, votes, loans) add their modules here.
OPTIONAL_BLUEPRINTS = [
    ("governance.lifecycle.views", "bp"),
    ("governance.lifecycle.api", "blp"),
]


@event.listens_for(Engine, "connect")
def _sqlite_pragmas(dbapi_connection, connection_record):
    """SQLite: enforce foreign keys, and let SQLAlchemy own BEGIN so savepoints work
    (tests run each case in a transaction rolled back at the end)."""
    module = type(dbapi_connection).__module__
    if "sqlite" in module:
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA busy_timeout=10000")
        cursor.close()


@event.listens_for(Engine, "begin")
def _sqlite_begin(conn):
    if conn.dialect.name == "sqlite":
        conn.exec_driver_sql("BEGIN IMMEDIATE")


class BoundedIntegerConverter(IntegerConverter):
    """`<int:...>` in every route stops at the database's INTEGER range: a larger id
    cannot exist, so it is a 404 instead of an overflow inside the database driver."""

    def __init__(self, url_map, *args, **kwargs):
        kwargs.setdefault("max", 2**31 - 1)
        super().__init__(url_map, *args, **kwargs)


def create_app(config_name: str | None = None, **overrides) -> Flask:
    app = Flask(__name__, template_folder="../templates", instance_path=str(INSTANCE_DIR))
    app.url_map.converters["int"] = BoundedIntegerConverter
    config_name = config_name or os.environ.get("GOVERNANCE_CONFIG", "development")
    app.config.from_object(CONFIGS[config_name])
    app.config.update(overrides)
    INSTANCE_DIR.mkdir(exist_ok=True)

    # Models must be imported before migrate/db see the metadata.
    from . import models  # noqa: F401

    db.init_app(app)
    migrate.init_app(app, db, directory=str(os.path.join(os.path.dirname(__file__), "..", "migrations")))
    login_manager.init_app(app)
    csrf.init_app(app)
    babel.init_app(app, locale_selector=select_locale, timezone_selector=lambda: "Europe/Rome")
    bootstrap.init_app(app)
    from .core.api import ProblemJsonPlugin
    api.init_app(app, spec_kwargs={
        "extra_plugins": [ProblemJsonPlugin()],
        "info": {"description": "JSON API of the governance platform (API.md). "
                                "Authenticate with `Authorization: Bearer <token>`."},
        "components": {"securitySchemes": {"bearerAuth": {"type": "http", "scheme": "bearer"}}},
        "security": [{"bearerAuth": []}],
    })

    for module_name in HTML_BLUEPRINTS:
        app.register_blueprint(import_module(module_name).bp)
    for module_name in API_BLUEPRINTS:
        blp = import_module(module_name).blp
        csrf.exempt(blp)
        api.register_blueprint(blp)
    for module_name, attribute in OPTIONAL_BLUEPRINTS:
        try:
            module = import_module(module_name)
        except ModuleNotFoundError as exc:
            if exc.name and module_name.startswith(exc.name):
                continue
            raise
        blueprint = getattr(module, attribute)
        if attribute == "blp":
            csrf.exempt(blueprint)
            api.register_blueprint(blueprint)
        else:
            app.register_blueprint(blueprint)

    from .core import request_cycle
    request_cycle.init_app(app)
    from .core.templating import init_app as init_templating
    init_templating(app)
    from .cli import register_cli
    register_cli(app)
    return app


def select_locale():
    if not has_request_context():  # CLI, scripts: the cooperative's language
        return current_app.config.get("DEFAULT_LANGUAGE", "it")
    if getattr(current_user, "is_authenticated", False) and current_user.locale:
        return current_user.locale
    if session.get("lang") in ("it", "en"):
        return session["lang"]
    return current_app.config.get("DEFAULT_LANGUAGE", "it")
