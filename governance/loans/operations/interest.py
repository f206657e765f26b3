"""Interest (DOMAIN.md §6): the year-end run that capitalises each account's gross
interest and books the withholding, and the closing of accounts (a member's exit).

The run is idempotent and resumable: a year's interest is booked once per account
(UNIQUE account + year), accounts are taken in batches that each commit when the caller
commits them (the CLI after every batch), and a run started again books only what is
missing. Accounts with an earlier year not yet capitalised get it first, in order,
because each year's net interest earns from the next 1 January."""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from fractions import Fraction
from typing import Callable

import sqlalchemy as sa
from flask_babel import gettext as _

from ...core import audit, bulk, clock
from ...core.errors import DomainError
from ...extensions import db
from ...statute.queries import value_on
from .. import notifications, rules
from ..models import AccountStatus, LoanAccount, LoanInterest, LoanMovement, MovementKind
from .common import add_to_total, all_rate_timelines, lock_account, lock_member

ONE_DAY = timedelta(days=1)
BATCH_SIZE = 500


@dataclass
class YearEndResult:
    year: int
    accounts: int = 0          # accounts whose year was booked now
    earlier_years: int = 0     # earlier years booked first (catch-up)
    gross: Decimal = Decimal("0.00")
    withholding: Decimal = Decimal("0.00")
    net: Decimal = Decimal("0.00")
    exits_closed: int = 0
    batches: int = 0


@dataclass
class Booked:
    """One year's interest of one account, ready to insert (Core rows, no ORM objects:
    the year end books thousands at once)."""
    interest: dict
    lines: list[dict]

    @property
    def net(self) -> Decimal:
        return self.interest["net"]


class _Withholding:
    """The withholding percentage in force on each period end, read once per run."""

    def __init__(self):
        self.cache: dict[date, Decimal] = {}

    def __call__(self, on: date) -> Decimal:
        if on not in self.cache:
            self.cache[on] = value_on("loan_withholding_percent", on)
        return self.cache[on]


def _interest_rows(account_id: int, years: list[int], moves: list[rules.Movement], rates, actor, *,
                   closing_on: date | None = None, withholding: _Withholding | None = None) -> list[Booked]:
    """Each listed year (to 31 December, or to `closing_on` for the last one when
    closing): its interest row and movement rows; `moves` grows with them, so a later
    year earns on the earlier year's net from 1 January."""
    out = []
    withholding = withholding or _Withholding()
    for year in years:
        at_closing = closing_on is not None and year == closing_on.year
        period_end = closing_on if at_closing else date(year, 12, 31)
        unrounded = rules.unrounded_interest(Decimal(0), moves, rates, date(year, 1, 1), period_end)
        booked = _booked(account_id, year, period_end, unrounded, withholding, actor, at_closing=at_closing)
        moves.extend(rules.Movement(line["value_date"], line["amount"], line["earns_from"]) for line in booked.lines)
        out.append(booked)
    return out


def _booked(account_id: int, year: int, period_end: date, unrounded: Fraction, withholding: _Withholding,
            actor, *, at_closing: bool = False) -> Booked:
    """The interest row and movement rows of one account's period, from its unrounded
    interest rounded as DOMAIN.md §6 says (rules.rounded_interest)."""
    now, today, actor_id = clock.now(), clock.today(), getattr(actor, "id", None)
    figures = rules.rounded_interest(unrounded, withholding(period_end))
    interest = {"account_id": account_id, "year": year, "period_end": period_end, "gross": figures.gross,
                "withholding": figures.withholding, "net": figures.net, "at_closing": at_closing,
                "booked_at": now, "booked_by_id": actor_id}
    lines = []
    earns_from = period_end + ONE_DAY
    for kind, amount in ((MovementKind.INTEREST, figures.gross),
                         (MovementKind.WITHHOLDING, -figures.withholding)):
        if amount:
            lines.append({"account_id": account_id, "kind": kind, "amount": amount, "booked_on": today,
                          "value_date": period_end, "earns_from": earns_from,
                          "recorded_by_id": actor_id, "created_at": now})
    return Booked(interest, lines)


