"""Column types shared by every domain."""
from __future__ import annotations

import enum
from datetime import timezone

import sqlalchemy as sa
from sqlalchemy.types import TypeDecorator


class AwareDateTime(TypeDecorator):
    """Timezone-aware datetimes on every database: stored as UTC, read back aware
    (SQLite forgets the offset, PostgreSQL keeps it)."""

    impl = sa.DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetimes are not stored; use governance.core.clock")
        return value.astimezone(timezone.utc)

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=timezone.utc)
        return value


def Money():  # noqa: N802 - reads like a type
    """Money column: Decimal with two places (CONVENTIONS.md §6)."""
    return sa.Numeric(14, 2, asdecimal=True)


def StrEnum(enum_class: type[enum.Enum], length: int = 24):  # noqa: N802
    """Enums stored by value as VARCHAR + CHECK, portable between SQLite and PostgreSQL."""
    return sa.Enum(enum_class, native_enum=False, length=length, create_constraint=True,
                   validate_strings=True, values_callable=lambda e: [m.value for m in e],
                   name=enum_class.__name__.lower())
