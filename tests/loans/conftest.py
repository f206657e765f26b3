"""Social-loan fixtures: a regulation in force (rates and equity), a lender admitted long
ago, and helpers that book through the real operations."""
from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest


from governance.loans import operations
from tests import factories

IBAN = "IT60X0542811101000000123456"


@pytest.fixture
def board(user_factory):
    return user_factory(roles=["board"])


@pytest.fixture
def office(user_factory):
    return user_factory(roles=["secretary"])


@pytest.fixture
def regulation(board):
    """2.00% on both products from 2020, equity of 1,000,000.00 (3x: 3,000,000.00)."""
    operations.record_rate({"product": "free", "rate": "2.00", "effective_from": "2020-01-01"}, board)
    operations.record_rate({"product": "term", "rate": "3.00", "effective_from": "2020-01-01"}, board)
    operations.record_equity({"amount": "1000000.00", "guaranteed_share": "0",
                              "accounts_approved_on": "2020-04-30"}, board)


@pytest.fixture
def lender():
    return factories.MemberFactory(admitted_on=date(2019, 1, 10))


@pytest.fixture
def open_account(office, regulation):
    def _open(member, product="free", opened_on="2025-01-01", **extra):
        return operations.open_account(member, {"product": product, "opened_on": opened_on, "iban": IBAN,
                                                **extra}, office)
    return _open


@pytest.fixture
def book(office):
    def _book(account, kind, amount, value_date, requested_on=None, **extra):
        data = {"kind": kind, "amount": amount, "value_date": value_date, **extra}
        if requested_on:
            data["requested_on"] = requested_on
        movement, _created = operations.book_movement(account, data, office)
        return movement
    return _book


D = Decimal
