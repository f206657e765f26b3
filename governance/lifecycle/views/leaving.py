"""Leaving: the board's withdrawal queue and decisions, due exits, and a member's own
withdrawal request."""
from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user

from ...core import clock, confirm
from ...core.errors import DomainError
from ...authz import P
from ...core.permissions import NotAllowed, actor, permission
from ...statute.queries import value_on
from .. import operations, queries, rules
from ...core.formatting import day
from ..forms import ChallengeForm, WithdrawalDecisionForm, WithdrawalRequestForm
from ..models import WithdrawalStatus
from . import _report, bp


# --- withdrawals (board) and the member's request ----------------------------------------------

@bp.get("/board/withdrawals")
@permission(P.WITHDRAWALS_READ)
def withdrawals():
    """Withdrawal requests waiting for the board, with countdown; exits not yet effective."""
    today = clock.today()
    show = "decided" if request.args.get("show") == "decided" else "waiting"
    return render_template("lifecycle/withdrawals.html", rows=queries.withdrawal_queue(today),
                           scheduled=queries.scheduled_exits(today), today=today, show=show,
                           decided=queries.decided_withdrawals() if show == "decided" else [])


@bp.post("/board/withdrawals/apply-exits")
@permission(P.EXITS_APPLY)
def apply_exits():
    if not confirm.confirmed():
        def run():
            return [_("%(name)s (register number %(number)d): %(what)s, effective on %(date)s.",
                      name=e.member.full_name, number=e.member.number, what=e.kind.label,
                      date=day(e.effective_on))
                    for e in operations.apply_due_exits(clock.today(), actor())]
        lines = confirm.preview(run)
        if lines:
            return confirm.render(
                title=ngettext("You are about to make %(num)d exit take effect",
                               "You are about to make %(num)d exits take effect", len(lines)),
                lines=lines, button=_("Apply the exits"), danger=True,
                action=url_for("lifecycle.apply_exits"), back=url_for("lifecycle.withdrawals"))
    applied = operations.apply_due_exits(clock.today(), actor())
    flash(ngettext("%(num)d exit took effect.", "%(num)d exits took effect.", len(applied)), "success")
    return redirect(url_for("lifecycle.withdrawals"))


def _render_withdrawal(request_, form=None, status=200, challenge_form=None):
    today = clock.today()
    form = form or WithdrawalDecisionForm(formdata=None, decided_on=today.isoformat())
    challenge_form = challenge_form or ChallengeForm(formdata=None)
    return render_template("lifecycle/withdrawal.html", request_=request_, form=form, today=today,
                           challenge_form=challenge_form,
                           days_left=rules.days_left(request_.decision_due_on, today)), status


@bp.get("/board/withdrawals/<int:request_id>")
@permission(P.WITHDRAWALS_READ)
def withdrawal_detail(request_id: int):
    return _render_withdrawal(queries.get_withdrawal_request(request_id))


@bp.post("/board/withdrawals/<int:request_id>/decision")
@permission(P.WITHDRAWAL_DECIDE)
def withdrawal_decide(request_id: int):
    request_ = queries.get_withdrawal_request(request_id)
    form = WithdrawalDecisionForm()
    if not form.validate_on_submit():
        return _render_withdrawal(request_, form, 422)
    try:
        if not confirm.confirmed():
            return _confirm_withdrawal(request_, form)
        operations.decide_withdrawal(request_, form.data, actor())
    except DomainError as error:
        if error.status in (401, 403, 404):
            raise
        _report(form, error)
        return _render_withdrawal(request_, form, error.status)
    member = request_.member
    if request_.status == WithdrawalStatus.ACCEPTED:
        flash(_("Withdrawal of %(name)s (register number %(number)d) accepted: this is the "
                "entry, with the exit.", name=member.full_name, number=member.number), "success")
        return redirect(url_for("members.detail", number=member.number))  # what it changed
    flash(_("Withdrawal of %(name)s refused; the reasons were sent to the member.",
            name=member.full_name), "success")
    return redirect(url_for("lifecycle.withdrawal_detail", request_id=request_.id))


