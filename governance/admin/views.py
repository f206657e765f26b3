"""Administration pages: users and roles, the audit log (read-only), the email outbox."""
from __future__ import annotations

from io import BytesIO

from flask import Blueprint, abort, flash, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _

from ..auth import operations as auth_operations
from ..auth.models import User
from ..core.api import paginate
from ..core.audit import AuditEntry
from ..core.errors import DomainError
from ..core.outbox import OutboxStatus, prefetch_topics
from ..authz import P
from ..core.forms import show_errors
from ..core.permissions import Role, actor, permission
from ..extensions import db
from . import queries
from .forms import AuditFilterForm, UserCreateForm, UserEditForm

bp = Blueprint("admin", __name__)

PER_PAGE = 50


def _page() -> int:
    page = request.args.get("page", 1, type=int)
    return page if page and page > 0 else 1


# --- users ----------------------------------------------------------------------------------

@bp.get("/admin/users")
@permission(P.USERS_MANAGE)
def users():
    result = paginate(queries.users_query(), lambda u: u, _page(), PER_PAGE)
    return render_template("admin/users.html", result=result)


@bp.route("/admin/users/new", methods=["GET", "POST"])
@permission(P.USERS_MANAGE)
def user_new():
    form = UserCreateForm() if request.method == "POST" else \
        UserCreateForm(data={"active": True, "roles": [Role.MEMBER.value]})
    if form.validate_on_submit():
        try:
            user = auth_operations.register_user(
                actor(), email=form.email.data, roles=form.roles.data, full_name=form.full_name.data or "",
                member_number=form.member.data, password=form.password.data or None,
                send_reset=form.send_reset.data, active=form.active.data)
        except DomainError as error:
            show_errors(form, error, default_field="email")
            return render_template("admin/user_form.html", form=form, user=None), 422
        if form.send_reset.data:
            flash(_("User %(email)s created; a link to set the password has been emailed.",
                    email=user.email), "success")
        else:
            flash(_("User %(email)s created.", email=user.email), "success")
        return redirect(url_for("admin.users"))
    status = 422 if form.is_submitted() else 200
    return render_template("admin/user_form.html", form=form, user=None), status


def _load_user(user_id: int) -> User:
    user = db.session.get(User, user_id)
    if user is None:
        abort(404)
    return user


def _user_history(user: User) -> list[AuditEntry]:
    return db.session.scalars(queries.audit_query(object_type="users", object_id=str(user.id))
                              .limit(50)).all()


@bp.route("/admin/users/<int:user_id>", methods=["GET", "POST"])
@permission(P.USERS_MANAGE)
def user_edit(user_id: int):
    user = _load_user(user_id)
    form = UserEditForm() if request.method == "POST" else UserEditForm(data={
        "full_name": user.full_name, "roles": sorted(r.value for r in user.role_set),
        "member": user.member.number if user.member else None,
        "active": user.is_active_account})
    if form.validate_on_submit():
        try:
            member = auth_operations.member_for_number(form.member.data)
            auth_operations.update_user(user, actor=actor(), roles=form.roles.data, member=member,
                                        active=form.active.data, full_name=form.full_name.data or "")
        except DomainError as error:
            show_errors(form, error, default_field="roles")
            return render_template("admin/user_form.html", form=form, user=user,
                                   history=_user_history(user)), 422
        flash(_("User %(email)s saved.", email=user.email), "success")
        return redirect(url_for("admin.user_edit", user_id=user.id))
    status = 422 if form.is_submitted() else 200
    return render_template("admin/user_form.html", form=form, user=user,
                           history=_user_history(user)), status


@bp.post("/admin/users/<int:user_id>/password-reset")
@permission(P.USERS_MANAGE)
def user_send_reset(user_id: int):
    user = _load_user(user_id)  # CSRFProtect has checked the form's token before this view
    auth_operations.send_password_reset(user, actor=actor())
    flash(_("A link to set the password has been emailed to %(email)s.", email=user.email), "success")
    return redirect(url_for("admin.user_edit", user_id=user.id))


# --- audit log (read-only) ----------------------------------------------------------------

@bp.get("/admin/audit")
@permission(P.AUDIT_READ)
def audit_log():
    form = AuditFilterForm(request.args)
    filters = {}
    status = 200
    if not form.validate():
        status = 422
    else:
        filters = {"action": form.action.data, "actor": form.actor.data,
                   "object_type": form.object_type.data, "object_id": form.object_id.data,
                   "date_from": form.date_from.data, "date_to": form.date_to.data}
    result = paginate(queries.audit_query(**filters), lambda e: e, _page(), PER_PAGE)
    args = {k: v for k, v in request.args.items() if k != "page" and v}
    return render_template("admin/audit_log.html", form=form, result=result, args=args), status


# --- outbox -----------------------------------------------------------------------------------

@bp.get("/admin/outbox")
@permission(P.OUTBOX_READ)
def outbox():
    status = request.args.get("status") or None
    if status not in {s.value for s in OutboxStatus} | {None}:
        status = None
    result = paginate(queries.outbox_query(status=status), lambda m: m, _page(), PER_PAGE)
    prefetch_topics(m.topic for m in result["items"])
    return render_template("admin/outbox.html", result=result, status=status,
                           statuses=list(OutboxStatus))


@bp.get("/admin/outbox/<int:message_id>")
@permission(P.OUTBOX_READ)
def outbox_message(message_id: int):
    message = queries.outbox_message(message_id)
    if message is None:
        abort(404)
    return render_template("admin/outbox_message.html", message=message)


@bp.get("/admin/outbox/<int:message_id>/attachments/<int:attachment_id>")
@permission(P.OUTBOX_READ)
def outbox_attachment(message_id: int, attachment_id: int):
    attachment = queries.outbox_attachment(message_id, attachment_id)
    if attachment is None:
        abort(404)
    # Always a download, never rendered inline: an attachment is not trusted content.
    return send_file(BytesIO(attachment.data), mimetype=attachment.content_type,
                     as_attachment=True, download_name=attachment.filename)
