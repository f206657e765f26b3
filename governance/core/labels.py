"""Enums that carry their own words (CONVENTIONS.md habit 15, as Indico's RichEnum).

The database, the API and the audit log store the value ("worker"); people read the
label ("Socio lavoratore"), translated when shown. Each enum lists its labels once, in
`__labels__` (value -> lazy string), and forms, templates, PDFs, CSVs and emails all
read them from there:

    class Category(LabeledEnum):
        WORKER = "worker"
        __labels__ = {"worker": _l("Worker member")}

    Category.WORKER.label          -> "Socio lavoratore" (in an Italian request)
    Category.choices()             -> [("worker", "Socio lavoratore"), ...] for a form
"""
from __future__ import annotations

import enum
from typing import Any


class LabeledEnum(str, enum.Enum):
    """A str enum whose members have a translated `label` (and optional `description`)."""

    @property
    def label(self) -> str:
        labels = getattr(type(self), "__labels__", {})
        text = labels.get(self.value)
        return str(text) if text is not None else self.value

    @property
    def tone(self) -> str:
        """The colour of its badge (Bootstrap's names), from `__tones__`."""
        return getattr(type(self), "__tones__", {}).get(self.value, "secondary")

    @property
    def description(self) -> str:
        descriptions = getattr(type(self), "__descriptions__", {})
        text = descriptions.get(self.value)
        return str(text) if text is not None else ""

    def __str__(self) -> str:  # a code in logs and f-strings, never shown to people
        return self.value

    @classmethod
    def choices(cls, *, blank: Any = None, only=None) -> list[tuple[str, str]]:
        """(value, label) pairs for a select or radio field, in declaration order."""
        members = [m for m in cls if only is None or m in only]
        pairs = [(m.value, m.label) for m in members]
        return ([("", str(blank))] if blank is not None else []) + pairs

    @classmethod
    def from_value(cls, value: Any):
        """The member for a stored value, or None for an empty/unknown one."""
        try:
            return cls(getattr(value, "value", value)) if value not in (None, "") else None
        except ValueError:
            return None
