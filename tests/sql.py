"""Counting the SQL statements a page sends (no N+1: the count must not grow with rows)."""
from __future__ import annotations

import contextlib

from sqlalchemy import event
from sqlalchemy.engine import Engine


@contextlib.contextmanager
def count_statements():
    """The statements sent inside the block; the test harness's savepoints are left out
    (they belong to its transaction per test, not to the page)."""
    statements: list[str] = []

    def before(conn, cursor, statement, parameters, context, executemany):
        if not statement.lstrip().upper().startswith(("SAVEPOINT", "RELEASE", "ROLLBACK")):
            statements.append(statement)

    event.listen(Engine, "before_cursor_execute", before)
    try:
        yield statements
    finally:
        event.remove(Engine, "before_cursor_execute", before)
