"""The ledger (DOMAIN.md §6): deposits and withdrawals with booking and value dates, the
caps, the notice, never below zero; corrections as reversing entries with a reason.

Every booking locks the member, then the account, then (deposits) the total outstanding
row, and only then reads the balances it checks: two bookings at once queue up and the
second sees the first (no overdraft, no cap passed twice, no lost update on the total).
A request sent twice with the same idempotency key books once."""
from __future__ import annotations

from datetime import date
from decimal import Decimal

import sqlalchemy as sa
from flask_babel import gettext as _

from ...core import audit, clock, inputs
from ...core.errors import Conflict, DomainError, NotFound
from ...core.formatting import day, money
from ...core.inputs import Problems
from ...extensions import db
from ...statute.queries import value_on
from .. import rules
from ..models import LoanAccount, LoanInterest, LoanMovement, MovementKind
from .common import (add_to_total, ensure_open, idempotency_key, lock_account, lock_member,
                     locked_total_outstanding, max_total_on, parse_date, raise_problem)

BOOKABLE = (MovementKind.DEPOSIT, MovementKind.WITHDRAWAL)
REASON_MAX_LENGTH = 500


def _same_request(existing: LoanMovement, account: LoanAccount, kind: MovementKind) -> LoanMovement:
    if existing.account_id != account.id or existing.kind != kind:
        raise Conflict("idempotency_conflict", _(
            "This request key was already used for another booking (movement %(id)d).", id=existing.id))
    return existing


def _already_booked(key: str | None) -> LoanMovement | None:
    if not key:
        return None
    return db.session.scalar(sa.select(LoanMovement).where(LoanMovement.idempotency_key == key))


def _closed_year_end(account: LoanAccount) -> date | None:
    """The last day whose interest is capitalised on this account: nothing may be valued
    on or before it (it would change interest already paid)."""
    return db.session.scalar(sa.select(sa.func.max(LoanInterest.period_end))
                             .where(LoanInterest.account_id == account.id))


def _check_value_date(account: LoanAccount, value_date: date, problems: Problems) -> None:
    if value_date < account.opened_on:
        problems.add("value_date", _("The value date %(date)s is before the account was opened (%(opened)s).",
                                     date=day(value_date), opened=day(account.opened_on)))
        return
    closed = _closed_year_end(account)
    if closed is not None and value_date <= closed:
        problems.add("value_date", _("Interest up to %(closed)s is already capitalised: the value date "
                                     "%(date)s can no longer be used.", closed=day(closed), date=day(value_date)),
                     "loan_year_closed")


def _member_moves(member_id: int) -> list[rules.Movement]:
    rows = db.session.execute(
        sa.select(LoanMovement.value_date, LoanMovement.amount, LoanMovement.earns_from)
        .join(LoanAccount, LoanAccount.id == LoanMovement.account_id)
        .where(LoanAccount.member_id == member_id))
    return [rules.Movement(*row) for row in rows]


def _account_moves(account_id: int) -> list[rules.Movement]:
    rows = db.session.execute(
        sa.select(LoanMovement.value_date, LoanMovement.amount, LoanMovement.earns_from)
        .where(LoanMovement.account_id == account_id))
    return [rules.Movement(*row) for row in rows]


def _check_deposit(account: LoanAccount, amount: Decimal, value_date: date) -> None:
    """Both caps (DOMAIN.md §6), with the member's highest balance from the value date on
    and the total outstanding (its row locked) plus the withdrawals still to be valued."""
    member_balance = rules.highest_balance_from(Decimal(0), _member_moves(account.member_id), value_date)
    pending_out = db.session.scalar(
        sa.select(sa.func.coalesce(sa.func.sum(LoanMovement.amount), 0))
        .where(LoanMovement.amount < 0, LoanMovement.value_date > value_date))
    total = locked_total_outstanding() - Decimal(pending_out)
    max_total, multiple = max_total_on(value_date)
    problem = rules.deposit_problem(member_balance, total, amount, value_on("loan_member_cap", value_date),
                                    max_total)
    if problem:
        from .common import equity_in_force
        equity = equity_in_force()
        raise_problem(problem, field="amount", context={
            "number": account.member.number, "multiple": multiple,
            "equity": equity.amount if equity else Decimal("0.00")})


def _check_available(account: LoanAccount, amount: Decimal, value_date: date) -> None:
    available = rules.available_for_withdrawal(Decimal(0), _account_moves(account.id), value_date)
    if amount > available:
        raise_problem(rules.Problem("loan_insufficient_balance", {
            "available": available, "amount": amount, "shortfall": amount - available}),
            field="amount", context={"value_date": value_date})


