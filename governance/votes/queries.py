"""Read helpers of the votes domain: the mission's versions, motions of an assembly, who
may vote now, the counts of a vote and the receipts of a secret one."""
from __future__ import annotations

from datetime import date

import sqlalchemy as sa
from flask_babel import gettext as _

from ..assemblies.models import AgendaItem, Assembly, AssemblyStatus, Attendance, Proxy, ProxyStatus, RollEntry
from ..assemblies import queries as assembly_queries
from ..assemblies.rules import Attendance as AttendanceFigures
from ..core.errors import NotFound
from ..extensions import db
from ..members.models import Category, Member
from .models import (Amendment, AmendmentStatus, Channel, Comment, MissionVersion, Motion, MotionStatus,
                     SecretBallot, StatuteVersion, VoteParticipation)


# --- the mission --------------------------------------------------------------------------

def mission_versions() -> list[MissionVersion]:
    """Every version, newest first."""
    return list(db.session.scalars(sa.select(MissionVersion).order_by(MissionVersion.number.desc())))


def current_mission(on: date | None = None) -> MissionVersion | None:
    query = sa.select(MissionVersion).order_by(MissionVersion.number.desc()).limit(1)
    if on is not None:
        query = query.where(MissionVersion.effective_on <= on)
    return db.session.scalars(query).first()


def mission_version(number: int) -> MissionVersion:
    version = db.session.scalars(sa.select(MissionVersion).where(MissionVersion.number == number)).first()
    if version is None:
        raise NotFound(_("There is no version %(n)d of the mission.", n=number))
    return version


# --- the statute texts (kept like the mission, one numbering per document) ----------------

def statute_versions(document: str) -> list[StatuteVersion]:
    """Every version of one statute document, newest first."""
    return list(db.session.scalars(sa.select(StatuteVersion).where(StatuteVersion.document == document)
                                   .order_by(StatuteVersion.number.desc())))


def current_statute(document: str, on: date | None = None) -> StatuteVersion | None:
    query = (sa.select(StatuteVersion).where(StatuteVersion.document == document)
             .order_by(StatuteVersion.number.desc()).limit(1))
    if on is not None:
        query = query.where(StatuteVersion.effective_on <= on)
    return db.session.scalars(query).first()


def statute_version(document: str, number: int) -> StatuteVersion:
    version = db.session.scalars(sa.select(StatuteVersion).where(
        StatuteVersion.document == document, StatuteVersion.number == number)).first()
    if version is None:
        raise NotFound(_("There is no version %(n)d of this statute text.", n=number))
    return version


def current_text(subject: str) -> str | None:
    """The text in force of a document a motion may change (the mission or a statute
    text), or None when it has none yet."""
    current = current_mission() if subject == "mission" else current_statute(subject)
    return current.text if current else None


# --- motions ------------------------------------------------------------------------------

def get_motion(motion_id: int, *, lock: bool = False, share: bool = False) -> Motion:
    query = sa.select(Motion).where(Motion.id == motion_id)
    if lock:
        query = query.with_for_update(of=Motion)
    elif share:
        query = query.with_for_update(read=True, of=Motion)
    motion = db.session.scalars(query).first()
    if motion is None:
        raise NotFound(_("There is no motion %(id)d.", id=motion_id))
    return motion


def motions_of_assembly(assembly: Assembly) -> list[Motion]:
    return list(db.session.scalars(
        sa.select(Motion).join(AgendaItem).where(AgendaItem.assembly_id == assembly.id)
        .order_by(AgendaItem.position, Motion.amendment_of_id.is_not(None).desc(), Motion.id)))


def assemblies_with_motions(limit: int = 50) -> list[tuple[Assembly, int, int]]:
    """(assembly, motions, votes open now), latest first, in one query."""
    open_now = sa.func.count(Motion.id).filter(Motion.status == MotionStatus.OPEN)
    return [(a, n, o) for a, n, o in db.session.execute(
        sa.select(Assembly, sa.func.count(Motion.id), open_now)
        .join(AgendaItem, AgendaItem.assembly_id == Assembly.id).join(Motion, Motion.agenda_item_id == AgendaItem.id)
        .group_by(Assembly.id).order_by(Assembly.first_call_at.desc()).limit(limit))]


