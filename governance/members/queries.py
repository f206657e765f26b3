"""Read helpers for the register, used by views, API and PDFs."""
from __future__ import annotations

import sqlalchemy as sa

from ..extensions import db
from .models import Member


def member_by_number(number: int) -> Member | None:
    return db.session.scalar(sa.select(Member).where(Member.number == number))
