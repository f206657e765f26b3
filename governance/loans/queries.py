"""Reading social loans: accounts, statements, the board's summary, exports and the
reconciliation of every balance with its movements. Used by views, API, PDFs and CLI."""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.orm import joinedload

from ..core import clock
from ..extensions import db
from ..members.models import Member
from ..statute.queries import value_on
from . import rules
from .models import (TOTALS_ROW_ID, AccountStatus, LoanAccount, LoanInterest, LoanMovement,
                     LoanTotals, Product)
from .operations.common import all_rate_timelines, equity_in_force, max_total_on

ZERO = Decimal("0.00")


def accounts_query(member_number: int | None = None, member_id: int | None = None) -> sa.Select:
    query = sa.select(LoanAccount).join(Member, Member.id == LoanAccount.member_id) \
        .options(joinedload(LoanAccount.member, innerjoin=True)).order_by(LoanAccount.id)
    if member_number is not None:
        query = query.where(Member.number == member_number)
    if member_id is not None:
        query = query.where(LoanAccount.member_id == member_id)
    return query


def accounts_of(member_id: int) -> list[LoanAccount]:
    return list(db.session.scalars(accounts_query(member_id=member_id)))


def movements_of(account: LoanAccount, year: int | None = None) -> list[LoanMovement]:
    query = sa.select(LoanMovement).where(LoanMovement.account_id == account.id) \
        .order_by(LoanMovement.value_date, LoanMovement.id)
    if year is not None:
        query = query.where(LoanMovement.value_date.between(date(year, 1, 1), date(year, 12, 31)))
    return list(db.session.scalars(query))


def reversed_ids(account: LoanAccount) -> set[int]:
    return set(db.session.scalars(sa.select(LoanMovement.reverses_id).where(
        LoanMovement.account_id == account.id, LoanMovement.reverses_id.is_not(None))))


def rule_moves(account_id: int) -> list[rules.Movement]:
    return [rules.Movement(*row) for row in db.session.execute(
        sa.select(LoanMovement.value_date, LoanMovement.amount, LoanMovement.earns_from)
        .where(LoanMovement.account_id == account_id))]


def balance_today(account: LoanAccount, today: date | None = None) -> Decimal:
    """The balance at the end of today (movements valued later are not in it yet)."""
    return rules.balance_on(ZERO, rule_moves(account.id), today or clock.today())


# --- the annual statement (DOMAIN.md §6) ---------------------------------------------------------

@dataclass
class Statement:
    account: LoanAccount
    year: int
    opening_balance: Decimal
    movements: list[LoanMovement]
    gross_interest: Decimal
    withholding: Decimal
    net_interest: Decimal
    closing_balance: Decimal
    final: bool           # the year's interest is booked (year-end run or closing)
    interest_to: date     # the last day the interest counts


def statement(account: LoanAccount, year: int) -> Statement:
    """Opening balance, the year's movements, gross interest, withholding, net and the
    closing balance. Before the year's interest is booked, the figures are what the
    year-end run would book on the balances known today (final = False)."""
    moves = movements_of(account)
    rule_list = [m.as_rule for m in moves]
    opening = rules.balance_on(ZERO, rule_list, date(year - 1, 12, 31))
    in_year = [m for m in moves if m.value_date.year == year]
    booked = db.session.scalar(sa.select(LoanInterest).where(LoanInterest.account_id == account.id,
                                                             LoanInterest.year == year))
    if booked is not None:
        return Statement(account, year, opening, in_year, booked.gross, booked.withholding, booked.net,
                         opening + sum((m.amount for m in in_year), ZERO), True, booked.period_end)
    end = date(year, 12, 31)
    figures = rules.year_interest(ZERO, rule_list, all_rate_timelines()[account.product], year,
                                  value_on("loan_withholding_percent", end))
    closing = opening + sum((m.amount for m in in_year), ZERO) + figures.net
    return Statement(account, year, opening, in_year, figures.gross, figures.withholding, figures.net,
                     closing, False, end)


def statement_years(account: LoanAccount) -> list[int]:
    last = account.closed_on.year if account.closed_on else clock.today().year
    return list(range(last, account.opened_on.year - 1, -1))


def timeline(account: LoanAccount, today: date | None = None) -> list[tuple[date, Decimal]]:
    """Points of the balance chart, from the opening to today (or the closing)."""
    today = today or clock.today()
    end = account.closed_on or max(today, account.opened_on)
    return rules.balance_timeline(ZERO, rule_moves(account.id), account.opened_on, end)


# --- the board's view --------------------------------------------------------------------------

def total_outstanding() -> Decimal:
    return db.session.scalar(sa.select(LoanTotals.total_outstanding).where(LoanTotals.id == TOTALS_ROW_ID))


@dataclass
class Summary:
    total_outstanding: Decimal
    equity: Decimal | None
    guaranteed_share: Decimal | None
    accounts_approved_on: date | None
    max_multiple: int
    max_total: Decimal
    ratio: Decimal | None
    percent_of_max: Decimal | None
    headroom: Decimal
    warning: bool
    open_accounts: int
    lenders: int


