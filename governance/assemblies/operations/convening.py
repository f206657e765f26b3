"""Convening (the board): publishing under the notice period, the stored convocation and
one outbox email per active member queued in the same transaction with two INSERT ...
SELECT statements (no body rendered in the request: the worker renders each one at
send time, see notifications.render_convocation), receipts, resending, re-convening."""
from __future__ import annotations

import sqlalchemy as sa
from flask_babel import gettext as _

from ...core import audit, clock, tokens
from ...core.errors import Conflict, DomainError
from ...core.formatting import day
from ...core.outbox import OutboxMessage, OutboxStatus
from ...extensions import db
from ...members.models import Member, MemberStatus
from ...statute.queries import value_on
from .. import documents, rules, signals
from ..notifications import RECEIPT_MAX_AGE, RECEIPT_PURPOSE, receipt_token  # noqa: F401
from ..models import AgendaItem, Assembly, AssemblyStatus, Convocation, Receipt
from .common import lock, require_status

def topic_of(assembly_id: int, member_id: int) -> str:
    return f"convocation:{assembly_id}:{member_id}"


def check_notice(assembly: Assembly, today) -> None:
    notice_days = int(value_on("notice_days", today))
    if rules.notice_problem(today, assembly.first_call_at, notice_days):
        earliest = today.toordinal() + notice_days
        from datetime import date
        raise DomainError("notice_period", _(
            "The first call must be at least %(n)d days after publication: published today, "
            "%(today)s, the earliest first call is %(earliest)s.", n=notice_days, today=day(today),
            earliest=day(date.fromordinal(earliest))), field="first_call_at")


def publish(assembly: Assembly, actor) -> Assembly:
    lock(assembly)
    if assembly.status != AssemblyStatus.DRAFT:
        raise Conflict("already_published", _("This assembly was already published on %(day)s.",
                                               day=day(assembly.published_on)))
    today, now = clock.today(), clock.now()
    check_notice(assembly, today)
    if not db.session.scalar(sa.select(sa.func.count(AgendaItem.id)).where(AgendaItem.assembly_id == assembly.id)):
        raise DomainError("validation", _("The agenda is empty: add at least one item before publishing."),
                          field="agenda")
    assembly.status = AssemblyStatus.CONVENED
    assembly.published_on, assembly.published_at = today, now
    subject, text = documents.convocation_text(assembly)
    db.session.merge(Convocation(assembly_id=assembly.id, published_at=now, subject=subject, text=text,
                                 ics=documents.ics(assembly), locale="it"))
    db.session.flush()
    queued = queue_convocations(assembly, subject, now)
    audit.record(actor, "assembly.publish", assembly, summary=f"{assembly.title}: {queued} email(s) queued",
                 changes={"status": [AssemblyStatus.DRAFT, AssemblyStatus.CONVENED]})
    signals.assembly_published.send(assembly, actor=actor)
    return assembly


def queue_convocations(assembly: Assembly, subject: str, now) -> int:
    """One receipt per active member and one outbox email per member with an email, as
    two INSERT ... SELECT statements: the database does the work, whatever the size."""
    topic = sa.literal(f"convocation:{assembly.id}:") + sa.cast(Member.id, sa.String)
    email = sa.func.nullif(sa.func.trim(sa.func.coalesce(Member.email, "")), "")
    active = Member.status == MemberStatus.ACTIVE
    existing = sa.select(Receipt.member_id).where(Receipt.assembly_id == assembly.id)
    db.session.execute(sa.insert(Receipt).from_select(
        ["assembly_id", "member_id", "email", "topic"],
        sa.select(sa.literal(assembly.id), Member.id, email, topic).where(active, Member.id.not_in(existing))))
    columns = ["created_at", "recipient", "subject", "body", "status", "topic", "attempts", "next_attempt_at",
               "sensitive"]
    select = sa.select(sa.literal(now, OutboxMessage.created_at.type), Receipt.email, sa.literal(subject[:300]),
                       sa.literal(""), sa.literal(OutboxStatus.QUEUED.value), Receipt.topic, sa.literal(0),
                       sa.literal(now, OutboxMessage.next_attempt_at.type), sa.true()) \
        .where(Receipt.assembly_id == assembly.id, Receipt.email.is_not(None), Receipt.confirmed_at.is_(None))
    result = db.session.execute(sa.insert(OutboxMessage).from_select(columns, select))
    return result.rowcount or 0


