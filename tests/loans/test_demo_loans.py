"""The demo's social loans: a dozen accounts with two years of movements, a rate change,
last year's interest capitalised, one lender near the per-member cap, and a ledger that
reconciles."""
from __future__ import annotations

from datetime import date
from decimal import Decimal

import sqlalchemy as sa

from governance import demo
from governance.extensions import db
from governance.loans import queries
from governance.loans.models import LoanAccount, LoanInterest, LoanMovement, LoanRate, Product


def test_demo_loans(_db, today):
    demo.seed_demo(if_empty=True, echo=lambda line: None)
    accounts = db.session.scalars(sa.select(LoanAccount)).all()
    assert len(accounts) == 12
    first_value_dates = db.session.scalar(sa.select(sa.func.min(LoanMovement.value_date)))
    assert first_value_dates.year == today.year - 2
    free_rates = db.session.scalars(sa.select(LoanRate.rate).where(LoanRate.product == Product.FREE)).all()
    assert len(set(free_rates)) >= 2  # a rate change
    assert db.session.scalar(sa.select(sa.func.count()).select_from(LoanInterest)
                             .where(LoanInterest.year == today.year - 1)) == 12
    top = queries.cap_use(today)[0]
    assert top.percent >= Decimal("95") and top.balance <= top.cap
    assert queries.reconcile() == []
    assert any(a.member.email and a.member_id == u for a in accounts
               for u in [db.session.scalar(sa.text("select member_id from users where email='socio@demo.coop'"))])
    assert date(today.year - 1, 12, 31) in {i.period_end for i in db.session.scalars(sa.select(LoanInterest))}