def _rate_sums(year: int, rates: dict) -> tuple[list[str], list[date], list[Decimal]]:
    """For each product and each day D of the year: the sum of the rates in force
    (rules.rate_in_force, 0 before the first) from D to 31 December. A movement earning
    from D (or before 1 January: from 1 January) earns amount x that sum / (100 x days
    in the year) over the year: the rule's daily sum, regrouped by movement."""
    start, end = date(year, 1, 1), date(year, 12, 31)
    products, days, sums = [], [], []
    for product, timeline in rates.items():
        running, day = Decimal(0), end
        while day >= start:
            running += rules.rate_in_force(timeline, day) or Decimal(0)
            products.append(getattr(product, "value", product))
            days.append(day)
            sums.append(running)
            day -= ONE_DAY
    return products, days, sums


def _year_interest_in_sql(year: int, account_ids: list[int], rate_sums) -> dict[int, Fraction]:
    """PostgreSQL: each account's unrounded interest of the whole year, summed in the
    database over its movements (numeric arithmetic is exact) instead of reading every
    movement into Python. The same Fraction as rules.unrounded_interest from 1 January
    to 31 December with no opening balance (tests/loans/test_year_end_sql.py), since the
    daily balance is the sum of the movements earning by then and the rule is linear in
    them. An account without a movement earning in the year is missing (0)."""
    products, days, sums = rate_sums
    start, end = date(year, 1, 1), date(year, 12, 31)
    year_days = (end - start).days + 1
    rows = db.session.execute(sa.text(
        "SELECT m.account_id, sum(m.amount * r.rate_sum) "
        "FROM loan_movements m JOIN loan_accounts a ON a.id = m.account_id "
        "JOIN unnest(CAST(:products AS varchar[]), CAST(:days AS date[]), CAST(:sums AS numeric[])) "
        "AS r(product, day, rate_sum) ON r.product = a.product AND r.day = greatest(m.earns_from, :start) "
        "WHERE m.account_id = ANY(CAST(:ids AS integer[])) AND m.earns_from <= :end "
        "GROUP BY m.account_id"),
        {"products": products, "days": days, "sums": sums, "start": start, "end": end, "ids": account_ids})
    return {account_id: Fraction(total) / (100 * year_days) for account_id, total in rows}


def _missing_years(opened_on: date, booked: set[int], up_to: int) -> list[int]:
    return [y for y in range(opened_on.year, up_to + 1) if y not in booked]


def _book(entries: list[tuple[int, list[Booked]]]) -> Decimal:
    """Insert the interest rows and movements in bulk (COPY on PostgreSQL), add each account's
    net to its balance (one atomic UPDATE per account, in one executemany) and the sum
    to the total. Returns that sum."""
    interest_rows, movement_rows, balances, added = [], [], [], Decimal("0.00")
    for account_id, booked in entries:
        net = sum((b.net for b in booked), Decimal("0.00"))
        for b in booked:
            interest_rows.append(b.interest)
            movement_rows.extend(b.lines)
        if net:
            balances.append({"account": account_id, "net": net})
        added += net
    # COPY on PostgreSQL (core.bulk), and the balances recomputed from the ledger in one
    # UPDATE: the sum of the movements is what a balance is (reconcile checks the same).
    bulk.insert_rows(LoanInterest.__table__, interest_rows)
    bulk.insert_rows(LoanMovement.__table__, movement_rows)
    if balances:
        accounts = LoanAccount.__table__
        ledger_sum = sa.select(sa.func.round(sa.func.coalesce(sa.func.sum(LoanMovement.amount), 0), 2)) \
            .where(LoanMovement.account_id == accounts.c.id).scalar_subquery()
        db.session.execute(sa.update(accounts).where(accounts.c.id.in_([b["account"] for b in balances]))
                           .values(balance=ledger_sum))
    add_to_total(added)
    ids = {account_id for account_id, _ in entries}
    for obj in list(db.session.identity_map.values()):  # loaded accounts read the new balance
        if isinstance(obj, LoanAccount) and obj.id in ids:
            db.session.expire(obj, ["balance"])
    return added


