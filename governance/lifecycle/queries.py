"""Read helpers of the membership lifecycle, used by the views, the API and the report."""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from ..core import csvio
from ..core.audit import AuditEntry
from ..core.errors import NotFound
from ..extensions import db
from ..members.models import Category, Member
from ..members.queries import member_by_number
from ..statute.queries import value_on
from . import rules
from .models import (AccountsApproval, AdmissionAppeal, AppealStatus, Application,
                     ApplicationStatus, DECIDABLE_STATUSES, MemberExit, SharePayment,
                     WithdrawalRequest, WithdrawalStatus)


def login_of(application: Application):
    """The login made (or linked) at admission, if any."""
    from ..auth.models import User
    return db.session.get(User, application.user_id) if application.user_id else None


def get_application(application_id: int) -> Application:
    application = db.session.get(Application, application_id)
    if application is None:
        raise NotFound(f"application {application_id} not found")
    return application


def get_appeal(appeal_id: int) -> AdmissionAppeal:
    appeal = db.session.get(AdmissionAppeal, appeal_id)
    if appeal is None:
        raise NotFound(f"appeal {appeal_id} not found")
    return appeal


def get_withdrawal_request(request_id: int) -> WithdrawalRequest:
    request = db.session.get(WithdrawalRequest, request_id)
    if request is None:
        raise NotFound(f"withdrawal request {request_id} not found")
    return request


def get_member(number: int) -> Member:
    member = member_by_number(number)
    if member is None:
        raise NotFound(f"member {number} not found")
    return member


@dataclass(frozen=True)
class QueueRow:
    """One line of a board queue: the item and its countdown."""
    item: object
    due_on: date
    days_left: int
    overdue: bool

    @classmethod
    def of(cls, item, due_on: date, today: date) -> "QueueRow":
        return cls(item, due_on, rules.days_left(due_on, today), rules.is_overdue(due_on, today))


def application_queue(today: date) -> list[QueueRow]:
    """Applications waiting for the board (new ones, and those whose appeal the
    assembly upheld), the earliest due first."""
    rows = db.session.scalars(
        sa.select(Application).where(Application.status.in_(DECIDABLE_STATUSES))
        .options(selectinload(Application.appeal))
        .order_by(Application.decision_due_on, Application.id))
    return [QueueRow.of(a, a.decision_due_on, today) for a in rows]


DECIDED_SHOWN = 100


def decided_applications(limit: int = DECIDED_SHOWN) -> list[Application]:
    """The board's latest decisions on applications, newest first (the queue's
    "decided" tab): admitted, refused, appealed, the assembly's outcome."""
    decided = sa.func.coalesce(Application.decided_on, Application.refused_on)
    return list(db.session.scalars(
        sa.select(Application).where(Application.status.not_in(DECIDABLE_STATUSES))
        .options(selectinload(Application.member))
        .order_by(decided.desc(), Application.id.desc()).limit(limit)))


def decided_withdrawals(limit: int = DECIDED_SHOWN) -> list[WithdrawalRequest]:
    return list(db.session.scalars(
        sa.select(WithdrawalRequest).where(WithdrawalRequest.status != WithdrawalStatus.PENDING)
        .options(selectinload(WithdrawalRequest.member))
        .order_by(WithdrawalRequest.decided_on.desc(), WithdrawalRequest.id.desc()).limit(limit)))


def applications_query(status: ApplicationStatus | None = None) -> sa.Select:
    query = sa.select(Application).options(selectinload(Application.member), selectinload(Application.appeal)) \
        .order_by(Application.decision_due_on, Application.id)
    if status is not None:
        query = query.where(Application.status == status)
    return query


def withdrawal_queue(today: date) -> list[QueueRow]:
    rows = db.session.scalars(
        sa.select(WithdrawalRequest).where(WithdrawalRequest.status == WithdrawalStatus.PENDING)
        .options(selectinload(WithdrawalRequest.member))
        .order_by(WithdrawalRequest.decision_due_on, WithdrawalRequest.id))
    return [QueueRow.of(r, r.decision_due_on, today) for r in rows]


def withdrawal_requests_query(status: WithdrawalStatus | None = None) -> sa.Select:
    query = sa.select(WithdrawalRequest).options(selectinload(WithdrawalRequest.member)) \
        .order_by(WithdrawalRequest.decision_due_on, WithdrawalRequest.id)
    if status is not None:
        query = query.where(WithdrawalRequest.status == status)
    return query


def scheduled_exits(today: date) -> list[MemberExit]:
    """Accepted exits whose effective date has not come yet (or not applied yet)."""
    return list(db.session.scalars(
        sa.select(MemberExit).where(MemberExit.applied_on.is_(None))
        .options(selectinload(MemberExit.member)).order_by(MemberExit.effective_on, MemberExit.id)))


def appeals_query(status: AppealStatus | None = None) -> sa.Select:
    query = sa.select(AdmissionAppeal).options(selectinload(AdmissionAppeal.application)) \
        .order_by(AdmissionAppeal.lodged_on, AdmissionAppeal.id)
    if status is not None:
        query = query.where(AdmissionAppeal.status == status)
    return query


