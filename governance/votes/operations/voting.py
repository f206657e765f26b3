"""Casting and counting (DOMAIN.md §5): correspondence votes before the session, live
votes opened and closed by the secretary, proxy votes, the room vote, the result.

One ballot per voter per motion is the UNIQUE (motion, member) of vote_participations:
the ballot is inserted with ON CONFLICT DO NOTHING, so of two requests at once exactly
one row is written and the other answers 409 `already_voted`. A cast reads the motion
with a shared row lock (FOR SHARE) and closing takes it FOR UPDATE, so no ballot slips
in while, or after, the votes are counted.
"""
from __future__ import annotations

import functools
import uuid
from typing import Iterable

import sqlalchemy as sa
from flask_babel import gettext as _

from ...assemblies.models import AgendaItem, Assembly, AssemblyStatus, Attendance, RollEntry
from ...assemblies import queries as assembly_queries
from ...assemblies.rules import AssemblyParameters
from ...core import audit, clock
from ...core.errors import Conflict, DomainError, NotFound
from ...extensions import db
from ...members.models import Category, Member
from ...statute.queries import parameters_on, value_on
from .. import queries, rules
from ..models import (STATUTE_DOCUMENTS, Amendment, Channel, MissionVersion, Motion, MotionStatus, Outcome,
                      SecretBallot, StatuteVersion, SubjectLabel, VoteParticipation)
from ..notifications import mission_changed


def _insert_ignoring_duplicate(table, values: dict):
    """INSERT ... ON CONFLICT DO NOTHING RETURNING id: the row's id, or None when the
    unique constraint already holds that key (PostgreSQL and SQLite alike)."""
    dialect = db.session.get_bind().dialect.name
    if dialect == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert
    statement = insert(table).values(**values).on_conflict_do_nothing().returning(table.c.id)
    return db.session.execute(statement).scalar()


def legal_person_votes(assembly: Assembly) -> int:
    """The votes of a legal-person member's ballot at this assembly: the statute's
    votes_per_legal_person (art. 2538 c.3 c.c.) on the assembly's day."""
    return value_on("votes_per_legal_person", assembly.session_day())


def _weight(assembly_id: int, member_id: int, category=None) -> int:
    """The weight stored on a ballot: 1, or legal_person_votes for a legal person (the
    member's category read here unless the caller read it already)."""
    if category is None:
        category = db.session.scalar(sa.select(Member.category).where(Member.id == member_id))
    if category != Category.LEGAL_PERSON:
        return 1
    return legal_person_votes(db.session.get(Assembly, assembly_id))


def _not_entitled(message: str):
    return DomainError("not_entitled", message, status=403)


def _voting_closed(motion: Motion):
    if motion.status == MotionStatus.CLOSED:
        return Conflict("voting_closed", _("The vote on this motion is closed."))
    return Conflict("voting_closed", _("The vote on this motion is not open."))


def _channel(motion_status, by_correspondence: bool, is_amendment: bool, assembly_status) -> Channel | None:
    if motion_status == MotionStatus.OPEN:
        return Channel.ONLINE
    if (motion_status == MotionStatus.DRAFT and by_correspondence and not is_amendment
            and assembly_status == AssemblyStatus.CONVENED):
        return Channel.CORRESPONDENCE
    return None


def voting_channel(motion: Motion) -> Channel | None:
    """How a ballot cast now would count: live while the vote is open, by
    correspondence from the convocation to the session's opening for a motion whose
    text is in the notice, otherwise not at all (None)."""
    return _channel(motion.status, motion.by_correspondence, motion.is_amendment, motion.assembly.status)


def _state_problem(status) -> Conflict:
    if status == MotionStatus.CLOSED:
        return Conflict("voting_closed", _("The vote on this motion is closed."))
    return Conflict("voting_closed", _("The vote on this motion is not open."))