def _check_year(year: int) -> None:
    today = clock.today()
    if not 1994 <= year <= today.year or (year == today.year and today < date(year, 12, 31)):
        raise DomainError("validation", _(
            "The interest of %(year)d can be capitalised from 31 December %(year)d.", year=year),
            field="year")


def run_year_end(year: int, actor, *, batch_size: int = BATCH_SIZE,
                 after_batch: Callable[[], None] | None = None) -> YearEndResult:
    """Capitalise the year's interest on every account that was open in it (API.md
    `POST /loans/year-end`). A second run books nothing; `after_batch` (the CLI: commit)
    runs after each batch, so an interrupted run keeps what it did and resumes there."""
    _check_year(year)
    result = YearEndResult(year)
    result.exits_closed = close_pending_exits(actor)
    year_end = date(year, 12, 31)
    rates = all_rate_timelines()
    locales = notifications.member_locales()
    withholding = _Withholding()
    in_sql = db.session.get_bind().dialect.name == "postgresql"
    rate_sums = _rate_sums(year, rates) if in_sql else None
    last_id = 0
    while True:
        booked_for_year = sa.select(LoanInterest.id).where(LoanInterest.account_id == LoanAccount.id,
                                                           LoanInterest.year == year)
        accounts = db.session.execute(
            sa.select(LoanAccount.id, LoanAccount.member_id, LoanAccount.product, LoanAccount.opened_on)
            .where(LoanAccount.id > last_id, LoanAccount.status == AccountStatus.OPEN,
                   LoanAccount.opened_on <= year_end, ~sa.exists(booked_for_year))
            .order_by(LoanAccount.id).limit(batch_size)
            .with_for_update(skip_locked=True, of=LoanAccount)).all()
        if not accounts:
            break
        last_id = accounts[-1].id
        ids = [a.id for a in accounts]
        booked: dict[int, set[int]] = defaultdict(set)
        for account_id, booked_year in db.session.execute(
                sa.select(LoanInterest.account_id, LoanInterest.year).where(LoanInterest.account_id.in_(ids))):
            booked[account_id].add(booked_year)
        missing = {a.id: _missing_years(a.opened_on, booked[a.id], year) for a in accounts}
        # Only this year missing (nearly every account): summed in SQL on PostgreSQL. Earlier
        # years to catch up first: each year's net earns in the next, so the pure rule, year by year.
        whole_year = [i for i in ids if missing[i] == [year]] if in_sql else []
        unrounded = _year_interest_in_sql(year, whole_year, rate_sums) if whole_year else {}
        by_rule = [i for i in ids if not in_sql or missing[i] != [year]]
        moves: dict[int, list[rules.Movement]] = defaultdict(list)
        if by_rule:
            for account_id, value_date, amount, earns_from in db.session.execute(
                    sa.select(LoanMovement.account_id, LoanMovement.value_date, LoanMovement.amount,
                              LoanMovement.earns_from).where(LoanMovement.account_id.in_(by_rule))):
                moves[account_id].append(rules.Movement(value_date, amount, earns_from))
        whole_year = set(whole_year)
        entries, ready = [], []
        for account in accounts:
            years = missing[account.id]
            if account.id in whole_year:
                rows = [_booked(account.id, year, year_end, unrounded.get(account.id, Fraction(0)), withholding,
                                actor)]
            else:
                rows = _interest_rows(account.id, years, moves[account.id], rates[account.product], actor,
                                      withholding=withholding)
            entries.append((account.id, rows))
            this_year = rows[-1].interest
            ready.append((account.id, account.member_id, this_year))
            result.accounts += 1
            result.earlier_years += len(years) - 1
            result.gross += this_year["gross"]
            result.withholding += this_year["withholding"]
            result.net += this_year["net"]
        _book(entries)
        notifications.statements_ready(year, ready, locales)
        result.batches += 1
        audit.record(actor, "loan.year_end", object_type="loan_year", object_id=year,
                     summary=f"{year}: batch {result.batches}, {len(accounts)} accounts",
                     changes={"accounts": [None, len(accounts)]})
        db.session.flush()
        if after_batch is not None:
            after_batch()
    return result


# --- closing ---------------------------------------------------------------------------------

