"""Preparing an assembly (the board): the assembly, its ordered agenda, the documents of
its items, and the admission appeals that land on the next ordinary assembly."""
from __future__ import annotations

import sqlalchemy as sa
from flask_babel import gettext as _

from ...core import audit, clock, inputs
from ...core.errors import DomainError
from ...core.inputs import Problems
from ...extensions import db
from ...lifecycle.models import AdmissionAppeal, AppealStatus
from .. import queries, rules
from ..models import AgendaItem, Assembly, AssemblyStatus, Kind
from .common import moment, require_status

FIELDS = ("kind", "title", "first_call_at", "second_call_at", "place", "online_link")


def _clean(data: dict, problems: Problems) -> dict:
    kind = str(data.get("kind") or "").strip()
    if kind not in {k.value for k in Kind}:
        problems.add("kind", _("Choose ordinary or extraordinary."))
    title = problems.take("title", inputs.text, data.get("title"), max_length=200, required=True)
    first = problems.take("first_call_at", moment, data.get("first_call_at"))
    second = problems.take("second_call_at", moment, data.get("second_call_at"))
    place = problems.take("place", inputs.text, data.get("place", data.get("location")), max_length=300)
    link = problems.take("online_link", inputs.text, data.get("online_link", data.get("online_url")),
                         max_length=500)
    if link and not link.lower().startswith(("https://", "http://")):
        problems.add("online_link", _("An online link starts with https://."))
    now = clock.now()
    if first is not None and first <= now:
        problems.add("first_call_at", _("The first call must be in the future."))
    if first is not None and second is not None and rules.calls_problem(first, second):
        problems.add("second_call_at", _("The second call must be on a later day than the first call."),
                     "second_call_same_day")
    if not place and not link:
        problems.add("place", _("Give a place, an online link or both."))
    return {"kind": Kind(kind) if kind in {k.value for k in Kind} else None, "title": title,
            "first_call_at": first, "second_call_at": second, "place": place or "", "online_link": link}


def create_assembly(data: dict, actor) -> Assembly:
    problems = Problems()
    values = _clean(data, problems)
    problems.raise_if_any(priority=("second_call_same_day", "validation"))
    assembly = Assembly(status=AssemblyStatus.DRAFT, created_at=clock.now(),
                        created_by_id=getattr(actor, "id", None), **values)
    db.session.add(assembly)
    db.session.flush()
    audit.record(actor, "assembly.create", assembly, summary=f"{assembly.kind.value}: {assembly.title}")
    if assembly.kind == Kind.ORDINARY:
        schedule_pending_appeals(actor)
    return assembly


def update_assembly(assembly: Assembly, data: dict, actor) -> Assembly:
    require_status(assembly, AssemblyStatus.DRAFT,
                   message=_("A convened assembly cannot be changed: re-convene it first."))
    merged = {name: data.get(name, getattr(assembly, name)) for name in FIELDS}
    merged["kind"] = getattr(merged["kind"], "value", merged["kind"])
    problems = Problems()
    values = _clean(merged, problems)
    problems.raise_if_any(priority=("second_call_same_day", "validation"))
    before = {name: getattr(assembly, name) for name in FIELDS}
    for name, value in values.items():
        setattr(assembly, name, value)
    db.session.flush()
    audit.record(actor, "assembly.update", assembly, summary=assembly.title,
                 changes=audit.changes_between(before, {n: getattr(assembly, n) for n in FIELDS}))
    return assembly


def delete_assembly(assembly: Assembly, actor) -> None:
    require_status(assembly, AssemblyStatus.DRAFT)
    for item in assembly.items:
        _release_appeals(item)
    audit.record(actor, "assembly.delete", assembly, summary=assembly.title)
    db.session.delete(assembly)
    db.session.flush()


# --- the agenda ---------------------------------------------------------------------------

def _item_values(data: dict, problems: Problems) -> tuple[str | None, str]:
    title = problems.take("title", inputs.text, data.get("title"), max_length=300, required=True)
    description = problems.take("description", inputs.text, data.get("description"),
                                max_length=50_000, multiline=True)
    return title, description or ""


