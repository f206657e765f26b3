"""Assembly fixtures: a board and a secretary, an ordinary assembly convened through the
real operations, members on the roll."""
from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest

from governance.assemblies import operations
from governance.core import clock
from tests import factories
from tests.smtp import smtp_server  # noqa: F401 - a real SMTP server (aiosmtpd)

ROME = clock.ROME


@pytest.fixture
def board(user_factory):
    return user_factory(roles=["board"])


@pytest.fixture
def office(user_factory):
    return user_factory(roles=["secretary"])


def at(day: date, hour: int = 18) -> str:
    return datetime(day.year, day.month, day.day, hour, 0, tzinfo=ROME).isoformat()


@pytest.fixture
def make_assembly(board, today):
    def _make(kind="ordinary", first=None, items=1, **extra):
        first = first or today + timedelta(days=20)
        data = {"kind": kind, "title": "Assemblea ordinaria", "first_call_at": at(first, 9),
                "second_call_at": at(first + timedelta(days=1), 18), "place": "Sede, via Roma 1, Melegnano",
                **extra}
        assembly = operations.create_assembly(data, board)
        for n in range(items):
            operations.add_item(assembly, {"title": f"Punto {n + 1}", "description": "Testo **importante**"}, board)
        return assembly
    return _make


@pytest.fixture
def voters():
    """Members admitted long ago (on the roll of any assembly to come)."""
    def _voters(n, **extra):
        return [factories.MemberFactory(admitted_on=date(2020, 1, 15), **extra) for _ in range(n)]
    return _voters


@pytest.fixture
def convened(make_assembly, board, voters):
    """An ordinary assembly 20 days ahead, published, with 6 voters."""
    people = voters(6)
    assembly = make_assembly(items=2)
    operations.publish(assembly, board)
    return assembly, people


def open_now(assembly, office, call="first"):
    clock.set_now(assembly.first_call_at + timedelta(minutes=5) if call == "first"
                  else assembly.second_call_at + timedelta(minutes=5))
    return operations.open_session(assembly, call, office)
