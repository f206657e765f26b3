"""The ledger through the operations (DOMAIN.md §6): the worked example to the cent, caps
at the cent and one cent over, the notice boundary, the whole balance, corrections,
bad input with nothing booked, append-only movements, idempotency, reconciliation."""
from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
import sqlalchemy as sa

from governance.core import clock
from governance.core.errors import DomainError
from governance.extensions import db
from governance.loans import operations, queries
from governance.loans.models import LoanInterest, LoanMovement, MovementKind
from governance.statute import operations as statute
from tests import factories

from .conftest import IBAN

D = Decimal


def _count(model) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(model))


def _refused(code, call, *args):
    before = _count(LoanMovement)
    with pytest.raises(DomainError) as caught:
        call(*args)
    assert caught.value.code == code, caught.value.message
    assert _count(LoanMovement) == before
    return caught.value


def test_the_worked_example_through_the_operations_to_the_cent(today, lender, open_account, book, office):
    account = open_account(lender, opened_on="2025-03-01")
    book(account, "deposit", "10000.00", "2025-03-01")
    result = operations.run_year_end(2025, office)
    interest = db.session.scalar(sa.select(LoanInterest).where(LoanInterest.account_id == account.id))
    assert (interest.gross, interest.withholding, interest.net) == (D("167.67"), D("43.59"), D("124.08"))
    assert result.accounts == 1 and result.net == D("124.08")
    assert account.balance == D("10124.08")
    st = queries.statement(account, 2025)
    assert (st.opening_balance, st.gross_interest, st.withholding, st.net_interest, st.closing_balance) == \
        (D("0.00"), D("167.67"), D("43.59"), D("124.08"), D("10124.08"))
    assert st.final
    # the net earns from 1 January 2026: 10,124.08 x 2% for the year
    assert queries.statement(account, 2026).gross_interest == D("202.48")


def test_a_leap_year_and_a_rate_change_mid_year(today, lender, open_account, book, office, board):
    clock.set_now(date(2025, 1, 5))
    account = open_account(lender, opened_on="2024-01-01")
    book(account, "deposit", "10000.00", "2024-01-01")
    operations.record_rate({"product": "free", "rate": "4.00", "effective_from": "2024-07-01"}, board)
    clock.set_now(date(2025, 1, 6))
    operations.run_year_end(2024, office)
    # 182 days at 2% and 184 at 4%, of 366: 10000 x (0.02 x 182 + 0.04 x 184) / 366 = 300.55
    assert queries.statement(account, 2024).gross_interest == D("300.55")


def test_a_deposit_valued_on_31_december_earns_one_day(today, lender, open_account, book, office):
    account = open_account(lender, opened_on="2025-01-01")
    book(account, "deposit", "36500.00", "2025-12-31")
    operations.run_year_end(2025, office)
    assert queries.statement(account, 2025).gross_interest == D("2.00")


def test_withdrawing_the_whole_balance_and_a_cent_more(today, lender, open_account, book):
    account = open_account(lender, opened_on="2026-01-02")
    book(account, "deposit", "1000.00", "2026-01-02")
    _refused("loan_insufficient_balance", book, account, "withdrawal", "1000.01", "2026-11-27", "2026-11-26")
    book(account, "withdrawal", "1000.00", "2026-11-27", "2026-11-26")
    assert account.balance == D("0.00")


def test_the_notice_boundary(today, lender, open_account, book):
    account = open_account(lender, opened_on="2026-01-02")
    book(account, "deposit", "500.00", "2026-01-02")
    error = _refused("loan_notice", book, account, "withdrawal", "100.00", "2026-11-26", "2026-11-26")
    assert "27/11/2026" in error.message
    book(account, "withdrawal", "100.00", "2026-11-27", "2026-11-26")