def resend(assembly: Assembly, actor, *, member_id: int | None = None) -> int:
    """Queue the convocation again to one member, or to all who have not confirmed."""
    require_status(assembly, AssemblyStatus.CONVENED, AssemblyStatus.IN_SESSION)
    convocation = db.session.get(Convocation, assembly.id)
    now = clock.now()
    query = sa.select(Receipt).where(Receipt.assembly_id == assembly.id, Receipt.email.is_not(None))
    if member_id is not None:
        query = query.where(Receipt.member_id == member_id)
    else:
        query = query.where(Receipt.confirmed_at.is_(None))
    rows = [{"created_at": now, "recipient": receipt.email, "subject": convocation.subject, "body": "",
             "status": OutboxStatus.QUEUED, "topic": receipt.topic, "attempts": 0, "next_attempt_at": now,
             "sensitive": True} for receipt in db.session.scalars(query)]
    if member_id is not None and not rows:
        raise DomainError("validation", _("This member has no email address: send the letter by post."),
                          field="member")
    if rows:
        db.session.execute(sa.insert(OutboxMessage.__table__), rows)
    audit.record(actor, "assembly.resend", assembly, summary=f"{len(rows)} email(s) queued again"
                 + (f" (member id {member_id})" if member_id else ""))
    return len(rows)


def confirm_receipt(token: str) -> Receipt:
    """The member's personal link: records the first confirmation (proof of receipt)."""
    try:
        (assembly_id, member_id), _issued = tokens.load(RECEIPT_PURPOSE, token, RECEIPT_MAX_AGE)
    except (tokens.TokenInvalid, TypeError, ValueError):
        raise DomainError("invalid_token", _("This link is not valid or has expired."), status=404) from None
    receipt = db.session.scalar(sa.select(Receipt).where(Receipt.assembly_id == assembly_id,
                                                         Receipt.member_id == member_id))
    if receipt is None:
        raise DomainError("invalid_token", _("This link is not valid or has expired."), status=404)
    if receipt.confirmed_at is None:
        receipt.confirmed_at = clock.now()
        db.session.flush()
        audit.record(None, "assembly.receipt_confirm", receipt, summary=f"assembly {assembly_id}, member id {member_id}")
    return receipt


def confirm_own_receipt(assembly: Assembly, member_id: int) -> Receipt | None:
    receipt = db.session.scalar(sa.select(Receipt).where(Receipt.assembly_id == assembly.id,
                                                         Receipt.member_id == member_id))
    if receipt is not None and receipt.confirmed_at is None:
        receipt.confirmed_at = clock.now()
        db.session.flush()
        audit.record(None, "assembly.receipt_confirm", receipt, summary=f"assembly {assembly.id}, from their page")
    return receipt


def reconvene(assembly: Assembly, actor) -> Assembly:
    """Back to draft so the agenda can change; publishing again restarts the notice and
    sends the new convocation (receipts confirmed so far are cleared)."""
    lock(assembly)
    require_status(assembly, AssemblyStatus.CONVENED)
    assembly.status = AssemblyStatus.DRAFT
    assembly.published_on = assembly.published_at = None
    db.session.execute(sa.update(Receipt).where(Receipt.assembly_id == assembly.id).values(confirmed_at=None))
    db.session.execute(sa.update(OutboxMessage).where(
        OutboxMessage.topic.like(f"convocation:{assembly.id}:%"), OutboxMessage.status == OutboxStatus.QUEUED)
        .values(status=OutboxStatus.FAILED, error="withdrawn: the assembly is being re-convened",
                next_attempt_at=None).execution_options(synchronize_session=False))
    db.session.flush()
    audit.record(actor, "assembly.reconvene", assembly, summary=assembly.title,
                 changes={"status": [AssemblyStatus.CONVENED, AssemblyStatus.DRAFT]})
    return assembly