@functools.cache
def _motion_state_query() -> sa.Select:
    """One statement for the motion's state (a shared lock: closing waits for casts in
    flight), the caller (`me`) on the frozen roll and present in person, and the caller's
    category (the weight of their own ballot). Built once: a ballot only binds it."""
    me = sa.bindparam("me", type_=sa.Integer)
    my_roll = sa.exists().where(RollEntry.assembly_id == Assembly.id, RollEntry.member_id == me)
    my_presence = sa.exists().where(Attendance.assembly_id == Assembly.id, Attendance.member_id == me,
                                    Attendance.left_at.is_(None))
    my_category = sa.select(Member.category).where(Member.id == me).scalar_subquery()
    return (sa.select(Motion.status, Motion.secret, Motion.by_correspondence, Motion.amendment_of_id,
                      Assembly.id, Assembly.status, my_roll, my_presence, my_category)
            .select_from(Motion).join(AgendaItem, AgendaItem.id == Motion.agenda_item_id)
            .join(Assembly, Assembly.id == AgendaItem.assembly_id)
            .where(Motion.id == sa.bindparam("motion", type_=sa.Integer))
            .with_for_update(read=True, of=Motion.__table__))


def cast_ballot(motion_id: int, user, choice: str, on_behalf_of: int | None = None) -> dict:
    """A member's ballot (or a delegate's, for a delegator: `on_behalf_of` is the
    delegator's register number). Returns {"receipt", "choice", "channel", "secret"}.

    403 `not_entitled`: not a member, or not on the roll, or (live) not present; 403
    `proxy_not_entitled` for someone who did not delegate you; 409 `voting_closed`;
    409 `already_voted`. The hot path of a live vote is three statements: the motion and
    its assembly (FOR SHARE) with the roll, the presence and the caller's category (a
    legal person's ballot weighs more), the insert, the audit entry."""
    try:
        choice = rules.Choice(choice).value
    except ValueError:
        raise DomainError("validation", _("Choose yes, no or abstain."), field="choice") from None
    me = getattr(user, "member_id", None)
    if me is None:
        raise _not_entitled(_("Only members vote."))
    row = db.session.execute(_motion_state_query(), {"motion": motion_id, "me": me}).first()
    if row is None:
        raise NotFound(_("There is no such motion."))
    status, secret, by_correspondence, amendment_of_id, assembly_id, assembly_status, on_roll, here, category = row
    channel = _channel(MotionStatus(status), by_correspondence, amendment_of_id is not None,
                       AssemblyStatus(assembly_status))
    if channel is None:
        raise _state_problem(MotionStatus(status))
    voter_id, cast_by = me, None
    if on_behalf_of is not None:
        if channel is not Channel.ONLINE:
            raise DomainError("proxy_not_entitled", _("A delegate votes for the delegator at the session only."))
        assembly = db.session.get(Assembly, assembly_id)
        voter_id = db.session.scalar(sa.select(Member.id).where(Member.number == on_behalf_of)) \
            if 0 < on_behalf_of <= 2**31 - 1 else None
        if voter_id is None or voter_id == me or queries.live_proxy(assembly, voter_id, me) is None:
            raise DomainError("proxy_not_entitled", _("Member n. %(n)d did not give you a proxy for this "
                                                      "assembly.", n=on_behalf_of))
        if queries.present_in_person(assembly, voter_id):
            raise DomainError("proxy_not_entitled", _("Member n. %(n)d is present in person and votes "
                                                      "themself: the proxy is void.", n=on_behalf_of))
        cast_by = me
        on_roll = queries.roll_and_presence(assembly_id, voter_id, me)[0]
    if channel is Channel.CORRESPONDENCE:  # before the session: the live roll, nobody is "present"
        on_roll, here = queries.on_roll(db.session.get(Assembly, assembly_id), voter_id), True
    if not on_roll:
        raise _not_entitled(_("Not on the roll of voters of this assembly."))
    if not here:
        raise _not_entitled(_("Only members present at the session vote: check in first."))
    receipt = rules.new_receipt_code() if secret else None
    # The voter's weight: the delegator's for a proxy vote (their category read then).
    weight = _weight(assembly_id, voter_id, category if voter_id == me else None)
    participation = {"id": rules_uuid(), "motion_id": motion_id, "member_id": voter_id, "cast_by_id": cast_by,
                     "channel": channel.value, "choice": None if secret else choice, "weight": weight}
    ballot = {"id": rules_uuid(), "motion_id": motion_id, "choice": choice, "receipt": receipt,
              "by_correspondence": channel is Channel.CORRESPONDENCE, "weight": weight} if secret else None
    # The audit says who cast a ballot, never what a secret ballot says nor its receipt.
    member = getattr(user, "member", None)
    entry = {"actor": user, "action": "votes.ballot_cast", "object_type": "motions", "object_id": motion_id,
             "changes": {"member": [None, on_behalf_of or getattr(member, "number", None)],
                         "channel": [None, channel.value],
                         **({} if secret else {"choice": [None, choice]})}}
    if db.session.get_bind().dialect.name == "postgresql":
        inserted = _cast_in_one_statement(participation, ballot, entry)
    else:
        inserted = _insert_ignoring_duplicate(VoteParticipation.__table__, participation)
        if inserted is not None:
            if ballot is not None:
                db.session.execute(sa.insert(SecretBallot.__table__).values(**ballot))
            audit.record(**entry)
    if inserted is None:
        raise Conflict("already_voted", _("This ballot was already cast: one ballot per voter."))
    return {"receipt": receipt, "choice": choice, "channel": channel.value, "secret": secret,
            "motion": motion_id}


