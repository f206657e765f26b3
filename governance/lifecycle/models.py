"""Models of the membership lifecycle (DOMAIN.md §3).

Applicant side: Application (the request to join, the board's decision) and
AdmissionAppeal (a refused applicant's appeal to the assembly).
Member side: WithdrawalRequest (recesso), MemberExit (how and when a member left:
withdrawal, exclusion, death, lapse), SharePayment (payments of subscribed shares) and
AccountsApproval (the day a financial year's accounts were approved, which starts the
share refund term of art. 2535 c.c.).

State lives in enums; the transitions are methods that refuse (409) when the current
state does not allow them, so the HTML views and the API cannot bypass them.
"""
from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

import sqlalchemy as sa
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..core.errors import Conflict
from ..core.labels import LabeledEnum
from ..core.types import AwareDateTime, Money, StrEnum
from ..extensions import db
from ..members.models import Category, ExitKind, Member


class ApplicationStatus(LabeledEnum):
    SUBMITTED = "submitted"              # waiting for the board's decision
    ADMITTED = "admitted"                # entered in the register (member_id set)
    REJECTED = "rejected"                # refused with reasons; may be appealed
    APPEALED = "appealed"                # appeal waiting for the assembly
    APPEAL_UPHELD = "appeal_upheld"      # the assembly upheld the appeal: the board must admit
    APPEAL_REJECTED = "appeal_rejected"  # the assembly confirmed the refusal (final)

    __labels__ = {"submitted": _l("Waiting for the board"), "admitted": _l("Admitted"),
                  "rejected": _l("Refused"), "appealed": _l("Appeal waiting for the assembly"),
                  "appeal_upheld": _l("Appeal upheld: admission required"),
                  "appeal_rejected": _l("Refusal confirmed by the assembly")}
    __tones__ = {"submitted": "secondary", "admitted": "success", "rejected": "danger",
                 "appealed": "warning", "appeal_upheld": "info", "appeal_rejected": "dark"}


# Waiting for someone (the board or the assembly): one such application per tax code.
OPEN_STATUSES = (ApplicationStatus.SUBMITTED, ApplicationStatus.APPEALED,
                 ApplicationStatus.APPEAL_UPHELD)
# What the board may decide on: new applications, and those the assembly sent back.
DECIDABLE_STATUSES = (ApplicationStatus.SUBMITTED, ApplicationStatus.APPEAL_UPHELD)
_OPEN_SQL = "status IN ('submitted', 'appealed', 'appeal_upheld')"


