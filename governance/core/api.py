"""What every JSON endpoint shares: problem+json errors (RFC 9457), body parsing,
pagination, and the flask-smorest Api that builds the OpenAPI document from code."""
from __future__ import annotations

from typing import Any, Callable

import marshmallow as ma
import sqlalchemy as sa
from flask import jsonify, request
from apispec import BasePlugin
from flask_smorest import Api

from ..extensions import csrf, db
from .errors import DomainError

PROBLEM_TITLES = {
    400: "Bad Request", 401: "Unauthorized", 403: "Forbidden", 404: "Not Found",
    405: "Method Not Allowed", 409: "Conflict", 413: "Payload Too Large",
    415: "Unsupported Media Type", 422: "Unprocessable Content",
    429: "Too Many Requests", 500: "Internal Server Error",
}
DEFAULT_CODES = {400: "malformed", 401: "unauthorized", 403: "forbidden", 404: "not_found",
                 405: "method_not_allowed", 409: "conflict", 413: "too_large",
                 415: "content_type", 422: "validation", 429: "too_many_requests",
                 500: "internal"}


def problem(status: int, detail: str, code: str | None = None,
            errors: dict | None = None, title: str | None = None):
    body = {
        "type": f"about:blank#{code or DEFAULT_CODES.get(status, 'error')}",
        "title": title or PROBLEM_TITLES.get(status, "Error"),
        "status": status,
        "detail": detail,
        "code": code or DEFAULT_CODES.get(status, "error"),
        "errors": errors or {},
    }
    response = jsonify(body)
    response.status_code = status
    response.mimetype = "application/problem+json"
    return response


def problem_from_domain(error: DomainError):
    return problem(error.status, error.message, error.code, error.errors)


def _flatten_messages(messages: Any) -> dict[str, list[str]]:
    """webargs/marshmallow messages -> {"field": ["message"]}."""
    if isinstance(messages, dict):
        # webargs nests by location: {"json": {...}} or {"query": {...}}
        if set(messages) <= {"json", "query", "form", "files", "headers", "view_args", "path"}:
            merged: dict[str, list[str]] = {}
            for inner in messages.values():
                merged.update(_flatten_messages(inner))
            return merged
        out: dict[str, list[str]] = {}
        for key, value in messages.items():
            if isinstance(value, dict):
                for sub, msgs in _flatten_messages(value).items():
                    out[f"{key}.{sub}"] = msgs
            elif isinstance(value, list):
                out[str(key)] = [str(v) for v in value]
            else:
                out[str(key)] = [str(value)]
        return out
    if isinstance(messages, list):
        return {"_schema": [str(m) for m in messages]}
    return {"_schema": [str(messages)]}


class GovernanceApi(Api):
    """flask-smorest's Api, with errors as problem+json and HTML pages left alone."""

    def handle_http_exception(self, error):
        from . import errorpages  # HTML errors are rendered there
        if not request.path.startswith("/api/"):
            return errorpages.render_http_error(error)
        db.session.rollback()
        status = error.code or 500
        data = getattr(error, "data", None) or {}
        if status == 422 and "messages" in data:
            errors = _flatten_messages(data["messages"])
            return problem(422, "Some fields are not valid: " + ", ".join(sorted(errors)),
                           "validation", errors)
        detail = data.get("message") or error.description or PROBLEM_TITLES.get(status, "Error")
        if status == 429:  # Flask-Limiter's description is the limit itself ("10 per 1 hour")
            detail = f"Too many requests from this address (at most {error.description}); try again later."
        response = problem(status, str(detail), data.get("code"))
        if getattr(error, "valid_methods", None):  # 405: RFC 9110 wants the Allow header
            response.headers["Allow"] = ", ".join(sorted(error.valid_methods))
        return response


# Beyond this the OFFSET would overflow the database's integer: refuse, don't crash.
MAX_PAGE = 1_000_000


