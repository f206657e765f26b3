"""The assemblies list and preparing one: new, edit, delete, the page of an assembly, its
agenda items and their documents."""
from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from ...authz import P
from ...core.errors import DomainError
from ...core.permissions import actor, permission
from ...extensions import db
from .. import documents, operations, queries
from ..forms import AssemblyForm, ItemForm
from ..models import AgendaDocument
from . import _assembly, _fail, _file, _item, _local, _posted_error, _render_show, bp


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
