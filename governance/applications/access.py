"""How an applicant follows their application without a login.

Design (documented in the report and the API docs): an applicant is not a user. No
`users` row exists until the board admits them, so nothing an applicant does can reach
a page meant for logged-in users, a refused applicant leaves no dormant login behind,
and the same email can apply again later.

- HTML: the status page asks for the email and the password chosen in the form; once
  they match, the application id is kept in the signed Flask session
  (`SESSION_KEY`). Submitting the form logs the applicant in the same way.
- API: `POST /api/v1/applications/session {email, password}` (and the 201 answer of
  `POST /api/v1/applications`) hand out an applicant token: the application id signed
  with the app's secret key (itsdangerous, expires after API_TOKEN_DAYS). It is sent as
  `Authorization: Bearer app_...` to `GET /api/v1/applications/{id}` and
  `POST /api/v1/applications/{id}/appeal`. User tokens (`gov_...`) are looked up by
  the request loader as usual; an applicant token simply finds no user there.
- At admission the password hash moves to the new member's login (activated by the
  emailed link); from then on the member logs in normally.
"""
from __future__ import annotations

import sqlalchemy as sa
from flask import current_app, g, request, session
from flask_login import current_user
from itsdangerous import BadSignature, URLSafeTimedSerializer

from ..extensions import db
from .models import Application

SESSION_KEY = "applicant_application_id"
TOKEN_PREFIX = "app_"
_TOKEN_SALT = "applications.applicant-token"
_ACTIVATION_SALT = "applications.activate"


def _serializer(salt: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.secret_key, salt=salt)


# --- HTML: the applicant's session -------------------------------------------------

def remember_applicant(application: Application) -> None:
    session[SESSION_KEY] = application.id


def forget_applicant() -> None:
    session.pop(SESSION_KEY, None)


def session_application() -> Application | None:
    """The application whose applicant proved their password in this browser, or the
    admitted application of the logged-in member."""
    application_id = session.get(SESSION_KEY)
    if application_id is not None:
        application = db.session.get(Application, application_id)
        if application is not None:
            return application
        forget_applicant()
    member_id = getattr(current_user, "member_id", None) if current_user.is_authenticated else None
    if member_id:
        return db.session.scalar(sa.select(Application).where(Application.member_id == member_id))
    return None


# --- API: applicant tokens ------------------------------------------------------------

def applicant_token(application: Application) -> str:
    return TOKEN_PREFIX + _serializer(_TOKEN_SALT).dumps({"a": application.id})


def token_max_age() -> int:
    return int(current_app.config.get("API_TOKEN_DAYS", 90)) * 86400


def application_id_from_token(raw: str) -> int | None:
    if not raw.startswith(TOKEN_PREFIX):
        return None
    try:
        data = _serializer(_TOKEN_SALT).loads(raw[len(TOKEN_PREFIX):], max_age=token_max_age())
    except BadSignature:
        return None
    return data.get("a") if isinstance(data, dict) else None


def bearer_application_id() -> int | None:
    """The application id carried by this API request's applicant token, if any."""
    header = request.headers.get("Authorization", "")
    if not header.lower().startswith("bearer "):
        return None
    return application_id_from_token(header[7:].strip())


def api_user():
    """The user authenticated by a bearer token (the API ignores session cookies)."""
    if current_user.is_authenticated and g.get("authenticated_by_token"):
        return current_user
    return None


# --- activation links -------------------------------------------------------------------

ACTIVATION_MAX_AGE = 60 * 86400  # the welcome letter's link works for 60 days


def activation_token(user_id: int, application_id: int) -> str:
    return _serializer(_ACTIVATION_SALT).dumps({"u": user_id, "a": application_id})


def read_activation_token(token: str) -> dict | None:
    """{"u": user id, "a": application id}, or None if forged or expired."""
    try:
        data = _serializer(_ACTIVATION_SALT).loads(token, max_age=ACTIVATION_MAX_AGE)
    except BadSignature:
        return None
    return data if isinstance(data, dict) and "u" in data else None
