"""Login pages."""
from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_user, logout_user

from ..core.errors import DomainError
from ..core.permissions import AUTHENTICATED, PUBLIC, permission
from . import operations
from .forms import LoginForm

bp = Blueprint("auth", __name__)


def _safe_next(target: str | None) -> str:
    if target and target.startswith("/") and not target.startswith("//"):
        return target
    return url_for("core.home")


@bp.route("/login", methods=["GET", "POST"])
@permission(PUBLIC)
def login():
    form = LoginForm()
    if form.validate_on_submit():
        try:
            user = operations.authenticate(form.email.data, form.password.data)
        except DomainError as error:
            form.password.errors.append(error.message)
            return render_template("auth/login.html", form=form), 422
        login_user(user, remember=form.remember.data)
        session["lang"] = user.locale
        return redirect(_safe_next(request.args.get("next")))
    status = 422 if form.is_submitted() else 200
    return render_template("auth/login.html", form=form), status


@bp.post("/logout")
@permission(AUTHENTICATED)
def logout():
    logout_user()
    flash(_("You have logged out."), "success")
    return redirect(url_for("core.home"))
