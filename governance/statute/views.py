"""Statute parameters: what is in force on a day, the dated history, dated changes."""
from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..core import clock
from ..core.formatting import day
from ..core.errors import DomainError
from ..authz import P
from ..core.permissions import actor, can, permission
from . import operations, queries
from .forms import ChangeParameterForm, DayForm
from .parameters import BY_NAME, PARAMETERS

bp = Blueprint("statute", __name__)

def _page(day_form: DayForm, change_form: ChangeParameterForm | None, status: int = 200):
    on = day_form.on.data if not day_form.on.errors and day_form.on.data else clock.today()
    if change_form is None and can(current_user, P.STATUTE_CHANGE):
        change_form = ChangeParameterForm(formdata=None, data={"effective_from": clock.today()})
    values = queries.parameters_on(on)
    upcoming = queries.next_changes_after(on)
    return render_template(
        "statute/parameters.html", on=on, day_form=day_form, change_form=change_form,
        rows=[(p, values[p.name], upcoming.get(p.name)) for p in PARAMETERS],
        history=queries.history_with_authors(), by_name=BY_NAME), status


@bp.get("/statute")
@permission(P.STATUTE_READ)
def parameters():
    day_form = DayForm(request.args)
    status = 200 if day_form.validate() else 422
    return _page(day_form, None, status)


@bp.post("/statute/changes/<int:value_id>/cancel")
@permission(P.STATUTE_CHANGE)
def cancel(value_id: int):
    """Cancel a change scheduled for a later day."""
    try:
        row = operations.cancel_change(value_id, actor())
    except DomainError as error:
        if error.status != 409:
            raise
        flash(error.message, "danger")
        return redirect(url_for("statute.parameters"))
    flash(_("%(label)s: the change from %(date)s was cancelled.", label=BY_NAME[row.name].label,
            date=day(row.effective_from)), "success")
    return redirect(url_for("statute.parameters"))


@bp.post("/statute/change")
@permission(P.STATUTE_CHANGE)
def change():
    form = ChangeParameterForm()
    day_form = DayForm(formdata=None)
    if not form.validate_on_submit():
        return _page(day_form, form, 422)
    try:
        operations.change_parameters({form.name.data: form.value.data}, form.effective_from.data,
                                     actor(), note=form.note.data or None,
                                     correction=form.correction.data)
    except DomainError as error:
        # Errors are keyed by parameter name; on this form the value is the field,
        # unless the date or the note is what is wrong.
        target = {"effective_from": form.effective_from, "note": form.note}.get(error.field, form.value)
        target.errors = list(target.errors) + (error.errors.get(form.name.data) or [error.message])
        return _page(day_form, form, 422)
    parameter = BY_NAME[form.name.data]
    flash(_("%(label)s: the new value applies from %(date)s.", label=parameter.label,
            date=day(form.effective_from.data)), "success")
    return redirect(url_for("statute.parameters", on=form.effective_from.data.isoformat()))
