"""The audit log: who did what, when, to which object, what changed. Append-only."""
from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.orm import Mapped, Session, mapped_column

from ..extensions import db
from .types import AwareDateTime
from . import clock


class AuditEntry(db.Model):
    __tablename__ = "audit_entries"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(AwareDateTime(), nullable=False, index=True)
    actor_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL"), nullable=True, index=True)
    actor_email: Mapped[str | None] = mapped_column(sa.String(254), nullable=True)
    action: Mapped[str] = mapped_column(sa.String(80), nullable=False, index=True)
    object_type: Mapped[str | None] = mapped_column(sa.String(40), nullable=True)
    object_id: Mapped[str | None] = mapped_column(sa.String(40), nullable=True)
    summary: Mapped[str | None] = mapped_column(sa.Text, nullable=True)
    changes: Mapped[dict | None] = mapped_column(sa.JSON, nullable=True)

    __table_args__ = (sa.Index("ix_audit_entries_object", "object_type", "object_id"),)


class AuditLogIsAppendOnly(RuntimeError):
    pass


@event.listens_for(Session, "before_flush")
def _refuse_audit_changes(session, flush_context, instances):
    for obj in list(session.dirty) + list(session.deleted):
        if isinstance(obj, AuditEntry):
            raise AuditLogIsAppendOnly("audit entries are never changed or deleted")


def _plain(value: Any) -> Any:
    if isinstance(value, Decimal):
        return f"{value:.2f}" if value == value.quantize(Decimal("0.01")) else str(value)
    if isinstance(value, datetime | date):
        return value.isoformat()
    if hasattr(value, "value") and not isinstance(value, str | int):
        return value.value  # enums
    return value


def changes_between(before: dict, after: dict) -> dict:
    """{field: [old, new]} for the fields that differ."""
    out = {}
    for key in sorted(set(before) | set(after)):
        old, new = _plain(before.get(key)), _plain(after.get(key))
        if old != new:
            out[key] = [old, new]
    return out


def _values(actor, action: str, obj=None, *, summary: str | None = None,
            changes: dict | None = None, object_type: str | None = None,
            object_id: Any = None) -> dict:
    """The columns of one entry."""
    if obj is not None:
        object_type = object_type or getattr(obj, "__tablename__", type(obj).__name__)
        if object_id is None and getattr(obj, "id", None) is None:
            db.session.flush()  # give a new object its id before naming it
        if object_id is None:
            object_id = getattr(obj, "id", None)
    return {
        "at": clock.now(),
        "actor_id": getattr(actor, "id", None),
        "actor_email": getattr(actor, "email", None),
        "action": action,
        "object_type": object_type,
        "object_id": None if object_id is None else str(object_id),
        "summary": summary,
        "changes": {k: [_plain(v[0]), _plain(v[1])] for k, v in (changes or {}).items()} or None,
    }


def record(actor, action: str, obj=None, *, summary: str | None = None,
           changes: dict | None = None, object_type: str | None = None,
           object_id: Any = None) -> AuditEntry:
    """Append one entry in the current transaction (so it commits or rolls back with
    the change it describes)."""
    entry = AuditEntry(**_values(actor, action, obj, summary=summary, changes=changes,
                                 object_type=object_type, object_id=object_id))
    db.session.add(entry)
    return entry


def insert_for_each(source) -> sa.Insert:
    """An INSERT of one entry for each row of `source` (a CTE or subquery), its columns
    bound as `audit_<column>`: fill them with parameters() (the same entry as record()).
    A use case that writes its change with a data-modifying CTE (INSERT ... ON CONFLICT
    DO NOTHING RETURNING) logs it in the same statement, only if written, one round trip
    less on a hot path (a ballot). Built once and reused: nothing in it changes."""
    table = AuditEntry.__table__
    names = [c.name for c in table.columns if c.name != "id"]
    return sa.insert(table).from_select(
        names, sa.select(*[sa.bindparam(f"audit_{name}", type_=table.c[name].type) for name in names])
        .select_from(source))


def parameters(actor, action: str, obj=None, **fields) -> dict:
    """The parameters of insert_for_each's statement: the entry record() would add."""
    return {f"audit_{name}": value for name, value in _values(actor, action, obj, **fields).items()}


# --- words: the log stores codes; each domain registers how its codes read --------------

_WORDS: dict[str, dict] = {"actions": {}, "fields": {}, "objects": {}, "enums": {},
                           "dates": set(), "money": set(), "percent": set()}


