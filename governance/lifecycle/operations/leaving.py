"""Leaving the cooperative (DOMAIN.md §3.4-3.6): withdrawal requests and the board's
decision, exclusions, deaths and lapses, and exits taking effect."""
from __future__ import annotations

from datetime import date

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.exc import IntegrityError

from ...core import audit, clock
from ...core.errors import Conflict
from ...core.formatting import day
from ...core.inputs import Problems
from ...extensions import db
from ...members import operations as register
from ...members.models import ExitKind, Member, MemberStatus
from ...statute.queries import value_on
from .. import notifications, signals, rules
from ..models import MemberExit, WithdrawalRequest, WithdrawalStatus
from .accounts import refund_due_on
from .common import EXIT_STATUS, clean_text, decision_date, lock, parse_date


def _ensure_member_can_leave(member: Member) -> None:
    if member.status != MemberStatus.ACTIVE:
        raise Conflict("not_active", _("Member n. %(n)d is not active (%(status)s).",
                                       n=member.number, status=member.status.label))
    scheduled = db.session.scalar(sa.select(MemberExit).where(MemberExit.member_id == member.id))
    if scheduled is not None:
        raise Conflict("already_exited", _(
            "Member n. %(n)d already has an exit recorded (%(kind)s, effective %(date)s).",
            n=member.number, kind=scheduled.kind.label, date=day(scheduled.effective_on)))


def request_withdrawal(member: Member, data: dict, actor) -> WithdrawalRequest:
    """A member asks to withdraw (from their page: today; the board may record a paper
    request with its date). The board decides within withdrawal_decision_days."""
    lock(member)
    _ensure_member_can_leave(member)
    pending = db.session.scalar(sa.select(WithdrawalRequest.requested_on).where(
        WithdrawalRequest.member_id == member.id, WithdrawalRequest.status == WithdrawalStatus.PENDING))
    if pending is not None:
        raise Conflict("already_requested", _("A withdrawal request of %(date)s is already waiting "
                                              "for the board.", date=day(pending)))
    today = clock.today()
    problems = Problems()
    requested_on = parse_date(data.get("requested_on"), "requested_on", problems, required=False) or today
    if requested_on > today:
        problems.add("requested_on", _("The date %(date)s is in the future.", date=day(requested_on)))
    elif requested_on < member.admitted_on:
        problems.add("requested_on", _("The date %(date)s is before the admission (%(admitted)s).",
                                       date=day(requested_on), admitted=day(member.admitted_on)))
    reason = clean_text(data.get("reason"), "reason", problems)
    problems.raise_if_any()
    request = WithdrawalRequest(
        member=member, requested_on=requested_on, requested_at=clock.now(), reason=reason,
        decision_due_on=rules.withdrawal_decision_due_on(
            requested_on, value_on("withdrawal_decision_days", requested_on)),
        effective_on=rules.withdrawal_effective_on(requested_on),
        status=WithdrawalStatus.PENDING, created_by_id=getattr(actor, "id", None))
    try:
        with db.session.begin_nested():
            db.session.add(request)
            db.session.flush()
    except IntegrityError:
        raise Conflict("already_requested", _("A withdrawal request is already waiting for the "
                                              "board.")) from None
    audit.record(actor, "withdrawal.request", request,
                 summary=f"n. {member.number} {member.full_name}: effective "
                         f"{request.effective_on.isoformat()} if accepted")
    notifications.withdrawal_received(member, request)
    notifications.board_new_withdrawal(member, request, actor)
    return request


def cancel_withdrawal(member: Member, actor) -> WithdrawalRequest:
    """The member takes back their request before the board decides: the request goes,
    the audit log keeps it. Once decided it cannot be taken back here."""
    lock(member)
    request = db.session.scalar(sa.select(WithdrawalRequest).where(
        WithdrawalRequest.member_id == member.id, WithdrawalRequest.status == WithdrawalStatus.PENDING)
        .with_for_update())
    if request is None:
        raise Conflict("not_pending", _("There is no withdrawal request waiting for the board."))
    audit.record(actor, "withdrawal.cancel", request,
                 summary=f"n. {member.number} {member.full_name}: request of "
                         f"{request.requested_on.isoformat()} taken back",
                 changes={"status": [WithdrawalStatus.PENDING, None]})
    db.session.delete(request)
    db.session.flush()
    return request


