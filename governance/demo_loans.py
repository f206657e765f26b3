"""The demo's social loans (API.md Bootstrap: "loans"): the regulation (rates for both
products with a rate change last July, the equity of the last approved accounts), a
dozen accounts with two years of movements, the year ends of the two past years
capitalised, and one lender close to the per-member cap. Everything goes through the
loans operations, each step on its own day (the clock is moved to it), so booking
dates, audit entries and the statements emails read as they would have."""
from __future__ import annotations

import random
from datetime import date, datetime, time, timedelta
from decimal import Decimal

import sqlalchemy as sa

from .auth.models import User
from .core import clock
from .core.errors import DomainError
from .extensions import db
from .loans import operations
from .members.models import Member, MemberStatus

SEED = 2016  # Banca d'Italia's rules on social loans
ACCOUNTS = 12
DEMO_IBANS = ("IT26A0503401633000000123456", "IT70A0503401633000000654321", "IT10A0503401633000004455667",
              "IT90A0503401633000007788990", "IT06A0503401633000001122334", "IT35A0503401633000009988776")


def _at(day: date):
    return clock.frozen(datetime.combine(day, time(10, 0), tzinfo=clock.ROME))


def _lenders(members: list[Member], first_day: date) -> list[Member]:
    """Active members with the seniority on the first day; the demo member login first."""
    eligible = [m for m in members if m.status == MemberStatus.ACTIVE and m.admitted_on <= first_day - timedelta(days=120)
                and m.category.value != "legal_person"]
    demo_user = db.session.scalar(sa.select(User).where(User.email == "socio@demo.coop"))
    mine = demo_user.member if demo_user is not None else None
    chosen = [mine] if mine in eligible else []
    chosen += [m for m in eligible if m is not mine][: ACCOUNTS - len(chosen)]
    return chosen


def seed(today: date, admin, members: list[Member]) -> list:
    rng = random.Random(SEED)
    two_years_ago, last_year = today.year - 2, today.year - 1
    start = date(two_years_ago, 1, 10)
    lenders = _lenders(members, start)
    with _at(date(two_years_ago, 1, 5)):
        operations.record_rate({"product": "free", "rate": "1.50", "effective_from": date(two_years_ago, 1, 1)}, admin)
        operations.record_rate({"product": "term", "rate": "2.50", "effective_from": date(two_years_ago, 1, 1)}, admin)
        operations.record_equity({"amount": "420000.00", "guaranteed_share": "0.00",
                                  "accounts_approved_on": date(two_years_ago - 1, 4, 28)}, admin)
    accounts = []
    for index, member in enumerate(lenders):
        opened_on = start + timedelta(days=index * 9)
        term = index % 4 == 3
        with _at(opened_on):
            account = operations.open_account(member, {
                "product": "term" if term else "free", "term_months": 36 if term else None,
                "opened_on": opened_on, "iban": DEMO_IBANS[index % len(DEMO_IBANS)]}, admin)
            first = Decimal("42500.00") if index == 1 else Decimal(rng.randrange(20, 180) * 100)
            operations.book_movement(account, {"kind": "deposit", "amount": first, "value_date": opened_on}, admin)
        accounts.append(account)

    def movements_of_year(year: int, until: date) -> None:
        events = []
        for index, account in enumerate(accounts):
            if index == 1 or account.product.value == "term":
                continue  # the lender near the cap and term deposits stay as they are
            for _ in range(rng.randint(1, 3)):
                day = date(year, rng.randint(2, 11), rng.randint(1, 28))
                if account.opened_on < day < until:
                    events.append((day, account.id, account, rng.random() < 0.6, rng.randrange(5, 40) * 100))
        for day, _id, account, deposit, hundreds in sorted(events, key=lambda e: e[:2]):
            with _at(day):
                try:
                    if deposit:
                        operations.book_movement(account, {"kind": "deposit", "value_date": day,
                                                           "amount": Decimal(hundreds)}, admin)
                    else:
                        operations.book_movement(account, {
                            "kind": "withdrawal", "amount": min(Decimal(hundreds), account.balance),
                            "requested_on": day, "value_date": day + timedelta(days=2)}, admin)
                except DomainError:  # a withdrawal the rules refuse is simply not made
                    pass

    movements_of_year(two_years_ago, today)
    with _at(date(last_year, 1, 15)):
        operations.run_year_end(two_years_ago, admin)
    with _at(date(last_year, 6, 10)):  # the assembly raised the rates from 1 July
        operations.record_rate({"product": "free", "rate": "2.00", "effective_from": date(last_year, 7, 1)}, admin)
        operations.record_rate({"product": "term", "rate": "3.00", "effective_from": date(last_year, 7, 1)}, admin)
    movements_of_year(last_year, today)
    with _at(date(today.year, 1, 15) if today >= date(today.year, 1, 15) else today):
        operations.run_year_end(last_year, admin)
    with _at(date(today.year, 4, 29) if today >= date(today.year, 4, 29) else today):
        operations.record_equity({"amount": "450000.00", "guaranteed_share": "0.00",
                                  "accounts_approved_on": min(date(today.year, 4, 29), today)}, admin)
    movements_of_year(today.year, today - timedelta(days=3))
    db.session.flush()
    return accounts
