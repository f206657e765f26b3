"""The roll and proxies, the session (opening, the chair and secretary, check-in, quorum,
closing) and the minutes (editing, signing, PDFs, the minutes book)."""
from __future__ import annotations

import sqlalchemy as sa
from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ...authz import P
from ...core.errors import DomainError
from ...core.permissions import NotAllowed, actor, can, permission
from ...extensions import db
from ...members.models import Member
from .. import documents, operations, queries
from ..forms import (ActionForm, DesignateForm, MinutesForm, OpenForm, PaperProxyForm, ProxyForm,
                     SignForm)
from ..models import Assembly, AssemblyStatus, Minutes, Proxy
from . import ROLL_PAGE, _assembly, _fail, _file, _item, _own_member, _posted_error, _render_show, bp


# --- the roll and proxies ----------------------------------------------------------------------

@bp.get("/assemblies/<int:assembly_id>/roll")
@permission(P.ASSEMBLY_ROLL_READ)
def roll(assembly_id):
    assembly = _assembly(assembly_id)
    page = max(request.args.get("page", 1, type=int) or 1, 1)
    count = queries.roll_count(assembly)
    voters = db.session.execute(queries.roll_query(assembly).limit(ROLL_PAGE).offset((page - 1) * ROLL_PAGE)).all()
    active = db.session.scalar(sa.select(sa.func.count(Member.id)).where(Member.status == "active"))
    return render_template("assemblies/roll.html", assembly=assembly, voters=voters, count=count, page=page,
                           per_page=ROLL_PAGE, on=queries.roll_day(assembly), frozen=queries.is_frozen(assembly),
                           attend_only=max(active - count, 0))


def _member_by_number(raw, field: str) -> Member:
    raw = (raw or "").strip() if isinstance(raw, str) else raw
    number = int(raw) if isinstance(raw, int) or (isinstance(raw, str) and raw.isdigit() and len(raw) < 10) else None
    member = db.session.scalar(sa.select(Member).where(Member.number == number)) if number else None
    if member is None:
        raise DomainError("validation", _("There is no member with register number %(n)s.", n=str(raw)[:10]),
                          field=field)
    return member


@bp.post("/assemblies/<int:assembly_id>/my-proxy")
@permission(P.ASSEMBLY_OWN)
def give_proxy(assembly_id):
    assembly = _assembly(assembly_id)
    member = _own_member()
    if member is None:
        raise NotAllowed()
    form = ProxyForm()
    try:
        if not form.validate_on_submit():
            raise DomainError("validation", _("The form is not valid."))
        delegate = _member_by_number(form.delegate.data, "delegate")
        operations.give_proxy(assembly, member, delegate, actor())
    except DomainError as error:
        status = _fail(form, error)
        return _render_show(assembly, proxy_form=form, status=status)
    flash(_("Proxy given: the delegate is told by email."), "success")
    return redirect(url_for("assemblies.show", assembly_id=assembly_id))


def _proxy(assembly, proxy_id) -> Proxy:
    proxy = db.session.get(Proxy, proxy_id)
    if proxy is None or proxy.assembly_id != assembly.id:
        abort(404)
    return proxy


@bp.post("/assemblies/<int:assembly_id>/proxies/<int:proxy_id>/revoke")
@permission(P.ASSEMBLY_OWN, P.PROXY_RECORD)
def revoke_proxy(assembly_id, proxy_id):
    assembly = _assembly(assembly_id)
    proxy = _proxy(assembly, proxy_id)
    if not can(current_user, P.PROXY_RECORD) and proxy.delegator_id != getattr(current_user, "member_id", None):
        raise NotAllowed()
    try:
        operations.revoke_proxy(proxy, actor())
    except DomainError as error:
        return _posted_error(error, "assemblies.show", assembly_id=assembly_id)
    flash(_("Proxy revoked."), "success")
    return redirect(request.form.get("back") == "proxies" and url_for("assemblies.proxies", assembly_id=assembly_id)
                    or url_for("assemblies.show", assembly_id=assembly_id))


