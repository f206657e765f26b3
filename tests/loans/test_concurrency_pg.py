"""Concurrent bookings on PostgreSQL (row locks: member -> account -> totals): two
withdrawals that together would overdraw give one success and one refusal; two deposits
that together would pass a cap likewise; many deposits at once lose no update on the
total outstanding. SQLite serialises writers and is not tested here."""
from __future__ import annotations

import threading
from datetime import date
from decimal import Decimal

import pytest
import sqlalchemy as sa

from governance.auth.models import User
from governance.core import clock
from governance.core.errors import DomainError
from governance.extensions import db
from governance.loans import operations, queries
from governance.loans.models import LoanAccount
from tests import factories

from .conftest import IBAN

D = Decimal
pytestmark = [pytest.mark.committing, pytest.mark.postgres]


@pytest.fixture(autouse=True)
def _needs_postgres(app):
    if sa.engine.make_url(app.config["SQLALCHEMY_DATABASE_URI"]).get_backend_name() != "postgresql":
        pytest.skip("needs PostgreSQL (TEST_DATABASE_URL=postgresql+psycopg://...)")


def _setup(equity="1000000.00", lenders=1):
    clock.set_now(date(2026, 11, 26))
    board = factories.UserFactory(roles=["board"])
    office = factories.UserFactory(roles=["secretary"])
    operations.record_rate({"product": "free", "rate": "2.00", "effective_from": "2020-01-01"}, board)
    operations.record_equity({"amount": equity, "guaranteed_share": "0", "accounts_approved_on": "2026-04-30"}, board)
    accounts = [operations.open_account(factories.MemberFactory(admitted_on=date(2019, 1, 1)),
                                        {"product": "free", "opened_on": "2026-01-02", "iban": IBAN}, office)
                for _ in range(lenders)]
    db.session.commit()
    return office.id, [a.id for a in accounts]


def _at_once(app, office_id, jobs):
    """Run each (account_id, data) in its own thread and session, all released together."""
    start = threading.Barrier(len(jobs))
    outcomes: list = []

    def run(account_id, data):
        with app.test_request_context():
            try:
                start.wait(timeout=30)
                operations.book_movement(db.session.get(LoanAccount, account_id), dict(data),
                                         db.session.get(User, office_id))
                db.session.commit()
                outcomes.append("booked")
            except DomainError as error:
                db.session.rollback()
                outcomes.append(error.code)
            except BaseException as error:  # reported by the assertion
                db.session.rollback()
                outcomes.append(repr(error))
            finally:
                db.session.remove()

    threads = [threading.Thread(target=run, args=job) for job in jobs]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return sorted(outcomes)


def _deposit(account_id, office_id, amount):
    with_account = db.session.get(LoanAccount, account_id)
    operations.book_movement(with_account, {"kind": "deposit", "amount": amount, "value_date": "2026-01-02"},
                             db.session.get(User, office_id))
    db.session.commit()


def test_two_withdrawals_that_together_overdraw_one_succeeds(app):
    office_id, (account_id,) = _setup()
    _deposit(account_id, office_id, "1000.00")
    db.session.close()
    withdrawal = {"kind": "withdrawal", "amount": "600.00", "value_date": "2026-11-27", "requested_on": "2026-11-26"}
    assert _at_once(app, office_id, [(account_id, withdrawal)] * 2) == ["booked", "loan_insufficient_balance"]
    assert db.session.get(LoanAccount, account_id).balance == D("400.00")
    assert queries.total_outstanding() == D("400.00") and queries.reconcile() == []


def test_two_deposits_that_together_pass_the_member_cap_one_succeeds(app):
    office_id, (account_id,) = _setup()
    deposit = {"kind": "deposit", "amount": "30000.00", "value_date": "2026-11-26"}
    assert _at_once(app, office_id, [(account_id, deposit)] * 2) == ["booked", "loan_member_cap"]
    assert db.session.get(LoanAccount, account_id).balance == D("30000.00")


def test_two_deposits_of_two_members_that_pass_the_total_cap_one_succeeds(app):
    office_id, accounts = _setup(equity="10000.00", lenders=2)  # at most 30,000.00 in all
    jobs = [(a, {"kind": "deposit", "amount": "20000.00", "value_date": "2026-11-26"}) for a in accounts]
    assert _at_once(app, office_id, jobs) == ["booked", "loan_total_cap"]
    assert queries.total_outstanding() == D("20000.00") and queries.reconcile() == []


def test_many_deposits_at_once_lose_no_update_on_the_total(app):
    office_id, accounts = _setup(lenders=8)
    jobs = [(a, {"kind": "deposit", "amount": "123.45", "value_date": "2026-11-26"}) for a in accounts for _ in range(2)]
    assert _at_once(app, office_id, jobs) == ["booked"] * 16
    assert queries.total_outstanding() == D("123.45") * 16 and queries.reconcile() == []


def test_the_same_form_sent_twice_at_once_books_once(app):
    office_id, (account_id,) = _setup()
    deposit = {"kind": "deposit", "amount": "10.00", "value_date": "2026-11-26", "idempotency_key": "same"}
    assert _at_once(app, office_id, [(account_id, deposit)] * 2) == ["booked", "booked"]
    assert db.session.get(LoanAccount, account_id).balance == D("10.00")
