"""Appeals of refused applicants to the assembly (DOMAIN.md §3.3, art. 2528 c.c.)."""
from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from flask_babel import gettext as _

from ...core import audit, clock
from ...core.errors import Conflict, DomainError
from ...core.formatting import day
from ...core.inputs import Problems
from ...extensions import db
from .. import notifications, signals, queries
from ..models import AdmissionAppeal, AppealStatus, Application, ApplicationStatus
from .common import clean_text, decision_date, lock


def lodge_appeal(application: Application, text: Any) -> AdmissionAppeal:
    """The refused applicant asks the assembly to decide (art. 2528 c.c.), within
    appeal_days of the refusal notice: day 60 is in time, day 61 is late."""
    lock(application)
    if application.status != ApplicationStatus.REJECTED or application.appeal is not None:
        application.mark_appealed()  # raises the 409 with the current status
    today = clock.today()
    if not queries.appeal_in_time(application, today):
        deadline = queries.appeal_deadline_of(application)
        raise DomainError("appeal_deadline", _(
            "The appeal term ended on %(deadline)s (%(days)d days from the refusal notice of "
            "%(notice)s).", deadline=day(deadline), notice=day(application.notice_sent_on),
            days=(deadline - application.notice_sent_on).days), field="text")
    problems = Problems()
    body = clean_text(text, "text", problems, max_length=10_000)
    if not body and not problems:
        problems.add("text", _("Explain why the assembly should admit you."))
    problems.raise_if_any()
    application.mark_appealed()
    appeal = AdmissionAppeal(application=application, text=body, lodged_on=today,
                             lodged_at=clock.now(), status=AppealStatus.PENDING)
    db.session.add(appeal)
    application.updated_at = clock.now()
    db.session.flush()
    audit.record(None, "application.appeal", application,
                 summary=f"{application.full_name}: appeal to the assembly",
                 changes={"status": [ApplicationStatus.REJECTED, application.status]})
    notifications.appeal_received(application)
    signals.appeal_lodged.send(appeal, actor=None)
    return appeal


def pending_appeals_for_agenda() -> list[AdmissionAppeal]:
    """Appeals waiting for an assembly and not yet on any agenda: what the assemblies
    domain adds to the next ordinary assembly it creates (DOMAIN.md §3.3)."""
    return list(db.session.scalars(
        sa.select(AdmissionAppeal).where(AdmissionAppeal.status == AppealStatus.PENDING,
                                         AdmissionAppeal.agenda_item_id.is_(None))
        .order_by(AdmissionAppeal.lodged_on, AdmissionAppeal.id)))


def attach_pending_appeals(agenda_item_id: int, actor) -> list[AdmissionAppeal]:
    """For the assemblies domain: put every waiting appeal on this agenda item (of the
    next ordinary assembly not yet convened)."""
    appeals = pending_appeals_for_agenda()
    for appeal in appeals:
        appeal.agenda_item_id = agenda_item_id
        audit.record(actor, "appeal.schedule", appeal, summary=f"agenda item {agenda_item_id}")
    db.session.flush()
    return appeals


def record_appeal_decision(appeal: AdmissionAppeal, data: dict, actor) -> AdmissionAppeal:
    """The board records what the assembly decided on an appeal {outcome:
    upheld|rejected, decided_on (the assembly's date), note}. Upheld: the application
    returns to the board's queue, where only admission is possible."""
    lock(appeal)
    if appeal.status != AppealStatus.PENDING:
        raise Conflict("already_decided", _("The assembly's decision on this appeal was already "
                                            "recorded (%(status)s).", status=appeal.status.label))
    today = clock.today()
    problems = Problems()
    outcome = str(data.get("outcome") or "").strip()
    if outcome not in ("upheld", "rejected"):
        problems.add("outcome", _("Choose upheld or rejected."))
    decided_on = decision_date(data.get("decided_on"), appeal.lodged_on, today, problems,
                                what=_("the appeal"))
    note = clean_text(data.get("note"), "note", problems)
    problems.raise_if_any(priority=("validation", "decision_date"))
    application = appeal.application
    previous = application.status
    application.mark_appeal_outcome(upheld=outcome == "upheld")
    appeal.status = AppealStatus.UPHELD if outcome == "upheld" else AppealStatus.REJECTED
    appeal.assembly_decided_on = decided_on
    appeal.assembly_note = note
    appeal.recorded_by_id = getattr(actor, "id", None)
    application.updated_at = clock.now()
    db.session.flush()
    audit.record(actor, "appeal.decide", appeal,
                 summary=f"{application.full_name}: assembly of {decided_on.isoformat()} {outcome}",
                 changes={"status": [AppealStatus.PENDING, appeal.status],
                          "application_status": [previous, application.status]})
    notifications.appeal_decided(application, appeal)
    return appeal
