"""Admin API: users and roles, the audit log (read-only), the email outbox."""
from __future__ import annotations

from io import BytesIO

from flask import send_file
from flask_babel import gettext as _
from flask_smorest import Blueprint

from ..auth import operations as auth_operations
from ..auth.models import User
from ..core.api import PageQuerySchema, ProblemSchema, paginate
from ..core.errors import NotFound
from ..authz import P
from ..core.permissions import actor, permission
from ..extensions import db
from . import queries
from .schemas import (AuditPageSchema, AuditQuerySchema, OutboxMessageDetailSchema, OutboxPageSchema,
                      OutboxQuerySchema, AdminUserCreateSchema, UserPageSchema, AdminUserSchema,
                      AdminUserUpdateSchema)

blp = Blueprint("admin_api", __name__, url_prefix="/api/v1", description="admin")


def _user(user_id: int) -> User:
    user = db.session.get(User, user_id)
    if user is None:
        raise NotFound(_("No such user."))
    return user


# --- users -------------------------------------------------------------------------------------

@blp.route("/users", methods=["GET"])
@permission(P.USERS_MANAGE)
@blp.arguments(PageQuerySchema, location="query")
@blp.response(200, UserPageSchema)
def list_users(args):
    """Logins with their roles and linked register number, by email."""
    return paginate(queries.users_query(), lambda u: u, args["page"], args["per_page"])


@blp.route("/users", methods=["POST"])
@permission(P.USERS_MANAGE)
@blp.arguments(AdminUserCreateSchema)
@blp.response(201, AdminUserSchema)
@blp.alt_response(422, schema=ProblemSchema, description="validation")
def create_user(args):
    """Create a login with an initial `password`, or `send_reset: true` to email a link."""
    return auth_operations.register_user(
        actor(), email=args["email"], roles=args["roles"], full_name=args["full_name"],
        member_number=args["member"], password=args["password"], send_reset=args["send_reset"],
        active=args["active"])


@blp.route("/users/<int:user_id>", methods=["GET"])
@permission(P.USERS_MANAGE)
@blp.response(200, AdminUserSchema)
def get_user(user_id: int):
    return _user(user_id)


@blp.route("/users/<int:user_id>", methods=["PATCH"])
@permission(P.USERS_MANAGE)
@blp.arguments(AdminUserUpdateSchema)
@blp.response(200, AdminUserSchema)
def update_user(args, user_id: int):
    """Change roles, linked member (`null` unlinks), active flag or name."""
    user = _user(user_id)
    changes = {}
    if "member" in args:
        changes["member"] = auth_operations.member_for_number(args["member"])
    return auth_operations.update_user(user, actor=actor(), roles=args.get("roles"),
                                       active=args.get("active"), full_name=args.get("full_name"),
                                       **changes)


@blp.route("/users/<int:user_id>/password-reset", methods=["POST"])
@permission(P.USERS_MANAGE)
@blp.response(202, AdminUserSchema)
def send_password_reset(user_id: int):
    """Email the user a link to set a new password."""
    user = _user(user_id)
    auth_operations.send_password_reset(user, actor=actor())
    return user


# --- audit log ------------------------------------------------------------------------------

@blp.route("/audit", methods=["GET"])
@permission(P.AUDIT_READ)
@blp.arguments(AuditQuerySchema, location="query")
@blp.response(200, AuditPageSchema)
def audit_log(args):
    """The audit log, newest first. Read-only: nothing in the API changes or deletes it."""
    page, per_page = args.pop("page"), args.pop("per_page")
    return paginate(queries.audit_query(**args), lambda e: e, page, per_page)


# --- outbox ----------------------------------------------------------------------------------

@blp.route("/outbox", methods=["GET"])
@permission(P.OUTBOX_READ)
@blp.arguments(OutboxQuerySchema, location="query")
@blp.response(200, OutboxPageSchema)
def outbox(args):
    """Stored emails, newest first (`?status=queued|sent|stored|failed`, `?recipient=`)."""
    return paginate(queries.outbox_query(status=args.get("status"), recipient=args.get("recipient")),
                    lambda m: m, args["page"], args["per_page"])


@blp.route("/outbox/<int:message_id>", methods=["GET"])
@permission(P.OUTBOX_READ)
@blp.response(200, OutboxMessageDetailSchema)
def outbox_message(message_id: int):
    """One stored email with its body and the list of its attachments."""
    message = queries.outbox_message(message_id)
    if message is None:
        raise NotFound(_("No such message."))
    return message


@blp.route("/outbox/<int:message_id>/attachments/<int:attachment_id>", methods=["GET"])
@permission(P.OUTBOX_READ)
@blp.response(200, content_type="application/octet-stream")
def outbox_attachment(message_id: int, attachment_id: int):
    """Download one attachment of a stored email."""
    attachment = queries.outbox_attachment(message_id, attachment_id)
    if attachment is None:
        raise NotFound(_("No such attachment."))
    return send_file(BytesIO(attachment.data), mimetype=attachment.content_type,
                     as_attachment=True, download_name=attachment.filename)
