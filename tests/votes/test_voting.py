"""Motions and votes through the operations (DOMAIN.md §5): the mission's first version,
motions and their subjects, amendments end to end, the discussion, correspondence
votes, live votes with proxies, the room vote, results with the rule, secret votes
whose receipts recount to the result and link nobody to a choice."""
from __future__ import annotations

import pytest
import sqlalchemy as sa

from governance.core.audit import AuditEntry
from governance.core.errors import DomainError
from governance.core.outbox import OutboxMessage
from governance.extensions import db
from governance.votes import operations, queries, rules
from governance.votes.markup import render_markdown
from governance.votes.models import (AmendmentStatus, Channel, MissionVersion, MotionStatus, SecretBallot,
                                     VoteParticipation)
from governance.votes.words import explanation
from tests import factories

from .conftest import MISSION_PROPOSAL, build_session, give_proxy


def _motion(session, **data):
    board = factories.UserFactory(roles=["board"])
    values = {"title": "Nuova mission", "subject": "mission", "proposed_text": MISSION_PROPOSAL}
    values.update(data)
    return operations.create_motion(session.item, values, board)


def _secretary():
    return factories.UserFactory(roles=["secretary"])


def _code(call):
    with pytest.raises(DomainError) as caught:
        call()
    return caught.value.code, caught.value.status


# --- the mission ---------------------------------------------------------------------------

def test_the_migration_loads_the_five_point_identity_card_as_version_one():
    first = queries.current_mission()
    assert first.number == 1 and first.assembly_id is None
    assert first.text.startswith("1. Da sempre cerchiamo un rapporto con l’Ente Pubblico")
    assert [line[:2] for line in first.text.split("\n\n")] == ["1.", "2.", "3.", "4.", "5."]
    assert "prestiti sociali" in first.text


# --- motions ---------------------------------------------------------------------------------

def test_a_mission_motion_takes_the_current_mission_as_its_current_text():
    session = build_session(status="draft")
    motion = _motion(session)
    assert motion.current_text == queries.current_mission().text
    assert motion.voted_text == MISSION_PROPOSAL and not motion.secret


@pytest.mark.parametrize("subject,kind,code", [
    ("statute_purpose", "ordinary", "wrong_assembly_kind"),
    ("statute_other", "ordinary", "wrong_assembly_kind"),
    ("statute_purpose", "extraordinary", None),
    ("mission", "ordinary", None),
    ("mission", "extraordinary", None),
])
def test_a_statute_motion_needs_an_extraordinary_assembly(subject, kind, code):
    session = build_session(kind=kind, status="draft")
    if code is None:
        assert _motion(session, subject=subject).subject.value == subject
    else:
        assert _code(lambda: _motion(session, subject=subject)) == (code, 422)


def test_an_election_is_secret_by_default_and_correspondence_needs_the_text_in_the_notice():
    session = build_session(status="convened")
    assert _motion(session, subject="election", proposed_text=None).secret is True
    assert _code(lambda: _motion(session, by_correspondence=True)) == ("validation", 422)


def test_correspondence_only_where_the_statute_allows_it():
    """DOMAIN.md §1 remote_voting_allowed (art. 2538 c.6 c.c.), read on the assembly's day."""
    from governance.core import clock
    from governance.statute.operations import change_parameters
    session = build_session(status="draft")
    change_parameters({"remote_voting_allowed": False}, clock.today(), factories.UserFactory(roles=["admin"]))
    assert _code(lambda: _motion(session, by_correspondence=True)) == ("validation", 422)
    assert _motion(session, by_correspondence=False).by_correspondence is False


# --- amendments end to end ------------------------------------------------------------------

