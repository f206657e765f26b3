"""Test fixtures (CONVENTIONS.md habit 9): the app, a schema built by running the
migrations once per session, one transaction per test rolled back at the end, a
test client, login helpers and factories. The same suite runs on SQLite (default) and
on PostgreSQL (TEST_DATABASE_URL)."""
from __future__ import annotations

import os
from datetime import date, datetime
from pathlib import Path

import pytest
import sqlalchemy as sa
from flask_sqlalchemy.session import Session as FlaskSQLAlchemySession

os.environ.setdefault("GOVERNANCE_CONFIG", "testing")

from config import INSTANCE_DIR  # noqa: E402
from governance import create_app  # noqa: E402
from governance.core import clock  # noqa: E402
from governance.extensions import db  # noqa: E402

from . import factories  # noqa: E402


def _reset_database(app) -> None:
    url = sa.engine.make_url(app.config["SQLALCHEMY_DATABASE_URI"])
    if url.get_backend_name() == "sqlite":
        db.engine.dispose()
        if url.database and url.database != ":memory:":
            for suffix in ("", "-wal", "-shm"):
                Path(url.database + suffix).unlink(missing_ok=True)
    else:
        with db.engine.begin() as conn:
            conn.execute(sa.text("DROP SCHEMA public CASCADE"))
            conn.execute(sa.text("CREATE SCHEMA public"))
        db.engine.dispose()


@pytest.fixture(scope="session")
def app():
    INSTANCE_DIR.mkdir(exist_ok=True)
    application = create_app("testing")
    with application.app_context():
        _reset_database(application)
        from flask_migrate import upgrade
        upgrade()
        db.engine.dispose()
    return application


@pytest.fixture(autouse=True)
def _fast_password_hashing(request, monkeypatch):
    """scrypt is slow on purpose (~0.1 s a hash). Tests hash new passwords with a cheap
    method; checking reads the method from the hash, so nothing else changes. Tests
    marked `real_hashing` keep scrypt."""
    if request.node.get_closest_marker("real_hashing"):
        return
    from werkzeug.security import generate_password_hash
    from governance.auth import passwords
    monkeypatch.setattr(passwords, "hash_password",
                        lambda password: generate_password_hash(password, method="pbkdf2:sha256:1000"))


@pytest.fixture(autouse=True)
def _db(request, app):
    """Each test runs inside one outer transaction that is rolled back; operations and
    requests commit to savepoints inside it. Tests marked `committing` get real commits
    and the tables are emptied afterwards instead."""
    ctx = app.app_context()
    ctx.push()
    clock.set_now(None)
    factories.reseed(request.node.nodeid)
    if request.node.get_closest_marker("committing"):
        factories.bind(db.session)
        yield db.session
        db.session.remove()
        _empty_tables()
        ctx.pop()
        clock.set_now(None)
        return
    connection = db.engine.connect()
    transaction = connection.begin()
    original = db.session
    db.session = db._make_scoped_session(
        {"class_": _ConnectionBoundSession, "bind": connection,
         "join_transaction_mode": "create_savepoint"})
    factories.bind(db.session)
    try:
        yield db.session
    finally:
        db.session.remove()
        db.session = original
        factories.bind(db.session)
        if transaction.is_active:
            transaction.rollback()
        connection.close()
        ctx.pop()
        clock.set_now(None)


class _ConnectionBoundSession(FlaskSQLAlchemySession):
    """Flask-SQLAlchemy's session picks the app's engine; the tests' must use the one
    connection that holds the outer transaction."""

    def get_bind(self, *args, **kwargs):
        return self.bind


# Append-only tables: their triggers are set aside while a committing test's data is
# emptied (name -> the SQLite triggers to put back, from their migrations).
APPEND_ONLY_TABLES = {
    "audit_entries": ("audit_entries_no_delete", "audit entries are append-only"),
    "loan_movements": ("loan_movements_no_delete", "loan movements are append-only"),
}


