"""Decisions that cannot be undone are confirmed (admission, refusal, exclusion...).

The form's first POST does not decide: the view runs the operation in a SAVEPOINT that
is rolled back (`preview`), reads what it would make (the register number, the amount,
who is emailed) and shows it on a page that sends the same fields again with
`confirmed=1` (plain HTML: no JavaScript needed). The second POST decides. Errors show
at the first step, beside the fields, because the operation itself ran. The API calls
the operations directly and is unchanged.
"""
from __future__ import annotations

from typing import Callable, TypeVar

from flask import render_template, request

from ..extensions import db

FIELD = "confirmed"
T = TypeVar("T")


def confirmed() -> bool:
    return request.form.get(FIELD) == "1"


def preview(run: Callable[[], T]) -> T:
    """What `run` would do, with nothing kept: it runs inside a savepoint rolled back
    afterwards (rows, audit entries and queued emails included). `run` returns plain
    values read before the rollback; a DomainError it raises goes on up."""
    savepoint = db.session.begin_nested()
    try:
        result = run()
        db.session.flush()
        return result
    finally:
        if savepoint.is_active:
            savepoint.rollback()


def render(*, title: str, lines: list[str], action: str, button: str, back: str,
           danger: bool = False, status: int = 200):
    """The confirmation page: the summary `lines`, then a form that posts the same
    fields again to `action` with confirmed=1."""
    fields = [(name, value) for name, values in request.form.lists() for value in values
              if name != FIELD]
    return render_template("core/confirm.html", title=title, lines=lines, action=action,
                           button=button, back=back, danger=danger, fields=fields,
                           confirm_field=FIELD), status
