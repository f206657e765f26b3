"""Convening: publishing (and reconvening), the stored convocation, the receipts and the
letters by post, and inviting members without a login."""
from __future__ import annotations

import sqlalchemy as sa
from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext

from ...authz import P
from ...core.errors import DomainError
from ...core.outbox import OutboxMessage
from ...core.permissions import PUBLIC, NotAllowed, actor, permission
from ...extensions import db
from ...members.models import Member
from .. import documents, operations
from ..forms import ActionForm
from ..models import Assembly, Receipt
from . import _assembly, _file, _own_member, _posted_error, bp


# --- convening ----------------------------------------------------------------------------------

@bp.post("/assemblies/<int:assembly_id>/publish")
@permission(P.ASSEMBLY_PREPARE)
def publish(assembly_id):
    assembly = _assembly(assembly_id)
    try:
        operations.publish(assembly, actor())
    except DomainError as error:
        return _posted_error(error, "assemblies.show", assembly_id=assembly_id)
    flash(_("Convocation published: the emails are on their way."), "success")
    return redirect(url_for("assemblies.receipts", assembly_id=assembly_id))


@bp.post("/assemblies/<int:assembly_id>/reconvene")
@permission(P.ASSEMBLY_PREPARE)
def reconvene(assembly_id):
    assembly = _assembly(assembly_id)
    try:
        operations.reconvene(assembly, actor())
    except DomainError as error:
        return _posted_error(error, "assemblies.show", assembly_id=assembly_id)
    flash(_("The assembly is a draft again: publishing it restarts the notice period."), "warning")
    return redirect(url_for("assemblies.show", assembly_id=assembly_id))


@bp.get("/assemblies/<int:assembly_id>/convocation")
@permission(P.ASSEMBLIES_READ)
def convocation(assembly_id):
    assembly = _assembly(assembly_id)
    _subject, text = documents.convocation_text(assembly)
    return render_template("assemblies/convocation.html", assembly=assembly, text=text)


@bp.get("/assemblies/<int:assembly_id>/convocation.pdf")
@permission(P.ASSEMBLIES_READ)
def convocation_pdf(assembly_id):
    assembly = _assembly(assembly_id)
    return _file(documents.convocation_pdf(assembly), "application/pdf", f"convocazione-{assembly.id}.pdf", inline=True)


def _receipts_query(assembly, columns):
    latest = (sa.select(OutboxMessage.topic, sa.func.max(OutboxMessage.id).label("id"))
              .where(OutboxMessage.topic.like(f"convocation:{assembly.id}:%")).group_by(OutboxMessage.topic).subquery())
    return (sa.select(*columns)
            .select_from(Receipt).join(Member, Member.id == Receipt.member_id)
            .outerjoin(latest, latest.c.topic == Receipt.topic)
            .outerjoin(OutboxMessage, OutboxMessage.id == latest.c.id)
            .where(Receipt.assembly_id == assembly.id))


def receipts_rows(assembly, *, only_postal: bool = False, page: int | None = None, per_page: int = 100):
    """(receipt, member, latest outbox message or None) per member, in one query."""
    query = _receipts_query(assembly, (Receipt, Member, OutboxMessage)).order_by(Member.last_name, Member.first_name,
                                                                                   Member.number)
    if only_postal:
        query = query.where(Receipt.email.is_(None))
    if page is not None:
        query = query.limit(per_page).offset((page - 1) * per_page)
    return db.session.execute(query).all()


def receipts_counts(assembly) -> dict:
    """How the convocation went, counted by the database (one query)."""
    status = OutboxMessage.status
    row = db.session.execute(_receipts_query(assembly, (
        sa.func.count(Receipt.id),
        sa.func.count(Receipt.confirmed_at),
        sa.func.count(sa.case((Receipt.email.is_(None), 1))),
        sa.func.count(sa.case((status == "failed", 1))),
        sa.func.count(sa.case((status.in_(["sent", "stored"]), 1))),
        sa.func.count(sa.case((status == "queued", 1)))))).one()
    return dict(zip(("total", "confirmed", "postal", "failed", "sent", "queued"), row))