@bp.post("/board/withdrawals/<int:request_id>/challenge")
@permission(P.EXIT_RECORD)
def withdrawal_challenge(request_id: int):
    """The member challenged the refusal in court: the date is recorded."""
    request_ = queries.get_withdrawal_request(request_id)
    form = ChallengeForm()
    try:
        operations.record_withdrawal_challenge(request_, form.data, actor())
    except DomainError as error:
        if error.status in (401, 403, 404):
            raise
        _report(form, error)
        return _render_withdrawal(request_, challenge_form=form, status=error.status)
    flash(_("The challenge was recorded."), "success")
    return redirect(url_for("lifecycle.withdrawal_detail", request_id=request_id))


def _confirm_withdrawal(request_, form):
    member = request_.member

    def run():
        operations.decide_withdrawal(request_, form.data, actor())
        if request_.status == WithdrawalStatus.ACCEPTED:
            return (_("You are about to accept the withdrawal of %(name)s", name=member.full_name), [
                _("Membership ends today, %(date)s, the day the member is told (register number "
                  "%(number)d): off the roll of voters, no proxies; the shares are refunded after the "
                  "approval of this year's accounts.", date=day(request_.notice_on), number=member.number),
                _("The mutual relationship (work, services) ends on %(date)s, at the close of the "
                  "financial year (art. 2532 c.c.).", date=day(request_.effective_on)),
                _("The member is told of the decision by email."),
            ], _("Accept the withdrawal"), True)
        return (_("You are about to refuse the withdrawal of %(name)s", name=member.full_name), [
            _("The member stays in the register (register number %(number)d).", number=member.number),
            _("The reasons are sent to the member by email."),
        ], _("Refuse the withdrawal"), True)
    title, lines, button, danger = confirm.preview(run)
    return confirm.render(title=title, lines=lines, button=button, danger=danger,
                          action=url_for("lifecycle.withdrawal_decide", request_id=request_.id),
                          back=url_for("lifecycle.withdrawal_detail", request_id=request_.id))


def _own_member():
    member = getattr(current_user, "member", None)
    if member is None:
        raise NotAllowed(_("Your login is not linked to a register entry."))
    return member


def _render_my_withdrawal(member, form=None, status=200):
    today = clock.today()
    return render_template(
        "lifecycle/my_withdrawal.html", member=member, form=form or WithdrawalRequestForm(),
        pending=queries.pending_withdrawal(member), exit_=queries.member_exit(member),
        requests=queries.withdrawal_requests_of(member), today=today,
        effective_if_today=rules.withdrawal_effective_on(today),
        decision_days=value_on("withdrawal_decision_days", today)), status


@bp.post("/me/withdrawal/cancel")
@permission(P.WITHDRAWAL_REQUEST_OWN)
def cancel_my_withdrawal():
    """The member takes back a request the board has not decided yet."""
    member = _own_member()
    try:
        operations.cancel_withdrawal(member, actor())
    except DomainError as error:
        if error.status != 409:
            raise
        flash(error.message, "danger")
        return redirect(url_for("lifecycle.my_withdrawal"))
    flash(_("Your withdrawal request was cancelled: you remain a member."), "success")
    return redirect(url_for("lifecycle.my_withdrawal"))


@bp.route("/me/withdrawal", methods=["GET", "POST"])
@permission(P.WITHDRAWAL_REQUEST_OWN)
def my_withdrawal():
    """A member asks to withdraw; the page says when it would take effect."""
    member = _own_member()
    form = WithdrawalRequestForm()
    if request.method == "POST":
        if not form.validate_on_submit():
            return _render_my_withdrawal(member, form, 422)
        try:
            operations.request_withdrawal(member, {"reason": form.reason.data}, actor())
        except DomainError as error:
            if error.status in (401, 403, 404):
                raise
            _report(form, error)
            return _render_my_withdrawal(member, form, error.status)
        flash(_("Your request has been sent to the board."), "success")
        return redirect(url_for("lifecycle.my_withdrawal"))
    return _render_my_withdrawal(member)