def test_amendment_flow_admitted_amendment_is_voted_first_and_changes_the_text():
    session = build_session(status="draft", voters=4)
    motion = _motion(session)
    board = factories.UserFactory(roles=["board"])
    amended = MISSION_PROPOSAL.replace("comunità locale", "comunità locale e con le famiglie")
    amendment = operations.propose_amendment(motion, session.members[0], {"proposed_text": amended,
                                                                          "rationale": "Le famiglie"}, None)
    assert _code(lambda: operations.decide_amendment(amendment, True, "  ", board)) == ("reasons_required", 422)
    declined = operations.propose_amendment(motion, session.members[1], {"proposed_text": "Altro testo"}, None)
    operations.decide_amendment(declined, False, "Fuori tema", board)
    operations.decide_amendment(amendment, True, "Migliora il testo", board)
    assert declined.status == AmendmentStatus.DECLINED and declined.vote_id is None
    vote = amendment.vote
    assert vote.amendment_of_id == motion.id and vote.current_text == MISSION_PROPOSAL

    # the session opens: the motion waits for its amendment
    session.assembly.status = session.assembly.status.IN_SESSION
    session.assembly.published_on = __import__("datetime").date(2026, 1, 1)
    from governance.assemblies.models import Attendance, CallUsed, RollEntry
    from governance.core import clock
    session.assembly.call = CallUsed.FIRST
    session.assembly.first_call_at = clock.now()
    session.assembly.second_call_at = clock.now() + __import__("datetime").timedelta(days=1)
    for m in session.members:
        db.session.add(RollEntry(assembly_id=session.assembly.id, member_id=m.id, number=m.number, name=m.full_name))
        db.session.add(Attendance(assembly_id=session.assembly.id, member_id=m.id, checked_in_at=clock.now()))
    db.session.flush()
    secretary = _secretary()
    assert _code(lambda: operations.open_vote(motion, secretary)) == ("amendments_pending", 409)
    operations.open_vote(vote, secretary)
    for user in session.users[:3]:
        operations.cast_ballot(vote.id, user, "yes")
    operations.close_vote(vote, secretary)
    assert vote.outcome.value == "approved"
    db.session.refresh(motion)
    assert motion.text_amended and motion.voted_text == amended and motion.proposed_text == MISSION_PROPOSAL
    # a deadline passed or a vote opened: no more amendments
    operations.open_vote(motion, secretary)
    assert _code(lambda: operations.propose_amendment(motion, session.members[2], {"proposed_text": "x"}, None)) \
        == ("amendment_deadline", 422)


def test_amendments_stop_at_the_deadline(today):
    from datetime import datetime, timedelta
    from governance.core import clock
    session = build_session(status="convened", first_call_at=clock.now() + timedelta(days=20))
    motion = _motion(session, amendments_until=(today + timedelta(days=3)).isoformat())
    clock.set_now(datetime(2026, 11, 29, 23, 59, 0, tzinfo=clock.ROME))
    assert operations.propose_amendment(motion, session.members[0], {"proposed_text": "Uno"}, None).id
    clock.set_now(datetime(2026, 11, 30, 0, 0, 1, tzinfo=clock.ROME))
    assert _code(lambda: operations.propose_amendment(motion, session.members[0], {"proposed_text": "Due"}, None)) \
        == ("amendment_deadline", 422)


# --- discussion ------------------------------------------------------------------------------

def test_comments_are_sanitised_markdown_hidden_with_a_reason_and_close_when_the_vote_opens():
    session = build_session(voters=2)
    motion = _motion(session)
    user = session.users[0]
    comment = operations.add_comment(motion, user, "**Bene** <script>alert(1)</script> [x](javascript:alert(1))")
    html = str(render_markdown(comment.body))
    assert "<strong>Bene</strong>" in html and "<script" not in html and "href" not in html
    board = factories.UserFactory(roles=["board"])
    assert _code(lambda: operations.hide_comment(comment, "", board)) == ("reasons_required", 422)
    operations.hide_comment(comment, "Offensivo", board)
    entry = db.session.scalars(sa.select(AuditEntry).where(AuditEntry.action == "votes.comment_hidden")).one()
    assert entry.summary == "Offensivo" and entry.object_id == str(comment.id)
    operations.open_vote(motion, _secretary())
    assert _code(lambda: operations.add_comment(motion, user, "tardi")) == ("discussion_closed", 409)


