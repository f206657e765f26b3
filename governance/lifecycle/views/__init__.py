"""HTML pages of the membership lifecycle. Each view: load, authorise (declared once
with @permission, object checks after loading), call one operation, render or redirect.

This package holds the blueprint and what its pages share; the routes live in applying
(joining: application, applicant's page, board queue, appeals), leaving (withdrawals and
exits) and member (a member's page, accounts approvals, the annual report).
"""
from __future__ import annotations

from flask import Blueprint, flash
from flask_babel import gettext as _

from ...core.errors import DomainError
from ...core.forms import show_errors
from .. import rules

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


# The routes, by use case: importing them registers them on bp.
from . import applying, leaving, member  # noqa: E402,F401
