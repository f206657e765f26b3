"""The regulation's settings the board keeps (DOMAIN.md §6): the dated table of gross
rates per product and the equity of the last approved accounts. Both dated and audited;
a rate never changes a year whose interest was already capitalised."""
from __future__ import annotations

from datetime import date
from decimal import Decimal

import sqlalchemy as sa
from flask_babel import gettext as _

from ...core import audit, clock, inputs
from ...core.formatting import day
from ...core.inputs import InvalidInput, Problems
from ...extensions import db
from ...statute.queries import value_on
from .. import rules
from ..models import LoanEquity, LoanInterest, LoanRate, Product
from .common import parse_date, raise_problem

def product(raw, problems: Problems, field: str = "product") -> Product | None:
    value = Product.from_value(raw if isinstance(raw, str | Product) else None)
    if value is None:
        problems.add(field, _("Choose a product: free savings or term deposit."))
    return value


def percentage(raw) -> Decimal:
    """A percentage with at most two decimals ("2.00", "2,5"), never a float."""
    if isinstance(raw, float | bool):
        raise InvalidInput(_("Give a percentage such as 2,00."))
    value = inputs.amount(raw, positive=False)
    return value


def record_rate(data: dict, actor) -> LoanRate:
    """A gross annual rate for a product from a day on (API.md `POST /loans/rates`); refused
    above the tax-favoured maximum in force that day (`rate_cap`)."""
    problems = Problems()
    chosen = product(data.get("product"), problems)
    rate = problems.take("rate", percentage, data.get("rate"))
    effective_from = parse_date(data.get("effective_from"), "effective_from", problems)
    if effective_from is not None:
        closed = db.session.scalar(sa.select(sa.func.max(LoanInterest.period_end))
                                   .where(LoanInterest.at_closing.is_(False)))
        if closed is not None and effective_from <= closed:
            problems.add("effective_from", _(
                "Interest up to %(date)s was already capitalised: a new rate may start on the day "
                "after at the earliest.", date=day(closed)))
    problems.raise_if_any()
    if problem := rules.rate_problem(rate, value_on("loan_max_rate", effective_from)):
        raise_problem(problem, field="rate")
    entry = LoanRate(product=chosen, rate=rate, effective_from=effective_from, recorded_at=clock.now(),
                     recorded_by_id=getattr(actor, "id", None))
    db.session.add(entry)
    db.session.flush()
    audit.record(actor, "loan.rate", entry, summary=f"{chosen.value} {rate}% from {effective_from.isoformat()}",
                 changes={"rate": [None, rate], "effective_from": [None, effective_from]})
    return entry


def record_equity(data: dict, actor) -> LoanEquity:
    """Equity and the guaranteed share of the loans from the last approved accounts
    (API.md `POST /loans/equity`): the total of all loans may be 3 times it, or 5 times
    when at least 30% of the loans is guaranteed (Banca d'Italia, 8 Nov 2016)."""
    problems = Problems()
    amount = problems.take("amount", inputs.amount, data.get("amount"), positive=False)
    share = problems.take("guaranteed_share", percentage, data.get("guaranteed_share", "0"))
    if share is not None and not Decimal(0) <= share <= Decimal(100):
        problems.add("guaranteed_share", _("Give a percentage between 0 and 100."))
    approved_on = parse_date(data.get("accounts_approved_on"), "accounts_approved_on", problems)
    if approved_on is not None and approved_on > clock.today():
        problems.add("accounts_approved_on", _("The date %(date)s is in the future.", date=day(approved_on)))
    problems.raise_if_any()
    entry = LoanEquity(amount=amount, guaranteed_share=share, accounts_approved_on=approved_on,
                       recorded_at=clock.now(), recorded_by_id=getattr(actor, "id", None))
    db.session.add(entry)
    db.session.flush()
    audit.record(actor, "loan.equity", entry,
                 summary=f"equity {amount}, guaranteed {share}%, accounts approved {approved_on.isoformat()}",
                 changes={"amount": [None, amount], "guaranteed_share": [None, share],
                          "accounts_approved_on": [None, approved_on]})
    return entry


def rate_history() -> list[LoanRate]:
    return list(db.session.scalars(sa.select(LoanRate).order_by(
        LoanRate.product, LoanRate.effective_from.desc(), LoanRate.id.desc())))


def equity_history() -> list[LoanEquity]:
    return list(db.session.scalars(sa.select(LoanEquity).order_by(
        LoanEquity.accounts_approved_on.desc(), LoanEquity.id.desc())))


def rate_on(chosen: Product, on: date) -> Decimal | None:
    from .common import rate_timeline
    return rules.rate_in_force(rate_timeline(chosen), on)