def register_words(*, actions: dict | None = None, fields: dict | None = None,
                   objects: dict | None = None, enums: dict | None = None, dates=(),
                   money=(), percent=()) -> None:
    """A domain's words for the log: action codes and field names -> lazy strings,
    object types -> lazy strings with %(id)s, fields holding enum values -> the
    LabeledEnum, and the fields holding dates, amounts in euro and percentages. An enum
    registered as "object_type.field" ("assemblies.status") reads that field of that
    kind of object only (a status code means different things on different objects)."""
    _WORDS["actions"].update(actions or {})
    _WORDS["fields"].update(fields or {})
    _WORDS["objects"].update(objects or {})
    for name, enum_class in (enums or {}).items():
        if enum_class not in _WORDS["enums"].setdefault(name, []):
            _WORDS["enums"][name].append(enum_class)
    _WORDS["dates"].update(dates)
    _WORDS["money"].update(money)
    _WORDS["percent"].update(percent)


def known_action(code: str) -> bool:
    return code in _WORDS["actions"]


def action_label(code: str) -> str:
    """The action in the reader's language; an unregistered code reads as "Other
    action" (tests/core/test_words.py fails on any code the platform writes unworded)."""
    from flask_babel import gettext
    text = _WORDS["actions"].get(code)
    return str(text) if text is not None else gettext("Other action")


def object_label(object_type: str | None, object_id: str | None) -> str:
    if not object_type:
        return ""
    text = _WORDS["objects"].get(object_type)
    if text is None:
        from flask_babel import gettext
        return gettext("Record %(id)s", id=object_id or "")
    return str(text) % {"id": object_id or ""}


def field_label(name: str) -> str:
    text = _WORDS["fields"].get(name)
    return str(text) if text is not None else name.replace("_", " ")


def value_text(name: str, value: Any, object_type: str | None = None) -> str:
    """A stored value as people read it: labels for codes, Italian dates, amounts and
    percentages, yes/no; "—" for nothing."""
    from flask_babel import gettext

    from . import formatting
    if value is None or value == "":
        return "—"
    if isinstance(value, list):
        return ", ".join(value_text(name, v, object_type) for v in value)
    if isinstance(value, bool):
        return gettext("yes") if value else gettext("no")
    try:
        for enum_class in (*_WORDS["enums"].get(f"{object_type}.{name}", ()), *_WORDS["enums"].get(name, ())):
            member = enum_class.from_value(value)
            if member is not None:
                return member.label
        if name in _WORDS["dates"]:
            text = str(value)
            return formatting.day(datetime.fromisoformat(text) if "T" in text else date.fromisoformat(text))
        if name in _WORDS["money"]:
            return formatting.money(Decimal(str(value)))
        if name in _WORDS["percent"]:
            return formatting.percent(Decimal(str(value)))
    except (ValueError, ArithmeticError):
        pass
    if isinstance(value, Decimal | float):
        return formatting.number(value)
    return str(value)


def change_lines(changes: dict | None, object_type: str | None = None) -> list[tuple[str, str, str]]:
    """(field, before, after) in words, for a page (`object_type`: the entry's)."""
    return [(field_label(name), value_text(name, pair[0], object_type), value_text(name, pair[1], object_type))
            for name, pair in sorted((changes or {}).items())
            if isinstance(pair, list | tuple) and len(pair) == 2]


def action_choices() -> list[tuple[str, str]]:
    """(code, words) of every registered action, in the order of the words."""
    return sorted(((code, str(text)) for code, text in _WORDS["actions"].items()), key=lambda c: c[1])


def object_choices() -> list[tuple[str, str]]:
    return sorted(((code, (str(text) % {"id": ""}).strip()) for code, text in _WORDS["objects"].items()),
                  key=lambda c: c[1])


# --- who: the log keeps the actor's id and email; the logins' domain says their names ----

_ACTOR_NAMES: list = []


def register_actor_names(lookup) -> None:
    """`lookup(ids) -> {id: name}`, registered by the domain that knows logins (auth)."""
    _ACTOR_NAMES[:] = [lookup]


def actor_names(ids) -> dict:
    """The names of these actors in one query ({} before a lookup is registered)."""
    wanted = {i for i in ids if i is not None}
    return _ACTOR_NAMES[0](wanted) if wanted and _ACTOR_NAMES else {}
