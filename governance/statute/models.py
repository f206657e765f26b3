from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from ..core.types import AwareDateTime
from ..extensions import db


class StatuteValue(db.Model):
    """One dated value of a statute parameter. The value in force on a day is the one
    with the latest effective_from on or before it; without any, the default of
    DOMAIN.md §1. Rows are never updated: history is the table itself; two values
    with the same effective date are resolved by the later one entered (highest id)."""

    __tablename__ = "statute_values"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(60), nullable=False)
    value: Mapped[str] = mapped_column(sa.String(60), nullable=False)
    effective_from: Mapped[date] = mapped_column(sa.Date, nullable=False)
    created_at: Mapped[datetime] = mapped_column(AwareDateTime(), nullable=False)
    created_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL"), nullable=True)
    # Who entered it, as the audit log keeps it (a removed login leaves the email).
    created_by_email: Mapped[str | None] = mapped_column(sa.String(254), nullable=True)
    note: Mapped[str | None] = mapped_column(sa.Text, nullable=True)

    __table_args__ = (
        sa.Index("ix_statute_values_lookup", "name", "effective_from"),
    )