def motions_of_item(item: AgendaItem) -> list[Motion]:
    return list(db.session.scalars(sa.select(Motion).where(Motion.agenda_item_id == item.id)
                                   .order_by(Motion.amendment_of_id.is_not(None).desc(), Motion.id)))


def open_motions(assembly_id: int) -> list[Motion]:
    return list(db.session.scalars(
        sa.select(Motion).join(AgendaItem).where(AgendaItem.assembly_id == assembly_id,
                                                 Motion.status == MotionStatus.OPEN).order_by(Motion.id)))


def amendments_of(motion: Motion) -> list[Amendment]:
    return list(db.session.scalars(sa.select(Amendment).where(Amendment.motion_id == motion.id)
                                   .order_by(Amendment.id)))


def admitted_amendment_votes(motion: Motion) -> list[Motion]:
    return list(db.session.scalars(
        sa.select(Motion).join(Amendment, Amendment.vote_id == Motion.id)
        .where(Amendment.motion_id == motion.id, Amendment.status == AmendmentStatus.ADMITTED)
        .order_by(Amendment.id)))


def amendment_voted_by(vote: Motion) -> Amendment | None:
    return db.session.scalars(sa.select(Amendment).where(Amendment.vote_id == vote.id)).first()


def comments_of(motion: Motion) -> list[Comment]:
    return list(db.session.scalars(sa.select(Comment).where(Comment.motion_id == motion.id)
                                   .order_by(Comment.created_at, Comment.id)))


# --- who may vote -------------------------------------------------------------------------

def session_opened(assembly: Assembly) -> bool:
    return assembly.status in (AssemblyStatus.IN_SESSION, AssemblyStatus.CLOSED)


def on_roll(assembly: Assembly, member_id: int) -> bool:
    """On the roll of voters of the assembly (DOMAIN.md §4): once the session opened the
    frozen roll (one primary-key lookup), before it the live rule of assemblies.queries."""
    if session_opened(assembly):
        return db.session.get(RollEntry, (assembly.id, member_id)) is not None
    member = db.session.get(Member, member_id)
    return member is not None and assembly_queries.on_roll(assembly, member)


def roll_and_presence(assembly_id: int, voter_id: int, present_id: int) -> tuple[bool, bool]:
    """During the session, in one statement: is `voter_id` on the frozen roll, and is
    `present_id` (the voter, or the delegate casting for them) present in person?"""
    on_roll = sa.exists().where(RollEntry.assembly_id == assembly_id, RollEntry.member_id == voter_id)
    here = sa.exists().where(Attendance.assembly_id == assembly_id, Attendance.member_id == present_id,
                             Attendance.left_at.is_(None))
    row = db.session.execute(sa.select(on_roll.label("on_roll"), here.label("here"))).first()
    return bool(row[0]), bool(row[1])


def roll_count(assembly: Assembly) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(RollEntry)
                             .where(RollEntry.assembly_id == assembly.id)) or 0


def present_in_person(assembly: Assembly, member_id: int) -> bool:
    return db.session.scalar(sa.select(sa.literal(True)).where(
        Attendance.assembly_id == assembly.id, Attendance.member_id == member_id,
        Attendance.left_at.is_(None))) is not None


def live_proxy(assembly: Assembly, delegator_id: int, delegate_id: int) -> Proxy | None:
    return db.session.scalars(sa.select(Proxy).where(
        Proxy.assembly_id == assembly.id, Proxy.delegator_id == delegator_id,
        Proxy.delegate_id == delegate_id, Proxy.status == ProxyStatus.ACTIVE)).first()


def proxies_held(assembly: Assembly, delegate_id: int) -> list[Proxy]:
    return list(db.session.scalars(sa.select(Proxy).where(
        Proxy.assembly_id == assembly.id, Proxy.delegate_id == delegate_id,
        Proxy.status == ProxyStatus.ACTIVE).order_by(Proxy.id)))