def _cast_in_one_statement(participation: dict, ballot: dict | None, entry: dict):
    """PostgreSQL: the voter's row, the secret ballot (if any) and the audit entry in one
    statement, one round trip. The voter's row is inserted ON CONFLICT DO NOTHING (the
    UNIQUE motion + member); the ballot and the entry are written only if it was. Still
    two records that share nothing but the motion. Returns None when already voted."""
    values = {**{f"voter_{k}": v for k, v in participation.items()},
              **{f"ballot_{k}": v for k, v in (ballot or {}).items()}, **audit.parameters(**entry)}
    return db.session.execute(_cast_statement(ballot is not None), values).scalar()


@functools.cache
def _cast_statement(secret: bool):
    """The statement of _cast_in_one_statement, built once per kind of vote (a ballot
    builds no SQL expression, only its parameters)."""
    from sqlalchemy.dialects.postgresql import insert

    def bound(table, prefix: str):
        return {c.name: sa.bindparam(f"{prefix}_{c.name}", type_=c.type) for c in table.columns
                if c.name in BALLOT_COLUMNS[table.name]}
    one = sa.literal_column("1")
    people, ballots = VoteParticipation.__table__, SecretBallot.__table__
    voter = insert(people).values(bound(people, "voter")).on_conflict_do_nothing().returning(one).cte("voter")
    logged = audit.insert_for_each(voter).cte("logged")
    if not secret:
        return sa.select(one).select_from(voter).add_cte(logged)
    columns = bound(ballots, "ballot")
    return sa.insert(ballots).from_select(list(columns), sa.select(*columns.values()).select_from(voter)) \
        .returning(one).add_cte(logged)


BALLOT_COLUMNS = {"vote_participations": ("id", "motion_id", "member_id", "cast_by_id", "channel", "choice", "weight"),
                  "secret_ballots": ("id", "motion_id", "choice", "receipt", "by_correspondence", "weight")}


def rules_uuid() -> uuid.UUID:
    """A random key: rows of a vote carry no sequence that would tell their order."""
    return uuid.uuid4()


# --- the secretary: open, room vote, close ---------------------------------------------------

