"""A member's lifecycle page (exit, challenge, share payments), the accounts approvals and
the annual membership report."""
from __future__ import annotations

from flask import Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ...core import clock, confirm, csvio, inputs
from ...core.errors import DomainError
from ...authz import P
from ...core.permissions import actor, can, permission
from ...statute.queries import value_on
from .. import operations, queries
from ...core.formatting import day
from ..forms import AccountsApprovalForm, ChallengeForm, ExitForm, SharePaymentForm
from ..models import ExitKind
from . import _report, bp


# --- a member's lifecycle: exit, challenge, share payments ------------------------------------

@bp.get("/members/lifecycle")
@permission(P.MEMBER_LIFECYCLE_READ)
def member_lookup():
    try:
        number = int(request.args.get("number", ""))
    except ValueError:
        flash(_("Give a register number."), "warning")
        # Back to the withdrawals page, never to the Referer: a header the browser fills
        # from wherever the user came, so a redirect there could lead to another site.
        return redirect(url_for("lifecycle.withdrawals"))
    return redirect(url_for("lifecycle.member_lifecycle", number=number))


def _render_member(member, *, exit_form=None, challenge_form=None, payment_form=None, status=200):
    today = clock.today()
    if exit_form is not None:
        exit_form.label_for_kind()
    return render_template(
        "lifecycle/member.html", member=member, exit_=queries.member_exit(member),
        shares=queries.shares_status(member), payments=queries.share_payments(member),
        requests=queries.withdrawal_requests_of(member), today=today,
        refund_days=value_on("share_refund_days", today),
        exit_form=exit_form or ExitForm(formdata=None, prefix="exit", date=today.isoformat()),
        challenge_form=challenge_form or ChallengeForm(formdata=None, prefix="challenge"),
        payment_form=payment_form or SharePaymentForm(formdata=None, prefix="payment",
                                                      paid_on=today.isoformat()),
        can_board=can(current_user, P.APPLICATION_DECIDE),
        can_secretary=can(current_user, P.SHARE_PAYMENT_RECORD),
        kinds=ExitKind), status


@bp.get("/members/<int:number>/lifecycle")
@permission(P.MEMBER_LIFECYCLE_READ)
def member_lifecycle(number: int):
    """A member's exit, withdrawal requests and share payments (paid/unpaid)."""
    return _render_member(queries.get_member(number))


def _exit_summary(member, exit_):
    """What recording an exit does, for the confirmation page."""
    lines = [_("%(what)s of %(name)s (register number %(number)d), effective on %(date)s: from then "
               "the member is no longer in the register of active members.", what=exit_.kind.label,
               name=member.full_name, number=member.number, date=day(exit_.effective_on))]
    if exit_.kind == ExitKind.EXCLUSION:
        lines.append(_("The member may challenge the exclusion in court within 60 days of the notice "
                       "(art. 2533 of the Civil Code)."))
    if exit_.kind != ExitKind.DEATH and member.email:
        lines.append(_("%(email)s is told by email.", email=member.email))
    return (_("You are about to record: %(what)s of %(name)s", what=exit_.kind.label, name=member.full_name),
            lines, _("Record the exit"))


def _member_action(number, form_class, form_key, operation, summary=None):
    """One of the member page's forms (each with its prefix, so their ids differ)."""
    member = queries.get_member(number)
    form = form_class(prefix=form_key.removesuffix("_form"))
    try:
        if not form.validate_on_submit():
            raise DomainError("validation", _("The form is not valid."))
        if summary is not None and not confirm.confirmed():
            title, lines, button = confirm.preview(lambda: summary(member, operation(member, form.data, actor())))
            return confirm.render(title=title, lines=lines, button=button, danger=True,
                                  action=request.path,
                                  back=url_for("lifecycle.member_lifecycle", number=member.number))
        operation(member, form.data, actor())
    except DomainError as error:
        if error.status in (401, 403, 404):
            raise
        _report(form, error)
        return _render_member(member, status=error.status, **{form_key: form})
    return None


@bp.post("/members/<int:number>/exit")
@permission(P.EXIT_RECORD)
def record_exit(number: int):
    """Exclusion (reasons mandatory), death, lapse, or a paper withdrawal."""
    failed = _member_action(number, ExitForm, "exit_form", operations.record_exit, summary=_exit_summary)
    if failed:
        return failed
    flash(_("The exit was recorded."), "success")
    return redirect(url_for("lifecycle.member_lifecycle", number=number))


@bp.post("/members/<int:number>/exit/challenge")
@permission(P.EXIT_RECORD)
def record_challenge(number: int):
    failed = _member_action(number, ChallengeForm, "challenge_form", operations.record_challenge)
    if failed:
        return failed
    flash(_("The challenge was recorded."), "success")
    return redirect(url_for("lifecycle.member_lifecycle", number=number))


@bp.post("/members/<int:number>/share-payments")
@permission(P.SHARE_PAYMENT_RECORD)
def share_payment(number: int):
    """The secretary records a payment of shares (amount, date)."""
    failed = _member_action(number, SharePaymentForm, "payment_form", operations.record_share_payment)
    if failed:
        return failed
    flash(_("The payment was recorded."), "success")
    return redirect(url_for("lifecycle.member_lifecycle", number=number))


# --- accounts approvals ----------------------------------------------------------------------

@bp.route("/board/accounts-approvals", methods=["GET", "POST"])
@permission(P.ACCOUNTS_APPROVAL_RECORD)
def accounts():
    """The board records the approval date of a year's accounts (share refunds fall due)."""
    form = AccountsApprovalForm(year=str(clock.today().year - 1)) if request.method == "GET" \
        else AccountsApprovalForm()
    status = 200
    if request.method == "POST":
        try:
            if not form.validate_on_submit():
                raise DomainError("validation", _("The form is not valid."))
            approval = operations.record_accounts_approval(form.data, actor())
        except DomainError as error:
            if error.status in (401, 403, 404):
                raise
            _report(form, error)
            status = error.status
        else:
            flash(_("Accounts of %(year)d approved on %(date)s recorded.", year=approval.financial_year,
                    date=day(approval.approved_on)), "success")
            return redirect(url_for("lifecycle.accounts"))
    return render_template("lifecycle/accounts.html", form=form,
                           approvals=queries.accounts_approvals()), status


# --- the annual membership report -----------------------------------------------------------

def _report_year() -> int:
    today = clock.today()
    return inputs.year(request.args.get("year"), today.year, latest=today.year + 1)


@bp.get("/reports/membership")
@permission(P.MEMBERSHIP_REPORT_READ)
def report():
    """Admissions, refusals with reasons, appeals and exits of a year (art. 2528 c.c.)."""
    year = _report_year()
    return render_template("lifecycle/report.html", report=queries.membership_report(year),
                           year=year, sections=queries.SECTIONS)


@bp.get("/reports/membership.csv")
@permission(P.MEMBERSHIP_REPORT_READ)
def report_csv():
    year = _report_year()
    part = request.args.get("part", "lines")
    if part not in queries.CSV_PARTS:
        abort(404)
    body = queries.report_csv(queries.membership_report(year), part, csvio.form_from(request.args))
    filename = f"movimenti-soci-{year}{'-conteggi' if part == 'counts' else ''}.csv"
    return Response(body, mimetype="text/csv",
                    headers={"Content-Disposition": f'attachment; filename="{filename}"'})
