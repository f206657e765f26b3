"""One commit per request, in one place (CONVENTIONS.md habit 2): a success commits the
whole use case, any error rolls it back. Emails queued by the use case are delivered by
the outbox worker afterwards, never inside the request (core.outbox)."""
from __future__ import annotations

import logging
import unicodedata

from flask import g, has_app_context, make_response, request
from sqlalchemy.exc import IntegrityError
from werkzeug.exceptions import HTTPException

from ..extensions import db
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


_api_identity_loader = None


def identify_api_requests_with(loader) -> None:
    """On /api the identity comes from the bearer token alone (auth registers the loader
    that sets it); it runs first, before the body is checked against the permission."""
    global _api_identity_loader
    _api_identity_loader = loader


def _refuse_control_characters_in_the_query() -> None:
    """No query-string parameter (`?q=`, `?name=`, `?actor=`, `?next=`...) ever needs a
    control character, and a NUL byte sent on to PostgreSQL is a 500: refuse them all
    here, once, as a 422 naming the parameter."""
    for name, values in request.args.lists():
        if any(unicodedata.category(ch) == "Cc" for ch in name + "".join(values)):
            from flask_babel import gettext as _
            raise DomainError("validation", _("Contains control characters that are not allowed."),
                              field=name if name.isprintable() else "query")


def init_app(app):
    app.before_request(_refuse_control_characters_in_the_query)

    @app.before_request
    def prepare_api_request():
        if not request.path.startswith("/api/"):
            return None
        if _api_identity_loader is not None:
            _api_identity_loader()
        if request.method not in BODY_METHODS:
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
            if getattr(view, "credential", None) is not None:
                view.credential()
        # JSON everywhere, unless the endpoint declared other body types (CSV import).
        allowed = NON_JSON_API_ENDPOINTS.get(request.endpoint or "") or {"application/json"}
        if request.mimetype not in allowed:
            return problem(415, f"Send the body as {' or '.join(sorted(allowed))} "
                                f"(got {request.mimetype or 'no Content-Type'}).", "content_type")
        if request.mimetype == "application/json":
            try:
                body = request.get_json(silent=True)
            except RecursionError:  # [[[[... 100,000 deep: the parser gives up, we answer 400
                return problem(400, "The body is nested too deeply.", "malformed")
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
        return response

    @app.errorhandler(DomainError)
    def handle_domain_error(error: DomainError):
        _finish_failed_request()
        if request.path.startswith("/api/"):
            response = problem_from_domain(error)
        elif error.status == 401:
            from flask import redirect, url_for
            return redirect(url_for("auth.login", next=request.full_path))
        else:
            response = make_response(render_error_page(error.status, error.message))
        if getattr(error, "retry_after", None):  # 429 (core.limits): when to come back
            response.headers["Retry-After"] = str(error.retry_after)
        return response

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