def decide_withdrawal(request: WithdrawalRequest, data: dict, actor) -> WithdrawalRequest:
    """The board's decision on a withdrawal {outcome: accepted|refused, decided_on,
    reasons}. Accepted: the exit is recorded, effective as DOMAIN.md §3.4 says."""
    lock(request)
    request.ensure_pending()
    today = clock.today()
    problems = Problems()
    outcome = str(data.get("outcome") or "").strip()
    if outcome not in ("accepted", "refused"):
        problems.add("outcome", _("Choose accepted or refused."))
    decided_on = decision_date(data.get("decided_on"), request.requested_on, today, problems,
                                what=_("the request"))
    reasons = clean_text(data.get("reasons"), "reasons", problems)
    if outcome == "refused" and not reasons:
        problems.add("reasons", _("The reasons for a refusal are mandatory: they are sent to the "
                                  "member (art. 2532 c.c.)."), "reasons_required")
    # The day the decision reaches the member: today (the email below), or an earlier
    # day when the board records a decision it notified on paper.
    notice_on = parse_date(data.get("notice_on"), "notice_on", problems, required=False)
    if notice_on is not None:
        _check_notice_and_challenge(decided_on, notice_on, None, today, problems)
    notice_on = notice_on or today
    problems.raise_if_any(priority=("validation", "decision_date", "reasons_required"))
    member = request.member
    request.decided_on = decided_on
    request.decided_by_id = getattr(actor, "id", None)
    request.decision_reasons = reasons
    # art. 2532 c.3 c.c.: the membership ends on the day the acceptance is notified; the
    # mutual relationship at the close of the financial year (request.effective_on).
    request.notice_on = notice_on
    if outcome == "accepted":
        _ensure_member_can_leave(member)
        request.status = WithdrawalStatus.ACCEPTED
        exit_ = _create_exit(member, ExitKind.WITHDRAWAL, decided_on=decided_on, effective_on=notice_on,
                     mutual_ends_on=request.effective_on, reasons=request.reason or reasons,
                     notice_on=notice_on, actor=actor, withdrawal_request=request)
    else:
        exit_ = None
        request.status = WithdrawalStatus.REFUSED
    db.session.flush()
    audit.record(actor, f"withdrawal.{outcome}", request,
                 summary=f"n. {member.number} {member.full_name}: {outcome} on {decided_on.isoformat()}",
                 changes={"status": [WithdrawalStatus.PENDING, request.status]})
    notifications.withdrawal_decided(member, request, exit_)
    return request


def record_exit(member: Member, data: dict, actor) -> MemberExit:
    """The board records an exit {kind: withdrawal|exclusion|death|lapse, date, reasons,
    notice_on, challenged_on, requested_on}. `date` is the board's decision (exclusion,
    withdrawal) or the day of the death or lapse. A withdrawal accepts the member's
    pending request, or records a paper request (requested_on, default `date`) and
    accepts it."""
    problems = Problems()
    kind_raw = str(data.get("kind") or "").strip()
    try:
        kind = ExitKind(kind_raw)
    except ValueError:
        problems.add("kind", _("Choose one of %(choices)s.", choices=", ".join(k.value for k in ExitKind)))
        problems.raise_if_any()
    if kind == ExitKind.WITHDRAWAL:
        # Check the dates before writing the paper request, so a mistake stores nothing.
        decided_on = decision_date(data.get("date"), date.min, clock.today(), problems, field="date")
        requested_on = parse_date(data.get("requested_on"), "requested_on", problems, required=False)
        if decided_on and requested_on and requested_on > decided_on:
            problems.add("requested_on", _("The request cannot be after the decision (%(date)s).",
                                           date=day(decided_on)))
        notice_on = parse_date(data.get("notice_on"), "notice_on", problems, required=False)
        if notice_on is not None:
            _check_notice_and_challenge(decided_on, notice_on, None, clock.today(), problems)
        problems.raise_if_any(priority=("validation", "decision_date"))
        request = db.session.scalar(sa.select(WithdrawalRequest).where(
            WithdrawalRequest.member_id == member.id, WithdrawalRequest.status == WithdrawalStatus.PENDING))
        if request is None:
            request = request_withdrawal(member, {"requested_on": requested_on or decided_on,
                                                  "reason": data.get("reasons")}, actor)
        decide_withdrawal(request, {"outcome": "accepted", "decided_on": decided_on,
                                    "notice_on": data.get("notice_on"), "reasons": data.get("reasons")}, actor)
        return db.session.scalar(sa.select(MemberExit).where(MemberExit.member_id == member.id))

    lock(member)
    _ensure_member_can_leave(member)
    today = clock.today()
    exit_on = decision_date(data.get("date"), member.admitted_on, today, problems, field="date",
                             what=_("the admission"))
    reasons = clean_text(data.get("reasons"), "reasons", problems)
    notice_on = challenged_on = None
    if kind == ExitKind.EXCLUSION:
        if not reasons:
            problems.add("reasons", _("The reasons for an exclusion are mandatory (art. 2533 c.c.)."),
                         "reasons_required")
        notice_on = parse_date(data.get("notice_on"), "notice_on", problems, required=False) or exit_on
        challenged_on = parse_date(data.get("challenged_on"), "challenged_on", problems, required=False)
        _check_notice_and_challenge(exit_on, notice_on, challenged_on, today, problems)
    else:
        for field in ("notice_on", "challenged_on"):
            if data.get(field):
                problems.add(field, _("Only an exclusion has a notice and a challenge date."))
    problems.raise_if_any(priority=("validation", "decision_date", "reasons_required"))
    return _create_exit(member, kind, decided_on=exit_on, effective_on=exit_on, reasons=reasons,
                        notice_on=notice_on, challenged_on=challenged_on, actor=actor)


