"""How an applicant follows their application without a login.

Design (documented in the report and the API docs): an applicant is not a user. No
`users` row exists until the board admits them, so nothing an applicant does can reach
a page meant for logged-in users, a refused applicant leaves no dormant login behind,
and the same email can apply again later.

- HTML: the status page asks for the email and the password chosen in the form; once
  they match, the application id is kept in the signed Flask session
  (`SESSION_KEY`). Submitting the form logs the applicant in the same way.
- API: `POST /api/v1/applications/tokens {email, password}` (and the 201 answer of
  `POST /api/v1/applications`) hand out an applicant token: the application id signed
  with the app's secret key (itsdangerous, expires after API_TOKEN_DAYS counted on
  governance.core.clock). It is sent as
  `Authorization: Bearer app_...` to `GET /api/v1/applications/{id}` and
  `POST /api/v1/applications/{id}/appeal`. User tokens (`gov_...`) are looked up by
  the request loader as usual; an applicant token simply finds no user there.
- At admission the password hash moves to the new member's login (activated by the
  emailed link) and is cleared from the application: from then on the member logs in
  normally, and the applicant password is no second credential.
- The applicant's id in the session is forgotten whenever someone logs in or out in
  the same browser (Flask-Login's signals, connected below), so a shared computer does
  not show one person's application to the next.
- Applicant tokens carry the application's random access version: the applicant revokes
  them all at once (`DELETE /api/v1/applications/tokens`), and none works once the
  application is admitted (the member then logs in).
- Activation links carry the login's session version (User.session_version) and expire
  on governance.core.clock: a new password kills them, and an account that is already
  active, or was activated and then deactivated, is never (re)activated by a link
  (operations.activate_account).
"""
from __future__ import annotations

import hashlib
import secrets

import sqlalchemy as sa
from flask import current_app, g, request, session
from flask_login import current_user, user_logged_in, user_logged_out

from ..core import tokens
from ..extensions import db
from .models import Application, ApplicationStatus

SESSION_KEY = "applicant_application_id"
SESSION_VERSION_KEY = "applicant_access_version"
TOKEN_PREFIX = "app_"
_TOKEN_SALT = "applications.applicant-token"
_ACTIVATION_SALT = "applications.activate"
_RESET_SALT = "applications.password-reset"


# --- HTML: the applicant's session -------------------------------------------------

def remember_applicant(application: Application) -> None:
    """The session carries the application's access version too: a new access version
    (a password reset, revoked tokens) ends the applicant's other sessions."""
    if not application.access_version:
        new_access_version(application)
    session[SESSION_KEY] = application.id
    session[SESSION_VERSION_KEY] = application.access_version


def forget_applicant() -> None:
    session.pop(SESSION_KEY, None)
    session.pop(SESSION_VERSION_KEY, None)


def session_applicant() -> Application | None:
    """The application whose applicant proved their password in this browser, while its
    access version is still the one they proved it with."""
    application_id = session.get(SESSION_KEY)
    if application_id is None:
        return None
    application = db.session.get(Application, application_id)
    if application is None or not application.access_version \
            or session.get(SESSION_VERSION_KEY) != application.access_version:
        forget_applicant()
        return None
    return application


def _forget_applicant_on_login_change(_sender, **_extra) -> None:
    """A user logged in or out in this browser: the applicant who proved their password
    here before is no longer the one at the keyboard."""
    forget_applicant()


# Module-level functions: blinker keeps a weak reference, the module keeps them alive.
user_logged_in.connect(_forget_applicant_on_login_change)
user_logged_out.connect(_forget_applicant_on_login_change)


def session_application() -> Application | None:
    """The application whose applicant proved their password in this browser, or the
    admitted application of the logged-in member."""
    application = session_applicant()
    if application is not None:
        return application
    member_id = getattr(current_user, "member_id", None) if current_user.is_authenticated else None
    if member_id:
        return db.session.scalar(sa.select(Application).where(Application.member_id == member_id))
    return None


# --- API: applicant tokens ------------------------------------------------------------

def applicant_token(application: Application) -> str:
    if not application.access_version:
        new_access_version(application)
    return TOKEN_PREFIX + tokens.sign(_TOKEN_SALT, {"a": application.id, "v": application.access_version})


def new_access_version(application: Application) -> None:
    """Revoke every applicant token of the application."""
    application.access_version = secrets.token_hex(16)


def token_max_age() -> int:
    return int(current_app.config.get("API_TOKEN_DAYS", 90)) * 86400


def application_from_token(raw: str) -> Application | None:
    """The application an applicant token still opens: not forged or expired, not
    revoked, and not admitted (a member logs in instead)."""
    if not raw.startswith(TOKEN_PREFIX):
        return None
    try:
        data, _issued = tokens.load(_TOKEN_SALT, raw[len(TOKEN_PREFIX):], token_max_age())
    except tokens.TokenInvalid:
        return None
    if not isinstance(data, dict) or not isinstance(data.get("a"), int):
        return None
    application = db.session.get(Application, data["a"])
    if application is None or not application.access_version \
            or data.get("v") != application.access_version \
            or application.status == ApplicationStatus.ADMITTED:
        return None
    return application


def bearer_application() -> Application | None:
    """The application opened by this API request's applicant token, if any."""
    header = request.headers.get("Authorization", "")
    if not header.lower().startswith("bearer "):
        return None
    return application_from_token(header[7:].strip())


def api_user():
    """The user authenticated by a bearer token (the API ignores session cookies)."""
    if current_user.is_authenticated and g.get("authenticated_by_token"):
        return current_user
    return None


# --- activation links -------------------------------------------------------------------

ACTIVATION_MAX_AGE = 60 * 86400  # the welcome letter's link works for 60 days


def activation_token(user, application_id: int) -> str:
    """The welcome email's link: the login, the application, and the login's session
    version now (a new password, e.g. one chosen at activation, kills it)."""
    return tokens.sign(_ACTIVATION_SALT, {"u": user.id, "a": application_id, "v": user.session_version})


def read_activation_token(token: str) -> dict | None:
    """{"u": user id, "a": application id, "v": session version, "issued_at": aware
    datetime}, or None if forged or expired. Whether it still fits the login is
    checked by operations.activation_user()."""
    try:
        data, issued = tokens.load(_ACTIVATION_SALT, token, ACTIVATION_MAX_AGE)
    except tokens.TokenInvalid:
        return None
    if not isinstance(data, dict) or not isinstance(data.get("u"), int):
        return None
    return {**data, "issued_at": issued}


# --- forgotten applicant password -----------------------------------------------------

RESET_MAX_AGE = 3600  # the reset link works for one hour


def _password_fingerprint(application: Application) -> str:
    """Changes with the password: a link made before a new password no longer works."""
    return hashlib.sha256((application.password_hash or "").encode()).hexdigest()[:16]


def reset_token(application: Application) -> str:
    return tokens.sign(_RESET_SALT, {"a": application.id, "p": _password_fingerprint(application)})


def application_for_reset_token(token: str) -> Application | None:
    """The application a reset link still opens: not forged, expired or used (its
    password has changed since), and still followed by the applicant (not admitted)."""
    try:
        data, _issued = tokens.load(_RESET_SALT, token, RESET_MAX_AGE)
    except tokens.TokenInvalid:
        return None
    if not isinstance(data, dict) or not isinstance(data.get("a"), int):
        return None
    application = db.session.get(Application, data["a"])
    if application is None or not application.password_hash \
            or application.status == ApplicationStatus.ADMITTED \
            or data.get("p") != _password_fingerprint(application):
        return None
    return application