@bp.get("/assemblies/<int:assembly_id>/receipts")
@permission(P.ASSEMBLY_RECEIPTS_READ)
def receipts(assembly_id):
    assembly = _assembly(assembly_id)
    page = max(request.args.get("page", 1, type=int) or 1, 1)
    counts = receipts_counts(assembly)
    return render_template("assemblies/receipts.html", assembly=assembly, rows=receipts_rows(assembly, page=page),
                           counts=counts, page=page, per_page=100, action=ActionForm())


@bp.post("/assemblies/<int:assembly_id>/receipts/resend")
@permission(P.ASSEMBLY_PREPARE)
def resend(assembly_id):
    assembly = _assembly(assembly_id)
    raw = request.form.get("member_id", "")
    try:
        count = operations.resend(assembly, actor(), member_id=int(raw) if raw.isdigit() and len(raw) < 10 else None)
    except DomainError as error:
        return _posted_error(error, "assemblies.receipts", assembly_id=assembly_id)
    flash(ngettext("%(num)d email queued again.", "%(num)d emails queued again.", count), "success")
    return redirect(url_for("assemblies.receipts", assembly_id=assembly_id))


@bp.get("/assemblies/<int:assembly_id>/letters.pdf")
@permission(P.ASSEMBLY_RECEIPTS_READ)
def letters_pdf(assembly_id):
    assembly = _assembly(assembly_id)
    members = [member for _receipt, member, _message in receipts_rows(assembly, only_postal=True)]
    return _file(documents.convocation_pdf(assembly, letter_to=members), "application/pdf",
                 f"lettere-convocazione-{assembly.id}.pdf", inline=True)


@bp.route("/assemblies/receipt/<token>", methods=["GET", "POST"])
@permission(PUBLIC)
def confirm_receipt(token):
    form = ActionForm()
    if request.method == "POST" and form.validate_on_submit():
        receipt = operations.confirm_receipt(token)
        assembly = db.session.get(Assembly, receipt.assembly_id)
        return render_template("assemblies/receipt.html", assembly=assembly, confirmed=True, form=form)
    from ...core import tokens
    try:
        (assembly_id, _member_id), _issued = tokens.load("assembly-receipt", token, 400 * 24 * 3600)
    except (tokens.TokenInvalid, TypeError, ValueError):
        abort(404)
    assembly = db.session.get(Assembly, assembly_id)
    if assembly is None:
        abort(404)
    return render_template("assemblies/receipt.html", assembly=assembly, confirmed=False, form=form)


@bp.post("/assemblies/<int:assembly_id>/receipt")
@permission(P.ASSEMBLY_OWN)
def confirm_own_receipt(assembly_id):
    assembly = _assembly(assembly_id)
    member = _own_member()
    if member is None:
        raise NotAllowed()
    operations.confirm_own_receipt(assembly, member.id)
    flash(_("Thank you: your receipt of the convocation is recorded."), "success")
    return redirect(url_for("assemblies.show", assembly_id=assembly_id))


# --- inviting members without a login ------------------------------------------------------------

@bp.route("/assemblies/invitations", methods=["GET", "POST"])
@permission(P.MEMBERS_INVITE)
def invitations():
    from .. import invitations as inviting
    form = ActionForm()
    if request.method == "POST" and form.validate_on_submit():
        raw = request.form.get("numbers", "")
        numbers = None
        if raw.strip():
            parts = [p for p in raw.replace(";", ",").replace("\n", ",").split(",") if p.strip()]
            if not all(p.strip().isdigit() and len(p.strip()) < 10 for p in parts):
                flash(_("Give register numbers separated by commas."), "danger")
                return render_template("assemblies/invitations.html", form=form, raw=raw,
                                       without=inviting.without_login_count()), 422
            numbers = [int(p) for p in parts]
        counts = inviting.invite(actor(), numbers=numbers)
        flash(_("%(invited)s, %(reinvited)s.",
                invited=ngettext("%(num)d member invited", "%(num)d members invited", counts["invited"]),
                reinvited=ngettext("%(num)d invited again", "%(num)d invited again", counts["reinvited"])),
              "success")
        return redirect(url_for("assemblies.invitations"))
    return render_template("assemblies/invitations.html", form=form, raw="", without=inviting.without_login_count())
