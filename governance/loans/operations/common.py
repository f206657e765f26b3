"""What the social-loan use cases share: row locks in one order, the regulation's
settings in force on a day, and the words of each broken rule (the figures named)."""
from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from flask_babel import gettext as _

from ...core import inputs
from ...core.errors import Conflict, DomainError, NotFound
from ...core.formatting import day, days, money, percent
from ...core.inputs import Problems
from ...extensions import db
from ...members.models import Member
from ...statute.queries import value_on
from .. import rules
from ..models import TOTALS_ROW_ID, AccountStatus, LoanAccount, LoanEquity, LoanRate, LoanTotals, Product


# --- locks: always member -> account -> totals, so two use cases never wait on each other
# in a circle (PostgreSQL: SELECT ... FOR UPDATE; SQLite serialises writers anyway).

def lock_member(member_id: int) -> None:
    db.session.execute(sa.select(Member.id).where(Member.id == member_id).with_for_update())


def lock_account(account: LoanAccount) -> None:
    """Re-read the account with its row locked: the balance seen is the committed one."""
    db.session.flush()
    db.session.refresh(account, with_for_update=True)


def locked_total_outstanding() -> Decimal:
    """The total outstanding, its row locked until the end of the transaction."""
    return db.session.scalar(sa.select(LoanTotals.total_outstanding)
                             .where(LoanTotals.id == TOTALS_ROW_ID).with_for_update())


def add_to_total(delta: Decimal) -> None:
    """One atomic UPDATE: no read-modify-write, so no lost update on the total. Rounded to
    the cent in SQL: SQLite adds NUMERIC columns as binary floats (0.01 + 2.00 - 2.00 - 0.01
    is -1.7e-18 there, which the CHECK constraint refuses); PostgreSQL's sum is exact."""
    if delta:
        db.session.execute(sa.update(LoanTotals).where(LoanTotals.id == TOTALS_ROW_ID)
                           .values(total_outstanding=sa.func.round(LoanTotals.total_outstanding + delta, 2)))


def ensure_open(account: LoanAccount) -> None:
    if account.status != AccountStatus.OPEN:
        raise Conflict("loan_closed", _("Account %(id)d was closed on %(date)s: nothing more can be "
                                        "booked on it.", id=account.id, date=day(account.closed_on)))


def get_account(account_id: int) -> LoanAccount:
    account = db.session.get(LoanAccount, account_id)
    if account is None:
        raise NotFound(_("There is no social-loan account %(id)d.", id=account_id))
    return account


# --- the regulation in force --------------------------------------------------------------

def rate_timeline(product: Product) -> list[tuple[date, Decimal]]:
    """(effective_from, rate) of a product, oldest first; on the same day the later entry wins."""
    rows = db.session.execute(sa.select(LoanRate.effective_from, LoanRate.rate)
                              .where(LoanRate.product == product)
                              .order_by(LoanRate.effective_from, LoanRate.id)).all()
    timeline: dict[date, Decimal] = {}
    for effective_from, rate in rows:
        timeline[effective_from] = rate
    return sorted(timeline.items())


def all_rate_timelines() -> dict[Product, list[tuple[date, Decimal]]]:
    return {product: rate_timeline(product) for product in Product}


def equity_in_force() -> LoanEquity | None:
    """The equity of the last approved accounts (the latest approval; then the latest entry)."""
    return db.session.scalar(sa.select(LoanEquity).order_by(
        LoanEquity.accounts_approved_on.desc(), LoanEquity.id.desc()).limit(1))


def max_total_on(on: date, equity: LoanEquity | None = None) -> tuple[Decimal, int]:
    """The allowed total of all loans on a day and the multiple of equity it is."""
    equity = equity if equity is not None else equity_in_force()
    amount = equity.amount if equity else Decimal("0.00")
    guaranteed = equity.guaranteed_share if equity else Decimal("0.00")
    threshold = value_on("loan_guarantee_threshold_percent", on)
    multiple = value_on("loan_equity_multiple_guaranteed", on) if guaranteed >= threshold \
        else value_on("loan_equity_multiple", on)
    maximum = rules.max_total_outstanding(amount, guaranteed, threshold,
                                          value_on("loan_equity_multiple", on),
                                          value_on("loan_equity_multiple_guaranteed", on))
    return maximum, multiple


# --- input --------------------------------------------------------------------------------

def parse_date(raw: Any, field: str, problems: Problems, *, required: bool = True) -> date | None:
    return problems.take(field, inputs.day, raw, required=required)


def idempotency_key(raw: Any, problems: Problems) -> str | None:
    return problems.take("idempotency_key", inputs.text, raw, max_length=100)


# --- a broken rule in words, with its figures (API.md: "a detail that names the figures") ----

def raise_problem(problem: rules.Problem, *, field: str, context: dict | None = None) -> None:
    figures, context = problem.figures, context or {}
    code = problem.code
    if code == "validation":
        if figures.get("field") == "rate":
            message = _("Give the rate as a percentage of at least zero with at most two decimals "
                        "(2,00).")
        else:
            message = _("Give an amount above zero with at most two decimals.")
    elif code == "loan_member_cap":
        message = _("The deposit would bring the loans of member n. %(n)d to %(after)s, over the "
                    "per-member cap of %(cap)s by %(excess)s.", n=context.get("number", 0),
                    after=money(figures["balance_after"]), cap=money(figures["cap"]),
                    excess=money(figures["excess"]))
    elif code == "loan_total_cap":
        message = _("The deposit would bring all social loans to %(after)s, over the allowed maximum "
                    "of %(cap)s (%(multiple)d times the equity of %(equity)s) by %(excess)s.",
                    after=money(figures["balance_after"]), cap=money(figures["cap"]),
                    multiple=context.get("multiple", 0), equity=money(context.get("equity")),
                    excess=money(figures["excess"]))
    elif code == "loan_notice":
        message = _("With %(notice)s of notice, a withdrawal requested on %(requested)s may be valued "
                    "on %(earliest)s at the earliest.", notice=days(figures["notice_days"]),
                    requested=day(context.get("requested_on")),
                    earliest=day(figures["earliest_value_date"]))
    elif code == "loan_insufficient_balance":
        message = _("At most %(available)s may be withdrawn with value date %(date)s: %(amount)s is "
                    "%(shortfall)s too much.", available=money(figures["available"]),
                    date=day(context.get("value_date")), amount=money(figures["amount"]),
                    shortfall=money(figures["shortfall"]))
    elif code == "loan_term":
        message = _("A term deposit cannot be withdrawn before it matures on %(date)s.",
                    date=day(figures["matures_on"]))
    elif code == "rate_cap":
        message = _("A gross rate of %(rate)s is above the maximum of %(max)s that keeps the tax "
                    "benefits (art. 13 DPR 601/1973).", rate=percent(figures["rate"]),
                    max=percent(figures["max_rate"]))
    else:  # pragma: no cover - every code of rules.py is worded above
        message = code
    raise DomainError(code, message, field=field)