class Application(db.Model):
    """An application for membership (domanda di ammissione, art. 2528 c.c.)."""

    __tablename__ = "applications"

    id: Mapped[int] = mapped_column(primary_key=True)
    status: Mapped[ApplicationStatus] = mapped_column(
        StrEnum(ApplicationStatus), nullable=False, default=ApplicationStatus.SUBMITTED)
    category: Mapped[Category] = mapped_column(StrEnum(Category), nullable=False)
    first_name: Mapped[str] = mapped_column(sa.String(100), nullable=False, default="")
    # For a legal person, the company name.
    last_name: Mapped[str] = mapped_column(sa.String(200), nullable=False)
    # Codice fiscale for persons, partita IVA for legal persons (as in the register).
    tax_code: Mapped[str] = mapped_column(sa.String(16), nullable=False, index=True)
    legal_representative: Mapped[str | None] = mapped_column(sa.String(200), nullable=True)
    birth_date: Mapped[date | None] = mapped_column(sa.Date, nullable=True)
    address: Mapped[str] = mapped_column(sa.String(300), nullable=False)
    email: Mapped[str] = mapped_column(sa.String(254), nullable=False, index=True)
    phone: Mapped[str | None] = mapped_column(sa.String(40), nullable=True)
    shares: Mapped[int] = mapped_column(sa.Integer, nullable=False)
    # The language the applicant used: their emails are written in it.
    locale: Mapped[str] = mapped_column(sa.String(5), nullable=False, default="it")
    # The password chosen to follow the application; moved to the login at admission.
    password_hash: Mapped[str] = mapped_column(sa.String(255), nullable=False)
    # Applicant tokens carry it: a new one revokes them all (access.new_access_version).
    access_version: Mapped[str | None] = mapped_column(sa.String(32), nullable=True)
    accepted_statute_at: Mapped[datetime] = mapped_column(AwareDateTime(), nullable=False)
    accepted_privacy_at: Mapped[datetime] = mapped_column(AwareDateTime(), nullable=False)
    submitted_at: Mapped[datetime] = mapped_column(AwareDateTime(), nullable=False)
    submitted_on: Mapped[date] = mapped_column(sa.Date, nullable=False)
    # art. 2528 c.c.: the board decides within application_decision_days (60).
    # (Indexed with the status below: the queue filters by status, sorts by due date.)
    decision_due_on: Mapped[date] = mapped_column(sa.Date, nullable=False)
    # The date of the board meeting of the latest decision (the admission date when
    # admitted, also after an upheld appeal).
    decided_on: Mapped[date | None] = mapped_column(sa.Date, nullable=True)
    decided_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL"), nullable=True)
    # The refusal, kept when an upheld appeal later leads to admission (annual report).
    refused_on: Mapped[date | None] = mapped_column(sa.Date, nullable=True)
    refusal_reasons: Mapped[str | None] = mapped_column(sa.Text, nullable=True)
    # Refusal notice: the day the refusal email was queued; the appeal term runs from it.
    notice_sent_on: Mapped[date | None] = mapped_column(sa.Date, nullable=True)
    member_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("members.id", ondelete="RESTRICT"), nullable=True, unique=True)
    # The login created (or linked) at admission, activated by the emailed link.
    user_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL"), nullable=True)
    updated_at: Mapped[datetime] = mapped_column(AwareDateTime(), nullable=False)

    member: Mapped[Member | None] = relationship(foreign_keys=[member_id])
    appeal: Mapped["AdmissionAppeal | None"] = relationship(back_populates="application",
                                                            uselist=False)

    __table_args__ = (
        sa.CheckConstraint("shares >= 1", name="shares_positive"),
        sa.CheckConstraint("decided_on IS NULL OR decided_on >= submitted_on",
                           name="decided_after_submission"),
        sa.CheckConstraint("status != 'admitted' OR member_id IS NOT NULL", name="admitted_has_member"),
        sa.CheckConstraint("refused_on IS NULL OR (refusal_reasons IS NOT NULL AND notice_sent_on "
                           "IS NOT NULL)", name="refusal_has_reasons"),
        # One open application per tax code; the operation says so politely first, this
        # index holds against two submissions at the same moment.
        sa.Index("uq_applications_open_tax_code", "tax_code", unique=True,
                 sqlite_where=sa.text(_OPEN_SQL), postgresql_where=sa.text(_OPEN_SQL)),
        sa.Index("ix_applications_status_due", "status", "decision_due_on"),
    )

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()

    @property
    def is_legal_person(self) -> bool:
        return self.category == Category.LEGAL_PERSON

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    @property
    def is_decidable(self) -> bool:
        return self.status in DECIDABLE_STATUSES

    # --- guarded transitions -------------------------------------------------------

    def ensure_decidable(self) -> None:
        if not self.is_decidable:
            raise Conflict("already_decided", _(
                "Application %(id)d was already decided (status: %(status)s).",
                id=self.id, status=self.status.label))

    def mark_admitted(self, member: Member, decided_on: date, decided_by_id: int | None) -> None:
        self.ensure_decidable()
        self.status = ApplicationStatus.ADMITTED
        self.member_id = member.id
        self.decided_on = decided_on
        self.decided_by_id = decided_by_id

    def mark_rejected(self, decided_on: date, reasons: str, decided_by_id: int | None,
                      notice_on: date) -> None:
        self.ensure_decidable()
        if self.status == ApplicationStatus.APPEAL_UPHELD:
            # art. 2528 c.c.: after the assembly upheld the appeal the board must admit.
            raise Conflict("admission_required", _(
                "The assembly upheld the appeal: the board must admit this applicant."))
        self.status = ApplicationStatus.REJECTED
        self.decided_on = self.refused_on = decided_on
        self.refusal_reasons = reasons
        self.decided_by_id = decided_by_id
        self.notice_sent_on = notice_on

    def mark_appealed(self) -> None:
        if self.status != ApplicationStatus.REJECTED or self.appeal is not None:
            raise Conflict("not_appealable", _(
                "Only a refused application can be appealed, once (status: %(status)s).",
                status=self.status.label))
        self.status = ApplicationStatus.APPEALED

    def mark_appeal_outcome(self, upheld: bool) -> None:
        if self.status != ApplicationStatus.APPEALED:
            raise Conflict("already_decided", _("This appeal was already decided."))
        self.status = ApplicationStatus.APPEAL_UPHELD if upheld else ApplicationStatus.APPEAL_REJECTED