def _check_notice_and_challenge(decided_on, notice_on, challenged_on, today, problems) -> None:
    if notice_on is not None and decided_on is not None and notice_on < decided_on:
        problems.add("notice_on", _("The notice cannot be before the decision (%(date)s).",
                                    date=day(decided_on)))
    if notice_on is not None and notice_on > today:
        problems.add("notice_on", _("The date %(date)s is in the future.", date=day(notice_on)))
    if challenged_on is not None:
        if challenged_on > today:
            problems.add("challenged_on", _("The date %(date)s is in the future.",
                                            date=day(challenged_on)))
        elif notice_on is not None and challenged_on < notice_on:
            problems.add("challenged_on", _("The challenge cannot be before the notice (%(date)s).",
                                            date=day(notice_on)))


def _create_exit(member: Member, kind: ExitKind, *, decided_on: date, effective_on: date,
                 reasons: str | None, actor, notice_on: date | None = None,
                 challenged_on: date | None = None, mutual_ends_on: date | None = None,
                 withdrawal_request: WithdrawalRequest | None = None) -> MemberExit:
    today = clock.today()
    if kind != ExitKind.WITHDRAWAL:
        _close_superseded_withdrawal(member, kind, decided_on, actor)
    exit_ = MemberExit(member=member, kind=kind, decided_on=decided_on, effective_on=effective_on,
                       mutual_ends_on=mutual_ends_on, reasons=reasons, notice_on=notice_on, challenged_on=challenged_on,
                       withdrawal_request=withdrawal_request, loans_to_close=True,
                       refund_due_on=refund_due_on(effective_on),
                       recorded_by_id=getattr(actor, "id", None), created_at=clock.now())
    db.session.add(exit_)
    before = {"exit_on": member.exit_on, "exit_kind": member.exit_kind, "exit_reason": member.exit_reason}
    member.exit_on = effective_on
    member.exit_kind = kind
    member.exit_reason = reasons
    member.updated_at = clock.now()
    db.session.flush()
    register.add_history(member, actor, f"member.exit_{kind.value}",
                         audit.changes_between(before, {"exit_on": member.exit_on,
                                                        "exit_kind": member.exit_kind,
                                                        "exit_reason": member.exit_reason}))
    audit.record(actor, f"member.exit_{kind.value}", exit_,
                 summary=f"n. {member.number} {member.full_name}: {kind.value}, effective "
                         f"{effective_on.isoformat()}",
                 changes={"exit_on": [before["exit_on"], effective_on], "loans_to_close": [None, True]})
    if effective_on <= today:
        _apply_exit(exit_, today, actor)
    if kind in (ExitKind.EXCLUSION, ExitKind.LAPSE):
        notifications.exit_recorded(member, exit_)
    return exit_