@bp.post("/assemblies/<int:assembly_id>/proxies/<int:proxy_id>/decline")
@permission(P.ASSEMBLY_OWN)
def decline_proxy(assembly_id, proxy_id):
    assembly = _assembly(assembly_id)
    proxy = _proxy(assembly, proxy_id)
    if proxy.delegate_id != getattr(current_user, "member_id", None):
        raise NotAllowed()
    try:
        operations.decline_proxy(proxy, actor())
    except DomainError as error:
        return _posted_error(error, "assemblies.show", assembly_id=assembly_id)
    flash(_("Proxy declined: the delegator is told by email."), "success")
    return redirect(url_for("assemblies.show", assembly_id=assembly_id))


@bp.route("/assemblies/<int:assembly_id>/proxies", methods=["GET", "POST"])
@permission(P.PROXY_RECORD)
def proxies(assembly_id):
    assembly = _assembly(assembly_id)
    form = PaperProxyForm()
    status = 200
    if request.method == "POST":
        try:
            if not form.validate_on_submit():
                raise DomainError("validation", _("The form is not valid."))
            delegator = _member_by_number(form.delegator.data, "delegator")
            delegate = _member_by_number(form.delegate.data, "delegate")
            scan = request.files.get("scan")
            operations.give_proxy(assembly, delegator, delegate, actor(),
                                  scan=(scan.filename, scan.read()) if scan and scan.filename else None)
        except DomainError as error:
            status = _fail(form, error)
        else:
            flash(_("Paper proxy recorded."), "success")
            return redirect(url_for("assemblies.proxies", assembly_id=assembly_id))
    return render_template("assemblies/proxies.html", assembly=assembly, form=form, action=ActionForm(),
                           rows=queries.proxies_of(assembly)), status


@bp.get("/assemblies/<int:assembly_id>/proxies/<int:proxy_id>/scan")
@permission(P.PROXY_RECORD, P.ASSEMBLY_RECEIPTS_READ)
def proxy_scan(assembly_id, proxy_id):
    proxy = _proxy(_assembly(assembly_id), proxy_id)
    if not proxy.scan_stored_name:
        abort(404)
    return _file(documents.read(proxy.scan_stored_name), "application/pdf", f"delega-{proxy.id}.pdf", inline=True)


# --- the session --------------------------------------------------------------------------------

def search_members(q: str, limit: int = 20):
    """Check-in search: a register number exactly, or a part of the name (indexed
    search_name), active members only; with whether each is on the roll and present."""
    q = (q or "").strip()[:100]
    if not q:
        return []
    query = sa.select(Member).where(Member.status == "active")
    if q.isdigit() and len(q) < 10:
        query = query.where(Member.number == int(q))
    else:
        pattern = "%" + q.lower().replace("\\", "").replace("%", "").replace("_", "") + "%"
        query = query.where(Member.search_name.like(pattern)).order_by(Member.search_name)
    return list(db.session.scalars(query.limit(limit)))


def session_context(assembly, q: str = ""):
    from ..models import Attendance, RollEntry
    found = search_members(q)
    ids = [m.id for m in found]
    present_ids = set(db.session.scalars(sa.select(Attendance.member_id).where(
        Attendance.assembly_id == assembly.id, Attendance.left_at.is_(None), Attendance.member_id.in_(ids)))) if ids else set()
    roll_ids = set(db.session.scalars(sa.select(RollEntry.member_id).where(
        RollEntry.assembly_id == assembly.id, RollEntry.member_id.in_(ids)))) if ids else set()
    attendees = db.session.scalars(sa.select(Attendance).where(
        Attendance.assembly_id == assembly.id, Attendance.left_at.is_(None)).order_by(Attendance.checked_in_at.desc())
        .limit(100)).all()
    return {"found": found, "present_ids": present_ids, "roll_ids": roll_ids, "attendees": attendees, "q": q}