class AppealStatus(LabeledEnum):
    PENDING = "pending"    # waiting for an assembly (with or without an agenda item yet)
    UPHELD = "upheld"      # the assembly upheld it: the board must admit
    REJECTED = "rejected"  # the assembly confirmed the refusal

    __labels__ = {"pending": _l("Pending"), "upheld": _l("Upheld"), "rejected": _l("Refused")}
    __tones__ = {"pending": "secondary", "upheld": "success", "rejected": "danger"}


class AdmissionAppeal(db.Model):
    """A refused applicant's appeal to the assembly (art. 2528 c.c.).

    A pending appeal waits for "the next ordinary assembly that is not yet convened".
    `agenda_item_id` is that assembly's agenda item once one is attached. It is a plain
    integer without a foreign key because the assemblies domain does not exist yet: its
    migration adds the key to `agenda_items.id`. Until then the board sees the pending
    appeals in a list (operations.pending_appeals_for_agenda()) and records the
    assembly's decision by hand (operations.record_appeal_decision())."""

    __tablename__ = "admission_appeals"

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(
        sa.ForeignKey("applications.id", ondelete="RESTRICT"), nullable=False, unique=True)
    text: Mapped[str] = mapped_column(sa.Text, nullable=False)
    lodged_on: Mapped[date] = mapped_column(sa.Date, nullable=False)
    lodged_at: Mapped[datetime] = mapped_column(AwareDateTime(), nullable=False)
    status: Mapped[AppealStatus] = mapped_column(
        StrEnum(AppealStatus), nullable=False, default=AppealStatus.PENDING, index=True)
    agenda_item_id: Mapped[int | None] = mapped_column(sa.Integer, nullable=True, index=True)
    assembly_decided_on: Mapped[date | None] = mapped_column(sa.Date, nullable=True)
    assembly_note: Mapped[str | None] = mapped_column(sa.Text, nullable=True)
    recorded_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL"), nullable=True)

    application: Mapped[Application] = relationship(back_populates="appeal")

    __table_args__ = (
        sa.CheckConstraint("assembly_decided_on IS NULL OR assembly_decided_on >= lodged_on",
                           name="decided_after_lodged"),
    )


class LoginNotLinked(LabeledEnum):
    """Why an admission went on without a login (the `reason` of the audit entry
    application.login_not_linked)."""
    STAFF = "staff_login"             # the email is a login with other roles than member
    OTHER_MEMBER = "other_member"     # the email is the login of another register entry
    UNVERIFIED = "unverified_login"   # a member login with no entry: nothing proves it is theirs

    __labels__ = {"staff_login": _l("the email is a staff login"),
                  "other_member": _l("the email is another member's login"),
                  "unverified_login": _l("nothing ties the existing login to the applicant")}