def correspondence_voter_ids(assembly: Assembly) -> set[int]:
    """Members who voted by correspondence on a motion of the assembly: they count as
    present for the quorum (DOMAIN.md §4)."""
    return set(db.session.scalars(
        sa.select(VoteParticipation.member_id).join(Motion).join(AgendaItem)
        .where(AgendaItem.assembly_id == assembly.id, VoteParticipation.channel == Channel.CORRESPONDENCE)
        .distinct()))


def attendance_now(assembly: Assembly) -> AttendanceFigures:
    """P of DOMAIN.md §4 now (assemblies.queries.present): in person + by proxy + by
    correspondence, each voter once; `present_numbers` are register numbers."""
    return assembly_queries.present(assembly)


# --- counting -----------------------------------------------------------------------------

def counts(motion: Motion) -> dict[tuple[str, bool], tuple[int, int]]:
    """{(choice, by_correspondence): (ballots, votes)} in one aggregate over the motion's
    ballots; votes is the sum of the ballots' weights (a legal person's ballot may count
    more than one vote, art. 2538 c.3 c.c.)."""
    if motion.secret:
        query = (sa.select(SecretBallot.choice, SecretBallot.by_correspondence, sa.func.count(),
                           sa.func.sum(SecretBallot.weight))
                 .where(SecretBallot.motion_id == motion.id)
                 .group_by(SecretBallot.choice, SecretBallot.by_correspondence))
    else:
        corr = VoteParticipation.channel == Channel.CORRESPONDENCE
        query = (sa.select(VoteParticipation.choice, corr, sa.func.count(), sa.func.sum(VoteParticipation.weight))
                 .where(VoteParticipation.motion_id == motion.id)
                 .group_by(VoteParticipation.choice, corr))
    return {(getattr(choice, "value", choice), bool(by_corr)): (n, int(votes or 0))
            for choice, by_corr, n, votes in db.session.execute(query)}


def legal_person_numbers(numbers) -> set[int]:
    """The register numbers, among `numbers`, of legal-person members."""
    numbers = list(numbers)
    if not numbers:
        return set()
    return set(db.session.scalars(sa.select(Member.number).where(
        Member.number.in_(numbers), Member.category == Category.LEGAL_PERSON)))


def participants(motion: Motion) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(VoteParticipation)
                             .where(VoteParticipation.motion_id == motion.id)) or 0


def has_voted(motion: Motion, member_id: int) -> bool:
    return db.session.scalar(sa.select(sa.literal(True)).where(
        VoteParticipation.motion_id == motion.id, VoteParticipation.member_id == member_id)) is not None


def voted_member_ids(motion: Motion, member_ids) -> set[int]:
    ids = list(member_ids)
    if not ids:
        return set()
    return set(db.session.scalars(sa.select(VoteParticipation.member_id).where(
        VoteParticipation.motion_id == motion.id, VoteParticipation.member_id.in_(ids))))


def named_choices(motion: Motion) -> dict[str, list[tuple[int, str]]]:
    """Open votes: {choice: [(number, name), ...]} sorted by name, for the minutes."""
    out: dict[str, list[tuple[int, str]]] = {"yes": [], "no": [], "abstain": []}
    rows = db.session.execute(
        sa.select(VoteParticipation.choice, VoteParticipation.channel, Member.number, Member.last_name,
                  Member.first_name)
        .join(Member, Member.id == VoteParticipation.member_id)
        .where(VoteParticipation.motion_id == motion.id, VoteParticipation.choice.is_not(None))
        .order_by(Member.last_name, Member.first_name, Member.number))
    for choice, channel, number, last, first in rows:
        if motion.text_amended and channel == Channel.CORRESPONDENCE:
            continue
        out[getattr(choice, "value", choice)].append((number, f"{last} {first}".strip()))
    return out


def receipts(motion: Motion) -> list[tuple[str, str]]:
    """(receipt, choice) of a secret vote, sorted by receipt."""
    return [(r, getattr(c, "value", c)) for r, c in db.session.execute(
        sa.select(SecretBallot.receipt, SecretBallot.choice).where(SecretBallot.motion_id == motion.id)
        .order_by(SecretBallot.receipt))]