def test_the_member_cap_at_the_cent_and_one_cent_over(today, lender, open_account, book):
    free = open_account(lender, opened_on="2026-01-02")
    term = open_account(lender, product="term", term_months=12, opened_on="2026-01-02")
    book(free, "deposit", "40000.00", "2026-01-02")
    error = _refused("loan_member_cap", book, term, "deposit", "3736.63", "2026-11-26")
    assert "43.736,63" in error.message or "43,736.63" in error.message  # the balance after, named
    assert "0,01" in error.message or "0.01" in error.message
    book(term, "deposit", "3736.62", "2026-11-26")


def test_the_total_cap_at_the_cent_and_one_cent_over(today, board, open_account, book):
    operations.record_equity({"amount": "20000.00", "guaranteed_share": "10",
                              "accounts_approved_on": "2026-04-30"}, board)
    one = open_account(factories.MemberFactory(admitted_on=date(2019, 1, 1)), opened_on="2026-05-01")
    two = open_account(factories.MemberFactory(admitted_on=date(2019, 1, 1)), opened_on="2026-05-01")
    book(one, "deposit", "30000.00", "2026-05-02")
    _refused("loan_total_cap", book, two, "deposit", "30000.01", "2026-05-02")
    book(two, "deposit", "30000.00", "2026-05-02")
    assert queries.total_outstanding() == D("60000.00")
    # 30% guaranteed allows five times the equity
    operations.record_equity({"amount": "20000.00", "guaranteed_share": "30",
                              "accounts_approved_on": "2026-05-30"}, board)
    book(two, "deposit", "10000.00", "2026-06-01")


def test_a_pending_withdrawal_counts_in_the_total_until_its_value_date(today, board, open_account, book):
    operations.record_equity({"amount": "10000.00", "guaranteed_share": "0",
                              "accounts_approved_on": "2026-04-30"}, board)
    one = open_account(factories.MemberFactory(admitted_on=date(2019, 1, 1)), opened_on="2026-05-01")
    book(one, "deposit", "30000.00", "2026-05-02")
    book(one, "withdrawal", "10000.00", "2026-12-15", "2026-11-26")
    two = open_account(factories.MemberFactory(admitted_on=date(2019, 1, 1)), opened_on="2026-05-01")
    _refused("loan_total_cap", book, two, "deposit", "1.00", "2026-11-26")


@pytest.mark.parametrize("amount", ["10.001", "-5.00", "0", "abc", "1e400", "9999999999999.00"])
def test_bad_amounts_book_nothing(today, lender, open_account, book, amount):
    account = open_account(lender, opened_on="2026-01-02")
    _refused("validation", book, account, "deposit", amount, "2026-11-26")


def test_a_float_amount_is_refused(today, lender, open_account, book):
    account = open_account(lender, opened_on="2026-01-02")
    _refused("validation", book, account, "deposit", 10.5, "2026-11-26")


def test_a_value_date_before_the_opening_or_in_a_capitalised_year(today, lender, open_account, book, office):
    account = open_account(lender, opened_on="2025-06-01")
    _refused("validation", book, account, "deposit", "10.00", "2025-05-31")
    book(account, "deposit", "10.00", "2025-06-01")
    operations.run_year_end(2025, office)
    _refused("loan_year_closed", book, account, "deposit", "10.00", "2025-12-31")


def test_seniority_rate_cap_and_iban(today, office, board, regulation):
    newcomer = factories.MemberFactory(admitted_on=date(2026, 9, 1))
    with pytest.raises(DomainError) as caught:
        operations.open_account(newcomer, {"product": "free", "opened_on": "2026-11-26", "iban": IBAN}, office)
    assert caught.value.code == "loan_seniority" and "30/11/2026" in caught.value.message
    with pytest.raises(DomainError) as caught:
        operations.open_account(factories.MemberFactory(admitted_on=date(2019, 1, 1)),
                                {"product": "free", "opened_on": "2026-11-26", "iban": "IT60X0542811101000000123457"},
                                office)
    assert caught.value.code == "validation" and "iban" in caught.value.errors
    with pytest.raises(DomainError) as caught:
        operations.record_rate({"product": "free", "rate": "8.51", "effective_from": "2026-12-01"}, board)
    assert caught.value.code == "rate_cap"
    operations.record_rate({"product": "free", "rate": "8.50", "effective_from": "2026-12-01"}, board)


