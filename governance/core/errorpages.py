"""Friendly HTML error pages (the API answers problem+json instead)."""
from __future__ import annotations

from flask import render_template, request
from flask_babel import gettext as _

from ..extensions import db

MESSAGES = {
    400: lambda: _("The request could not be understood."),
    401: lambda: _("Please log in to see this page."),
    403: lambda: _("You are not allowed to see this page."),
    404: lambda: _("This page does not exist."),
    405: lambda: _("This action is not available here."),
    409: lambda: _("This action is not possible in the current state."),
    413: lambda: _("The file is too large."),
    422: lambda: _("The data sent is not valid."),
    429: lambda: _("Too many requests from your connection: wait a little and try again."),
    500: lambda: _("Something went wrong on our side. The change was not saved."),
}


def render_error_page(status: int, detail: str | None = None):
    db.session.rollback()
    message = MESSAGES.get(status, MESSAGES[500])()
    return render_template("errors/error.html", status=status, message=message,
                           detail=detail), status


def render_http_error(error):
    status = getattr(error, "code", None) or 500
    if status == 401:
        from flask import redirect, url_for
        return redirect(url_for("auth.login", next=request.full_path))
    return render_error_page(status)