def open_vote(motion: Motion, actor) -> Motion:
    """Open the live vote. The session must be open; the admitted amendments of a motion
    are voted first."""
    motion = queries.get_motion(motion.id, lock=True)
    if motion.status != MotionStatus.DRAFT:
        raise Conflict("voting_closed" if motion.status == MotionStatus.CLOSED else "already_open",
                       _("The vote on this motion is already open.") if motion.status == MotionStatus.OPEN
                       else _("The vote on this motion is closed."))
    if motion.assembly.status != AssemblyStatus.IN_SESSION:
        raise Conflict("session_not_open", _("Votes open during the session: open the session first."))
    pending = [vote for vote in queries.admitted_amendment_votes(motion) if vote.status != MotionStatus.CLOSED]
    if pending:
        raise Conflict("amendments_pending", _("Vote the admitted amendments first: %(titles)s.",
                                               titles="; ".join(v.title for v in pending)))
    motion.status = MotionStatus.OPEN
    motion.opened_at = clock.now()
    db.session.flush()
    audit.record(actor, "votes.vote_opened", motion, summary=motion.title)
    return motion


def record_room_vote(motion: Motion, against: Iterable[int], abstaining: Iterable[int], actor) -> int:
    """The secretary's quick entry for an open vote by show of hands: every voter present
    who has not voted is in favour, except the members (register numbers) named against
    or abstaining. Proxies held by a present delegate follow the delegate's hand unless
    their delegator is named. Returns the number of ballots written."""
    motion = queries.get_motion(motion.id, share=True)
    if motion.status != MotionStatus.OPEN:
        raise _voting_closed(motion)
    if motion.secret:
        raise DomainError("validation", _("A secret vote cannot be taken by show of hands."))
    against, abstaining = set(against), set(abstaining)
    if against & abstaining:
        raise DomainError("validation", _("Member n. %(n)d is both against and abstaining.",
                                          n=min(against & abstaining)), field="against")
    assembly = motion.assembly
    figures = queries.attendance_now(assembly)
    numbers = dict(db.session.execute(sa.select(Member.id, Member.number)
                                      .where(Member.number.in_(list(figures.present_numbers)))).all())
    present_ids = set(numbers)
    by_number = {n: i for i, n in numbers.items()}
    unknown = sorted((against | abstaining) - set(by_number))
    if unknown:
        raise DomainError("validation", _("Not present or not on the roll: %(numbers)s.",
                                          numbers=", ".join(str(n) for n in unknown)), field="against")
    correspondence = queries.correspondence_voter_ids(assembly)
    already = queries.voted_member_ids(motion, present_ids)
    written = 0
    delegate_of = {p.delegator: p.delegate for p in assembly_queries.live_proxies(assembly)}
    legal_persons = queries.legal_person_numbers(numbers.values())
    legal_weight = legal_person_votes(assembly) if legal_persons else 1

    def hand(number: int) -> str:
        return "no" if number in against else "abstain" if number in abstaining else "yes"

    for member_id in sorted(present_ids - already - correspondence):
        number = numbers[member_id]
        named = number in against or number in abstaining
        # a represented member follows their delegate's hand unless named themself
        choice = hand(number) if named or number not in delegate_of else hand(delegate_of[number])
        if _insert_ignoring_duplicate(VoteParticipation.__table__, {
                "id": rules_uuid(), "motion_id": motion.id, "member_id": member_id, "cast_by_id": None,
                "channel": Channel.ROOM.value, "choice": choice,
                "weight": legal_weight if number in legal_persons else 1}) is not None:
            written += 1
    audit.record(actor, "votes.room_vote", motion, summary=motion.title,
                 changes={"against": [None, sorted(against)], "abstaining": [None, sorted(abstaining)],
                          "ballots": [None, written]})
    return written


def assembly_parameters(day) -> AssemblyParameters:
    return AssemblyParameters.from_statute(parameters_on(day))