# --- live votes ------------------------------------------------------------------------------

def test_live_vote_entitlement_closed_and_double_ballots():
    session = build_session(voters=4, present=3)
    motion = _motion(session)
    secretary = _secretary()
    assert _code(lambda: operations.cast_ballot(motion.id, session.users[0], "yes")) == ("voting_closed", 409)
    operations.open_vote(motion, secretary)
    operations.cast_ballot(motion.id, session.users[0], "yes")
    assert _code(lambda: operations.cast_ballot(motion.id, session.users[0], "no")) == ("already_voted", 409)
    assert _code(lambda: operations.cast_ballot(motion.id, session.users[3], "yes")) == ("not_entitled", 403)
    outsider = factories.UserFactory(roles=["member"], member=factories.MemberFactory())
    assert _code(lambda: operations.cast_ballot(motion.id, outsider, "yes")) == ("not_entitled", 403)
    assert _code(lambda: operations.cast_ballot(motion.id, session.users[1], "maybe")) == ("validation", 422)
    operations.close_vote(motion, secretary)
    assert _code(lambda: operations.cast_ballot(motion.id, session.users[1], "yes")) == ("voting_closed", 409)


def test_a_delegate_casts_one_ballot_per_proxy_and_may_vote_differently():
    session = build_session(voters=5, present=3)
    delegate, absent_a, absent_b = session.members[0], session.members[3], session.members[4]
    give_proxy(session, absent_a, delegate)
    motion = _motion(session)
    operations.open_vote(motion, _secretary())
    user = session.users[0]
    operations.cast_ballot(motion.id, user, "yes")
    assert operations.cast_ballot(motion.id, user, "no", on_behalf_of=absent_a.number)["choice"] == "no"
    assert _code(lambda: operations.cast_ballot(motion.id, user, "no", on_behalf_of=absent_a.number)) \
        == ("already_voted", 409)
    assert _code(lambda: operations.cast_ballot(motion.id, user, "no", on_behalf_of=absent_b.number)) \
        == ("proxy_not_entitled", 422)
    rows = {p.member_id: (p.cast_by_id, p.choice.value) for p in db.session.scalars(sa.select(VoteParticipation))}
    assert rows[absent_a.id] == (delegate.id, "no") and rows[delegate.id] == (None, "yes")


def test_a_delegator_present_in_person_voids_the_proxy():
    session = build_session(voters=3, present=2)
    give_proxy(session, session.members[1], session.members[0])
    motion = _motion(session)
    operations.open_vote(motion, _secretary())
    assert _code(lambda: operations.cast_ballot(motion.id, session.users[0], "yes",
                                                on_behalf_of=session.members[1].number)) == ("proxy_not_entitled", 422)


def test_room_vote_all_present_in_favour_except_the_named():
    session = build_session(voters=8, present=6)
    give_proxy(session, session.members[7], session.members[0])  # follows its delegate's hand
    motion = _motion(session)
    secretary = _secretary()
    operations.open_vote(motion, secretary)
    operations.cast_ballot(motion.id, session.users[1], "no")  # voted online first: kept
    against, abstaining = [session.members[2].number], [session.members[3].number]
    assert operations.record_room_vote(motion, against, abstaining, secretary) == 6
    operations.close_vote(motion, secretary)
    assert (motion.yes, motion.no, motion.abstain, motion.present, motion.eligible) == (4, 2, 1, 7, 8)
    names = queries.named_choices(motion)
    assert [n for n, _ in names["no"]] == sorted([session.members[1].number, session.members[2].number],
                                                 key=lambda n: next(f"{m.last_name} {m.first_name}"
                                                                    for m in session.members if m.number == n))
    assert _code(lambda: operations.record_room_vote(motion, [], [], secretary)) == ("voting_closed", 409)


# --- results ---------------------------------------------------------------------------------