@bp.get("/assemblies/<int:assembly_id>/session")
@permission(P.ASSEMBLY_SESSION)
def session_page(assembly_id):
    assembly = _assembly(assembly_id)
    q = request.args.get("q", "")
    context = session_context(assembly, q) if assembly.status == AssemblyStatus.IN_SESSION else {"q": q}
    if request.args.get("fragment") == "search":
        return render_template("assemblies/_search_results.html", assembly=assembly, action=ActionForm(), **context)
    return render_template("assemblies/session.html", assembly=assembly, open_form=OpenForm(),
                           designate_form=DesignateForm(obj=assembly), action=ActionForm(),
                           quorum=queries.quorum_now(assembly), **context)


@bp.post("/assemblies/<int:assembly_id>/open")
@permission(P.ASSEMBLY_SESSION)
def open_session(assembly_id):
    assembly = _assembly(assembly_id)
    form = OpenForm()
    try:
        operations.open_session(assembly, form.call.data, actor())
    except DomainError as error:
        return _posted_error(error, "assemblies.session_page", assembly_id=assembly_id)
    flash(_("The session is open: the roll of voters is frozen."), "success")
    return redirect(url_for("assemblies.session_page", assembly_id=assembly_id))


@bp.post("/assemblies/<int:assembly_id>/designate")
@permission(P.ASSEMBLY_SESSION)
def designate(assembly_id):
    assembly = _assembly(assembly_id)
    try:
        operations.designate(assembly, request.form, actor())
    except DomainError as error:
        return _posted_error(error, "assemblies.session_page", assembly_id=assembly_id)
    flash(_("Saved."), "success")
    return redirect(url_for("assemblies.session_page", assembly_id=assembly_id))


@bp.post("/assemblies/<int:assembly_id>/check-in")
@permission(P.ASSEMBLY_SESSION)
def check_in(assembly_id):
    assembly = _assembly(assembly_id)
    try:
        member = _member_by_number(request.form.get("member"), "member")
        if request.form.get("out"):
            operations.check_out(assembly, member, actor())
            flash(_("%(name)s checked out.", name=member.full_name), "success")
        else:
            operations.check_in(assembly, member, actor())
            flash(_("%(name)s checked in.", name=member.full_name), "success")
    except DomainError as error:
        return _posted_error(error, "assemblies.session_page", assembly_id=assembly_id, q=request.form.get("q", ""))
    return redirect(url_for("assemblies.session_page", assembly_id=assembly_id, q=request.form.get("q", "")))


@bp.post("/assemblies/<int:assembly_id>/attend")
@permission(P.ASSEMBLY_OWN)
def attend_online(assembly_id):
    assembly = _assembly(assembly_id)
    member = _own_member()
    if member is None:
        raise NotAllowed()
    try:
        if request.form.get("out"):
            operations.check_out(assembly, member, actor())
        else:
            operations.check_in(assembly, member, actor(), online=True)
    except DomainError as error:
        return _posted_error(error, "assemblies.show", assembly_id=assembly_id)
    flash(_("Your attendance is recorded."), "success")
    return redirect(url_for("assemblies.show", assembly_id=assembly_id))


@bp.get("/assemblies/<int:assembly_id>/quorum")
@permission(P.ASSEMBLIES_READ)
def quorum(assembly_id):
    assembly = _assembly(assembly_id)
    template = "assemblies/_quorum.html" if request.args.get("fragment") else "assemblies/quorum.html"
    return render_template(template, assembly=assembly, quorum=queries.quorum_now(assembly))


@bp.post("/assemblies/<int:assembly_id>/close")
@permission(P.ASSEMBLY_SESSION)
def close(assembly_id):
    assembly = _assembly(assembly_id)
    try:
        operations.close_session(assembly, actor())
    except DomainError as error:
        return _posted_error(error, "assemblies.session_page", assembly_id=assembly_id)
    flash(_("The assembly is closed: the minutes draft is ready."), "success")
    return redirect(url_for("assemblies.minutes", assembly_id=assembly_id))


# --- minutes ------------------------------------------------------------------------------------

