"""How a request is authenticated: the session cookie for pages, a bearer token for the
API (and only a bearer token there)."""
from __future__ import annotations

import hmac

import sqlalchemy as sa
from sqlalchemy.orm import joinedload
from flask import g, request
from flask_login import AnonymousUserMixin

from ..core import clock
from ..extensions import db, login_manager
from .models import ApiToken, User, hash_token


def load_user(session_id: str):
    """The session carries "<user id>.<session version>": a new password, a reset, a
    logout or "log out everywhere" gives the login a new random version, and every
    session (and remember-me cookie) made with the old one ends."""
    user_id, _, version = (session_id or "").partition(".")
    try:
        user = db.session.get(User, int(user_id))
    except (TypeError, ValueError, OverflowError):
        return None
    if user is None or not user.is_active or not user.session_version or not hmac.compare_digest(version, user.session_version):
        return None
    return user


def load_user_from_token(req):
    header = req.headers.get("Authorization", "")
    if not header.lower().startswith("bearer "):
        return None
    raw = header[7:].strip()
    if not raw or len(raw) > 200:
        return None
    # One statement for the token, its login, the member and the roles: every API call
    # pays this (the ballot endpoint is measured against a bare one, see make benchmark-votes).
    token = db.session.scalars(
        sa.select(ApiToken).where(ApiToken.token_hash == hash_token(raw))
        .options(joinedload(ApiToken.user).joinedload(User.roles))).unique().first()
    now = clock.now()
    if token is None or not token.is_valid(now) or not token.user.is_active:
        return None
    g.authenticated_by_token = True
    g.api_token_id = token.id
    g.api_token_expires_at = token.expires_at
    from .operations import touch_token
    touch_token(token, now)  # "last used" on the profile; committed with the request
    return token.user


def identify_api_request() -> None:
    """On /api the identity comes from the bearer token alone: a browser's session cookie
    must neither authenticate an API call nor shadow a token sent with it."""
    user = load_user_from_token(request)
    g._login_user = user if user is not None else AnonymousUserMixin()


def init_app(app) -> None:
    from ..core import request_cycle
    login_manager.login_view = "auth.login"
    login_manager.login_message = None
    login_manager.user_loader(load_user)
    login_manager.request_loader(load_user_from_token)
    request_cycle.identify_api_requests_with(identify_api_request)