def test_an_approved_mission_motion_becomes_version_two_dated_on_the_assembly_day_and_members_are_told():
    session = build_session(kind="extraordinary", call="second", voters=9, present=9)
    motion = _motion(session)
    secretary = _secretary()
    operations.open_vote(motion, secretary)
    for user, choice in zip(session.users, ["yes"] * 6 + ["no", "abstain", "no"]):
        operations.cast_ballot(motion.id, user, choice)
    before = db.session.scalar(sa.select(sa.func.count()).select_from(OutboxMessage))
    operations.close_vote(motion, secretary)
    assert motion.outcome.value == "approved" and motion.rule == "extraordinary_second"
    assert explanation(motion) == "Approved: 6 yes of 9 present (66.7 %), at least 2/3 required."
    version = queries.current_mission()
    assert (version.number, version.text, version.motion_id) == (2, MISSION_PROPOSAL, motion.id)
    assert version.effective_on == session.assembly.session_day()
    sent = db.session.scalar(sa.select(sa.func.count()).select_from(OutboxMessage)) - before
    assert sent >= 9


def test_a_rejected_motion_leaves_the_mission_and_says_why():
    session = build_session(kind="extraordinary", call="second", voters=9)
    motion = _motion(session)
    secretary = _secretary()
    operations.open_vote(motion, secretary)
    for user, choice in zip(session.users, ["yes"] * 5 + ["no"] * 4):
        operations.cast_ballot(motion.id, user, choice)
    operations.close_vote(motion, secretary)
    assert motion.outcome.value == "rejected" and queries.current_mission().number == 1
    assert explanation(motion) == "Rejected: 5 yes of 9 present (55.6 %), at least 2/3 required."


# --- correspondence --------------------------------------------------------------------------

def _correspondence_setup(amend: bool):
    from datetime import timedelta
    from governance.assemblies.models import AssemblyStatus, Attendance, CallUsed, RollEntry
    from governance.core import clock
    session = build_session(status="draft", voters=6)
    motion = _motion(session, by_correspondence=True)
    session.assembly.status = AssemblyStatus.CONVENED
    session.assembly.published_on = clock.today()
    db.session.flush()
    operations.cast_ballot(motion.id, session.users[4], "no")
    operations.cast_ballot(motion.id, session.users[5], "no")
    assert _code(lambda: operations.cast_ballot(motion.id, session.users[5], "yes")) == ("already_voted", 409)
    assert queries.correspondence_voter_ids(session.assembly) == {session.members[4].id, session.members[5].id}
    board = factories.UserFactory(roles=["board"])
    if amend:
        amendment = operations.propose_amendment(motion, session.members[0], {"proposed_text": "Testo nuovo"}, None)
        operations.decide_amendment(amendment, True, "Ammissibile", board)
    # the session opens with four present in person
    session.assembly.status = AssemblyStatus.IN_SESSION
    session.assembly.call = CallUsed.SECOND
    session.assembly.first_call_at = clock.now() - timedelta(days=1)
    session.assembly.second_call_at = clock.now()
    for m in session.members:
        db.session.add(RollEntry(assembly_id=session.assembly.id, member_id=m.id, number=m.number, name=m.full_name))
    for m in session.members[:4]:
        db.session.add(Attendance(assembly_id=session.assembly.id, member_id=m.id, checked_in_at=clock.now()))
    db.session.flush()
    assert queries.attendance_now(session.assembly).present == 6  # 4 in person + 2 by correspondence
    secretary = _secretary()
    if amend:
        vote = amendment.vote
        operations.open_vote(vote, secretary)
        for user in session.users[:4]:
            operations.cast_ballot(vote.id, user, "yes")
        operations.close_vote(vote, secretary)
        assert vote.outcome.value == "approved"
    operations.open_vote(motion, secretary)
    for user in session.users[:4]:
        operations.cast_ballot(motion.id, user, "yes")
    operations.close_vote(motion, secretary)
    return motion


def test_correspondence_votes_count_for_quorum_and_as_votes_on_the_published_text():
    motion = _correspondence_setup(amend=False)
    assert (motion.yes, motion.no, motion.present, motion.dropped) == (4, 2, 6, 0)