def decided_appeals(limit: int = DECIDED_SHOWN) -> list[AdmissionAppeal]:
    """The assemblies' latest decisions on appeals, newest first (the "decided" tab)."""
    return list(db.session.scalars(
        sa.select(AdmissionAppeal).where(AdmissionAppeal.status != AppealStatus.PENDING)
        .options(selectinload(AdmissionAppeal.application))
        .order_by(AdmissionAppeal.assembly_decided_on.desc(), AdmissionAppeal.id.desc()).limit(limit)))


def pending_appeals() -> list[AdmissionAppeal]:
    """The board's list of appeals waiting for an assembly."""
    return list(db.session.scalars(appeals_query(AppealStatus.PENDING)))


# --- appeals: the one place the appeal term is computed (art. 2528 c.c.) -----------------

def appeal_deadline_of(application: Application) -> date | None:
    """Last day to appeal: appeal_days (in force on the notice day) after the refusal
    notice; None if no refusal was notified."""
    if application.notice_sent_on is None:
        return None
    return rules.appeal_deadline(application.notice_sent_on,
                                 value_on("appeal_days", application.notice_sent_on))


def appeal_in_time(application: Application, on: date) -> bool:
    """Is `on` inside the appeal term of this application's refusal notice?"""
    if application.notice_sent_on is None:
        return False
    return rules.appeal_in_time(application.notice_sent_on,
                                value_on("appeal_days", application.notice_sent_on), on)


def can_appeal(application: Application, today: date) -> bool:
    """May the applicant appeal today: refused, not appealed yet, and in time.
    (operations.lodge_appeal enforces the same, with the messages.)"""
    return (application.status == ApplicationStatus.REJECTED and application.appeal is None
            and appeal_in_time(application, today))


def login_not_linked_reason(application: Application) -> str | None:
    """Why the admission went on without a login (operations._login_for), from the
    audit log: a reason code, or None."""
    changes = db.session.scalar(
        sa.select(AuditEntry.changes).where(AuditEntry.object_type == Application.__tablename__,
                                            AuditEntry.object_id == str(application.id),
                                            AuditEntry.action == "application.login_not_linked")
        .order_by(AuditEntry.id.desc()).limit(1))
    reason = (changes or {}).get("reason")
    return reason[1] if isinstance(reason, list) and len(reason) == 2 else None


def member_exit(member: Member) -> MemberExit | None:
    return db.session.scalar(sa.select(MemberExit).where(MemberExit.member_id == member.id))


def pending_withdrawal(member: Member) -> WithdrawalRequest | None:
    return db.session.scalar(sa.select(WithdrawalRequest).where(
        WithdrawalRequest.member_id == member.id, WithdrawalRequest.status == WithdrawalStatus.PENDING))


def withdrawal_requests_of(member: Member) -> list[WithdrawalRequest]:
    return list(db.session.scalars(sa.select(WithdrawalRequest).where(
        WithdrawalRequest.member_id == member.id).order_by(WithdrawalRequest.id.desc())))


def share_payments(member: Member) -> list[SharePayment]:
    return list(db.session.scalars(sa.select(SharePayment).where(SharePayment.member_id == member.id)
                                   .order_by(SharePayment.paid_on, SharePayment.id)))


@dataclass(frozen=True)
class SharesStatus:
    shares: int
    share_value: Decimal
    subscribed_amount: Decimal
    paid_amount: Decimal

    @property
    def still_due(self) -> Decimal:
        return max(self.subscribed_amount - self.paid_amount, Decimal("0.00"))

    @property
    def status(self) -> str:
        return rules.paid_status(self.paid_amount, self.subscribed_amount)


def shares_status(member: Member) -> SharesStatus:
    share_value = value_on("share_value", member.admitted_on)
    return SharesStatus(member.shares_subscribed, share_value,
                        rules.amount_due(member.shares_subscribed, share_value),
                        member.shares_paid_amount)


def exits_in_year(year: int) -> list[MemberExit]:
    """Exits effective in a financial year (their refunds follow that year's accounts)."""
    return list(db.session.scalars(
        sa.select(MemberExit).where(MemberExit.effective_on.between(date(year, 1, 1), date(year, 12, 31)))
        .options(selectinload(MemberExit.member)).order_by(MemberExit.effective_on, MemberExit.id)))


def accounts_approvals() -> list[AccountsApproval]:
    return list(db.session.scalars(sa.select(AccountsApproval)
                                   .order_by(AccountsApproval.financial_year.desc())))


def application_events(application: Application) -> list[AuditEntry]:
    """The application's trail in the audit log, oldest first."""
    return list(db.session.scalars(
        sa.select(AuditEntry).where(AuditEntry.object_type == Application.__tablename__,
                                    AuditEntry.object_id == str(application.id))
        .order_by(AuditEntry.at, AuditEntry.id)))


# --- the annual membership report (art. 2528 c.c.) ---------------------------------------