class WithdrawalStatus(LabeledEnum):
    PENDING = "pending"
    ACCEPTED = "accepted"
    REFUSED = "refused"

    __labels__ = {"pending": _l("Pending"), "accepted": _l("Accepted"), "refused": _l("Refused")}
    __tones__ = {"pending": "secondary", "accepted": "success", "refused": "danger"}


class WithdrawalRequest(db.Model):
    """A member's request to withdraw (recesso, art. 2532 c.c.): the board decides
    within withdrawal_decision_days. If accepted, the membership ends on the day the
    acceptance is notified (art. 2532 c.3) and the mutual relationship on `effective_on`
    (DOMAIN.md §3.4: close of this financial year if asked at least 3 months before it,
    otherwise close of the next one). A refusal is notified at once (`notice_on`); the
    member may challenge it in court within 60 days (`challenged_on`)."""

    __tablename__ = "withdrawal_requests"

    id: Mapped[int] = mapped_column(primary_key=True)
    member_id: Mapped[int] = mapped_column(
        sa.ForeignKey("members.id", ondelete="RESTRICT"), nullable=False, index=True)
    requested_on: Mapped[date] = mapped_column(sa.Date, nullable=False)
    requested_at: Mapped[datetime] = mapped_column(AwareDateTime(), nullable=False)
    reason: Mapped[str | None] = mapped_column(sa.Text, nullable=True)
    decision_due_on: Mapped[date] = mapped_column(sa.Date, nullable=False, index=True)
    effective_on: Mapped[date] = mapped_column(sa.Date, nullable=False)
    status: Mapped[WithdrawalStatus] = mapped_column(
        StrEnum(WithdrawalStatus), nullable=False, default=WithdrawalStatus.PENDING, index=True)
    decided_on: Mapped[date | None] = mapped_column(sa.Date, nullable=True)
    decided_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL"), nullable=True)
    decision_reasons: Mapped[str | None] = mapped_column(sa.Text, nullable=True)
    notice_on: Mapped[date | None] = mapped_column(sa.Date, nullable=True)
    challenged_on: Mapped[date | None] = mapped_column(sa.Date, nullable=True)
    # Who entered it: the member from their page, or the board for a paper request.
    created_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL"), nullable=True)

    member: Mapped[Member] = relationship()

    __table_args__ = (
        sa.CheckConstraint("decided_on IS NULL OR decided_on >= requested_on",
                           name="decided_after_request"),
        sa.CheckConstraint("status != 'refused' OR decision_reasons IS NOT NULL",
                           name="refusal_has_reasons"),
        sa.Index("uq_withdrawal_requests_pending_member", "member_id", unique=True,
                 sqlite_where=sa.text("status = 'pending'"),
                 postgresql_where=sa.text("status = 'pending'")),
    )

    def ensure_pending(self) -> None:
        if self.status != WithdrawalStatus.PENDING:
            raise Conflict("already_decided", _(
                "Withdrawal request %(id)d was already decided (status: %(status)s).",
                id=self.id, status=self.status.label))


