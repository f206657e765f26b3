"""3. Register numbers under concurrent admissions: sequential, never reused, never
twice (PostgreSQL: row locks; SQLite serialises writers and is not tested here)."""
import threading
from datetime import date

import pytest
import sqlalchemy as sa

from governance.lifecycle import operations
from governance.lifecycle.models import Application, ApplicationStatus
from governance.auth.models import User
from governance.core import clock
from governance.extensions import db
from governance.members.models import Member, RegisterCounter

from . import factories

ADMISSIONS = 20


def _is_postgres(app) -> bool:
    return sa.engine.make_url(app.config["SQLALCHEMY_DATABASE_URI"]).get_backend_name() == "postgresql"


@pytest.mark.committing
@pytest.mark.postgres
def test_twenty_admissions_at_once_get_twenty_consecutive_numbers(app, board_user):
    if not _is_postgres(app):
        pytest.skip("needs PostgreSQL (TEST_DATABASE_URL=postgresql+psycopg://...)")
    clock.set_now(date(2026, 11, 26))
    board_id = board_user.id
    application_ids = [factories.submit().id for _ in range(ADMISSIONS)]
    db.session.commit()
    db.session.close()  # the threads need the pool's connections

    start = threading.Barrier(ADMISSIONS)
    numbers: list[int] = []
    errors: list[BaseException] = []

    def admit(application_id: int) -> None:
        # Its own request context, so its own app context and database session.
        with app.test_request_context():
            try:
                start.wait(timeout=30)
                actor = db.session.get(User, board_id)
                application = db.session.get(Application, application_id)
                operations.decide_application(
                    application, {"outcome": "admitted", "decided_on": "2026-11-26"}, actor)
                number = application.member.number
                db.session.commit()
                numbers.append(number)
            except BaseException as exc:  # reported below, with the others
                db.session.rollback()
                errors.append(exc)
            finally:
                db.session.remove()

    threads = [threading.Thread(target=admit, args=(i,)) for i in application_ids]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)

    assert not errors, errors
    assert sorted(numbers) == list(range(1, ADMISSIONS + 1))
    assert db.session.scalar(sa.select(RegisterCounter.last_number)) == ADMISSIONS
    assert db.session.scalar(sa.select(sa.func.count(sa.distinct(Member.number)))) == ADMISSIONS
    assert set(db.session.scalars(sa.select(Application.status))) == {ApplicationStatus.ADMITTED}


@pytest.mark.committing
@pytest.mark.postgres
def test_two_decisions_at_once_on_one_application_one_wins(app, board_user):
    """The application row is locked before deciding: the second decision sees the first
    one's result and is a conflict (409), instead of admitting twice."""
    if not _is_postgres(app):
        pytest.skip("needs PostgreSQL (TEST_DATABASE_URL=postgresql+psycopg://...)")
    clock.set_now(date(2026, 11, 26))
    board_id, application_id = board_user.id, factories.submit().id
    db.session.commit()
    db.session.close()
    start = threading.Barrier(2)
    outcomes: list[str] = []

    def decide(outcome: str) -> None:
        with app.test_request_context():
            try:
                start.wait(timeout=30)
                operations.decide_application(
                    db.session.get(Application, application_id),
                    {"outcome": outcome, "decided_on": "2026-11-26", "reasons": "Motivi"},
                    db.session.get(User, board_id))
                db.session.commit()
                outcomes.append(outcome)
            except Exception as exc:
                db.session.rollback()
                outcomes.append(getattr(exc, "code", repr(exc)))
            finally:
                db.session.remove()

    threads = [threading.Thread(target=decide, args=(o,)) for o in ("admitted", "rejected")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert "already_decided" in outcomes and len(outcomes) == 2
    winner = next(o for o in outcomes if o != "already_decided")
    status = db.session.scalar(sa.select(Application.status))
    assert status == ApplicationStatus(winner)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Member)) == (winner == "admitted")
