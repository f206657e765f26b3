"""Statute parameters: what is in force on a day, the dated history, and a page per
parameter with its value, unit and bounds in words and the form that changes it."""
from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..authz import P
from ..core import clock
from ..core.errors import DomainError
from ..core.formatting import day
from ..core.permissions import actor, can, permission
from . import operations, queries, words
from .forms import DayForm, change_form_for
from .parameters import BY_NAME, PARAMETERS, Parameter

bp = Blueprint("statute", __name__)


@bp.get("/statute")
@permission(P.STATUTE_READ)
def parameters():
    day_form = DayForm(request.args)
    status = 200 if day_form.validate() else 422
    on = day_form.on.data if not day_form.on.errors and day_form.on.data else clock.today()
    values = queries.parameters_on(on)
    upcoming = queries.next_changes_after(on)
    return render_template(
        "statute/parameters.html", on=on, day_form=day_form, can_change=can(current_user, P.STATUTE_CHANGE),
        rows=[(p, values[p.name], upcoming.get(p.name)) for p in PARAMETERS],
        history=queries.history_with_names(), by_name=BY_NAME), status


def _parameter(name: str) -> Parameter:
    parameter = BY_NAME.get(name)
    if parameter is None:
        abort(404)
    return parameter


def _parameter_page(parameter: Parameter, form, status: int = 200):
    today = clock.today()
    return render_template(
        "statute/parameter.html", p=parameter, form=form, today=today,
        value=queries.value_on(parameter.name, today),
        upcoming=queries.next_changes_after(today).get(parameter.name),
        history=queries.history_with_names(parameter.name)), status


@bp.get("/statute/parameters/<name>")
@permission(P.STATUTE_READ)
def parameter(name: str):
    """One parameter: value in force, unit, bounds and source in words, its history,
    and (for those who may change it) the form."""
    p = _parameter(name)
    form = None
    if can(current_user, P.STATUTE_CHANGE):
        current = words.input_text(p, queries.value_on(p.name))
        form = change_form_for(p, formdata=None, data={"effective_from": clock.today(),
                                                       "value": None if p.kind == "bool" else current})
    return _parameter_page(p, form)


@bp.post("/statute/parameters/<name>")
@permission(P.STATUTE_CHANGE)
def change(name: str):
    p = _parameter(name)
    form = change_form_for(p)
    if not form.validate_on_submit():
        return _parameter_page(p, form, 422)
    try:
        operations.change_parameters({p.name: form.value.data}, form.effective_from.data, actor(),
                                     note=form.note.data or None, correction=form.correction.data)
    except DomainError as error:
        # Errors are keyed by parameter name; the value is the field, unless the date
        # or the note is what is wrong.
        target = {"effective_from": form.effective_from, "note": form.note}.get(error.field, form.value)
        target.errors = list(target.errors) + (error.errors.get(p.name) or [error.message])
        return _parameter_page(p, form, 422)
    flash(_("%(label)s: the new value applies from %(date)s.", label=p.label,
            date=day(form.effective_from.data)), "success")
    return redirect(url_for("statute.parameter", name=p.name))


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
    return redirect(url_for("statute.parameter", name=row.name))