def test_the_seniority_boundary_day(today, office, regulation):
    member = factories.MemberFactory(admitted_on=date(2026, 8, 28))  # + 90 days = 26/11/2026
    account = operations.open_account(member, {"product": "free", "opened_on": "2026-11-26", "iban": IBAN}, office)
    assert account.opened_on == date(2026, 11, 26)


def test_a_closed_account_takes_no_movement(today, lender, open_account, book, office):
    account = open_account(lender, opened_on="2026-01-02")
    book(account, "deposit", "100.00", "2026-01-02")
    operations.close_account(account, date(2026, 11, 26), office)
    _refused("loan_closed", book, account, "deposit", "10.00", "2026-11-26")


def test_a_term_deposit_is_not_withdrawn_before_maturity(today, lender, open_account, book):
    account = open_account(lender, product="term", term_months=12, opened_on="2026-01-02")
    book(account, "deposit", "100.00", "2026-01-02")
    _refused("loan_term", book, account, "withdrawal", "10.00", "2026-12-01", "2026-11-26")


def test_the_same_idempotency_key_books_once(today, lender, open_account, book, office):
    account = open_account(lender, opened_on="2026-01-02")
    data = {"kind": "deposit", "amount": "100.00", "value_date": "2026-11-26", "idempotency_key": "k-1"}
    first, created = operations.book_movement(account, dict(data), office)
    again, created_again = operations.book_movement(account, dict(data), office)
    assert created and not created_again and again.id == first.id
    assert account.balance == D("100.00")


def test_a_correction_reverses_with_a_reason_and_only_once(today, lender, open_account, book, office):
    account = open_account(lender, opened_on="2026-01-02")
    wrong = book(account, "deposit", "1000.00", "2026-03-01")
    with pytest.raises(DomainError) as caught:
        operations.reverse_movement(account, wrong.id, {"reason": ""}, office)
    assert "reason" in caught.value.errors
    reversal, _ = operations.reverse_movement(account, wrong.id, {"reason": "Typed twice"}, office)
    assert reversal.kind == MovementKind.REVERSAL and reversal.amount == D("-1000.00")
    assert reversal.value_date == wrong.value_date and account.balance == D("0.00")
    with pytest.raises(DomainError) as caught:
        operations.reverse_movement(account, wrong.id, {"reason": "again"}, office)
    assert caught.value.code == "already_reversed"
    assert queries.statement(account, 2026).gross_interest == D("0.00")


def test_movements_are_append_only_in_the_database(today, lender, open_account, book):
    account = open_account(lender, opened_on="2026-01-02")
    movement = book(account, "deposit", "100.00", "2026-01-02")
    db.session.flush()
    for statement in (sa.text("UPDATE loan_movements SET amount = 1 WHERE id = :id"),
                      sa.text("DELETE FROM loan_movements WHERE id = :id")):
        savepoint = db.session.begin_nested()
        with pytest.raises(sa.exc.DatabaseError):
            db.session.execute(statement, {"id": movement.id})
        savepoint.rollback()
    assert db.session.scalar(sa.select(LoanMovement.amount).where(LoanMovement.id == movement.id)) == D("100.00")


def test_reconcile_finds_nothing_after_bookings_and_finds_a_tampered_balance(today, lender, open_account, book,
                                                                             office):
    account = open_account(lender, opened_on="2025-01-02")
    book(account, "deposit", "700.00", "2025-01-02")
    book(account, "withdrawal", "200.00", "2025-06-02", "2025-05-20")
    operations.run_year_end(2025, office)
    assert queries.reconcile() == []
    db.session.execute(sa.text("UPDATE loan_accounts SET balance = balance + 1 WHERE id = :id"), {"id": account.id})
    db.session.execute(sa.text("UPDATE loan_totals SET total_outstanding = total_outstanding + 2"))
    differences = queries.reconcile()
    assert [(d.account_id, d.stored - d.computed) for d in differences] == [(account.id, 1), (None, 2)]