class MemberExit(db.Model):
    """How and when a member left. One per register entry: numbers are never reused, so
    a person who joins again gets a new entry.

    The entry's status changes on `effective_on` (`applied_on` records the day it was
    applied): at once for exclusions, deaths and lapses dated today or earlier, and for an
    accepted withdrawal on the day the acceptance is notified (art. 2532 c.3 c.c.); an
    exit dated later is applied by operations.apply_due_exits, run daily by
    `flask lifecycle apply-exits`. A withdrawal's mutual relationship (work, services)
    ends later, at the close of the financial year: `mutual_ends_on`."""

    __tablename__ = "member_exits"

    id: Mapped[int] = mapped_column(primary_key=True)
    member_id: Mapped[int] = mapped_column(
        sa.ForeignKey("members.id", ondelete="RESTRICT"), nullable=False, unique=True)
    kind: Mapped[ExitKind] = mapped_column(StrEnum(ExitKind), nullable=False, index=True)
    # The board's decision (or the day it recorded a death or lapse).
    decided_on: Mapped[date] = mapped_column(sa.Date, nullable=False)
    effective_on: Mapped[date] = mapped_column(sa.Date, nullable=False, index=True)
    # Withdrawal only: the mutual relationship ends at the close of the financial year.
    mutual_ends_on: Mapped[date | None] = mapped_column(sa.Date, nullable=True)
    reasons: Mapped[str | None] = mapped_column(sa.Text, nullable=True)
    # Exclusion: the day the member was notified, and the day they challenged it in
    # court (art. 2533 c.c.: within 60 days of the notice), if they did.
    notice_on: Mapped[date | None] = mapped_column(sa.Date, nullable=True)
    challenged_on: Mapped[date | None] = mapped_column(sa.Date, nullable=True)
    withdrawal_request_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("withdrawal_requests.id", ondelete="RESTRICT"), nullable=True, unique=True)
    applied_on: Mapped[date | None] = mapped_column(sa.Date, nullable=True)
    # art. 2535 c.c.: shares are refunded within share_refund_days of the approval of
    # the accounts of the year the exit took effect in (set when that approval is recorded).
    refund_due_on: Mapped[date | None] = mapped_column(sa.Date, nullable=True)
    # DOMAIN.md §3.7: every social-loan account of the member must be closed and repaid.
    # The loans domain does not exist yet: it will close the accounts of exits with
    # loans_to_close and set loans_closed_on.
    loans_to_close: Mapped[bool] = mapped_column(sa.Boolean, nullable=False, default=True)
    loans_closed_on: Mapped[date | None] = mapped_column(sa.Date, nullable=True)
    recorded_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL"), nullable=True)
    created_at: Mapped[datetime] = mapped_column(AwareDateTime(), nullable=False)

    member: Mapped[Member] = relationship()
    withdrawal_request: Mapped[WithdrawalRequest | None] = relationship()

    __table_args__ = (
        sa.CheckConstraint("kind != 'exclusion' OR reasons IS NOT NULL", name="exclusion_has_reasons"),
        sa.CheckConstraint("challenged_on IS NULL OR challenged_on >= notice_on",
                           name="challenge_after_notice"),
    )


class SharePayment(db.Model):
    """A payment of subscribed shares, recorded by the secretary. The register entry's
    shares_paid_amount is increased by the same operation (it also holds any amount
    paid before these records, e.g. from an imported register)."""

    __tablename__ = "share_payments"

    id: Mapped[int] = mapped_column(primary_key=True)
    member_id: Mapped[int] = mapped_column(
        sa.ForeignKey("members.id", ondelete="RESTRICT"), nullable=False, index=True)
    amount: Mapped[Decimal] = mapped_column(Money(), nullable=False)
    paid_on: Mapped[date] = mapped_column(sa.Date, nullable=False)
    note: Mapped[str | None] = mapped_column(sa.Text, nullable=True)
    recorded_at: Mapped[datetime] = mapped_column(AwareDateTime(), nullable=False)
    recorded_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL"), nullable=True)

    member: Mapped[Member] = relationship()

    __table_args__ = (sa.CheckConstraint("amount > 0", name="amount_positive"),)


class AccountsApproval(db.Model):
    """The day the assembly approved a financial year's accounts, recorded by the board:
    share refunds of that year's exits fall due share_refund_days later (art. 2535 c.c.)."""

    __tablename__ = "accounts_approvals"

    id: Mapped[int] = mapped_column(primary_key=True)
    financial_year: Mapped[int] = mapped_column(sa.Integer, nullable=False, unique=True)
    approved_on: Mapped[date] = mapped_column(sa.Date, nullable=False)
    recorded_at: Mapped[datetime] = mapped_column(AwareDateTime(), nullable=False)
    recorded_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL"), nullable=True)

    __table_args__ = (sa.CheckConstraint("financial_year >= 1900", name="year_plausible"),)
