"""Helpers for the register tests: valid CSV rows, counting rows and SQL statements."""
from __future__ import annotations

import csv
import io
from datetime import date

import pytest
import sqlalchemy as sa
from tests.sql import count_statements  # noqa: F401

from governance.extensions import db
from governance.members.importing import HEADER
from governance.members.models import Member, MemberHistory, RegisterCounter

from .. import factories
from ..factories import make_tax_code

NAMES = [("Rossi", "Mario"), ("Bianchi", "Anna"), ("Verdi", "Giuseppe"), ("Colombo", "Luca"),
         ("Ferrari", "Giulia"), ("Esposito", "Marco"), ("Romano", "Sara"), ("Gallo", "Paolo")]


def person(i: int, **overrides) -> dict:
    """A valid CSV row (as a dict) for the i-th test person."""
    last, first = NAMES[i % len(NAMES)]
    last = f"{last}{'x' * (i // len(NAMES))}"
    born = date(1960 + i % 40, 1 + i % 12, 1 + i % 28)
    row = {"number": "", "first_name": first, "last_name": last,
           "tax_code": make_tax_code(last, first, born), "birth_date": born.isoformat(),
           "email": f"{first.lower()}.{last.lower()}@example.org", "phone": "+39 02 555 0101",
           "address": "Via Roma 1, 20077 Melegnano (MI)", "category": "worker",
           "admitted_on": "1995-03-01", "shares": "1"}
    row.update(overrides)
    return row


def make_csv(rows: list[dict], header=HEADER, delimiter: str = ",", bom: bool = False) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n")
    writer.writerow(header)
    for row in rows:
        writer.writerow([row.get(name, "") for name in header])
    return (b"\xef\xbb\xbf" if bom else b"") + buffer.getvalue().encode("utf-8")


def register_state() -> tuple[int, int, int]:
    """(entries, history rows, counter): what an all-or-nothing import must leave alone."""
    return (db.session.scalar(sa.select(sa.func.count()).select_from(Member)),
            db.session.scalar(sa.select(sa.func.count()).select_from(MemberHistory)),
            db.session.scalar(sa.select(RegisterCounter.last_number)) or 0)


@pytest.fixture
def board_client(client, login, board_user):
    login(board_user)
    return client


@pytest.fixture(autouse=True)
def _request_context(app, _db):
    """Operations translate their messages (flask_babel), which needs a request."""
    with app.test_request_context():
        yield


@pytest.fixture
def member_user(member_factory):
    return factories.UserFactory(roles=["member"], member=member_factory())