def _close_superseded_withdrawal(member: Member, kind: ExitKind, exit_on: date, actor) -> None:
    """An exclusion, death or lapse ends the membership before the board decided the
    member's withdrawal request: the request is closed (refused, with the reason
    saying it was superseded, so it leaves the board's queue) without an email; the
    exit's own email, if any, is what the member receives."""
    request = db.session.scalar(sa.select(WithdrawalRequest).where(
        WithdrawalRequest.member_id == member.id, WithdrawalRequest.status == WithdrawalStatus.PENDING)
        .with_for_update())
    if request is None:
        return
    today = clock.today()
    request.status = WithdrawalStatus.REFUSED
    request.decided_on = max(today, request.requested_on)
    request.decided_by_id = getattr(actor, "id", None)
    request.decision_reasons = _(
        "No decision needed: superseded by the exit recorded with date %(date)s (%(kind)s).",
        kind=kind.label, date=day(exit_on))
    db.session.flush()
    audit.record(actor, "withdrawal.superseded", request,
                 summary=f"n. {member.number} {member.full_name}: pending request closed by the "
                         f"{kind.value} of {exit_on.isoformat()}",
                 changes={"status": [WithdrawalStatus.PENDING, request.status]})


def _apply_exit(exit_: MemberExit, today: date, actor) -> None:
    member = exit_.member
    before = member.status
    member.status = EXIT_STATUS[exit_.kind]
    member.updated_at = clock.now()
    exit_.applied_on = today
    signals.member_exit_applied.send(exit_, actor=actor)
    register.add_history(member, actor, "member.status", {"status": [before, member.status]},
                         note=None)


def apply_due_exits(today: date | None = None, actor=None) -> list[MemberExit]:
    """Change the status of the members whose exit took effect (accepted withdrawals at
    the close of the financial year). Run daily (`flask lifecycle apply-exits`);
    running it twice changes nothing the second time."""
    today = today or clock.today()
    due = list(db.session.scalars(
        sa.select(MemberExit).where(MemberExit.applied_on.is_(None), MemberExit.effective_on <= today)
        .order_by(MemberExit.effective_on, MemberExit.id).with_for_update()))
    for exit_ in due:
        _apply_exit(exit_, today, actor)
        audit.record(actor, "member.exit_applied", exit_,
                     summary=f"n. {exit_.member.number}: {exit_.kind.value} effective "
                             f"{exit_.effective_on.isoformat()}")
    db.session.flush()
    return due


def record_challenge(member: Member, data: dict, actor) -> MemberExit:
    """The excluded member challenged the exclusion in court: record the date."""
    exit_ = db.session.scalar(sa.select(MemberExit).where(MemberExit.member_id == member.id))
    if exit_ is None or exit_.kind != ExitKind.EXCLUSION:
        raise Conflict("not_excluded", _("Member n. %(n)d has no exclusion recorded.", n=member.number))
    problems = Problems()
    challenged_on = parse_date(data.get("challenged_on"), "challenged_on", problems)
    _check_notice_and_challenge(exit_.decided_on, exit_.notice_on, challenged_on, clock.today(), problems)
    problems.raise_if_any()
    before = exit_.challenged_on
    exit_.challenged_on = challenged_on
    db.session.flush()
    register.add_history(member, actor, "member.exclusion_challenged",
                         {"challenged_on": [before, challenged_on]})
    audit.record(actor, "member.exclusion_challenged", exit_, summary=f"n. {member.number}",
                 changes={"challenged_on": [before, challenged_on]})
    return exit_


def record_withdrawal_challenge(request: WithdrawalRequest, data: dict, actor) -> WithdrawalRequest:
    """The member challenged the refusal of their withdrawal in court (art. 2532 c.2 c.c.:
    within 60 days of the notice): record the date."""
    lock(request)
    if request.status != WithdrawalStatus.REFUSED or request.notice_on is None:
        raise Conflict("not_refused", _("Withdrawal request %(id)d was not refused: there is no "
                                        "refusal to challenge.", id=request.id))
    problems = Problems()
    challenged_on = parse_date(data.get("challenged_on"), "challenged_on", problems)
    _check_notice_and_challenge(request.decided_on, request.notice_on, challenged_on, clock.today(), problems)
    problems.raise_if_any()
    before = request.challenged_on
    request.challenged_on = challenged_on
    db.session.flush()
    member = request.member
    register.add_history(member, actor, "member.withdrawal_refusal_challenged", {"challenged_on": [before, challenged_on]})
    audit.record(actor, "withdrawal.refusal_challenged", request, summary=f"n. {member.number}",
                 changes={"challenged_on": [before, challenged_on]})
    return request
