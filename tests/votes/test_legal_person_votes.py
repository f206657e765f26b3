"""A legal-person member's ballot counts the statute's votes_per_legal_person (DOMAIN.md
§1, art. 2538 c.3 c.c.) read on the assembly's day, in open, secret, room and proxy
votes; the quorum stays per head."""
from __future__ import annotations

import pytest
import sqlalchemy as sa

from governance.core import clock
from governance.extensions import db
from governance.members.models import Category
from governance.statute.operations import change_parameters
from governance.votes import operations
from governance.votes.models import SecretBallot, VoteParticipation
from governance.votes.words import explanation
from tests import factories

from .conftest import build_session, give_proxy


def _votes_per_legal_person(n: int) -> None:
    change_parameters({"votes_per_legal_person": n}, clock.today(), factories.UserFactory(roles=["admin"]),
                      note="statuto")


def _session(present: int = 5, voters: int = 5, legal: int = 0):
    session = build_session(voters=voters, present=present, first_call_at=clock.now())
    legal = session.members[legal]
    legal.category = Category.LEGAL_PERSON
    db.session.flush()
    return session, legal


def _motion(session, **data):
    values = {"title": "Bilancio", "subject": "accounts", "proposed_text": "Approvare il bilancio."}
    values.update(data)
    return operations.create_motion(session.item, values, factories.UserFactory(roles=["board"]))


def _vote(session, choices: dict[int, str], **data):
    secretary = factories.UserFactory(roles=["secretary"])
    motion = _motion(session, **data)
    operations.open_vote(motion, secretary)
    for index, choice in choices.items():
        operations.cast_ballot(motion.id, session.users[index], choice)
    return operations.close_vote(motion, secretary)


@pytest.mark.parametrize("secret", [False, True])
def test_with_the_default_a_legal_person_counts_one(secret):
    session, _legal = _session()
    motion = _vote(session, {0: "yes", 1: "no", 2: "no"}, secret=secret)
    assert (motion.yes, motion.no, motion.abstain, motion.present) == (1, 2, 0, 5)
    assert motion.present_votes is None and motion.eligible_votes is None
    assert motion.outcome.value == "rejected"
    table = SecretBallot if secret else VoteParticipation
    assert set(db.session.scalars(sa.select(table.weight))) == {1}


@pytest.mark.parametrize("secret", [False, True])
def test_with_three_votes_a_legal_persons_yes_counts_three(secret):
    _votes_per_legal_person(3)
    session, _legal = _session()
    motion = _vote(session, {0: "yes", 1: "no", 2: "no"}, secret=secret)
    # 3 yes of 7 votes present (5 heads, one of them with 3 votes): not more than half.
    assert (motion.yes, motion.no, motion.abstain) == (3, 2, 0)
    assert (motion.present, motion.eligible) == (5, 5)  # heads: the quorum is unchanged
    assert motion.outcome.value == "rejected"
    table = SecretBallot if secret else VoteParticipation
    assert sorted(db.session.scalars(sa.select(table.weight))) == [1, 1, 3]


@pytest.mark.parametrize("n,yes,outcome", [(1, 1, "rejected"), (5, 5, "approved")])
def test_the_bounds_one_and_five(n, yes, outcome):
    _votes_per_legal_person(n)
    session, _legal = _session()
    motion = _vote(session, {0: "yes", 1: "no", 2: "no", 3: "no"})
    # P in votes: 4 + n; the yes of the legal person is n.
    assert (motion.yes, motion.no) == (yes, 3)
    assert motion.outcome.value == outcome


def test_the_weight_has_a_check_constraint():
    session, _legal = _session()
    motion = _motion(session)
    db.session.add(VoteParticipation(motion_id=motion.id, member_id=session.members[1].id, channel="online",
                                     choice="yes", weight=6))
    with pytest.raises(sa.exc.IntegrityError):
        db.session.flush()
    db.session.rollback()


def test_a_delegate_casts_the_legal_persons_votes():
    _votes_per_legal_person(3)
    session, legal = _session(present=3, legal=4)
    delegate = session.members[1]
    give_proxy(session, legal, delegate)
    secretary = factories.UserFactory(roles=["secretary"])
    motion = _motion(session)
    operations.open_vote(motion, secretary)
    operations.cast_ballot(motion.id, session.users[1], "no")
    operations.cast_ballot(motion.id, session.users[1], "yes", on_behalf_of=legal.number)
    operations.close_vote(motion, secretary)
    assert (motion.yes, motion.no) == (3, 1)
    rows = {p.member_id: (p.cast_by_id, p.weight) for p in db.session.scalars(sa.select(VoteParticipation))}
    assert rows[legal.id] == (delegate.id, 3)


def test_the_room_vote_weighs_the_legal_person():
    _votes_per_legal_person(3)
    session, legal = _session()
    secretary = factories.UserFactory(roles=["secretary"])
    motion = _motion(session)
    operations.open_vote(motion, secretary)
    operations.record_room_vote(motion, [session.members[1].number], [], secretary)
    operations.close_vote(motion, secretary)
    assert (motion.yes, motion.no, motion.abstain) == (6, 1, 0)
    assert motion.outcome.value == "approved"
    # more votes than heads: the bases in votes are stored, so the result reads again
    assert (motion.present, motion.present_votes, motion.eligible_votes) == (5, 7, 7)
    assert explanation(motion).startswith("Approved: 6 yes of 7 present")


def test_a_correspondence_ballot_of_a_legal_person_carries_its_votes():
    from governance.assemblies.models import AssemblyStatus
    _votes_per_legal_person(3)
    session = build_session(status="draft", voters=3)
    legal = session.members[0]
    legal.category = Category.LEGAL_PERSON
    motion = _motion(session, by_correspondence=True)
    session.assembly.status = AssemblyStatus.CONVENED
    session.assembly.published_on = clock.today()
    db.session.flush()
    assert operations.cast_ballot(motion.id, session.users[0], "yes")["channel"] == "correspondence"
    operations.cast_ballot(motion.id, session.users[1], "no")
    weights = {p.member_id: p.weight for p in db.session.scalars(sa.select(VoteParticipation))}
    assert weights == {legal.id: 3, session.members[1].id: 1}
    tally = operations.voting.count(motion)[0]
    assert (tally.yes, tally.no, tally.abstain) == (3, 1, 0)
