"""HTML pages of the membership lifecycle. Each view: load, authorise (declared once
with @permission, object checks after loading), call one operation, render or redirect.
"""
from __future__ import annotations

from flask import (Blueprint, Response, abort, flash, redirect, render_template, request, session,
                   url_for)
from flask_babel import format_date, get_locale
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user

from ..core import clock, confirm, csvio, inputs, limits
from ..core.errors import DomainError
from ..authz import P
from ..core.forms import show_errors
from ..core.permissions import PUBLIC, NotAllowed, actor, can, permission
from ..statute.queries import value_on
from . import access, letters, operations, queries, rules
from ..core.formatting import day, money
from .forms import (AccountsApprovalForm, ActivationForm, AppealDecisionForm, AppealForm,
                    ApplicantLoginForm, ApplicationForm, ChallengeForm, DecisionForm, ExitForm,
                    SharePaymentForm, WithdrawalDecisionForm, WithdrawalRequestForm)
from .models import ApplicationStatus, ExitKind, WithdrawalStatus

bp = Blueprint("lifecycle", __name__)

def _report(form, error: DomainError) -> None:
    """An operation's error on the page: next to the fields, or (409: the state changed,
    e.g. already decided) as an alert above everything."""
    if error.status == 409:
        flash(error.message, "danger")
    else:
        show_errors(form, error)


@bp.app_template_filter("paid_status")
def paid_status_label(value: str) -> str:
    return {rules.PAID: _("paid"), rules.PARTLY_PAID: _("partly paid"), rules.UNPAID: _("unpaid")}.get(value, value)


# --- applying (public) -------------------------------------------------------------------

def _amount_preview(raw, share_value):
    try:
        shares = int(str(raw).strip())
    except (TypeError, ValueError):
        return None
    return rules.amount_due(shares, share_value) if 0 < shares < 100_000 else None


@bp.route("/apply", methods=["GET", "POST"])
@permission(PUBLIC)
@limits.per_address("APPLY_RATE_LIMIT", "apply")  # shared with the API: each one emails
def apply():
    """The public application form (persons and legal persons)."""
    form = ApplicationForm()
    today = clock.today()
    status = 200
    if form.is_submitted():
        shape_ok = form.validate()
        try:
            if not shape_ok:
                _clean, problems = operations.validate_application(form.operation_data(), today)
                if problems:
                    show_errors(form, DomainError("validation", "", errors=problems.errors))
                status = 422
            else:
                application = operations.submit_application(form.operation_data(),
                                                            locale=str(get_locale()))
                access.remember_applicant(application)
                flash(_("Your application has been sent. We wrote to %(email)s; the board will "
                        "decide by %(date)s.", email=application.email,
                        date=format_date(application.decision_due_on, "long")), "success")
                return redirect(url_for("lifecycle.status"))
        except DomainError as error:
            _report(form, error)
            status = error.status
    share_value = value_on("share_value", today)
    return render_template(
        "lifecycle/apply.html", form=form, share_value=share_value,
        min_shares=value_on("min_shares_per_member", today),
        decision_days=value_on("application_decision_days", today),
        amount_due=_amount_preview(form.shares.data, share_value)), status


@bp.get("/documents/<any(statuto, privacy):name>")
@permission(PUBLIC)
def document(name: str):
    """The statute and the privacy notice the applicant accepts."""
    return render_template("lifecycle/document.html", name=name, title=letters.document_title(name),
                           text=letters.document_text(name))


@bp.get("/documents/<any(statuto, privacy):name>.pdf")
@permission(PUBLIC)
def document_pdf(name: str):
    return Response(letters.document_pdf(name), mimetype="application/pdf",
                    headers={"Content-Disposition": f'attachment; filename="{name}.pdf"'})


# --- the applicant's page (public, proven by the password) ---------------------------------

def _render_status(application, *, appeal_form=None, login_form=None, status=200):
    if application is None:
        return render_template("lifecycle/status_login.html",
                               form=login_form or ApplicantLoginForm()), status
    today = clock.today()
    user = queries.login_of(application)
    share_value = value_on("share_value", application.submitted_on)
    return render_template(
        "lifecycle/status.html", application=application, today=today,
        days_left=rules.days_left(application.decision_due_on, today),
        appeal_deadline=queries.appeal_deadline_of(application),
        can_appeal=queries.can_appeal(application, today),
        appeal_form=appeal_form or AppealForm(), account=user,
        amount_due=rules.amount_due(application.shares, share_value),
        is_session_applicant=access.SESSION_KEY in session), status


