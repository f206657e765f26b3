"""HTML pages of assemblies. Each view: load, authorise (declared once with @permission,
object checks here: a member acts for themself only), call one operation, render or
redirect. The same operations serve the JSON API (api.py).

This package holds the blueprint and what its pages share (loading, errors, the page of an
assembly, files); the routes live in preparing (the list, an assembly, its agenda and
documents), convening (publishing, convocation, receipts, invitations) and session (roll and
proxies, the session, the minutes)."""
from __future__ import annotations

import sqlalchemy as sa
from flask import Blueprint, Response, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ...authz import P
from ...core.errors import DomainError
from ...core.forms import show_errors
from ...core.permissions import can
from ...extensions import db
from ...members.models import Member
from .. import documents, operations, queries
from ..forms import ActionForm, DocumentForm, ItemForm, ProxyForm
from ..models import AgendaItem, Assembly, AssemblyStatus
from ..rules import ROME

bp = Blueprint("assemblies", __name__)
PER_PAGE = 50
ROLL_PAGE = 200


def _fail(form, error: DomainError) -> int:
    if error.status in (401, 403, 404):
        raise error
    if error.status == 409:
        flash(error.message, "danger")
    else:
        show_errors(form, error)
        if not (error.errors or {}):
            flash(error.message, "danger")
    return error.status


def _assembly(assembly_id: int) -> Assembly:
    return operations.get_assembly(assembly_id)


def _own_member() -> Member | None:
    member_id = getattr(current_user, "member_id", None)
    return db.session.get(Member, member_id) if member_id else None


def _local(moment) -> str:
    return moment.astimezone(ROME).strftime("%Y-%m-%dT%H:%M") if moment else ""


def _posted_error(error: DomainError, endpoint: str, **values):
    """For one-button forms: the message as a flash, back to the page."""
    if error.status in (401, 403, 404):
        raise error
    flash(error.message, "danger")
    return redirect(url_for(endpoint, **values))


def _render_show(assembly, *, item_form=None, proxy_form=None, status=200):
    member = _own_member() if can(current_user, P.ASSEMBLY_OWN) else None
    mine = {}
    if member is not None:
        mine = {"member": member, "problem": queries.voting_problem(assembly, member),
                "voting_from": queries.voting_right_from(member),
                "given": queries.proxy_given_by(assembly, member.id),
                "held": queries.proxies_held_by(assembly, member.id),
                "receipt": queries.receipt_of(assembly, member.id),
                "attending": _attending(assembly, member)}
        if proxy_form is None and assembly.status == AssemblyStatus.CONVENED and mine["problem"] is None \
                and mine["given"] is None and not mine["held"]:
            proxy_form = ProxyForm()
        if proxy_form is not None:
            proxy_form.delegate.choices = [("", _("Choose…"))] + [
                (str(m.number), f"{m.last_name} {m.first_name} (n. {m.number})")
                for m in operations.eligible_delegates(assembly, member)]
    return render_template("assemblies/show.html", assembly=assembly, mine=mine,
                           item_form=item_form or ItemForm(formdata=None), proxy_form=proxy_form,
                           document_form=DocumentForm(formdata=None), action=ActionForm(),
                           markdown=documents.markdown), status


def _attending(assembly, member) -> bool:
    from ..models import Attendance
    return bool(db.session.scalar(sa.select(sa.func.count(Attendance.id)).where(
        Attendance.assembly_id == assembly.id, Attendance.member_id == member.id, Attendance.left_at.is_(None))))


def _item(assembly, item_id) -> AgendaItem:
    item = queries.item(assembly, item_id)
    if item is None:
        abort(404)
    return item


def _file(data: bytes, content_type: str, filename: str, inline: bool = False) -> Response:
    from urllib.parse import quote
    response = Response(data, mimetype=content_type)
    disposition = "inline" if inline else "attachment"
    response.headers["Content-Disposition"] = f"{disposition}; filename*=UTF-8''{quote(filename)}"
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Cache-Control"] = "private, no-store"
    response.headers["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


# The routes, by use case: importing them registers them on bp.
from . import convening, preparing, session  # noqa: E402,F401
