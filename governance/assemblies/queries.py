"""Reading assemblies: the roll of voters on the assembly date (live until the session
opens, then the frozen RollEntry rows), who is present, the live quorum. Each is a
fixed number of queries whatever the size of the register (no N+1)."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import aggregate_order_by
from sqlalchemy.orm import aliased

from ..core import clock
from ..extensions import db
from ..members.models import Member, MemberStatus
from ..members.rules import first_voting_day
from ..statute.queries import history_of_values, parameters_on
from . import rules, signals
from .models import (AgendaItem, Assembly, AssemblyStatus, Attendance, CallUsed, Proxy, ProxyStatus,
                     Receipt, RollEntry)


@dataclass(frozen=True)
class Voter:
    member_id: int
    number: int
    name: str


# --- the roll -------------------------------------------------------------------------------

def admitted_cutoff(on: date, history=None) -> date:
    """The latest admission date that puts a member on the roll of `on`: the largest A
    with first_voting_day(A) <= on (the rule of members.rules, with the seniority
    parameter's history). first_voting_day grows with A, so a binary search finds it."""
    history = history if history is not None else history_of_values("voting_seniority_days")
    low, high = on - timedelta(days=366 * 200), on
    if first_voting_day(low, history) > on:
        return low - timedelta(days=1)
    while low < high:  # invariant: first_voting_day(low) <= on
        mid = low + timedelta(days=((high - low).days + 1) // 2)
        if first_voting_day(mid, history) <= on:
            low = mid
        else:
            high = mid - timedelta(days=1)
    return low


def live_roll_condition(on: date):
    """Members on the roll of `on` (DOMAIN.md §4): in the register with the seniority,
    and their membership not ended on or before that day (rules.membership_ended)."""
    cutoff = admitted_cutoff(on)
    return sa.and_(Member.admitted_on <= cutoff,
                   sa.or_(Member.exit_on.is_(None), Member.exit_on > on),
                   sa.or_(Member.status == MemberStatus.ACTIVE, Member.exit_on > on))


def is_frozen(assembly: Assembly) -> bool:
    return assembly.status in (AssemblyStatus.IN_SESSION, AssemblyStatus.CLOSED)


def roll_day(assembly: Assembly) -> date:
    return assembly.session_day()


def roll_query(assembly: Assembly):
    """SELECT member_id, number, name of the roll, ordered by register number."""
    if is_frozen(assembly):
        return (sa.select(RollEntry.member_id, RollEntry.number, RollEntry.name)
                .where(RollEntry.assembly_id == assembly.id).order_by(RollEntry.number))
    name = (Member.last_name + " " + Member.first_name)
    return (sa.select(Member.id, Member.number, name).where(live_roll_condition(roll_day(assembly)))
            .order_by(Member.number))


def roll(assembly: Assembly) -> list[Voter]:
    """The eligible voters of this assembly (frozen from the opening of the session)."""
    return [Voter(member_id, number, name.strip())
            for member_id, number, name in db.session.execute(roll_query(assembly))]


def roll_json(assembly: Assembly) -> tuple[int, str]:
    """(count, JSON array of {number, name}) of the roll. On PostgreSQL the database
    builds the array (json_agg), so 10,000 voters never become 10,000 Python objects."""
    query = roll_query(assembly).order_by(None).subquery()
    number, name = query.c[1], query.c[2]
    if db.session.get_bind().dialect.name == "postgresql":
        count, array = db.session.execute(sa.select(
            sa.func.count(), sa.cast(sa.func.coalesce(
                sa.func.json_agg(aggregate_order_by(
                    sa.func.json_build_object("number", number, "name", sa.func.trim(name)), number)),
                sa.text("'[]'::json")), sa.Text))
            .select_from(query)).one()
        return count, array
    import json
    voters = roll(assembly)
    return len(voters), json.dumps([{"number": v.number, "name": v.name} for v in voters], ensure_ascii=False)


def roll_count(assembly: Assembly) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(roll_query(assembly).order_by(None).subquery()))


def roll_member_ids(assembly: Assembly) -> set[int]:
    return set(db.session.scalars(sa.select(roll_query(assembly).order_by(None).subquery().c[0])))


def on_roll(assembly: Assembly, member: Member) -> bool:
    if is_frozen(assembly):
        return db.session.get(RollEntry, (assembly.id, member.id)) is not None
    return voting_problem(assembly, member) is None


def voting_problem(assembly: Assembly, member: Member) -> str | None:
    """Why this member may not vote at this assembly (rules.roll_problem's code), or None."""
    on = roll_day(assembly)
    active = member.status == MemberStatus.ACTIVE or (member.exit_on is not None and member.exit_on > on)
    return rules.roll_problem(member.admitted_on, history_of_values("voting_seniority_days"), on,
                              active=active, ended_on=member.exit_on)


def voting_right_from(member: Member) -> date:
    return first_voting_day(member.admitted_on, history_of_values("voting_seniority_days"))


def attendees_count(assembly: Assembly) -> int:
    """Everybody checked in now, voters or not."""
    return db.session.scalar(sa.select(sa.func.count(Attendance.id)).where(
        Attendance.assembly_id == assembly.id, Attendance.left_at.is_(None)))


# --- presence and the quorum ------------------------------------------------------------------

def _in_person_numbers(assembly: Assembly) -> set[int]:
    if assembly.status != AssemblyStatus.IN_SESSION and assembly.status != AssemblyStatus.CLOSED:
        return set()
    return set(db.session.scalars(
        sa.select(Member.number).join(Attendance, Attendance.member_id == Member.id)
        .where(Attendance.assembly_id == assembly.id, Attendance.left_at.is_(None))))


def live_proxies(assembly: Assembly) -> list[rules.Proxy]:
    delegator, delegate = aliased(Member), aliased(Member)
    rows = db.session.execute(
        sa.select(delegator.number, delegate.number).select_from(Proxy)
        .join(delegator, delegator.id == Proxy.delegator_id)
        .join(delegate, delegate.id == Proxy.delegate_id)
        .where(Proxy.assembly_id == assembly.id, Proxy.status == ProxyStatus.ACTIVE)
        .order_by(Proxy.id))
    return [rules.Proxy(delegator=a, delegate=b) for a, b in rows]


def correspondence_numbers(assembly: Assembly) -> set[int]:
    """Register numbers of those who voted by correspondence (told by the votes domain
    through signals.correspondence_voters: member ids)."""
    ids: set[int] = set()
    for _receiver, result in signals.correspondence_voters.send(assembly):
        ids.update(result or ())
    if not ids:
        return set()
    return set(db.session.scalars(sa.select(Member.number).where(Member.id.in_(ids))))


def present(assembly: Assembly) -> rules.Attendance:
    """P of DOMAIN.md §4 now: voters on the roll in person, by counted proxies (only while
    the delegate is present, voided by the delegator present) and by correspondence."""
    numbers = roll_query(assembly).order_by(None).subquery().c[1]
    eligible = db.session.scalars(sa.select(numbers)).all()
    return rules.attendance(eligible, _in_person_numbers(assembly), live_proxies(assembly),
                            correspondence_numbers(assembly))


@dataclass(frozen=True)
class QuorumNow:
    call: str
    eligible: int
    in_person: int
    by_proxy: int
    by_correspondence: int
    present: int
    required: int
    reached: bool
    rule: str
    attendees: int  # everybody checked in, voters or not

    def as_dict(self) -> dict:
        return {"call": self.call, "eligible": self.eligible, "in_person": self.in_person,
                "by_proxy": self.by_proxy, "by_correspondence": self.by_correspondence,
                "present": self.present, "required": self.required, "reached": self.reached,
                "rule": self.rule, "attendees": self.attendees}


def current_call(assembly: Assembly) -> str:
    if assembly.call is not None:
        return assembly.call.value
    return CallUsed.FIRST.value


def quorum_now(assembly: Assembly) -> QuorumNow:
    """The live quorum panel (DOMAIN.md §4's table, statute values on the assembly date)."""
    call = current_call(assembly)
    figures = present(assembly)
    params = rules.AssemblyParameters.from_statute(parameters_on(roll_day(assembly)))
    result = rules.quorum(assembly.kind.value, call, figures.eligible, figures.present, params)
    return QuorumNow(call=call, eligible=figures.eligible, in_person=figures.in_person,
                     by_proxy=figures.by_proxy, by_correspondence=figures.by_correspondence,
                     present=figures.present, required=result.required, reached=result.reached,
                     rule=result.rule, attendees=attendees_count(assembly))


# --- lists ----------------------------------------------------------------------------------

def assemblies_query(status: str | None = None):
    query = sa.select(Assembly).order_by(Assembly.first_call_at.desc(), Assembly.id.desc())
    if status:
        query = query.where(Assembly.status == status)
    return query


def upcoming(limit: int = 5) -> list[Assembly]:
    """Convened or in session, soonest first."""
    return list(db.session.scalars(
        sa.select(Assembly).where(Assembly.status.in_([AssemblyStatus.CONVENED, AssemblyStatus.IN_SESSION]))
        .order_by(Assembly.first_call_at).limit(limit)))


def next_open_ordinary() -> Assembly | None:
    """The next ordinary assembly not yet convened (where appeals go, DOMAIN.md §3.3)."""
    return db.session.scalar(
        sa.select(Assembly).where(Assembly.kind == "ordinary", Assembly.status == AssemblyStatus.DRAFT,
                                  Assembly.first_call_at >= clock.now())
        .order_by(Assembly.first_call_at, Assembly.id).limit(1))


def proxies_of(assembly: Assembly, *, live_only: bool = False) -> list[Proxy]:
    query = sa.select(Proxy).where(Proxy.assembly_id == assembly.id).order_by(Proxy.id)
    if live_only:
        query = query.where(Proxy.status == ProxyStatus.ACTIVE)
    return list(db.session.scalars(query))


def proxy_given_by(assembly: Assembly, member_id: int) -> Proxy | None:
    return db.session.scalar(sa.select(Proxy).where(
        Proxy.assembly_id == assembly.id, Proxy.delegator_id == member_id, Proxy.status == ProxyStatus.ACTIVE))


def proxies_held_by(assembly: Assembly, member_id: int) -> list[Proxy]:
    return list(db.session.scalars(sa.select(Proxy).where(
        Proxy.assembly_id == assembly.id, Proxy.delegate_id == member_id,
        Proxy.status == ProxyStatus.ACTIVE).order_by(Proxy.id)))


def receipt_of(assembly: Assembly, member_id: int) -> Receipt | None:
    return db.session.scalar(sa.select(Receipt).where(Receipt.assembly_id == assembly.id,
                                                      Receipt.member_id == member_id))


def item(assembly: Assembly, item_id: int) -> AgendaItem | None:
    found = db.session.get(AgendaItem, item_id)
    return found if found is not None and found.assembly_id == assembly.id else None