@bp.get("/application")
@permission(PUBLIC)
def status():
    """Where the applicant follows their application: status and what happens next."""
    return _render_status(access.session_application())


@bp.post("/application/login")
@permission(PUBLIC)
def status_login():
    form = ApplicantLoginForm()
    if form.validate_on_submit():
        try:
            application = operations.authenticate_applicant(form.email.data, form.password.data,
                                                            request.remote_addr)
        except DomainError as error:
            form.password.errors = list(form.password.errors) + [error.message]
            return _render_status(None, login_form=form, status=429 if error.status == 429 else 422)
        access.remember_applicant(application)
        return redirect(url_for("lifecycle.status"))
    return _render_status(None, login_form=form, status=422)


@bp.post("/application/logout")
@permission(PUBLIC)
def status_logout():
    access.forget_applicant()
    return redirect(url_for("lifecycle.status"))


def _session_applicant_application():
    application_id = session.get(access.SESSION_KEY)
    application = queries.get_application(application_id) if application_id else None
    if application is None:
        return None
    return application


@bp.post("/application/appeal")
@permission(PUBLIC)
def appeal():
    """The refused applicant appeals to the assembly (within the appeal term)."""
    application = _session_applicant_application()
    if application is None:
        return redirect(url_for("lifecycle.status"))
    form = AppealForm()
    if not form.validate_on_submit():
        return _render_status(application, appeal_form=form, status=422)
    try:
        operations.lodge_appeal(application, form.text.data)
    except DomainError as error:
        if error.status in (401, 403, 404):
            raise
        _report(form, error)
        return _render_status(application, appeal_form=form, status=error.status)
    flash(_("Your appeal has been sent: the next ordinary assembly will decide."), "success")
    return redirect(url_for("lifecycle.status"))


@bp.post("/application/activation")
@permission(PUBLIC)
def resend_activation():
    application = _session_applicant_application()
    if application is None:
        return redirect(url_for("lifecycle.status"))
    operations.resend_activation(application)
    flash(_("We sent a new activation link to %(email)s.", email=application.email), "success")
    return redirect(url_for("lifecycle.status"))


@bp.route("/activate/<token>", methods=["GET", "POST"])
@permission(PUBLIC)
def activate(token: str):
    """The link of the welcome email: activate the new member's account, once."""
    try:
        user = operations.activation_user(token)
    except DomainError as error:
        # 404: forged, expired or used with a new password; 409: already active, or
        # deactivated by the office after its activation.
        return render_template("lifecycle/activate_invalid.html", error=error), error.status
    form = ActivationForm()
    if form.validate_on_submit():
        try:
            operations.activate_account(token, form.password.data or None)
        except DomainError as error:
            _report(form, error)
            return render_template("lifecycle/activate.html", form=form, user=user), error.status
        access.forget_applicant()
        flash(_("Your account is active: log in with your email and password."), "success")
        return redirect(url_for("auth.login", next=url_for("lifecycle.status")))
    status = 422 if form.is_submitted() else 200
    return render_template("lifecycle/activate.html", form=form, user=user), status


# --- the board's queue and decision ----------------------------------------------------------

@bp.get("/board/applications")
@permission(P.APPLICATIONS_READ)
def queue():
    """Applications waiting for the board, earliest decision due first, with countdown;
    `?show=decided`: the latest decisions, so a decided application stays findable."""
    if request.args.get("show") == "decided":
        return render_template("lifecycle/queue.html", decided=queries.decided_applications(), rows=[],
                               show="decided", appeals_waiting=len(queries.pending_appeals()))
    return render_template("lifecycle/queue.html", rows=queries.application_queue(clock.today()),
                           show="waiting", appeals_waiting=len(queries.pending_appeals()))


def _render_detail(application, form=None, status=200):
    today = clock.today()
    if form is None:
        form = DecisionForm(formdata=None, decided_on=today.isoformat())
    return render_template(
        "lifecycle/detail.html", application=application, form=form, today=today,
        days_left=rules.days_left(application.decision_due_on, today),
        share_value=value_on("share_value", application.submitted_on),
        amount_due=rules.amount_due(application.shares, value_on("share_value", application.submitted_on)),
        appeal_deadline=queries.appeal_deadline_of(application),
        events=queries.application_events(application),
        can_decide=can(current_user, P.APPLICATION_DECIDE) and application.is_decidable), status


@bp.get("/board/applications/<int:application_id>")
@permission(P.APPLICATIONS_READ)
def detail(application_id: int):
    return _render_detail(queries.get_application(application_id))