def page_args() -> tuple[int, int]:
    """?page=1&per_page=50, clamped (API.md: lists are paginated)."""
    def _int(name, default):
        try:
            return int(request.args.get(name, default))
        except (TypeError, ValueError):
            raise DomainError("validation", f"{name} must be a whole number", field=name) from None
    page, per_page = _int("page", 1), _int("per_page", 50)
    if not 1 <= page <= MAX_PAGE:
        raise DomainError("validation", f"page must be between 1 and {MAX_PAGE}", field="page")
    if not 1 <= per_page <= 500:
        raise DomainError("validation", "per_page must be between 1 and 500", field="per_page")
    return page, per_page


def paginate(query: sa.Select, serialize: Callable[[Any], dict], page: int | None = None,
             per_page: int | None = None) -> dict:
    """Run `query` for one page; `total` comes from one COUNT over the same filter."""
    if page is None or per_page is None:
        page, per_page = page_args()
    total = db.session.scalar(sa.select(sa.func.count()).select_from(
        query.order_by(None).subquery()))
    rows = db.session.scalars(query.limit(per_page).offset((page - 1) * per_page)).all()
    return {"items": [serialize(r) for r in rows], "page": page, "per_page": per_page, "total": total}


class PageQuerySchema(ma.Schema):
    page = ma.fields.Integer(load_default=1, validate=ma.validate.Range(min=1, max=MAX_PAGE))
    per_page = ma.fields.Integer(load_default=50, validate=ma.validate.Range(min=1, max=500))


class MoneyField(ma.fields.Field):
    """Money in the API: a string with two decimals ("1234.50", API.md), never a float."""

    def __init__(self, **kwargs):
        metadata = {"type": "string", "pattern": r"^-?\d+\.\d{2}$", "example": "25.00",
                    **kwargs.pop("metadata", {})}
        super().__init__(metadata=metadata, **kwargs)

    def _serialize(self, value, attr, obj, **kwargs):
        from .money import format_money
        return None if value is None else format_money(value)


class ProblemSchema(ma.Schema):
    type = ma.fields.String()
    title = ma.fields.String()
    status = ma.fields.Integer()
    detail = ma.fields.String()
    code = ma.fields.String()
    errors = ma.fields.Dict(keys=ma.fields.String(), values=ma.fields.List(ma.fields.String()))


def _problem_content(response) -> None:
    content = response.get("content") if isinstance(response, dict) else None
    if content and "application/json" in content:
        content["application/problem+json"] = content.pop("application/json")


class ProblemJsonPlugin(BasePlugin):
    """Error answers are application/problem+json (RFC 9457): the OpenAPI document says
    so for every 4xx/5xx and default response, whatever the decorators declared."""

    def operation_helper(self, path=None, operations=None, **kwargs):
        for operation in (operations or {}).values():
            for code, response in (operation.get("responses") or {}).items():
                if str(code) == "default" or str(code)[:1] in ("4", "5"):
                    _problem_content(response)

    def response_helper(self, response, **kwargs):
        _problem_content(response)
        return response


# The documented shape of every error answer is the problem document we send.
GovernanceApi.ERROR_SCHEMA = ProblemSchema

api = GovernanceApi()


def init_app(app) -> None:
    api.init_app(app, spec_kwargs={
        "extra_plugins": [ProblemJsonPlugin()],
        "info": {"description": "JSON API of the governance platform (API.md). "
                                "Authenticate with `Authorization: Bearer <token>`."},
        "components": {"securitySchemes": {"bearerAuth": {"type": "http", "scheme": "bearer"}}},
        "security": [{"bearerAuth": []}],
    })


def register_api(blueprint) -> None:
    """A domain's JSON blueprint: bearer tokens only, so no CSRF token (see
    core.permissions.check), and documented in the OpenAPI document."""
    csrf.exempt(blueprint)
    api.register_blueprint(blueprint)
