"""HTML pages of assemblies. Each view: load, authorise (declared once with @permission,
object checks here: a member acts for themself only), call one operation, render or
redirect. The same operations serve the JSON API (api.py)."""
from __future__ import annotations

import sqlalchemy as sa
from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..authz import P
from ..core.errors import DomainError
from ..core.forms import show_errors
from ..core.outbox import OutboxMessage
from ..core.permissions import PUBLIC, NotAllowed, actor, can, permission
from ..extensions import db
from ..members.models import Member
from . import documents, operations, queries
from .forms import (ActionForm, AssemblyForm, DesignateForm, DocumentForm, ItemForm, MinutesForm,
                    OpenForm, PaperProxyForm, ProxyForm, SignForm)
from .models import AgendaDocument, AgendaItem, Assembly, AssemblyStatus, Minutes, Proxy, Receipt
from .rules import ROME

bp = Blueprint("assemblies", __name__)
PER_PAGE = 50


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


# --- list and preparing ------------------------------------------------------------------------

@bp.get("/assemblies")
@permission(P.ASSEMBLIES_READ)
def index():
    rows = db.session.scalars(queries.assemblies_query().limit(200)).all()
    return render_template("assemblies/index.html", rows=rows)


@bp.route("/assemblies/new", methods=["GET", "POST"])
@permission(P.ASSEMBLY_PREPARE)
def new():
    form = AssemblyForm()
    status = 200
    if request.method == "POST":
        try:
            if not form.validate_on_submit():
                raise DomainError("validation", _("The form is not valid."))
            assembly = operations.create_assembly(form.data, actor())
        except DomainError as error:
            status = _fail(form, error)
        else:
            flash(_("Assembly created as a draft: add its agenda, then publish it."), "success")
            return redirect(url_for("assemblies.show", assembly_id=assembly.id))
    return render_template("assemblies/edit.html", form=form, assembly=None), status


@bp.route("/assemblies/<int:assembly_id>/edit", methods=["GET", "POST"])
@permission(P.ASSEMBLY_PREPARE)
def edit(assembly_id):
    assembly = _assembly(assembly_id)
    if request.method == "GET":
        form = AssemblyForm(kind=assembly.kind.value, title=assembly.title, place=assembly.place,
                            online_link=assembly.online_link or "", first_call_at=_local(assembly.first_call_at),
                            second_call_at=_local(assembly.second_call_at))
    else:
        form = AssemblyForm()
    status = 200
    if request.method == "POST":
        try:
            if not form.validate_on_submit():
                raise DomainError("validation", _("The form is not valid."))
            operations.update_assembly(assembly, form.data, actor())
        except DomainError as error:
            status = _fail(form, error)
        else:
            flash(_("Assembly saved."), "success")
            return redirect(url_for("assemblies.show", assembly_id=assembly.id))
    return render_template("assemblies/edit.html", form=form, assembly=assembly), status


@bp.post("/assemblies/<int:assembly_id>/delete")
@permission(P.ASSEMBLY_PREPARE)
def delete(assembly_id):
    assembly = _assembly(assembly_id)
    try:
        operations.delete_assembly(assembly, actor())
    except DomainError as error:
        return _posted_error(error, "assemblies.show", assembly_id=assembly_id)
    flash(_("Draft assembly deleted."), "success")
    return redirect(url_for("assemblies.index"))


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
    from .models import Attendance
    return bool(db.session.scalar(sa.select(sa.func.count(Attendance.id)).where(
        Attendance.assembly_id == assembly.id, Attendance.member_id == member.id, Attendance.left_at.is_(None))))


@bp.get("/assemblies/<int:assembly_id>")
@permission(P.ASSEMBLIES_READ)
def show(assembly_id):
    return _render_show(_assembly(assembly_id))


@bp.post("/assemblies/<int:assembly_id>/items")
@permission(P.ASSEMBLY_PREPARE)
def add_item(assembly_id):
    assembly = _assembly(assembly_id)
    form = ItemForm()
    try:
        if not form.validate_on_submit():
            raise DomainError("validation", _("The form is not valid."))
        operations.add_item(assembly, form.data, actor())
    except DomainError as error:
        status = _fail(form, error)
        return _render_show(assembly, item_form=form, status=status)
    flash(_("Item added to the agenda."), "success")
    return redirect(url_for("assemblies.show", assembly_id=assembly.id) + "#agenda")