@bp.post("/board/applications/<int:application_id>/decision")
@permission(P.APPLICATION_DECIDE)
def decide(application_id: int):
    """The board admits or refuses (the decision date is the board meeting's)."""
    application = queries.get_application(application_id)
    form = DecisionForm()
    if not form.validate_on_submit():
        return _render_detail(application, form, 422)
    try:
        if not confirm.confirmed():
            return _confirm_decision(application, form)
        operations.decide_application(application, form.data, actor())
    except DomainError as error:
        if error.status in (401, 403, 404):
            raise
        _report(form, error)
        return _render_detail(application, form, error.status)
    if application.status == ApplicationStatus.ADMITTED:
        flash(_("%(name)s admitted with register number %(number)d.", name=application.full_name,
                number=application.member.number), "success")
        login_problem = operations.login_not_linked_message(application)
        if login_problem:
            flash(login_problem, "warning")
        return redirect(url_for("members.detail", number=application.member.number))  # what it made
    flash(_("Application refused; the reasons were sent to %(email)s.", email=application.email),
          "success")
    return redirect(url_for("lifecycle.queue"))


def _confirm_decision(application, form):
    """The summary of an admission or refusal, from a run that is rolled back."""
    def run():
        operations.decide_application(application, form.data, actor())
        if application.status == ApplicationStatus.ADMITTED:
            member = application.member
            shares = queries.shares_status(member)
            login_problem = operations.login_not_linked_message(application)
            return (_("You are about to admit %(name)s", name=application.full_name), [
                _("Register number %(number)d, admitted on %(date)s, %(category)s.", number=member.number,
                  date=day(member.admitted_on), category=member.category.label),
                _("Shares: %(n)d × %(value)s = %(amount)s, to be paid.", n=shares.shares,
                  value=money(shares.share_value), amount=money(shares.subscribed_amount)),
                login_problem or _("%(email)s will receive the admission letter and a link to activate "
                                   "their login.", email=application.email),
            ], _("Admit"), False)
        return (_("You are about to refuse the application of %(name)s", name=application.full_name), [
            _("The reasons are sent to %(email)s today.", email=application.email),
            _("The applicant may appeal to the assembly until %(date)s (art. 2528 of the Civil Code).",
              date=day(queries.appeal_deadline_of(application))),
        ], _("Refuse"), True)
    title, lines, button, danger = confirm.preview(run)
    return confirm.render(title=title, lines=lines, button=button, danger=danger,
                          action=url_for("lifecycle.decide", application_id=application.id),
                          back=url_for("lifecycle.detail", application_id=application.id))


# --- appeals waiting for an assembly ----------------------------------------------------------

@bp.get("/board/appeals")
@permission(P.APPEALS_READ)
def appeals():
    """Appeals waiting for the next ordinary assembly, and the form to record its decision."""
    return _render_appeals({})


def _appeal_form(appeal_id: int, blank: bool = False) -> AppealDecisionForm:
    # One form per appeal on the page: the prefix keeps their fields' ids apart.
    if blank:
        return AppealDecisionForm(formdata=None, prefix=f"appeal{appeal_id}",
                                  decided_on=clock.today().isoformat())
    return AppealDecisionForm(prefix=f"appeal{appeal_id}")


def _render_appeals(forms: dict, status: int = 200):
    return render_template("lifecycle/appeals.html", appeals=queries.pending_appeals(),
                           forms=forms, blank_form=lambda ap: _appeal_form(ap.id, blank=True)), status


@bp.post("/board/appeals/<int:appeal_id>/decision")
@permission(P.APPEAL_DECIDE)
def appeal_decision(appeal_id: int):
    appeal_ = queries.get_appeal(appeal_id)
    form = _appeal_form(appeal_id)
    try:
        if not form.validate_on_submit():
            raise DomainError("validation", _("The form is not valid."))
        operations.record_appeal_decision(appeal_, form.data, actor())
    except DomainError as error:
        if error.status in (401, 403, 404):
            raise
        _report(form, error)
        return _render_appeals({appeal_.id: form}, error.status)
    flash(_("The assembly's decision was recorded."), "success")
    return redirect(url_for("lifecycle.appeals"))


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
    flash(_("Decision recorded for member n. %(n)d.", n=request_.member.number), "success")
    return redirect(url_for("lifecycle.withdrawals"))


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
    return render_template(
        "lifecycle/member.html", member=member, exit_=queries.member_exit(member),
        shares=queries.shares_status(member), payments=queries.share_payments(member),
        requests=queries.withdrawal_requests_of(member), today=today,
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