def close_account(account: LoanAccount, closed_on: date, actor, *, cause: str = "exit") -> LoanMovement | None:
    """Close an account: earlier years capitalised, interest from 1 January to the
    closing day rounded then (DOMAIN.md §6), and a closing repayment of the whole balance
    to the IBAN on file. The closing day is never before a value date on the ledger."""
    lock_member(account.member_id)
    lock_account(account)
    if account.status != AccountStatus.OPEN:
        return None
    moves = [m.as_rule for m in db.session.scalars(
        sa.select(LoanMovement).where(LoanMovement.account_id == account.id))]
    booked = set(db.session.scalars(sa.select(LoanInterest.year).where(LoanInterest.account_id == account.id)))
    closed_on = max([closed_on, account.opened_on, *(m.value_date for m in moves)])
    rates = all_rate_timelines()[account.product]
    years = _missing_years(account.opened_on, booked, closed_on.year)
    rows = _interest_rows(account.id, years, moves, rates, actor, closing_on=closed_on)
    _book([(account.id, rows)])
    repayment = None
    if account.balance > 0:
        from .ledger import _append
        repayment = _append(account, MovementKind.CLOSING_REPAYMENT, -account.balance, closed_on, actor,
                            iban=account.iban)
    account.status = AccountStatus.CLOSED
    account.closed_on = closed_on
    db.session.flush()
    closing = next((rules.YearInterest(b.interest["gross"], b.interest["withholding"], b.interest["net"])
                    for b in rows if b.interest["at_closing"]), None)
    audit.record(actor, "loan.close", account,
                 summary=f"account {account.id} n. {account.member.number}: closed {closed_on.isoformat()} "
                         f"({cause}), repaid {-(repayment.amount) if repayment else 0}",
                 changes={"status": [AccountStatus.OPEN, AccountStatus.CLOSED]})
    notifications.account_closed(account, repayment, closing)
    return repayment


def close_loans_of_exit(exit_, actor=None) -> int:
    """A member's exit took effect (DOMAIN.md §3.7): every account is closed and repaid
    with interest to the exit day, and the exit's flag is cleared. Returns the accounts closed."""
    if exit_.loans_closed_on is not None or not exit_.loans_to_close:
        return 0
    accounts = list(db.session.scalars(sa.select(LoanAccount).where(
        LoanAccount.member_id == exit_.member_id, LoanAccount.status == AccountStatus.OPEN)
        .order_by(LoanAccount.id)))
    closed_days = [exit_.effective_on]
    for account in accounts:
        close_account(account, exit_.effective_on, actor)
        closed_days.append(account.closed_on)
    exit_.loans_closed_on = max(closed_days)  # the flag cleared: loans_to_close stays as the lifecycle set it
    db.session.flush()
    audit.record(actor, "loan.exit_closed", exit_,
                 summary=f"n. {exit_.member.number}: {len(accounts)} account(s) closed",
                 changes={"loans_closed_on": [None, exit_.loans_closed_on]})
    return len(accounts)


def close_pending_exits(actor=None) -> int:
    """Exits applied before the loans domain existed (or while it was not listening)
    whose accounts are still to be closed: run by `flask loans close-exits` and the year-end run."""
    from ...lifecycle.models import MemberExit
    exits = list(db.session.scalars(sa.select(MemberExit).where(
        MemberExit.loans_to_close.is_(True), MemberExit.loans_closed_on.is_(None),
        MemberExit.applied_on.is_not(None)).order_by(MemberExit.id)))
    return sum(close_loans_of_exit(exit_, actor) for exit_ in exits) if exits else 0


def accrued_to(account: LoanAccount, on: date) -> rules.YearInterest:
    """Interest accrued this year up to `on` (shown at any time), rounded as it would be."""
    moves = [m.as_rule for m in db.session.scalars(
        sa.select(LoanMovement).where(LoanMovement.account_id == account.id))]
    rates = all_rate_timelines()[account.product]
    end = min(on, account.closed_on) if account.closed_on else on
    return rules.rounded_interest(rules.accrued_interest(Decimal(0), moves, rates, end),
                                  value_on("loan_withholding_percent", end))