def _render_minutes(assembly, form=None, status=200):
    record = db.session.get(Minutes, assembly.id)
    editable = can(current_user, P.ASSEMBLY_SESSION) and record is not None and not record.signed
    return render_template("assemblies/minutes.html", assembly=assembly, record=record,
                           form=form or MinutesForm(obj=record), editable=editable,
                           sign_form=SignForm(formdata=None), action=ActionForm()), status


@bp.get("/assemblies/<int:assembly_id>/minutes")
@permission(P.MINUTES_READ)
def minutes(assembly_id):
    return _render_minutes(_assembly(assembly_id))


@bp.post("/assemblies/<int:assembly_id>/minutes/edit")
@permission(P.ASSEMBLY_SESSION)
def edit_minutes(assembly_id):
    assembly = _assembly(assembly_id)
    form = MinutesForm()
    try:
        if not form.validate_on_submit():
            raise DomainError("validation", _("The form is not valid."))
        operations.update_minutes(assembly, form.data, actor())
    except DomainError as error:
        return _render_minutes(assembly, form, _fail(form, error))
    flash(_("Minutes saved."), "success")
    return redirect(url_for("assemblies.minutes", assembly_id=assembly_id))


@bp.post("/assemblies/<int:assembly_id>/minutes/sign")
@permission(P.ASSEMBLY_SESSION)
def sign_minutes(assembly_id):
    assembly = _assembly(assembly_id)
    scan = request.files.get("scan")
    try:
        if scan is None or not scan.filename:
            raise DomainError("validation", _("Choose the scan of the signed minutes."), field="scan")
        operations.sign_minutes(assembly, scan.filename, scan.read(), actor())
    except DomainError as error:
        return _posted_error(error, "assemblies.minutes", assembly_id=assembly_id)
    flash(_("Signed minutes uploaded: they are now read-only."), "success")
    return redirect(url_for("assemblies.minutes", assembly_id=assembly_id))


@bp.post("/assemblies/<int:assembly_id>/minutes/regenerate")
@permission(P.ASSEMBLY_SESSION)
def regenerate_minutes(assembly_id):
    assembly = _assembly(assembly_id)
    try:
        operations.regenerate_minutes(assembly, actor())
    except DomainError as error:
        return _posted_error(error, "assemblies.minutes", assembly_id=assembly_id)
    flash(_("Minutes drafted again from the session."), "success")
    return redirect(url_for("assemblies.minutes", assembly_id=assembly_id))


@bp.post("/assemblies/<int:assembly_id>/items/<int:item_id>/summary")
@permission(P.ASSEMBLY_SESSION)
def item_summary(assembly_id, item_id):
    assembly = _assembly(assembly_id)
    try:
        operations.set_item_summary(_item(assembly, item_id), request.form, actor())
    except DomainError as error:
        return _posted_error(error, "assemblies.minutes", assembly_id=assembly_id)
    flash(_("Summary saved."), "success")
    return redirect(url_for("assemblies.minutes", assembly_id=assembly_id))


@bp.get("/assemblies/<int:assembly_id>/minutes.pdf")
@permission(P.MINUTES_READ)
def minutes_pdf(assembly_id):
    assembly = _assembly(assembly_id)
    record = db.session.get(Minutes, assembly.id)
    if record is None:
        abort(404)
    return _file(documents.minutes_pdf(assembly, record), "application/pdf", f"verbale-{assembly.id}.pdf", inline=True)


@bp.get("/assemblies/<int:assembly_id>/minutes/signed.pdf")
@permission(P.MINUTES_READ)
def signed_minutes(assembly_id):
    record = db.session.get(Minutes, assembly_id)
    if record is None or not record.signed:
        abort(404)
    return _file(documents.read(record.signed_scan_stored_name), "application/pdf",
                 f"verbale-firmato-{assembly_id}.pdf", inline=True)


@bp.get("/assemblies/minutes-book")
@permission(P.MINUTES_READ)
def minutes_book():
    rows = db.session.execute(sa.select(Assembly, Minutes).join(Minutes, Minutes.assembly_id == Assembly.id)
                              .order_by(Assembly.closed_at.desc())).all()
    return render_template("assemblies/minutes_book.html", rows=rows)