def _count(motion: Motion) -> tuple[rules.Tally, int, int]:
    """The counted votes, the ballots dropped and the ballots counted (heads)."""
    counted = {"yes": 0, "no": 0, "abstain": 0}
    dropped = heads = 0
    for (choice, by_corr), (n, votes) in queries.counts(motion).items():
        if choice is None:
            continue
        if by_corr and not rules.correspondence_counts(motion.text_amended):
            dropped += n
        else:
            counted[choice] += votes
            heads += n
    return rules.Tally(counted["yes"], counted["no"], counted["abstain"], ()), dropped, heads


def count(motion: Motion) -> tuple[rules.Tally, int]:
    """The tally of the motion's votes (correspondence ballots dropped on an amended
    text) and how many ballots were dropped. A ballot counts its weight: 1, or the
    statute's votes_per_legal_person for a legal person (art. 2538 c.3 c.c.)."""
    tally, dropped, _heads = _count(motion)
    return tally, dropped


def compute_result(motion: Motion) -> rules.Outcome:
    """The majority rule applied to the counted votes, with E the roll and P those
    present (in person, by proxy, by correspondence) now, counted per head for the
    quorum; everyone who cast a counted ballot was present at this vote, so P is at least
    the ballots counted. The majority's bases are in votes: each legal person on the roll
    (present) adds its extra votes to E (P)."""
    assembly = motion.assembly
    tally, _dropped, heads = _count(motion)
    figures = queries.attendance_now(assembly)
    present = max(figures.present, heads)
    eligible = max(figures.eligible, present)
    present_votes, eligible_votes = present, eligible
    extra = legal_person_votes(assembly) - 1
    if extra:
        roll_numbers = db.session.scalars(sa.select(
            assembly_queries.roll_query(assembly).order_by(None).subquery().c[1])).all()
        legal = queries.legal_person_numbers(roll_numbers)
        present_votes += extra * len(legal & set(figures.present_numbers))
        eligible_votes += extra * len(legal)
    present_votes = max(present_votes, tally.yes + tally.no + tally.abstain)
    eligible_votes = max(eligible_votes, present_votes + (eligible - present))
    call = (assembly.call.value if assembly.call else "first")
    return rules.majority(assembly.kind.value, call, motion.subject.value, eligible, present,
                          tally.yes, tally.no, tally.abstain, assembly_parameters(assembly.session_day()),
                          eligible_votes=eligible_votes, present_votes=present_votes)


def close_vote(motion: Motion, actor) -> Motion:
    """Close the vote: count, apply the rule (votes.rules.majority), store the figures
    and the outcome. A secret vote gets the digest of its receipts and both of its
    records rewritten in an order unrelated to the casting. An approved amendment
    becomes the text the motion puts to the vote; an approved mission motion becomes
    the new mission version, dated on the assembly day, and members are told; an approved
    statute motion the next version of its statute text."""
    motion = queries.get_motion(motion.id, lock=True)
    if motion.status != MotionStatus.OPEN:
        raise _voting_closed(motion)
    tally, dropped = count(motion)
    outcome = compute_result(motion)
    assembly = motion.assembly
    motion.status = MotionStatus.CLOSED
    motion.closed_at = clock.now()
    motion.eligible, motion.present = outcome.eligible, outcome.present
    votes = outcome.present_votes, outcome.eligible_votes
    motion.present_votes, motion.eligible_votes = (None, None) if votes == (outcome.present, outcome.eligible) \
        else votes
    motion.yes, motion.no, motion.abstain, motion.dropped = tally.yes, tally.no, tally.abstain, dropped
    motion.rule, motion.reason = outcome.rule, outcome.reason
    motion.call = assembly.call.value if assembly.call else "first"
    motion.outcome = Outcome.APPROVED if outcome.approved else Outcome.REJECTED
    if motion.secret:
        _shuffle_records(motion)
        motion.receipts_digest = rules.receipt_digest(counted_receipts(motion))
    db.session.flush()
    if outcome.approved and motion.is_amendment:
        parent = queries.get_motion(motion.amendment_of_id, lock=True)
        parent.voted_text = motion.proposed_text
        parent.text_amended = True
    elif outcome.approved and motion.subject == SubjectLabel.MISSION and motion.voted_text:
        _new_mission_version(motion)
    elif outcome.approved and motion.subject.value in STATUTE_DOCUMENTS and motion.voted_text:
        _new_statute_version(motion)
    audit.record(actor, "votes.vote_closed", motion, summary=motion.title,
                 changes={"outcome": [None, motion.outcome.value], "yes": [None, tally.yes],
                          "no": [None, tally.no], "abstain": [None, tally.abstain],
                          "present": [None, outcome.present], "eligible": [None, outcome.eligible],
                          **({"digest": [None, motion.receipts_digest]} if motion.secret else {})})
    db.session.flush()
    return motion