def _item(assembly, item_id) -> AgendaItem:
    item = queries.item(assembly, item_id)
    if item is None:
        abort(404)
    return item


@bp.route("/assemblies/<int:assembly_id>/items/<int:item_id>", methods=["GET", "POST"])
@permission(P.ASSEMBLY_PREPARE)
def edit_item(assembly_id, item_id):
    assembly = _assembly(assembly_id)
    item = _item(assembly, item_id)
    form = ItemForm(obj=item) if request.method == "GET" else ItemForm()
    status = 200
    if request.method == "POST":
        try:
            if not form.validate_on_submit():
                raise DomainError("validation", _("The form is not valid."))
            operations.update_item(item, form.data, actor())
        except DomainError as error:
            status = _fail(form, error)
        else:
            flash(_("Item saved."), "success")
            return redirect(url_for("assemblies.show", assembly_id=assembly.id) + "#agenda")
    return render_template("assemblies/item.html", form=form, assembly=assembly, item=item), status


@bp.post("/assemblies/<int:assembly_id>/items/<int:item_id>/remove")
@permission(P.ASSEMBLY_PREPARE)
def remove_item(assembly_id, item_id):
    assembly = _assembly(assembly_id)
    try:
        operations.remove_item(_item(assembly, item_id), actor())
    except DomainError as error:
        return _posted_error(error, "assemblies.show", assembly_id=assembly_id)
    flash(_("Item removed."), "success")
    return redirect(url_for("assemblies.show", assembly_id=assembly_id) + "#agenda")


@bp.post("/assemblies/<int:assembly_id>/items/<int:item_id>/move")
@permission(P.ASSEMBLY_PREPARE)
def move_item(assembly_id, item_id):
    assembly = _assembly(assembly_id)
    try:
        operations.move_item(_item(assembly, item_id), -1 if request.form.get("direction") == "up" else 1, actor())
    except DomainError as error:
        return _posted_error(error, "assemblies.show", assembly_id=assembly_id)
    return redirect(url_for("assemblies.show", assembly_id=assembly_id) + "#agenda")


@bp.post("/assemblies/<int:assembly_id>/items/<int:item_id>/documents")
@permission(P.ASSEMBLY_PREPARE)
def upload_document(assembly_id, item_id):
    assembly = _assembly(assembly_id)
    item = _item(assembly, item_id)
    upload = request.files.get("file")
    try:
        if upload is None or not upload.filename:
            raise DomainError("validation", _("Choose a file."), field="file")
        operations.attach_document(item, upload.filename, upload.read(), actor())
    except DomainError as error:
        return _posted_error(error, "assemblies.show", assembly_id=assembly_id)
    flash(_("Document attached."), "success")
    return redirect(url_for("assemblies.show", assembly_id=assembly_id) + "#agenda")


@bp.get("/assemblies/<int:assembly_id>/documents/<int:document_id>")
@permission(P.ASSEMBLIES_READ)
def document(assembly_id, document_id):
    found = db.session.get(AgendaDocument, document_id)
    if found is None or found.item.assembly_id != assembly_id:
        abort(404)
    return _file(documents.read(found.stored_name), found.content_type, found.filename)


def _file(data: bytes, content_type: str, filename: str, inline: bool = False) -> Response:
    from urllib.parse import quote
    response = Response(data, mimetype=content_type)
    disposition = "inline" if inline else "attachment"
    response.headers["Content-Disposition"] = f"{disposition}; filename*=UTF-8''{quote(filename)}"
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Cache-Control"] = "private, no-store"
    response.headers["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


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
    flash(_("%(n)d email(s) queued again.", n=count), "success")
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
    from ..core import tokens
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


# --- the roll and proxies ----------------------------------------------------------------------

@bp.get("/assemblies/<int:assembly_id>/roll")
@permission(P.ASSEMBLY_ROLL_READ)
def roll(assembly_id):
    assembly = _assembly(assembly_id)
    voters = queries.roll(assembly)
    active = db.session.scalar(sa.select(sa.func.count(Member.id)).where(Member.status == "active"))
    return render_template("assemblies/roll.html", assembly=assembly, voters=voters, on=queries.roll_day(assembly),
                           frozen=queries.is_frozen(assembly), attend_only=max(active - len(voters), 0))


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
    from .models import Attendance, RollEntry
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