def book_movement(account: LoanAccount, data: dict, actor) -> tuple[LoanMovement, bool]:
    """A deposit or withdrawal {kind, amount, value_date, requested_on, idempotency_key};
    answers the movement and whether it was booked now (False: the same request again)."""
    problems = Problems()
    kind = MovementKind.from_value(data.get("kind") if isinstance(data.get("kind"), str) else None)
    if kind not in BOOKABLE:
        problems.add("kind", _("Choose deposit or withdrawal."))
    amount = problems.take("amount", inputs.amount, data.get("amount"))
    value_date = parse_date(data.get("value_date"), "value_date", problems)
    key = idempotency_key(data.get("idempotency_key"), problems)
    requested_on = None
    if kind == MovementKind.WITHDRAWAL:
        requested_on = parse_date(data.get("requested_on") or clock.today(), "requested_on", problems)
    problems.raise_if_any()

    lock_member(account.member_id)
    lock_account(account)
    if existing := _already_booked(key):
        return _same_request(existing, account, kind), False
    ensure_open(account)
    today = clock.today()
    _check_value_date(account, value_date, problems)
    if kind == MovementKind.DEPOSIT and value_date > today:
        problems.add("value_date", _("A deposit is valued when the money has arrived: %(date)s is in "
                                     "the future.", date=day(value_date)))
    if requested_on is not None:
        if requested_on > today:
            problems.add("requested_on", _("The date %(date)s is in the future.", date=day(requested_on)))
        elif requested_on < account.opened_on:
            problems.add("requested_on", _("The request cannot be before the account was opened (%(opened)s).",
                                           opened=day(account.opened_on)))
    problems.raise_if_any(priority=("loan_year_closed",))

    if kind == MovementKind.DEPOSIT:
        _check_deposit(account, amount, value_date)
        signed = amount
    else:
        notice = value_on("loan_withdrawal_notice_days", requested_on)
        available = rules.available_for_withdrawal(Decimal(0), _account_moves(account.id), value_date)
        if problem := rules.withdrawal_problem(amount, available, requested_on, value_date, notice,
                                               matures_on=account.matures_on):
            raise_problem(problem, field="value_date" if problem.code in ("loan_notice", "loan_term")
                          else "amount", context={"requested_on": requested_on, "value_date": value_date})
        signed = -amount
    movement = _append(account, kind, signed, value_date, actor, requested_on=requested_on,
                       iban=account.iban if kind == MovementKind.WITHDRAWAL else None, key=key)
    audit.record(actor, f"loan.{kind.value}", movement,
                 summary=f"account {account.id} n. {account.member.number}: {signed} value {value_date.isoformat()}",
                 changes={"balance": [account.balance - signed, account.balance]})
    return movement, True


def reverse_movement(account: LoanAccount, movement_id: int, data: dict, actor) -> tuple[LoanMovement, bool]:
    """A correction: the opposite of a deposit or withdrawal, same value date, with a reason.
    The original stays in the ledger; each movement is reversed at most once."""
    problems = Problems()
    reason = problems.take("reason", inputs.text, data.get("reason"), max_length=REASON_MAX_LENGTH,
                           required=True, multiline=True)
    key = idempotency_key(data.get("idempotency_key"), problems)
    problems.raise_if_any()
    lock_member(account.member_id)
    lock_account(account)
    if existing := _already_booked(key):
        return _same_request(existing, account, MovementKind.REVERSAL), False
    ensure_open(account)
    original = db.session.get(LoanMovement, movement_id)
    if original is None or original.account_id != account.id:
        raise NotFound(_("Account %(id)d has no movement %(m)d.", id=account.id, m=movement_id))
    if original.kind not in BOOKABLE:
        raise Conflict("not_reversible", _("Only deposits and withdrawals are corrected by a reversal."))
    if db.session.scalar(sa.select(LoanMovement.id).where(LoanMovement.reverses_id == original.id)):
        raise Conflict("already_reversed", _("Movement %(m)d was already corrected.", m=original.id))
    _check_value_date(account, original.value_date, problems)
    problems.raise_if_any(priority=("loan_year_closed",))
    signed = -original.amount
    if signed > 0:  # undoing a withdrawal puts money back: the caps apply
        _check_deposit(account, signed, original.value_date)
    else:
        _check_available(account, -signed, original.value_date)
    reversal = _append(account, MovementKind.REVERSAL, signed, original.value_date, actor,
                       earns_from=original.earns_from, reverses=original, reason=reason, key=key)
    audit.record(actor, "loan.reversal", reversal,
                 summary=f"account {account.id}: reverses movement {original.id} ({signed})",
                 changes={"balance": [account.balance - signed, account.balance]})
    return reversal, True


def _append(account: LoanAccount, kind: MovementKind, signed: Decimal, value_date: date, actor, *,
            earns_from: date | None = None, requested_on: date | None = None, iban: str | None = None,
            reverses: LoanMovement | None = None, reason: str | None = None,
            key: str | None = None) -> LoanMovement:
    """Append one line and move the account's balance and the total by its amount."""
    movement = LoanMovement(account=account, kind=kind, amount=signed, booked_on=clock.today(),
                            value_date=value_date, earns_from=earns_from or value_date,
                            requested_on=requested_on, iban=iban, reverses=reverses, reason=reason,
                            idempotency_key=key, recorded_by_id=getattr(actor, "id", None),
                            created_at=clock.now())
    db.session.add(movement)
    account.balance = account.balance + signed
    if account.balance < 0:  # the CHECK constraint would refuse it too
        raise DomainError("loan_insufficient_balance", _("The balance would be %(balance)s.",
                                                         balance=money(account.balance)))
    add_to_total(signed)
    db.session.flush()
    return movement