def _empty_tables() -> None:
    """After a committing test: empty every table but keep the schema and the counter rows."""
    with db.engine.begin() as conn:
        names = [t.name for t in reversed(db.metadata.sorted_tables)]
        if conn.dialect.name == "postgresql":
            for table in APPEND_ONLY_TABLES:
                conn.execute(sa.text(f"ALTER TABLE {table} DISABLE TRIGGER USER"))
            conn.execute(sa.text("TRUNCATE " + ", ".join(f'"{n}"' for n in names) + " RESTART IDENTITY CASCADE"))
            for table in APPEND_ONLY_TABLES:
                conn.execute(sa.text(f"ALTER TABLE {table} ENABLE TRIGGER USER"))
        else:
            for trigger, _message in APPEND_ONLY_TABLES.values():
                conn.execute(sa.text(f"DROP TRIGGER IF EXISTS {trigger}"))
            for name in names:
                conn.execute(sa.text(f'DELETE FROM "{name}"'))
            for table, (trigger, message) in APPEND_ONLY_TABLES.items():
                conn.execute(sa.text(f"CREATE TRIGGER {trigger} BEFORE DELETE ON {table} "
                                     f"BEGIN SELECT RAISE(ABORT, '{message}'); END"))
        conn.execute(sa.text("INSERT INTO register_counters (name, last_number) VALUES ('libro_soci', 0)"))
        conn.execute(sa.text("INSERT INTO loan_totals (id, total_outstanding) VALUES (1, 0)"))
        from governance.votes import first_mission  # version 1 of the mission, as 0013_votes writes it
        conn.execute(sa.text("INSERT INTO mission_versions (number, text, effective_on, created_at) "
                             "VALUES (1, :text, :day, :now)"),
                     {"text": first_mission.TEXT, "day": first_mission.EFFECTIVE_ON, "now": clock.now()})


@pytest.fixture
def client(app):
    """A test client whose requests each start with an empty flask.g and see the test's
    set-up data committed (to the savepoint): see tests/core/clients.py."""
    from .core.clients import make_client
    return make_client(app)


@pytest.fixture
def api(app):
    """A cookie-less client for the JSON API (bearer tokens only)."""
    from .core.clients import make_client
    return make_client(app)


@pytest.fixture
def today():
    """Freeze the one clock on a fixed day; tests move it with clock.advance()."""
    clock.set_now(datetime(2026, 11, 26, 10, 0, tzinfo=clock.ROME))
    return date(2026, 11, 26)


@pytest.fixture
def login(client):
    """login(user): the test client is now logged in as `user` (session cookie)."""
    def _login(user):
        with client.session_transaction() as sess:
            sess["_user_id"] = user.get_id()
            sess["_fresh"] = True
        return client
    return _login


@pytest.fixture
def bearer():
    """bearer(user) -> headers with a fresh personal API token of `user`."""
    from governance.auth.operations import issue_token

    def _bearer(user):
        _, raw = issue_token(user, "test", 30)
        db.session.flush()
        return {"Authorization": f"Bearer {raw}"}
    return _bearer


@pytest.fixture
def user_factory():
    return factories.UserFactory


@pytest.fixture
def member_factory():
    return factories.MemberFactory


@pytest.fixture
def board_user():
    return factories.UserFactory(roles=["board"])


@pytest.fixture
def secretary_user():
    return factories.UserFactory(roles=["secretary"])


@pytest.fixture
def admin_user():
    return factories.UserFactory(roles=["admin"])


@pytest.fixture
def auditor_user():
    return factories.UserFactory(roles=["auditor"])


@pytest.fixture
def member_user():
    member = factories.MemberFactory()
    return factories.UserFactory(roles=["member"], member=member)
from tests.smtp import smtp_server  # noqa: E402,F401 - a real SMTP server (aiosmtpd)