def add_item(assembly: Assembly, data: dict, actor, *, application_id: int | None = None) -> AgendaItem:
    require_status(assembly, AssemblyStatus.DRAFT,
                   message=_("The agenda of a convened assembly cannot be changed: re-convene it first."))
    problems = Problems()
    title, description = _item_values(data, problems)
    problems.raise_if_any()
    position = (db.session.scalar(sa.select(sa.func.max(AgendaItem.position))
                                  .where(AgendaItem.assembly_id == assembly.id)) or 0) + 1
    item = AgendaItem(assembly_id=assembly.id, position=position, title=title, description=description,
                      application_id=application_id)
    db.session.add(item)
    db.session.flush()
    db.session.expire(assembly, ["items"])
    audit.record(actor, "assembly.item_add", item, summary=f"{assembly.id}/{position}: {title}")
    return item


def update_item(item: AgendaItem, data: dict, actor) -> AgendaItem:
    require_status(item.assembly, AssemblyStatus.DRAFT,
                   message=_("The agenda of a convened assembly cannot be changed: re-convene it first."))
    problems = Problems()
    title, description = _item_values(data, problems)
    problems.raise_if_any()
    before = {"title": item.title, "description": item.description}
    item.title, item.description = title, description
    db.session.flush()
    audit.record(actor, "assembly.item_update", item, summary=title,
                 changes=audit.changes_between(before, {"title": title, "description": description}))
    return item


def _release_appeals(item: AgendaItem) -> None:
    for appeal in db.session.scalars(sa.select(AdmissionAppeal).where(AdmissionAppeal.agenda_item_id == item.id)):
        appeal.agenda_item_id = None


def remove_item(item: AgendaItem, actor) -> None:
    assembly = item.assembly
    require_status(assembly, AssemblyStatus.DRAFT,
                   message=_("The agenda of a convened assembly cannot be changed: re-convene it first."))
    _release_appeals(item)
    audit.record(actor, "assembly.item_remove", item, summary=item.title)
    db.session.delete(item)
    db.session.flush()
    db.session.expire(assembly, ["items"])
    _renumber(assembly, [i for i in assembly.items if i.id != item.id])


def _renumber(assembly: Assembly, ordered: list[AgendaItem]) -> None:
    for index, item in enumerate(ordered, start=1):
        item.position = index
    db.session.flush()


def move_item(item: AgendaItem, direction: int, actor) -> None:
    """Move an item one place up (-1) or down (+1)."""
    assembly = item.assembly
    require_status(assembly, AssemblyStatus.DRAFT,
                   message=_("The agenda of a convened assembly cannot be changed: re-convene it first."))
    ordered = list(assembly.items)
    index = ordered.index(item)
    target = index + (1 if direction > 0 else -1)
    if 0 <= target < len(ordered):
        ordered[index], ordered[target] = ordered[target], ordered[index]
        _renumber(assembly, ordered)
        audit.record(actor, "assembly.item_move", item, summary=f"{item.title} -> {item.position}")


def reorder_items(assembly: Assembly, ids: list[int], actor) -> None:
    require_status(assembly, AssemblyStatus.DRAFT,
                   message=_("The agenda of a convened assembly cannot be changed: re-convene it first."))
    by_id = {item.id: item for item in assembly.items}
    if sorted(ids) != sorted(by_id):
        raise DomainError("validation", _("Give every item of the agenda once."), field="order")
    _renumber(assembly, [by_id[i] for i in ids])
    audit.record(actor, "assembly.reorder", assembly, summary=",".join(map(str, ids)))


# --- admission appeals (DOMAIN.md §3.3) -------------------------------------------------------

def schedule_pending_appeals(actor) -> list[AgendaItem]:
    """Each appeal waiting for an assembly becomes an item of the next ordinary assembly
    that is not yet convened (none: they wait for the next one created)."""
    assembly = queries.next_open_ordinary()
    if assembly is None:
        return []
    appeals = list(db.session.scalars(
        sa.select(AdmissionAppeal).where(AdmissionAppeal.status == AppealStatus.PENDING,
                                         AdmissionAppeal.agenda_item_id.is_(None),
                                         AdmissionAppeal.lodged_on <= clock.today())
        .order_by(AdmissionAppeal.lodged_on, AdmissionAppeal.id)))
    items = []
    for appeal in appeals:
        application = appeal.application
        item = add_item(assembly, {
            "title": _("Admission appeal of %(name)s", name=application.full_name),
            "description": appeal.text}, actor, application_id=application.id)
        appeal.agenda_item_id = item.id
        audit.record(actor, "appeal.schedule", appeal, summary=f"agenda item {item.id}")
        items.append(item)
    db.session.flush()
    return items
