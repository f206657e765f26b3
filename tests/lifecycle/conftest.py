"""Fixtures of the lifecycle tests (the shared ones are in tests/conftest.py)."""
from __future__ import annotations

import pytest

from governance.extensions import db
from tests import factories as shared_factories

from . import factories


@pytest.fixture(autouse=True)
def _factories_bound(_db):
    """tests/conftest.py binds the shared factories only for non-committing tests: a
    committing test that runs first would find them without a session."""
    if shared_factories.UserFactory._meta.sqlalchemy_session is None:
        shared_factories.bind(db.session)


@pytest.fixture
def apply():
    """apply(**overrides) -> a submitted Application (through the operation)."""
    return factories.submit


@pytest.fixture
def board(board_user, _db):
    """A board member, committed to the test's savepoint so a failing request (which
    rolls back) does not take it away."""
    _db.commit()
    return board_user