def summary(today: date | None = None) -> Summary:
    today = today or clock.today()
    equity = equity_in_force()
    max_total, multiple = max_total_on(today, equity)
    total = total_outstanding()
    ratio = rules.equity_ratio(total, equity.amount if equity else ZERO, max_total)
    open_accounts, lenders = db.session.execute(
        sa.select(sa.func.count(LoanAccount.id), sa.func.count(sa.distinct(LoanAccount.member_id)))
        .where(LoanAccount.status == AccountStatus.OPEN)).one()
    return Summary(total, equity.amount if equity else None, equity.guaranteed_share if equity else None,
                   equity.accounts_approved_on if equity else None, multiple, max_total, ratio.ratio,
                   ratio.percent_of_max, ratio.headroom, ratio.warning, open_accounts, lenders)


@dataclass
class CapUse:
    number: int
    name: str
    balance: Decimal
    cap: Decimal
    percent: Decimal


def cap_use(today: date | None = None, limit: int = 50) -> list[CapUse]:
    """The lenders closest to the per-member cap, highest balance first: balances summed
    per member id first (a narrow aggregate), names read for the top ones only."""
    today = today or clock.today()
    cap = value_on("loan_member_cap", today)
    balance = sa.func.sum(LoanAccount.balance).label("balance")
    top = sa.select(LoanAccount.member_id, balance).where(LoanAccount.status == AccountStatus.OPEN) \
        .group_by(LoanAccount.member_id).having(sa.func.sum(LoanAccount.balance) > 0) \
        .order_by(balance.desc(), LoanAccount.member_id).limit(limit).subquery()
    rows = db.session.execute(
        sa.select(Member.number, Member.last_name, Member.first_name, top.c.balance)
        .join(top, top.c.member_id == Member.id).order_by(top.c.balance.desc(), Member.id))
    return [CapUse(number, f"{last} {first}".strip(), amount, cap,
                   (amount * 100 / cap).quantize(Decimal("0.01")) if cap else Decimal("0.00"))
            for number, last, first, amount in rows]


def maturities(today: date | None = None, limit: int = 50) -> list[LoanAccount]:
    today = today or clock.today()
    return list(db.session.scalars(
        sa.select(LoanAccount).options(joinedload(LoanAccount.member, innerjoin=True))
        .where(LoanAccount.status == AccountStatus.OPEN, LoanAccount.product == Product.TERM,
               LoanAccount.matures_on >= today).order_by(LoanAccount.matures_on, LoanAccount.id).limit(limit)))


def years_without_year_end(today: date | None = None) -> list[int]:
    """[last year] when an open account still has no interest booked for it (the year-end
    run books any earlier missing year first, so last year is the one to watch)."""
    today = today or clock.today()
    last = today.year - 1
    booked = sa.select(LoanInterest.id).where(LoanInterest.account_id == LoanAccount.id, LoanInterest.year == last)
    missing = db.session.scalar(sa.select(LoanAccount.id).where(
        LoanAccount.status == AccountStatus.OPEN, LoanAccount.opened_on <= date(last, 12, 31),
        ~sa.exists(booked)).limit(1))
    return [last] if missing is not None else []


# --- exports -----------------------------------------------------------------------------------

def movement_rows(year: int | None = None):
    """Every movement for accounting, in booking order."""
    query = sa.select(LoanMovement.id, LoanMovement.account_id, Member.number, Member.last_name,
                      Member.first_name, LoanAccount.product, LoanMovement.kind, LoanMovement.booked_on,
                      LoanMovement.value_date, LoanMovement.amount, LoanMovement.reverses_id,
                      LoanMovement.reason) \
        .join(LoanAccount, LoanAccount.id == LoanMovement.account_id) \
        .join(Member, Member.id == LoanAccount.member_id).order_by(LoanMovement.id)
    if year is not None:
        query = query.where(LoanMovement.value_date.between(date(year, 1, 1), date(year, 12, 31)))
    return db.session.execute(query.execution_options(yield_per=1000))


def withholding_rows(year: int):
    """The withholding-tax return: gross, withheld and net per member for a year."""
    return db.session.execute(
        sa.select(Member.number, Member.last_name, Member.first_name, Member.tax_code,
                  sa.func.sum(LoanInterest.gross), sa.func.sum(LoanInterest.withholding),
                  sa.func.sum(LoanInterest.net))
        .join(LoanAccount, LoanAccount.id == LoanInterest.account_id)
        .join(Member, Member.id == LoanAccount.member_id).where(LoanInterest.year == year)
        .group_by(Member.number, Member.last_name, Member.first_name, Member.tax_code)
        .order_by(Member.number)).all()


# --- reconciliation ------------------------------------------------------------------------------

@dataclass
class Difference:
    account_id: int | None    # None: the total outstanding
    stored: Decimal
    computed: Decimal


def reconcile() -> list[Difference]:
    """Recompute every balance from its movements, and the total from the balances;
    any difference is a fault (there must be none)."""
    sums = defaultdict(lambda: ZERO, db.session.execute(
        sa.select(LoanMovement.account_id, sa.func.sum(LoanMovement.amount)).group_by(LoanMovement.account_id)).all())
    differences = []
    total = ZERO
    for account_id, stored in db.session.execute(sa.select(LoanAccount.id, LoanAccount.balance)
                                                 .order_by(LoanAccount.id)):
        computed = Decimal(sums.get(account_id, ZERO))
        total += computed
        if computed != stored:
            differences.append(Difference(account_id, stored, computed))
    stored_total = total_outstanding()
    if stored_total != total:
        differences.append(Difference(None, stored_total, total))
    return differences