def test_correspondence_votes_are_dropped_on_an_amended_text_and_the_result_says_so():
    motion = _correspondence_setup(amend=True)
    assert motion.text_amended
    assert (motion.yes, motion.no, motion.present, motion.dropped) == (4, 0, 6, 2)
    assert "2 ballots by correspondence were not counted" in explanation(motion)
    assert queries.named_choices(motion)["no"] == []  # the dropped ballots name nobody as voting


# --- secret votes ------------------------------------------------------------------------------

def test_secret_vote_receipts_recount_to_the_result_and_nothing_links_a_member_to_a_choice():
    session = build_session(voters=7)
    motion = _motion(session, secret=True)
    secretary = _secretary()
    operations.open_vote(motion, secretary)
    receipts = {}
    for user, choice in zip(session.users, ["yes", "yes", "no", "yes", "abstain", "yes", "no"]):
        receipt = operations.cast_ballot(motion.id, user, choice)
        assert rules.normalise_receipt(receipt["receipt"]) == receipt["receipt"]
        receipts[receipt["receipt"]] = choice
    operations.close_vote(motion, secretary)
    published = queries.receipts(motion)
    assert dict(published) == receipts  # every voter finds their ballot as cast
    assert rules.recount(published) == {"yes": motion.yes, "no": motion.no, "abstain": motion.abstain}
    assert motion.receipts_digest == rules.receipt_digest(published)
    changed = [(r, "no" if c == "yes" else c) for r, c in published]
    assert rules.receipt_digest(changed) != motion.receipts_digest  # a later change shows

    # the schema: the two records share only the motion; no time, no sequence. (The
    # weight, 1 or a legal person's votes, follows from the member's category anyway.)
    participation_columns = {c.name for c in VoteParticipation.__table__.columns}
    ballot_columns = {c.name for c in SecretBallot.__table__.columns}
    assert participation_columns & ballot_columns == {"id", "motion_id", "choice", "weight"}
    assert not any(str(c.type).upper().startswith(("DATE", "TIME")) for c in SecretBallot.__table__.columns)
    assert {fk.column.table.name for fk in SecretBallot.__table__.foreign_keys} == {"motions"}
    # the rows: participations carry no choice, ballot ids are random and not shared
    participations = db.session.scalars(sa.select(VoteParticipation).where(VoteParticipation.motion_id == motion.id)).all()
    ballots = db.session.scalars(sa.select(SecretBallot).where(SecretBallot.motion_id == motion.id)).all()
    assert all(p.choice is None for p in participations)
    assert not {p.id for p in participations} & {b.id for b in ballots}
    assert all(p.id.version == 4 and b.id.version == 4 for p, b in zip(participations, ballots))
    # the audit log: who voted, never a receipt nor a secret choice
    entries = db.session.scalars(sa.select(AuditEntry).where(AuditEntry.action == "votes.ballot_cast")).all()
    assert len(entries) == 7
    for entry in entries:
        text = f"{entry.summary} {entry.changes}"
        assert "choice" not in (entry.changes or {})
        assert not any(receipt in text for receipt in receipts)


def test_the_physical_order_of_secret_ballots_is_rewritten_when_the_vote_closes():
    session = build_session(voters=6)
    motion = _motion(session, secret=True)
    secretary = _secretary()
    operations.open_vote(motion, secretary)
    for user in session.users:
        operations.cast_ballot(motion.id, user, "yes")
    operations.close_vote(motion, secretary)
    if db.session.get_bind().dialect.name == "postgresql":
        rows = db.session.execute(sa.text(
            "SELECT receipt, xmin::text FROM secret_ballots WHERE motion_id = :m ORDER BY ctid"), {"m": motion.id}).all()
        assert [r for r, _ in rows] == sorted(r for r, _ in rows)  # stored in receipt order
        assert len({x for _, x in rows}) == 1  # all written by the closing transaction
        people = db.session.execute(sa.text(
            "SELECT member_id, xmin::text FROM vote_participations WHERE motion_id = :m ORDER BY ctid"),
            {"m": motion.id}).all()
        assert [m for m, _ in people] == sorted(m for m, _ in people) and len({x for _, x in people}) == 1
    else:
        rows = db.session.execute(sa.text("SELECT receipt FROM secret_ballots WHERE motion_id = :m ORDER BY rowid"),
                                  {"m": motion.id}).scalars().all()
        assert rows == sorted(rows)


