"""The demo's motions: last spring's assembly approved a mission change by a room vote (so
the mission has two versions); the upcoming one carries a mission motion with an
admitted amendment, comments and ballots by correspondence in its open window."""
from __future__ import annotations

import sqlalchemy as sa

from governance import demo
from governance.extensions import db
from governance.votes import queries
from governance.votes.models import AmendmentStatus, Channel, Motion, MotionStatus, VoteParticipation
from governance.votes.operations.voting import voting_channel


def test_demo_votes(_db, today):
    demo.seed_demo(if_empty=True, echo=lambda line: None)
    versions = queries.mission_versions()
    assert [v.number for v in versions] == [2, 1]
    approved = versions[0].motion
    assert approved.status == MotionStatus.CLOSED and approved.outcome.value == "approved"
    assert versions[0].effective_on == approved.assembly.session_day() < today
    names = queries.named_choices(approved)
    assert len(names["no"]) == 2 and len(names["abstain"]) == 1 and names["yes"]

    upcoming = db.session.scalars(sa.select(Motion).where(Motion.status == MotionStatus.DRAFT,
                                                          Motion.amendment_of_id.is_(None))).one()
    assert upcoming.by_correspondence and voting_channel(upcoming) == Channel.CORRESPONDENCE
    statuses = sorted(a.status.value for a in queries.amendments_of(upcoming))
    assert statuses == [AmendmentStatus.ADMITTED.value, AmendmentStatus.DECLINED.value]
    assert len(queries.comments_of(upcoming)) == 3
    ballots = db.session.scalars(sa.select(VoteParticipation).where(VoteParticipation.motion_id == upcoming.id)).all()
    assert len(ballots) == 4 and {b.channel for b in ballots} == {Channel.CORRESPONDENCE}
