"""The per-email count of sign-in attempts is atomic (issue 6: on PostgreSQL 40
parallel guesses once got 16 real password checks instead of LOGIN_MAX_FAILURES).
SQLite serialises writers and is not tested here."""
from __future__ import annotations

import threading
from collections import Counter

import pytest
import sqlalchemy as sa

from governance.auth import operations
from governance.core.errors import DomainError
from governance.extensions import db

GUESSES = 40


@pytest.mark.committing
@pytest.mark.postgres
def test_forty_parallel_guesses_get_only_the_allowed_checks(app, user_factory):
    if sa.engine.make_url(app.config["SQLALCHEMY_DATABASE_URI"]).get_backend_name() != "postgresql":
        pytest.skip("needs PostgreSQL (TEST_DATABASE_URL=postgresql+psycopg://...)")
    email = user_factory(password="right-password-1").email
    db.session.commit()
    db.session.close()

    start = threading.Barrier(GUESSES)
    outcomes: list[str] = []
    errors: list[BaseException] = []

    def guess(n: int) -> None:
        with app.test_request_context():
            try:
                start.wait(timeout=30)
                operations.authenticate(email, f"wrong-guess-{n}")
                outcomes.append("logged_in")
            except DomainError as refused:
                outcomes.append(refused.code)
            except BaseException as exc:
                errors.append(exc)
            finally:
                db.session.commit()  # failed attempts are kept, as the request cycle does
                db.session.remove()

    threads = [threading.Thread(target=guess, args=(n,)) for n in range(GUESSES)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not errors, errors
    assert Counter(outcomes) == {"invalid_credentials": app.config["LOGIN_MAX_FAILURES"],
                                 "too_many_attempts": GUESSES - app.config["LOGIN_MAX_FAILURES"]}
