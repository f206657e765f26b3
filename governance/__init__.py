"""The governance platform for Italian cooperatives: app factory.

Dependencies run one way (CONVENTIONS.md habit 12; the import-linter contract in
`.importlinter` checks it in `make test`): core knows no domain; each domain registers
its own blueprints, menu items, home-page cards, CLI and signal handlers in its
`init_app(app)`, called here in order.
"""
from __future__ import annotations

import os
from importlib import import_module

from flask import Flask, current_app, has_request_context, session
from flask_login import current_user
from sqlalchemy import event
from sqlalchemy.engine import Engine
from werkzeug.routing import IntegerConverter

from config import CONFIGS, INSTANCE_DIR

from .extensions import babel, bootstrap, csrf, db, login_manager, migrate

# Each registers itself through governance.<name>.init_app(app); later domains after
# the ones they use.
DOMAINS = ("core", "auth", "statute", "members", "lifecycle", "loans", "assemblies", "votes", "admin")


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
    config_class = CONFIGS[config_name]
    app.config.from_object(config_class)
    app.config.update(overrides)
    if hasattr(config_class, "check"):
        config_class.check(app.config)  # production refuses to start with unsafe settings
    INSTANCE_DIR.mkdir(exist_ok=True)

    from . import models  # noqa: F401 - every model, before migrate/db see the metadata
    from .authz import GRANTS, P
    from .core.permissions import install_grants

    install_grants(GRANTS)
    db.init_app(app)
    migrate.init_app(app, db, directory=str(os.path.join(os.path.dirname(__file__), "..", "migrations")))
    login_manager.init_app(app)
    csrf.init_app(app)
    babel.init_app(app, locale_selector=select_locale, timezone_selector=lambda: "Europe/Rome")
    bootstrap.init_app(app)
    app.jinja_env.globals["P"] = P

    for name in DOMAINS:
        import_module(f"governance.{name}").init_app(app)

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