def counted_receipts(motion: Motion) -> list[tuple[str, str]]:
    """The receipts that count (a correspondence ballot on an amended text does not)."""
    query = sa.select(SecretBallot.receipt, SecretBallot.choice).where(SecretBallot.motion_id == motion.id)
    if not rules.correspondence_counts(motion.text_amended):
        query = query.where(SecretBallot.by_correspondence.is_(False))
    return [(r, getattr(c, "value", c)) for r, c in db.session.execute(query.order_by(SecretBallot.receipt))]


def _shuffle_records(motion: Motion) -> None:
    """Rewrite both records of a secret vote in the closing transaction: ballots in
    receipt order, participations in member order. Afterwards the rows' physical order
    and their transaction ids (PostgreSQL's xmin) say nothing about who cast which
    ballot; the dead row versions are removed by (auto)vacuum."""
    ballots = SecretBallot.__table__
    people = VoteParticipation.__table__
    postgres = db.session.get_bind().dialect.name == "postgresql"
    for table, order in ((ballots, "receipt"), (people, "member_id")):
        if postgres:  # one statement: the rows move without leaving the database
            db.session.execute(sa.text(
                f"WITH moved AS (DELETE FROM {table.name} WHERE motion_id = :motion RETURNING *) "
                f"INSERT INTO {table.name} SELECT * FROM moved ORDER BY {order}"), {"motion": motion.id})
            continue
        rows = [dict(r._mapping) for r in db.session.execute(
            sa.select(table).where(table.c.motion_id == motion.id).order_by(table.c[order]))]
        db.session.execute(sa.delete(table).where(table.c.motion_id == motion.id))
        if rows:
            db.session.execute(sa.insert(table), rows)


def _new_mission_version(motion: Motion) -> MissionVersion:
    assembly = motion.assembly
    latest = queries.current_mission()
    version = MissionVersion(number=(latest.number + 1) if latest else 1, text=motion.voted_text,
                             effective_on=assembly.session_day(), assembly_id=assembly.id, motion_id=motion.id,
                             created_at=clock.now())
    db.session.add(version)
    db.session.flush()
    mission_changed(version)
    return version


def _new_statute_version(motion: Motion) -> StatuteVersion:
    """An approved statute motion: its voted text becomes the next version of that
    statute document, dated on the assembly day (as the mission's, _new_mission_version)."""
    assembly, document = motion.assembly, motion.subject.value
    latest = queries.current_statute(document)
    version = StatuteVersion(document=document, number=(latest.number + 1) if latest else 1,
                             text=motion.voted_text, effective_on=assembly.session_day(),
                             assembly_id=assembly.id, motion_id=motion.id, created_at=clock.now())
    db.session.add(version)
    db.session.flush()
    return version


def close_open_votes(assembly, actor) -> None:
    """assemblies.signals.assembly_closed: a vote still open is closed and counted."""
    for motion in queries.open_motions(assembly.id):
        close_vote(motion, actor)


def amendment_of_vote(vote: Motion) -> Amendment | None:
    return queries.amendment_voted_by(vote)
