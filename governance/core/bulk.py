"""Inserting many rows at once in the current transaction: COPY on PostgreSQL (one
stream instead of one INSERT per row), an executemany INSERT elsewhere (SQLite).

For runs that write thousands of rows (the loans' year end, its statement emails).
The rows go through the columns' own bind processing (enums to their values, aware
datetimes to UTC), so what COPY stores is what an INSERT would; defaults are not
applied: every row gives every column it needs."""
from __future__ import annotations

import sqlalchemy as sa

from ..extensions import db


def insert_rows(table: sa.Table, rows: list[dict]) -> int:
    """Insert `rows` (dicts with the same keys, column names of `table`) into `table`
    in the session's transaction. Returns the number of rows."""
    if not rows:
        return 0
    connection = db.session.connection()
    dialect = connection.dialect
    if dialect.name != "postgresql" or dialect.driver != "psycopg":
        db.session.execute(sa.insert(table), rows)
        return len(rows)
    names = list(rows[0])
    processors = [table.c[name].type._cached_bind_processor(dialect) for name in names]
    columns = ", ".join(dialect.identifier_preparer.quote(name) for name in names)
    with connection.connection.driver_connection.cursor() as cursor:
        with cursor.copy(f"COPY {dialect.identifier_preparer.format_table(table)} ({columns}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row([value if process is None or value is None else process(value)
                                for process, value in zip(processors, (row[name] for name in names))])
    return len(rows)