def test_the_assembly_closing_closes_open_votes_and_the_minutes_get_names():
    from governance.votes import minutes_lines, on_assembly_closed
    session = build_session(voters=3)
    motion = _motion(session)
    operations.open_vote(motion, _secretary())
    operations.cast_ballot(motion.id, session.users[0], "yes")
    operations.cast_ballot(motion.id, session.users[1], "no")
    on_assembly_closed(session.assembly, actor=None)
    assert motion.status == MotionStatus.CLOSED
    lines = minutes_lines(session.assembly, item=session.item)
    assert lines[0] == "Motion: Nuova mission" and lines[1].startswith("Rejected: 1 yes of 3 present")
    assert session.members[0].last_name in lines[2] and session.members[1].last_name in lines[3]


def test_the_mission_versions_table_keeps_numbers_unique():
    from governance.core import clock
    from datetime import date
    db.session.add(MissionVersion(number=1, text="x", effective_on=date(2020, 1, 1), created_at=clock.now()))
    with pytest.raises(sa.exc.IntegrityError):
        db.session.flush()
    db.session.rollback()


def test_channel_of_ballots_is_recorded():
    session = build_session(voters=2)
    motion = _motion(session)
    operations.open_vote(motion, _secretary())
    assert operations.cast_ballot(motion.id, session.users[0], "yes")["channel"] == Channel.ONLINE.value


def test_the_convocation_carries_the_full_text_of_motions_voted_by_correspondence():
    from governance.votes import convocation_lines
    session = build_session(status="draft")
    _motion(session, by_correspondence=True)
    _motion(session, title="Solo in assemblea")
    lines = convocation_lines(session.assembly, item=session.item)
    assert lines[0] == "Motion: Nuova mission" and lines[-1] == MISSION_PROPOSAL
    assert not any("Solo in assemblea" in line for line in lines)


from hypothesis import HealthCheck, given, settings, strategies as st  # noqa: E402


@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(choices=st.lists(st.sampled_from(["yes", "no", "abstain"]), min_size=1, max_size=9))
def test_any_secret_vote_recounts_from_its_receipts_to_the_stored_result(choices):
    session = build_session(voters=len(choices))
    motion = _motion(session, secret=True)
    secretary = _secretary()
    operations.open_vote(motion, secretary)
    handed = [operations.cast_ballot(motion.id, user, choice)["receipt"]
              for user, choice in zip(session.users, choices)]
    operations.close_vote(motion, secretary)
    published = dict(queries.receipts(motion))
    assert [published[r] for r in handed] == choices  # each voter finds their own choice
    assert rules.recount(published.items()) == {"yes": motion.yes, "no": motion.no, "abstain": motion.abstain}
    assert rules.receipt_digest(published.items()) == motion.receipts_digest
    assert db.session.scalar(sa.select(sa.func.count()).select_from(VoteParticipation)
                             .where(VoteParticipation.motion_id == motion.id)) == len(choices)


def test_in_a_room_vote_a_proxy_follows_its_delegates_hand_unless_its_delegator_is_named():
    session = build_session(voters=6, present=3)
    delegate = session.members[0]
    give_proxy(session, session.members[4], delegate)
    give_proxy(session, session.members[5], delegate)
    motion = _motion(session)
    secretary = _secretary()
    operations.open_vote(motion, secretary)
    operations.record_room_vote(motion, [delegate.number], [session.members[5].number], secretary)
    choices = {p.member_id: p.choice.value for p in db.session.scalars(
        sa.select(VoteParticipation).where(VoteParticipation.motion_id == motion.id))}
    assert choices[delegate.id] == "no" and choices[session.members[4].id] == "no"
    assert choices[session.members[5].id] == "abstain" and choices[session.members[1].id] == "yes"
