"""What several lifecycle use cases share: the applicant's fields, row locks, the
board-meeting date rule, and the adapters from core.inputs to a Problems collector."""
from __future__ import annotations

from datetime import date
from typing import Any

from flask_babel import gettext as _

from ...core import inputs
from ...core.formatting import day
from ...core.inputs import Problems
from ...extensions import db
from ...members.models import ExitKind, MemberStatus
from .. import rules

# The applicant's fields (API.md names), as in a register entry.
APPLICANT_FIELDS = ("category", "first_name", "last_name", "tax_code", "birth_date", "address",
                    "email", "phone", "shares", "legal_representative")
REASONS_MAX_LENGTH = inputs.LONG_TEXT
EXIT_STATUS = {ExitKind.WITHDRAWAL: MemberStatus.WITHDRAWN, ExitKind.EXCLUSION: MemberStatus.EXCLUDED,
               ExitKind.DEATH: MemberStatus.DECEASED, ExitKind.LAPSE: MemberStatus.LAPSED}


def parse_date(raw: Any, field: str, problems: Problems, *, required: bool = True) -> date | None:
    return problems.take(field, inputs.day, raw, required=required)


def clean_text(raw: Any, field: str, problems: Problems, *, max_length: int = REASONS_MAX_LENGTH
               ) -> str | None:
    """Free text such as reasons and notes (several lines allowed)."""
    return problems.take(field, inputs.text, raw, max_length=max_length, multiline=True)


def lock(obj) -> None:
    """Reload `obj` with its row locked until the end of the transaction, so two
    concurrent decisions on it queue up and the second sees the first one's result
    (PostgreSQL: SELECT ... FOR UPDATE; SQLite serialises writers with BEGIN IMMEDIATE)."""
    db.session.flush()
    db.session.refresh(obj, with_for_update=True)


def decision_date(raw: Any, earliest: date, today: date, problems: Problems, *,
                   field: str = "decided_on", what: str | None = None) -> date | None:
    decided_on = parse_date(raw, field, problems)
    if decided_on is None:
        return None
    problem = rules.decision_date_problem(decided_on, earliest, today)
    if problem == "future":
        problems.add(field, _("The date %(date)s is in the future: give the date of the board "
                              "meeting.", date=day(decided_on)), "decision_date")
    elif problem == "before":
        problems.add(field, _("The date %(date)s is before %(what)s (%(earliest)s).",
                              date=day(decided_on),
                              what=what or _("the application"), earliest=day(earliest)),
                     "decision_date")
    return decided_on
