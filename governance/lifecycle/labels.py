"""Words for the lifecycle's machine values (enum values, dates) inside messages.

Messages are Italian text for people: they say "Respinta", not "rejected", and
"27/11/2026", not "2026-11-27". The templates have their own labels (_macros.html);
these are for the messages raised by models and operations. Translated when called,
in the current request's language.
"""
from __future__ import annotations

from datetime import date

from flask_babel import format_date
from flask_babel import gettext as _


def day(value: date | None) -> str:
    """A date inside a message, as Italians write it (dd/MM/yyyy)."""
    return format_date(value, "dd/MM/yyyy") if value is not None else ""


def _value(value) -> str:
    return getattr(value, "value", value)


def status_label(value) -> str:
    """Statuses of applications, appeals, withdrawal requests and register entries: the
    words of the badges on the pages (_macros.html status_badge)."""
    labels = {
        "submitted": _("Waiting for the board"),
        "admitted": _("Admitted"),
        "rejected": _("Refused"),
        "appealed": _("Appeal waiting for the assembly"),
        "appeal_upheld": _("Appeal upheld: admission required"),
        "appeal_rejected": _("Refusal confirmed by the assembly"),
        "pending": _("Pending"),
        "accepted": _("Accepted"),
        "refused": _("Refused"),
        "upheld": _("Upheld"),
        "active": _("Active"),
        "withdrawn": _("Withdrawn"),
        "excluded": _("Excluded"),
        "deceased": _("Deceased"),
        "lapsed": _("Lapsed"),
    }
    raw = _value(value)
    return labels.get(raw, raw)


def exit_kind_label(value) -> str:
    """The kinds of exit, as on the pages (_macros.html exit_kind)."""
    labels = {"withdrawal": _("Withdrawal"), "exclusion": _("Exclusion"), "death": _("Death"),
              "lapse": _("Lapse")}
    raw = _value(value)
    return labels.get(raw, raw)
