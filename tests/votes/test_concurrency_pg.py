"""One ballot per voter per motion, under concurrent requests on PostgreSQL: 100 members
each sending two ballots at once give exactly 100 ballots and the right tally; each
second request gets 409 `already_voted`. The guarantee is the UNIQUE (motion, member)
of vote_participations (INSERT ... ON CONFLICT DO NOTHING), not a check in Python."""
from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
import sqlalchemy as sa

from governance.auth.operations import issue_token
from governance.core.audit import AuditEntry
from governance.extensions import db
from governance.votes import operations, rules
from governance.votes.models import SecretBallot, VoteParticipation
from tests import factories

from .conftest import MISSION_PROPOSAL, build_session

pytestmark = [pytest.mark.committing, pytest.mark.postgres]


@pytest.fixture(autouse=True)
def _needs_postgres(app):
    if sa.engine.make_url(app.config["SQLALCHEMY_DATABASE_URI"]).get_backend_name() != "postgresql":
        pytest.skip("needs PostgreSQL (TEST_DATABASE_URL=postgresql+psycopg://...)")


@pytest.mark.parametrize("secret", [False, True])
def test_100_members_sending_two_ballots_at_once_give_100_ballots(app, secret):
    session = build_session(voters=100)
    board, secretary = factories.UserFactory(roles=["board"]), factories.UserFactory(roles=["secretary"])
    motion = operations.create_motion(session.item, {"title": "Mission", "subject": "mission",
                                                     "proposed_text": MISSION_PROPOSAL, "secret": secret}, board)
    operations.open_vote(motion, secretary)
    tokens = [issue_token(user, "bench", 1)[1] for user in session.users]
    user_ids = {user.id for user in session.users}
    motion_id = motion.id
    db.session.commit()
    choices = ["yes" if i % 3 else "no" for i in range(100)]
    gates = [threading.Barrier(2) for _ in range(100)]

    def send(index: int):
        client = app.test_client()
        gates[index].wait(timeout=60)  # both ballots of one member leave together
        response = client.post(f"/api/v1/motions/{motion_id}/ballots", json={"choice": choices[index]},
                               headers={"Authorization": f"Bearer {tokens[index]}"})
        return index, response.status_code, (response.get_json() or {}).get("code")

    with ThreadPoolExecutor(max_workers=16) as pool:
        outcomes = list(pool.map(send, [i for i in range(100) for _ in range(2)]))
    by_member: dict[int, list] = {}
    for index, status, code in outcomes:
        by_member.setdefault(index, []).append((status, code))
    for index, pair in by_member.items():
        assert sorted(s for s, _ in pair) == [201, 409], (index, pair)
        assert (409, "already_voted") in pair
    db.session.remove()
    assert db.session.scalar(sa.select(sa.func.count()).select_from(VoteParticipation)) == 100
    if secret:
        rows = db.session.execute(sa.select(SecretBallot.receipt, SecretBallot.choice)).all()
        assert rules.recount((r, c.value) for r, c in rows) == {"yes": choices.count("yes"),
                                                                "no": choices.count("no"), "abstain": 0}
    # one audit entry per ballot written (in the ballot's own statement on PostgreSQL),
    # none for the refused second ones; a secret ballot's choice is never in it
    entries = db.session.execute(sa.select(AuditEntry.actor_id, AuditEntry.object_id, AuditEntry.changes)
                                 .where(AuditEntry.action == "votes.ballot_cast")).all()
    assert len(entries) == 100 and {e.object_id for e in entries} == {str(motion_id)}
    assert {e.actor_id for e in entries} == user_ids
    assert all(("choice" in e.changes) is not secret and e.changes["channel"] == [None, "online"] for e in entries)
    motion = operations.close_vote(db.session.get(type(motion), motion_id), None)
    assert (motion.yes, motion.no) == (choices.count("yes"), choices.count("no"))
    db.session.commit()
