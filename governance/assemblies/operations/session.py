"""The session (the secretary): opening on the first or second call with the roll
frozen, check-in and check-out (a delegator who checks in voids their proxy),
designating chair, secretary and scrutineers, closing (the minutes draft follows)."""
from __future__ import annotations

import sqlalchemy as sa
from flask_babel import gettext as _

from ...core import audit, clock, inputs
from ...core.errors import Conflict, DomainError
from ...core.formatting import day
from ...core.inputs import Problems
from ...extensions import db
from ...members.models import Member
from .. import queries, signals
from ..models import Assembly, AssemblyStatus, Attendance, CallUsed, Proxy, ProxyStatus, RollEntry
from .common import lock


def open_session(assembly: Assembly, call: str, actor) -> Assembly:
    lock(assembly)
    if assembly.status in (AssemblyStatus.IN_SESSION, AssemblyStatus.CLOSED):
        raise Conflict("already_open", _("The session of this assembly was already opened."))
    if assembly.status != AssemblyStatus.CONVENED:
        raise Conflict("not_convened", _("Only a convened assembly can open its session."))
    chosen = CallUsed.from_value(str(call or "").strip())
    if chosen is None:
        raise DomainError("validation", _("Choose the first or the second call."), field="call")
    now = clock.now()
    starts = assembly.first_call_at if chosen == CallUsed.FIRST else assembly.second_call_at
    if now < starts:
        raise DomainError("too_early", _("The %(call)s is at %(time)s: the session cannot open before.",
                                         call=chosen.label.lower(), time=day(starts)), field="call")
    assembly.call = chosen
    db.session.flush()
    # The roll of the session's day, frozen (kept with the minutes).
    live = queries.roll_query(assembly).order_by(None)
    db.session.execute(sa.insert(RollEntry).from_select(
        ["member_id", "number", "name", "assembly_id"], live.add_columns(sa.literal(assembly.id))))
    assembly.status, assembly.opened_at = AssemblyStatus.IN_SESSION, now
    db.session.flush()
    audit.record(actor, "assembly.open", assembly, summary=f"{assembly.title}: {chosen.value} call",
                 changes={"status": [AssemblyStatus.CONVENED, AssemblyStatus.IN_SESSION]})
    signals.assembly_opened.send(assembly, actor=actor, call=chosen.value)
    return assembly


def _require_open(assembly: Assembly) -> None:
    if assembly.status != AssemblyStatus.IN_SESSION:
        raise Conflict("session_not_open", _("The session is not open."))


def member_for_check_in(raw) -> Member:
    number = inputs.whole_number(raw, minimum=1, maximum=2**31 - 1) if not isinstance(raw, Member) else None
    member = raw if isinstance(raw, Member) else db.session.scalar(sa.select(Member).where(Member.number == number))
    if member is None:
        raise DomainError("validation", _("There is no member with register number %(n)s.", n=raw), field="member")
    return member


def check_in(assembly: Assembly, member: Member, actor, *, online: bool = False) -> Attendance:
    _require_open(assembly)
    from ...members.models import MemberStatus
    if member.status != MemberStatus.ACTIVE:
        raise DomainError("validation", _("%(name)s is not a member any more.", name=member.full_name),
                          field="member")
    row = db.session.scalar(sa.select(Attendance).where(Attendance.assembly_id == assembly.id,
                                                        Attendance.member_id == member.id))
    now = clock.now()
    if row is None:
        row = Attendance(assembly_id=assembly.id, member_id=member.id, checked_in_at=now, online=online)
        db.session.add(row)
    elif row.left_at is not None:
        row.left_at, row.checked_in_at, row.online = None, now, online
    else:
        return row  # already in: nothing changes
    # A delegator present in person voids their proxy (DOMAIN.md §4).
    for proxy in db.session.scalars(sa.select(Proxy).where(Proxy.assembly_id == assembly.id,
                                                           Proxy.delegator_id == member.id,
                                                           Proxy.status == ProxyStatus.ACTIVE)):
        proxy.status, proxy.ended_at = ProxyStatus.VOID, now
    db.session.flush()
    audit.record(actor, "assembly.check_in", row, summary=f"assembly {assembly.id}: n. {member.number}"
                 + (" online" if online else ""))
    signals.attendance_changed.send(assembly, member_id=member.id, present=True)
    return row


def check_out(assembly: Assembly, member: Member, actor) -> Attendance | None:
    _require_open(assembly)
    row = db.session.scalar(sa.select(Attendance).where(Attendance.assembly_id == assembly.id,
                                                        Attendance.member_id == member.id))
    if row is None or row.left_at is not None:
        return row
    row.left_at = clock.now()
    db.session.flush()
    audit.record(actor, "assembly.check_out", row, summary=f"assembly {assembly.id}: n. {member.number}")
    signals.attendance_changed.send(assembly, member_id=member.id, present=False)
    return row


def designate(assembly: Assembly, data: dict, actor) -> Assembly:
    if assembly.status not in (AssemblyStatus.CONVENED, AssemblyStatus.IN_SESSION):
        raise Conflict("wrong_status", _("Chair and secretary are designated before or during the session."))
    problems = Problems()
    chair = problems.take("chair_name", inputs.text, data.get("chair_name"), max_length=200, name=True)
    secretary = problems.take("secretary_name", inputs.text, data.get("secretary_name"), max_length=200, name=True)
    scrutineers = problems.take("scrutineers", inputs.text, data.get("scrutineers"), max_length=500)
    problems.raise_if_any()
    before = {"chair_name": assembly.chair_name, "secretary_name": assembly.secretary_name,
              "scrutineers": assembly.scrutineers}
    assembly.chair_name, assembly.secretary_name, assembly.scrutineers = chair, secretary, scrutineers
    db.session.flush()
    audit.record(actor, "assembly.designate", assembly, summary=assembly.title,
                 changes=audit.changes_between(before, {"chair_name": chair, "secretary_name": secretary,
                                                        "scrutineers": scrutineers}))
    return assembly


def close_session(assembly: Assembly, actor) -> Assembly:
    lock(assembly)
    if assembly.status == AssemblyStatus.CLOSED:
        raise Conflict("already_closed", _("This assembly is already closed."))
    _require_open(assembly)
    figures = queries.quorum_now(assembly).as_dict()
    assembly.status, assembly.closed_at = AssemblyStatus.CLOSED, clock.now()
    db.session.flush()
    audit.record(actor, "assembly.close", assembly, summary=assembly.title,
                 changes={"status": [AssemblyStatus.IN_SESSION, AssemblyStatus.CLOSED]})
    signals.assembly_closed.send(assembly, actor=actor)
    from .minutes import draft_minutes
    draft_minutes(assembly, figures, actor)
    return assembly
