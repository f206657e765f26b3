"""Social-loan models (DOMAIN.md §6): the regulation's dated settings (rates, equity),
accounts, the append-only ledger of movements, each year's interest and the one row
holding the total outstanding.

Guarantees are database constraints: movements are never changed or deleted (triggers,
migration 0009_loans), an account's balance and the total are never negative (CHECK),
a movement's sign follows its kind (CHECK), a year's interest is booked once per
account (UNIQUE), a form or API call sent twice books once (UNIQUE idempotency key).
"""
from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy import event
from sqlalchemy.orm import Mapped, Session, mapped_column, relationship

from ..core.labels import LabeledEnum
from ..core.types import AwareDateTime, Money, StrEnum
from ..extensions import db
from ..members.models import Member

TOTALS_ROW_ID = 1


class Product(LabeledEnum):
    FREE = "free"    # withdrawable with the notice period
    TERM = "term"    # fixed months; no early withdrawal (the regulation's default)

    __labels__ = {"free": _l("Free savings"), "term": _l("Term deposit")}


class AccountStatus(LabeledEnum):
    OPEN = "open"
    CLOSED = "closed"

    __labels__ = {"open": _l("Open"), "closed": _l("Closed")}
    __tones__ = {"open": "success", "closed": "secondary"}


class MovementKind(LabeledEnum):
    DEPOSIT = "deposit"
    WITHDRAWAL = "withdrawal"
    INTEREST = "interest"                    # gross interest capitalised
    WITHHOLDING = "withholding"              # the 26% withheld on it
    CLOSING_REPAYMENT = "closing_repayment"  # the whole balance, paid to the IBAN on file
    REVERSAL = "reversal"                    # a correction: the opposite of a movement

    __labels__ = {"deposit": _l("Deposit"), "withdrawal": _l("Withdrawal from the loan"),
                  "interest": _l("Gross interest"), "withholding": _l("Withholding tax"),
                  "closing_repayment": _l("Closing repayment"), "reversal": _l("Correction")}


class LoanRate(db.Model):
    """A gross annual rate of a product from a day on (the regulation's dated table)."""

    __tablename__ = "loan_rates"

    id: Mapped[int] = mapped_column(primary_key=True)
    product: Mapped[Product] = mapped_column(StrEnum(Product, 8), nullable=False)
    rate: Mapped[Decimal] = mapped_column(sa.Numeric(5, 2), nullable=False)  # percent: 2.00
    effective_from: Mapped[date] = mapped_column(sa.Date, nullable=False)
    recorded_at: Mapped[datetime] = mapped_column(AwareDateTime(), nullable=False)
    recorded_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL"), nullable=True)

    __table_args__ = (sa.CheckConstraint("rate >= 0", name="rate_not_negative"),
                      sa.Index("ix_loan_rates_lookup", "product", "effective_from"))


class LoanEquity(db.Model):
    """Equity and the guaranteed share of the loans, from the last approved accounts
    (Banca d'Italia, 8 Nov 2016): the latest approval is the one in force."""

    __tablename__ = "loan_equity"

    id: Mapped[int] = mapped_column(primary_key=True)
    amount: Mapped[Decimal] = mapped_column(Money(), nullable=False)
    guaranteed_share: Mapped[Decimal] = mapped_column(sa.Numeric(5, 2), nullable=False)  # percent
    accounts_approved_on: Mapped[date] = mapped_column(sa.Date, nullable=False, index=True)
    recorded_at: Mapped[datetime] = mapped_column(AwareDateTime(), nullable=False)
    recorded_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL"), nullable=True)

    __table_args__ = (sa.CheckConstraint("guaranteed_share >= 0 AND guaranteed_share <= 100",
                                         name="guaranteed_share_percent"),)


class LoanAccount(db.Model):
    """One contract: a member's free or term account. `balance` is the sum of its
    movements (kept by the operations under a row lock; `flask loans reconcile` checks)."""

    __tablename__ = "loan_accounts"

    id: Mapped[int] = mapped_column(primary_key=True)
    member_id: Mapped[int] = mapped_column(sa.ForeignKey("members.id", ondelete="RESTRICT"),
                                           nullable=False, index=True)
    product: Mapped[Product] = mapped_column(StrEnum(Product, 8), nullable=False)
    term_months: Mapped[int | None] = mapped_column(sa.Integer, nullable=True)
    opened_on: Mapped[date] = mapped_column(sa.Date, nullable=False)
    matures_on: Mapped[date | None] = mapped_column(sa.Date, nullable=True, index=True)
    iban: Mapped[str] = mapped_column(sa.String(34), nullable=False)
    status: Mapped[AccountStatus] = mapped_column(StrEnum(AccountStatus, 8), nullable=False,
                                                  default=AccountStatus.OPEN, index=True)
    closed_on: Mapped[date | None] = mapped_column(sa.Date, nullable=True)
    balance: Mapped[Decimal] = mapped_column(Money(), nullable=False, default=Decimal("0.00"))
    opened_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL"), nullable=True)
    created_at: Mapped[datetime] = mapped_column(AwareDateTime(), nullable=False)

    member: Mapped[Member] = relationship()

    __table_args__ = (
        sa.CheckConstraint("balance >= 0", name="balance_not_negative"),
        sa.CheckConstraint("(product = 'term') = (term_months IS NOT NULL)", name="term_has_months"),
        sa.CheckConstraint("term_months IS NULL OR (term_months >= 1 AND term_months <= 360)",
                           name="term_months_range"),
        sa.CheckConstraint("(status = 'closed') = (closed_on IS NOT NULL)", name="closed_has_date"),
        sa.CheckConstraint("status = 'open' OR balance = 0", name="closed_is_empty"),
    )


