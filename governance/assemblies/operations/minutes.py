"""The minutes (verbale): a draft generated at closing from what happened, edited by the
secretary, locked by the signed scan; the summaries of the agenda items."""
from __future__ import annotations

from flask import current_app, render_template
from flask_babel import force_locale
from flask_babel import gettext as _

from ...core import audit, clock, inputs
from ...core.errors import Conflict, DomainError
from ...core.inputs import Problems
from ...extensions import db
from .. import documents, queries, signals
from ..models import AgendaItem, Assembly, AssemblyStatus, Minutes


def draft_text(assembly: Assembly, figures: dict) -> str:
    item_lines = {}
    for item in assembly.items:
        lines: list[str] = []
        for _receiver, result in signals.minutes_item_lines.send(assembly, item=item):
            lines.extend(result or ())
        item_lines[item.id] = lines
    with force_locale("it"):
        return render_template("assemblies/minutes.txt", assembly=assembly, figures=figures, item_lines=item_lines,
                               proxies=queries.proxies_of(assembly),
                               cooperative_name=current_app.config["COOPERATIVE_NAME"])


def draft_minutes(assembly: Assembly, figures: dict, actor) -> Minutes:
    now = clock.now()
    minutes = db.session.get(Minutes, assembly.id)
    if minutes is None:
        minutes = Minutes(assembly_id=assembly.id, drafted_at=now, updated_at=now, text="", figures=figures)
        db.session.add(minutes)
    minutes.figures = figures
    minutes.text = draft_text(assembly, figures)
    db.session.flush()
    audit.record(actor, "assembly.minutes_draft", minutes, object_id=assembly.id, summary=assembly.title)
    return minutes


def _editable(minutes: Minutes | None) -> Minutes:
    if minutes is None:
        raise Conflict("not_closed", _("The minutes are drafted when the assembly closes."))
    if minutes.signed:
        raise Conflict("minutes_signed", _("The signed minutes are read-only."))
    return minutes


def update_minutes(assembly: Assembly, data: dict, actor) -> Minutes:
    minutes = _editable(db.session.get(Minutes, assembly.id))
    problems = Problems()
    text = problems.take("text", inputs.text, data.get("text"), max_length=500_000, required=True, multiline=True)
    problems.raise_if_any()
    minutes.text, minutes.updated_at = text, clock.now()
    db.session.flush()
    audit.record(actor, "assembly.minutes_edit", minutes, object_id=assembly.id, summary=assembly.title)
    return minutes


def regenerate_minutes(assembly: Assembly, actor) -> Minutes:
    minutes = _editable(db.session.get(Minutes, assembly.id))
    return draft_minutes(assembly, minutes.figures or queries.quorum_now(assembly).as_dict(), actor)


def sign_minutes(assembly: Assembly, filename: str, data: bytes, actor) -> Minutes:
    minutes = _editable(db.session.get(Minutes, assembly.id))
    documents.checked_upload(filename, data, field="scan", only_pdf=True)
    minutes.signed_scan_stored_name, _digest = documents.store(data)
    minutes.signed_at = clock.now()
    db.session.flush()
    audit.record(actor, "assembly.minutes_sign", minutes, object_id=assembly.id, summary=assembly.title)
    return minutes


def set_item_summary(item: AgendaItem, data: dict, actor) -> AgendaItem:
    assembly = item.assembly
    if assembly.status not in (AssemblyStatus.IN_SESSION, AssemblyStatus.CLOSED):
        raise Conflict("session_not_open", _("Item summaries are written during or after the session."))
    minutes = db.session.get(Minutes, assembly.id)
    if minutes is not None and minutes.signed:
        raise Conflict("minutes_signed", _("The signed minutes are read-only."))
    problems = Problems()
    summary = problems.take("summary", inputs.text, data.get("summary"), max_length=50_000, multiline=True)
    problems.raise_if_any()
    item.summary = summary
    db.session.flush()
    audit.record(actor, "assembly.item_summary", item, summary=item.title)
    return item


def attach_document(item: AgendaItem, filename: str, data: bytes, actor):
    from ..models import AgendaDocument
    if item.assembly.status == AssemblyStatus.CLOSED:
        raise Conflict("wrong_status", _("The assembly is closed."))
    name, content_type = documents.checked_upload(filename, data)
    stored, digest = documents.store(data)
    document = AgendaDocument(item_id=item.id, filename=name, content_type=content_type, size=len(data),
                              sha256=digest, stored_name=stored, uploaded_at=clock.now(),
                              uploaded_by_id=getattr(actor, "id", None))
    db.session.add(document)
    db.session.flush()
    db.session.expire(item, ["documents"])
    audit.record(actor, "assembly.document_add", document, summary=f"item {item.id}: {name}")
    return document


def remove_document(document, actor) -> None:
    if document.item.assembly.status != AssemblyStatus.DRAFT:
        raise DomainError("validation", _("Documents of a convened assembly stay as they were sent."))
    audit.record(actor, "assembly.document_remove", document, summary=document.filename)
    item = document.item
    db.session.delete(document)
    db.session.flush()
    db.session.expire(item, ["documents"])
