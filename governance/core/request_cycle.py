"""One commit per request, in one place (CONVENTIONS.md habit 2), and the ways a
request is authenticated (session cookie for pages, bearer token for the API)."""
from __future__ import annotations

import hmac
import logging

import sqlalchemy as sa
from flask import g, has_app_context, request
from sqlalchemy.exc import IntegrityError, SQLAlchemyError
from werkzeug.exceptions import HTTPException

from ..extensions import db, login_manager
from . import clock
from .api import problem, problem_from_domain
from .errorpages import render_error_page
from .errors import DomainError

log = logging.getLogger(__name__)

BODY_METHODS = {"POST", "PUT", "PATCH"}
# API endpoints that take something other than JSON (CSV import) declare it here.
NON_JSON_API_ENDPOINTS: dict[str, set[str]] = {}


def keep_changes_despite_error() -> None:
    """The one exception to "an error rolls everything back": an operation whose
    failure is itself worth recording (a failed login, to slow down password guessing)
    asks for its changes to be committed although the request answers with an error."""
    if has_app_context():
        g.commit_despite_error = True


def _finish_failed_request() -> None:
    if g.pop("commit_despite_error", False):
        db.session.commit()
    else:
        db.session.rollback()


def accepts_content_type(endpoint: str, *mimetypes: str):
    """Register an API endpoint as taking these body types instead of JSON."""
    NON_JSON_API_ENDPOINTS.setdefault(endpoint, set()).update(mimetypes)


def init_app(app):
    from ..auth.models import ApiToken, User, hash_token

    login_manager.login_view = "auth.login"
    login_manager.login_message = None

    @login_manager.user_loader
    def load_user(session_id: str):
        user_id, _, fingerprint = (session_id or "").partition(".")
        try:
            user = db.session.get(User, int(user_id))
        except (TypeError, ValueError):
            return None
        if user is None or not hmac.compare_digest(fingerprint, user.session_fingerprint()):
            return None  # the password changed since this session logged in
        return user

    @login_manager.request_loader
    def load_user_from_token(req):
        header = req.headers.get("Authorization", "")
        if not header.lower().startswith("bearer "):
            return None
        raw = header[7:].strip()
        token = db.session.scalar(sa.select(ApiToken).where(ApiToken.token_hash == hash_token(raw)))
        now = clock.now()
        if token is None or not token.is_valid(now) or not token.user.is_active:
            return None
        g.authenticated_by_token = True
        g.api_token_id = token.id
        from ..auth.operations import touch_token
        touch_token(token, now)  # "last used" on the profile; committed with the request
        return token.user

    @app.before_request
    def api_uses_tokens_only():
        """On /api the identity comes from the bearer token alone: a browser's session
        cookie must neither authenticate an API call nor shadow a token sent with it."""
        if request.path.startswith("/api/"):
            from flask_login import AnonymousUserMixin
            user = load_user_from_token(request)
            g._login_user = user if user is not None else AnonymousUserMixin()
        return None

    @app.before_request
    def check_api_body():
        if not request.path.startswith("/api/") or request.method not in BODY_METHODS:
            return None
        if not request.content_length and not request.data:
            if request.method == "PATCH":
                return problem(400, "A PATCH needs a JSON body with the fields to change.", "malformed")
            return None  # actions without a body (publish, open, close)
        # Who you are and what you may do come before what you sent: 401/403 before 415.
        view = app.view_functions.get(request.endpoint or "")
        if getattr(view, "permission", None):
            from .permissions import check
            check(view.permission)
        # JSON everywhere, unless the endpoint declared other body types (CSV import).
        allowed = NON_JSON_API_ENDPOINTS.get(request.endpoint or "") or {"application/json"}
        if request.mimetype not in allowed:
            return problem(415, f"Send the body as {' or '.join(sorted(allowed))} "
                                f"(got {request.mimetype or 'no Content-Type'}).", "content_type")
        if request.mimetype == "application/json":
            body = request.get_json(silent=True)
            if body is None:
                return problem(400, "The body is not valid JSON.", "malformed")
            if not isinstance(body, dict):
                return problem(400, "The body must be a JSON object.", "malformed")
        return None

    @app.after_request
    def commit_or_rollback(response):
        """Commit the whole use case when the response is a success; roll back on any
        error status, so nothing half-done is ever stored."""
        if response.status_code >= 400:
            _finish_failed_request()
            return response
        try:
            db.session.commit()
        except IntegrityError as exc:
            db.session.rollback()
            log.warning("integrity error at commit: %s", exc.orig)
            if request.path.startswith("/api/"):
                return problem(409, "The change conflicts with data saved meanwhile; "
                                    "nothing was stored. Reload and try again.", "conflict")
            return render_error_page(409)[0], 409
        if g.pop("outbox_pending", False):
            from .outbox import deliver_queued
            try:
                deliver_queued()
            except SQLAlchemyError:  # delivery is retried by `flask outbox deliver`
                db.session.rollback()
                log.exception("outbox delivery failed")
        return response

    @app.errorhandler(DomainError)
    def handle_domain_error(error: DomainError):
        _finish_failed_request()
        if request.path.startswith("/api/"):
            return problem_from_domain(error)
        if error.status == 401:
            from flask import redirect, url_for
            return redirect(url_for("auth.login", next=request.full_path))
        return render_error_page(error.status, error.message)

    @app.errorhandler(Exception)
    def handle_unexpected(error: Exception):
        if isinstance(error, HTTPException):
            return error
        db.session.rollback()
        log.exception("unhandled error on %s %s", request.method, request.path)
        if app.config.get("TESTING") and app.config.get("PROPAGATE_UNEXPECTED", True):
            raise error
        if request.path.startswith("/api/"):
            return problem(500, "Unexpected error; nothing was stored.", "internal")
        return render_error_page(500)