class LoanMovement(db.Model):
    """One line of the ledger. Append-only: a mistake is corrected by a reversal (the
    opposite amount, same value date, with a reason), never by changing a line.

    The amount is signed (money in +, out -). It counts in the balance from the end of
    `value_date` and earns from `earns_from` (DOMAIN.md §6: a deposit valued on D earns
    from D; interest capitalised on 31 December earns from 1 January)."""

    __tablename__ = "loan_movements"

    id: Mapped[int] = mapped_column(primary_key=True)
    account_id: Mapped[int] = mapped_column(sa.ForeignKey("loan_accounts.id", ondelete="RESTRICT"),
                                            nullable=False)
    kind: Mapped[MovementKind] = mapped_column(StrEnum(MovementKind, 20), nullable=False)
    amount: Mapped[Decimal] = mapped_column(Money(), nullable=False)
    booked_on: Mapped[date] = mapped_column(sa.Date, nullable=False)
    value_date: Mapped[date] = mapped_column(sa.Date, nullable=False)
    earns_from: Mapped[date] = mapped_column(sa.Date, nullable=False)
    requested_on: Mapped[date | None] = mapped_column(sa.Date, nullable=True)
    iban: Mapped[str | None] = mapped_column(sa.String(34), nullable=True)  # where money went
    reverses_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("loan_movements.id", ondelete="RESTRICT"), nullable=True, unique=True)
    reason: Mapped[str | None] = mapped_column(sa.Text, nullable=True)
    idempotency_key: Mapped[str | None] = mapped_column(sa.String(100), nullable=True, unique=True)
    recorded_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL"), nullable=True)
    created_at: Mapped[datetime] = mapped_column(AwareDateTime(), nullable=False)

    account: Mapped[LoanAccount] = relationship()
    reverses: Mapped["LoanMovement | None"] = relationship(remote_side=[id])

    __table_args__ = (
        sa.CheckConstraint(
            "(kind IN ('deposit', 'interest') AND amount > 0) OR "
            "(kind IN ('withdrawal', 'withholding', 'closing_repayment') AND amount < 0) OR "
            "(kind = 'reversal' AND amount <> 0 AND reverses_id IS NOT NULL AND reason IS NOT NULL)",
            name="sign_follows_kind"),
        sa.CheckConstraint("earns_from >= value_date", name="earns_after_value"),
        sa.Index("ix_loan_movements_account_value", "account_id", "value_date"),
        sa.Index("ix_loan_movements_value_date", "value_date"),
    )

    @property
    def as_rule(self):
        from .rules import Movement
        return Movement(self.value_date, self.amount, self.earns_from)


class LoanInterest(db.Model):
    """A year's interest of an account, booked once (UNIQUE account + year): at the
    year-end run (period to 31 December) or at closing (period to the closing day)."""

    __tablename__ = "loan_interest"

    id: Mapped[int] = mapped_column(primary_key=True)
    account_id: Mapped[int] = mapped_column(sa.ForeignKey("loan_accounts.id", ondelete="RESTRICT"),
                                            nullable=False)
    year: Mapped[int] = mapped_column(sa.Integer, nullable=False, index=True)
    period_end: Mapped[date] = mapped_column(sa.Date, nullable=False)
    gross: Mapped[Decimal] = mapped_column(Money(), nullable=False)
    withholding: Mapped[Decimal] = mapped_column(Money(), nullable=False)
    net: Mapped[Decimal] = mapped_column(Money(), nullable=False)
    at_closing: Mapped[bool] = mapped_column(sa.Boolean, nullable=False, default=False)
    booked_at: Mapped[datetime] = mapped_column(AwareDateTime(), nullable=False)
    booked_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL"), nullable=True)

    account: Mapped[LoanAccount] = relationship()

    __table_args__ = (
        sa.UniqueConstraint("account_id", "year", name="uq_loan_interest_account_year"),
        sa.CheckConstraint("gross >= 0 AND withholding >= 0 AND abs(net - (gross - withholding)) < 0.005",
                           name="net_is_gross_less_withholding"),
    )


class LoanTotals(db.Model):
    """The one row holding the total outstanding (all balances): locked by every deposit
    (SELECT ... FOR UPDATE) so that two deposits cannot both pass the equity cap."""

    __tablename__ = "loan_totals"

    id: Mapped[int] = mapped_column(sa.Integer, primary_key=True)
    total_outstanding: Mapped[Decimal] = mapped_column(Money(), nullable=False, default=Decimal("0.00"))

    __table_args__ = (sa.CheckConstraint("total_outstanding >= 0", name="total_not_negative"),
                      sa.CheckConstraint("id = 1", name="single_row"))


class LedgerIsAppendOnly(RuntimeError):
    pass


@event.listens_for(Session, "before_flush")
def _refuse_movement_changes(session, flush_context, instances):
    """The ORM refuses too (the database triggers are the guarantee)."""
    for obj in list(session.dirty) + list(session.deleted):
        if isinstance(obj, LoanMovement) and (obj in session.deleted or session.is_modified(obj)):
            raise LedgerIsAppendOnly("loan movements are never changed or deleted")
