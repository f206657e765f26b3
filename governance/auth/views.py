"""Login, logout, forgotten password, profile (language, password, personal API tokens)."""
from __future__ import annotations

from flask import Blueprint, flash, make_response, redirect, render_template, request, session, url_for
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import login_user, logout_user

from ..authz import P
from ..core import clock, limits
from ..core.errors import DomainError
from ..core.forms import emailed_link_page, show_errors
from ..core.permissions import AUTHENTICATED, PUBLIC, actor, can, permission
from ..core.urls import safe_next
from . import operations
from .forms import (ChangePasswordForm, ForgotPasswordForm, LoginForm, PreferencesForm,
                    ResetPasswordForm, RevokeTokenForm, TokenForm)

bp = Blueprint("auth", __name__)


@bp.route("/login", methods=["GET", "POST"])
@permission(PUBLIC)
def login():
    form = LoginForm()
    if form.validate_on_submit():
        try:
            user = operations.authenticate(form.email.data, form.password.data, request.remote_addr)
        except DomainError as error:
            form.password.errors.append(error.message)
            response = make_response(render_template("auth/login.html", form=form),
                                     429 if error.status == 429 else 422)
            if getattr(error, "retry_after", None):
                response.headers["Retry-After"] = str(error.retry_after)
            return response
        login_user(user, remember=form.remember.data)
        chosen = session.get("lang")
        if chosen in ("it", "en") and chosen != user.locale:
            operations.set_locale(user, chosen)  # a language chosen before logging in is kept
        session["lang"] = user.locale
        return redirect(safe_next(request.args.get("next")))
    status = 422 if form.is_submitted() else 200
    return render_template("auth/login.html", form=form), status


@bp.post("/logout")
@permission(AUTHENTICATED)
def logout():
    # A new session version: this session, and any copy of its cookie, ends everywhere.
    operations.end_sessions(actor())
    logout_user()
    flash(_("You have logged out."), "success")
    return redirect(url_for("core.home"))


# --- forgotten password -------------------------------------------------------------

@bp.route("/password/forgot", methods=["GET", "POST"])
@permission(PUBLIC)
@limits.per_address("EMAIL_LINK_RATE_LIMIT", "email-link")
def forgot_password():
    return emailed_link_page(
        ForgotPasswordForm(), operations.request_password_reset, then=url_for("auth.login"),
        answer=_("If an account exists for this email, we have sent it a link to set a new "
                 "password. Check your inbox."),
        page={"title": _("Forgot your password?"), "back_url": url_for("auth.login"), "back": _("Back to log in"),
              "intro": _("Enter the email of your account: we will send you a link to set a new password.")})


@bp.route("/password/reset/<token>", methods=["GET", "POST"])
@permission(PUBLIC)
def reset_password(token: str):
    try:
        operations.user_for_reset_token(token)
    except DomainError as error:
        response = render_template("auth/reset_invalid.html", message=error.message), 400
        return _no_referrer(response)
    form = ResetPasswordForm()
    if form.validate_on_submit():
        try:
            _user, revoked = operations.reset_password(token, form.password.data)
        except DomainError as error:
            show_errors(form, error, default_field="password")
            return _no_referrer((render_template("core/new_password.html", form=form), 422))
        flash(_("Your password has been changed. You can log in now."), "success")
        if revoked:
            flash(ngettext("Your API token has been revoked with the old password.",
                           "Your %(num)d API tokens have been revoked with the old password.", revoked),
                  "info")
        return redirect(url_for("auth.login"))
    status = 422 if form.is_submitted() else 200
    return _no_referrer((render_template("core/new_password.html", form=form), status))


def _no_referrer(result):
    """The token is in the URL: never send it to another site as a Referer."""
    body, status = result
    response = make_response(body, status)
    response.headers["Referrer-Policy"] = "no-referrer"
    return response


# --- profile ------------------------------------------------------------------------------

def _profile_page(status: int = 200, *, preferences=None, password_form=None, token_form=None,
                  new_token=None):
    user = actor()
    return render_template(
        "auth/profile.html", user=user,
        preferences=preferences or PreferencesForm(formdata=None, prefix="pref", locale=user.locale),
        password_form=password_form or ChangePasswordForm(formdata=None, prefix="pw"),
        token_form=token_form or TokenForm(formdata=None, prefix="token"),
        tokens=operations.tokens_of(user) if can(user, P.API_TOKENS_PAGE) else None,
        now=clock.now(), new_token=new_token,
    ), status


@bp.route("/profile", methods=["GET", "POST"])
@permission(AUTHENTICATED)
def profile():
    if request.method == "GET":
        return _profile_page()
    form = PreferencesForm(prefix="pref")
    if not form.validate_on_submit():
        return _profile_page(422, preferences=form)
    try:
        operations.set_locale(actor(), form.locale.data)
    except DomainError as error:
        show_errors(form, error, default_field="locale")
        return _profile_page(422, preferences=form)
    session["lang"] = form.locale.data
    with force_locale(form.locale.data):
        flash(_("Your preferences have been saved."), "success")
    return redirect(url_for("auth.profile"))


@bp.post("/profile/password")
@permission(AUTHENTICATED)
def change_password():
    form = ChangePasswordForm(prefix="pw")
    if not form.validate_on_submit():
        return _profile_page(422, password_form=form)
    try:
        revoked = operations.change_password(actor(), form.current_password.data, form.new_password.data)
    except DomainError as error:
        show_errors(form, error, default_field="new_password")
        return _profile_page(422, password_form=form)
    # The session carries the login's session version, new with the password: renew it
    # here, so this browser stays logged in while every other session of the user ends.
    login_user(actor())
    flash(_("Your password has been changed; your other sessions have been logged out."), "success")
    if revoked:
        flash(ngettext("Your API token has been revoked with the old password.",
                           "Your %(num)d API tokens have been revoked with the old password.", revoked), "info")
    return redirect(url_for("auth.profile"))


@bp.post("/profile/tokens")
@permission(P.API_TOKENS_PAGE)
def create_token():
    form = TokenForm(prefix="token")
    if not form.validate_on_submit():
        return _profile_page(422, token_form=form)
    try:
        token, raw = operations.create_token(actor(), form.name.data)
    except DomainError as error:
        show_errors(form, error, default_field="name")
        return _profile_page(422, token_form=form)
    # Shown once, on this page only: the raw token is never stored nor put in a cookie.
    response = make_response(*_profile_page(201, new_token={"token": token, "raw": raw}))
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.post("/profile/tokens/<int:token_id>/revoke")
@permission(P.API_TOKENS_PAGE)
def revoke_token(token_id: int):
    form = RevokeTokenForm()
    if not form.validate_on_submit():
        return _profile_page(422)
    token = operations.revoke_token(actor(), token_id)
    flash(_("The token %(name)s has been revoked.", name=token.name), "success")
    return redirect(url_for("auth.profile"))
