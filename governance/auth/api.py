"""Auth API: personal tokens, the caller's profile, password change and reset."""
from __future__ import annotations

import sqlalchemy as sa
from flask import request
from flask_babel import gettext as _
from flask_smorest import Blueprint

from ..core import limits
from ..core.api import PageQuerySchema, ProblemSchema, paginate
from ..core.permissions import AUTHENTICATED, PUBLIC, actor, permission
from . import operations
from .models import ApiToken
from .schemas import (ApiTokenPageSchema, AuthMessageSchema, CredentialsSchema, MeSchema,
                      NewApiTokenRequestSchema, NewApiTokenSchema, PasswordChangeSchema,
                      PasswordResetRequestSchema, PasswordResetSchema, PreferencesSchema)

blp = Blueprint("auth_api", __name__, url_prefix="/api/v1/auth", description="Authentication")

def _dump_new(token, raw):
    """The token's fields plus, this once, its raw value (dumped by NewApiTokenSchema)."""
    fields = ("id", "name", "prefix", "created_at", "expires_at", "last_used_at", "revoked_at")
    return {**{name: getattr(token, name) for name in fields}, "token": raw}


@blp.route("/tokens", methods=["POST"])
@permission(PUBLIC)
@blp.doc(security=[])
@blp.arguments(CredentialsSchema)
@blp.response(201, NewApiTokenSchema)
@blp.alt_response(401, schema=ProblemSchema, description="invalid_credentials")
def create_token(args):
    """Log in: exchange email and password for a personal API token.

    The raw token is in the answer once; only its hash is stored.
    """
    user = operations.authenticate(args["email"], args["password"], request.remote_addr)
    token, raw = operations.create_token(user, args.get("name"))
    return _dump_new(token, raw)


@blp.route("/tokens/new", methods=["POST"])
@permission(AUTHENTICATED)
@blp.arguments(NewApiTokenRequestSchema)
@blp.response(201, NewApiTokenSchema)
def create_named_token(args):
    """Create another personal token for the caller (already authenticated)."""
    token, raw = operations.create_token(actor(), args["name"], args.get("days"))
    return _dump_new(token, raw)


@blp.route("/tokens", methods=["GET"])
@permission(AUTHENTICATED)
@blp.arguments(PageQuerySchema, location="query")
@blp.response(200, ApiTokenPageSchema)
def list_tokens(page_args):
    """The caller's own tokens, newest first (revoked and expired ones included).

    Answers `{items, page, per_page, total}`.
    """
    query = (sa.select(ApiToken).where(ApiToken.user_id == actor().id)
             .order_by(ApiToken.created_at.desc(), ApiToken.id.desc()))
    return paginate(query, lambda t: t, page_args["page"], page_args["per_page"])


@blp.route("/tokens/<int:token_id>", methods=["DELETE"])
@permission(AUTHENTICATED)
@blp.response(204)
@blp.alt_response(404, schema=ProblemSchema, description="Not one of the caller's tokens")
def revoke_token(token_id: int):
    """Revoke one of the caller's tokens (someone else's answers 404)."""
    operations.revoke_token(actor(), token_id)


@blp.route("/me", methods=["GET"])
@permission(AUTHENTICATED)
@blp.response(200, MeSchema)
def me():
    """The caller: email, name, language, roles, linked register number."""
    return actor()


@blp.route("/me", methods=["PATCH"])
@permission(AUTHENTICATED)
@blp.arguments(PreferencesSchema)
@blp.response(200, MeSchema)
def update_me(args):
    """Change the caller's language preference (`it` or `en`)."""
    return operations.set_locale(actor(), args["locale"])


@blp.route("/password", methods=["POST"])
@permission(AUTHENTICATED)
@blp.arguments(PasswordChangeSchema)
@blp.response(200, AuthMessageSchema)
def change_password(args):
    """Change the caller's password (10 to 200 characters). Every other session ends and
    every API token of the caller is revoked, this one included (`tokens_revoked`)."""
    revoked = operations.change_password(actor(), args["current_password"], args["new_password"])
    return {"message": _("Your password has been changed; your API tokens have been revoked."),
            "tokens_revoked": revoked}


@blp.route("/password-reset", methods=["POST"])
@permission(PUBLIC)
@blp.doc(security=[])
@blp.arguments(PasswordResetRequestSchema)
@blp.response(202, AuthMessageSchema)
@blp.alt_response(429, schema=ProblemSchema, description="too_many_requests (EMAIL_LINK_RATE_LIMIT)")
@limits.per_address("EMAIL_LINK_RATE_LIMIT", "email-link")
def request_password_reset(args):
    """Email a link to set a new password. The answer is the same whether or not
    an account exists for that email."""
    operations.request_password_reset(args["email"])
    return {"message": _("If an account exists for this email, we have sent it a link to set "
                         "a new password.")}


@blp.route("/password-reset/<token>", methods=["POST"])
@permission(PUBLIC)
@blp.doc(security=[])
@blp.arguments(PasswordResetSchema)
@blp.response(200, AuthMessageSchema)
@blp.alt_response(400, schema=ProblemSchema, description="token_invalid or token_expired")
def reset_password(args, token: str):
    """Set a new password with the token of a reset link (works once)."""
    _user, revoked = operations.reset_password(token, args["password"])
    return {"message": _("Your password has been changed."), "tokens_revoked": revoked}