SECTIONS = ("admissions", "refusals", "appeals", "exits")


@dataclass
class ReportLine:
    section: str
    on: date
    number: int | None
    name: str
    category: Category
    outcome: str
    reasons: str | None = None


@dataclass
class MembershipReport:
    """Art. 2528 c.c.: the directors explain in the accounts' report the reasons of
    their decisions on admissions. One year: admissions (entries admitted that year),
    refusals with reasons, appeals lodged and their outcome, exits effective that year,
    with counts per category."""
    year: int
    lines: dict[str, list[ReportLine]] = field(default_factory=dict)

    def counts(self, section: str) -> dict[Category, int]:
        counter = Counter(line.category for line in self.lines.get(section, []))
        return {category: counter.get(category, 0) for category in Category}

    def total(self, section: str) -> int:
        return len(self.lines.get(section, []))

    def exit_counts(self) -> dict[str, int]:
        return dict(Counter(line.outcome for line in self.lines.get("exits", [])))


def membership_report(year: int) -> MembershipReport:
    start, end = date(year, 1, 1), date(year, 12, 31)
    report = MembershipReport(year)
    admitted_by_application = dict(db.session.execute(
        sa.select(Application.member_id, Application.id).where(Application.member_id.is_not(None))).all())
    members = db.session.scalars(sa.select(Member).where(Member.admitted_on.between(start, end))
                                 .order_by(Member.admitted_on, Member.number))
    report.lines["admissions"] = [
        ReportLine("admissions", m.admitted_on, m.number, m.full_name, m.category,
                   "application" if m.id in admitted_by_application else "register")
        for m in members]
    refused = db.session.scalars(sa.select(Application).where(Application.refused_on.between(start, end))
                                 .order_by(Application.refused_on, Application.id))
    report.lines["refusals"] = [
        ReportLine("refusals", a.refused_on, None, a.full_name, a.category, a.status.value,
                   a.refusal_reasons) for a in refused]
    appeals = db.session.scalars(
        sa.select(AdmissionAppeal).join(Application)
        .where(AdmissionAppeal.lodged_on.between(start, end))
        .options(selectinload(AdmissionAppeal.application))
        .order_by(AdmissionAppeal.lodged_on, AdmissionAppeal.id))
    report.lines["appeals"] = [
        ReportLine("appeals", ap.lodged_on, None, ap.application.full_name, ap.application.category,
                   ap.status.value, ap.application.refusal_reasons) for ap in appeals]
    report.lines["exits"] = [
        ReportLine("exits", e.effective_on, e.member.number, e.member.full_name, e.member.category,
                   e.kind.value, e.reasons) for e in exits_in_year(year)]
    return report


CSV_HEADER = ["section", "date", "number", "name", "category", "outcome", "reasons"]
CSV_PARTS = ("lines", "counts")


def _outcome_words(section: str, outcome: str) -> str:
    from flask_babel import gettext as _

    from ..members.models import ExitKind
    if section == "admissions":
        return _("by application") if outcome == "application" else _("entered in the register")
    enum_class = {"exits": ExitKind, "appeals": AppealStatus}.get(section, ApplicationStatus)
    member = enum_class.from_value(outcome)
    return member.label if member is not None else outcome


def _section_words() -> dict[str, str]:
    from flask_babel import gettext as _
    return {"admissions": _("Admissions"), "refusals": _("Refusals"), "appeals": _("Appeals"),
            "exits": _("Exits")}


def report_csv(report: MembershipReport, part: str = "lines", form: str = csvio.PLAIN) -> str:
    """The report as CSV (core.csvio: formulas in names and reasons are neutralised like
    in every other CSV): its lines (one per admission, refusal, appeal, exit), or the
    counts per category (one row per section, one column per category). The Excel form
    (people's default) has Italian headers and words; the plain form (`?format=csv`, the
    API) the codes."""
    if form == csvio.EXCEL:
        from flask_babel import gettext as _
        sections = _section_words()
        if part == "counts":
            return csvio.text([_("Section"), _("Year")] + [c.label for c in Category] + [_("Total")], (
                [sections[s], report.year] + [report.counts(s)[c] for c in Category] + [report.total(s)]
                for s in SECTIONS), form)
        return csvio.text(
            [_("Section"), _("Date"), _("Register number"), _("Name"), _("Category"), _("Outcome"),
             _("Reasons")],
            ([sections[section], line.on, line.number or "", line.name, line.category.label,
              _outcome_words(section, line.outcome), line.reasons or ""]
             for section in SECTIONS for line in report.lines.get(section, [])), form)
    if part == "counts":
        def count_rows():
            for section in SECTIONS:
                counts = report.counts(section)
                yield [section, report.year] + [counts[c] for c in Category] + [report.total(section)]
        return csvio.text(["section", "year"] + [c.value for c in Category] + ["total"], count_rows())
    return csvio.text(CSV_HEADER, (
        [section, line.on, line.number or "", line.name, line.category.value, line.outcome,
         line.reasons or ""]
        for section in SECTIONS for line in report.lines.get(section, [])))
