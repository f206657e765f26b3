"""Joining: the public application form and documents, the applicant's page (status, appeal,
activation), the board's queue and decision, and appeals waiting for an assembly."""
from __future__ import annotations

from flask import Response, flash, make_response, redirect, render_template, request, session, url_for
from flask_babel import format_date, get_locale
from flask_babel import gettext as _
from flask_login import current_user

from ...core import clock, confirm, limits
from ...core.errors import DomainError
from ...authz import P
from ...core.forms import emailed_link_page, label_as_legal_person, show_errors
from ...core.permissions import PUBLIC, actor, can, permission
from ...statute.queries import value_on
from .. import access, letters, operations, queries, rules
from ...core.formatting import day, money
from ..forms import (ActivationForm, ActivationRequestForm, AppealDecisionForm, AppealForm, ApplicantForgotForm,
                     ApplicantLoginForm, ApplicantResetForm, ApplicationForm, DecisionForm)
from ..models import ApplicationStatus
from . import _report, bp


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
        # the error summary names a legal person's fields in its own words
        label_as_legal_person(form, form.category.data == "legal_person")
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
    return access.session_applicant()


@bp.route("/application/forgot", methods=["GET", "POST"])
@permission(PUBLIC)
@limits.per_address("EMAIL_LINK_RATE_LIMIT", "email-link")
def applicant_forgot():
    """A forgotten applicant password: a reset link by email, if the applicant still
    follows an application from that email; the same answer either way."""
    return emailed_link_page(
        ApplicantForgotForm(), operations.request_applicant_password_reset, then=url_for("lifecycle.status"),
        answer=_("If you are following an application sent from this email, we have sent a link "
                 "to set a new password. Check your inbox."),
        page={"title": _("Forgot your password?"), "back_url": url_for("lifecycle.status"),
              "back": _("Back to your application"),
              "intro": _("Enter the email you gave in the application form: we will send you a link to set a "
                         "new password.")})


def _no_referrer(body, status):
    """The token is in the URL: never send it to another site as a Referer."""
    response = make_response(body, status)
    response.headers["Referrer-Policy"] = "no-referrer"
    return response


@bp.route("/application/reset/<token>", methods=["GET", "POST"])
@permission(PUBLIC)
def applicant_reset(token: str):
    """The emailed link: a new applicant password, once; then the applicant's page."""
    if access.application_for_reset_token(token) is None:
        return _no_referrer(render_template("lifecycle/applicant_reset_invalid.html"), 400)
    form = ApplicantResetForm()
    if form.validate_on_submit():
        try:
            application = operations.reset_applicant_password(token, form.password.data)
        except DomainError as error:
            show_errors(form, error, default_field="password")
            return _no_referrer(render_template("core/new_password.html", form=form), error.status)
        access.remember_applicant(application)
        flash(_("Your new password is set."), "success")
        return redirect(url_for("lifecycle.status"))
    status = 422 if form.is_submitted() else 200
    return _no_referrer(render_template("core/new_password.html", form=form), status)


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


@bp.route("/activate/new", methods=["GET", "POST"])
@permission(PUBLIC)
@limits.per_address("EMAIL_LINK_RATE_LIMIT", "email-link")
def activation_request():
    """An admitted applicant whose activation link expired asks for a new one by email
    (the application's password no longer opens the application page after admission).
    The same answer whatever the email: nobody learns who was admitted."""
    return emailed_link_page(
        ActivationRequestForm(), operations.request_new_activation, then=url_for("auth.login"),
        answer=_("If a new member's account waiting for activation has this email, we have sent "
                 "it a new activation link. Check your inbox."),
        page={"title": _("A new activation link"), "back_url": url_for("auth.login"), "back": _("Log in"),
              "intro": _("Enter the email you gave in the application form: if your application was accepted "
                         "and your account is not active yet, we will send you a new link to activate it.")})


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
    """Appeals waiting for the next ordinary assembly, and the form to record its decision;
    `?show=decided`: the assemblies' decisions, so a decided appeal stays findable."""
    return _render_appeals({})


def _appeal_form(appeal_id: int, blank: bool = False) -> AppealDecisionForm:
    # One form per appeal on the page: the prefix keeps their fields' ids apart.
    if blank:
        return AppealDecisionForm(formdata=None, prefix=f"appeal{appeal_id}",
                                  decided_on=clock.today().isoformat())
    return AppealDecisionForm(prefix=f"appeal{appeal_id}")


def _render_appeals(forms: dict, status: int = 200):
    show = "decided" if request.method == "GET" and request.args.get("show") == "decided" else "waiting"
    return render_template("lifecycle/appeals.html", show=show,
                           appeals=queries.pending_appeals() if show == "waiting" else [],
                           decided=queries.decided_appeals() if show == "decided" else [],
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
