"""The year end sums a whole year's interest in SQL on PostgreSQL
(operations.interest._year_interest_in_sql): it must give exactly the Fraction of the
pure rule (rules.unrounded_interest from 1 January to 31 December), so exactly the same
rounded gross, withholding and net, on any movements and any rate table. SQLite always
takes the rule (tests/loans/test_year_end_and_exits.py)."""
from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
import sqlalchemy as sa
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from governance.core import clock
from governance.extensions import db
from governance.loans import operations, queries, rules
from governance.loans.operations.common import all_rate_timelines
from governance.loans.models import LoanAccount, LoanInterest, LoanMovement, Product
from governance.loans.operations import interest
from tests import factories

from .conftest import IBAN

D = Decimal
pytestmark = [pytest.mark.postgres]


@pytest.fixture(autouse=True)
def _needs_postgres(app):
    if sa.engine.make_url(app.config["SQLALCHEMY_DATABASE_URI"]).get_backend_name() != "postgresql":
        pytest.skip("needs PostgreSQL (TEST_DATABASE_URL=postgresql+psycopg://...)")


cents = st.integers(min_value=1, max_value=10_000_000)
offsets = st.integers(min_value=-400, max_value=800)  # days from 1 January: before, in and after the year
movements = st.lists(st.tuples(st.booleans(), cents, offsets, st.integers(0, 400)), max_size=12)
rate_entries = st.lists(st.tuples(st.integers(-400, 400), st.integers(0, 1000)), max_size=5)


def _timeline(year: int, entries) -> list[tuple[date, Decimal]]:
    """As common.rate_timeline gives it: oldest first, one rate a day."""
    by_day = {date(year, 1, 1) + timedelta(days=offset): D(hundredths) / 100 for offset, hundredths in entries}
    return sorted(by_day.items())


def _insert_account(member, product: Product, year: int, lines) -> tuple[int, list[rules.Movement]]:
    """An account and its movements written as rows (any earns_from after the value date,
    as capitalised interest has): the SQL sum reads only the ledger."""
    now = clock.now()
    account_id = db.session.execute(sa.insert(LoanAccount.__table__).values(
        member_id=member.id, product=product.value, opened_on=date(year - 2, 1, 1), iban=IBAN, status="open",
        balance=D("0.00"), created_at=now, term_months=12 if product == Product.TERM else None)
        .returning(LoanAccount.id)).scalar()
    moves = []
    for deposit, amount_cents, offset, delay in lines:
        amount = D(amount_cents) / 100 * (1 if deposit else -1)
        value_date = date(year, 1, 1) + timedelta(days=offset)
        earns_from = value_date + timedelta(days=delay)
        db.session.execute(sa.insert(LoanMovement.__table__).values(
            account_id=account_id, kind="deposit" if deposit else "withdrawal", amount=amount,
            booked_on=value_date, value_date=value_date, earns_from=earns_from, created_at=now))
        moves.append(rules.Movement(value_date, amount, earns_from))
    return account_id, moves


@settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck))
@given(year=st.sampled_from([2024, 2025]), free=st.lists(movements, min_size=1, max_size=3),
       term=st.lists(movements, max_size=2), free_rates=rate_entries, term_rates=rate_entries)
@example(year=2024, free=[[(True, 36500, -10, 0), (False, 100, 59, 0), (True, 1, 365, 0)]], term=[[]],
         free_rates=[(0, 200), (182, 250), (182, 275)], term_rates=[])
def test_the_sql_sum_is_the_rule_exactly(app, year, free, term, free_rates, term_rates):
    savepoint = db.session.begin_nested()
    try:
        member = factories.MemberFactory(admitted_on=date(2019, 1, 1))
        rates = {Product.FREE: _timeline(year, free_rates), Product.TERM: _timeline(year, term_rates)}
        accounts = [(_insert_account(member, product, year, lines), product)
                    for product, histories in ((Product.FREE, free), (Product.TERM, term)) for lines in histories]
        summed = interest._year_interest_in_sql(year, [a for (a, _), _p in accounts],
                                                interest._rate_sums(year, rates))
        for (account_id, moves), product in accounts:
            expected = rules.unrounded_interest(D(0), moves, rates[product], date(year, 1, 1), date(year, 12, 31))
            assert summed.get(account_id, 0) == expected, (account_id, product, moves)
            assert rules.rounded_interest(summed.get(account_id, 0)) == rules.rounded_interest(expected)
    finally:
        savepoint.rollback()


def test_year_end_books_the_rule_on_sql_and_catch_up_accounts_alike(office, open_account, book, board):
    """One run with an account booked through SQL (only 2025 missing) and one that must
    catch up 2024 first (the rule, year by year): both as rules.year_interest says."""
    clock.set_now(date(2024, 3, 1))
    old = open_account(factories.MemberFactory(admitted_on=date(2019, 1, 1)), opened_on="2024-01-02")
    book(old, "deposit", "10000.00", "2024-01-02")
    operations.record_rate({"product": "free", "rate": "2.50", "effective_from": "2025-07-01"}, board)
    clock.set_now(date(2025, 6, 1))
    new = open_account(factories.MemberFactory(admitted_on=date(2019, 1, 1)), opened_on="2025-01-02")
    book(new, "deposit", "5000.00", "2025-01-02")
    book(new, "deposit", "1234.57", "2025-03-03")
    book(old, "deposit", "333.33", "2025-05-05")
    clock.set_now(date(2026, 1, 10))
    result = operations.run_year_end(2025, office)
    assert (result.accounts, result.earlier_years) == (2, 1)
    rates = all_rate_timelines()[Product.FREE]
    for account in (old, new):
        moves = [m.as_rule for m in queries.movements_of(account)]
        booked = db.session.scalar(sa.select(LoanInterest).where(LoanInterest.account_id == account.id,
                                                                 LoanInterest.year == 2025))
        expected = rules.year_interest(D(0), moves, rates, 2025)
        assert (booked.gross, booked.withholding, booked.net) == (expected.gross, expected.withholding, expected.net)
        assert booked.gross > 0
    assert queries.reconcile() == []
