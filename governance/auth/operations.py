"""Use cases of logins: authenticate, create and edit users, personal API tokens,
password change and reset, language preference.

Operations flush, never commit (the request cycle commits once). Whatever a user with
an audited role (admin, board, secretary) does here is written to the audit log.
"""
from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa
from flask import current_app, g, has_request_context
from flask_babel import gettext as _

from ..core import audit, clock, formatting, inputs, limits, tokens
from ..core.errors import DomainError, NotFound
from ..core.permissions import AUDITED_ROLES, Role, user_has_role
from ..extensions import db
from . import passwords, throttling
from .models import FULL_NAME_MAX, ApiToken, User, UserRole

LOCALES = ("it", "en")
# Granting these roles is told to the other administrators and to the board.
PRIVILEGED_ROLES = frozenset({Role.ADMIN, Role.BOARD})


# Failed sign-ins per client address, across every email (core.limits): password
# spraying tries one password on many accounts and never trips the per-email lock.
ADDRESS_FAILURES = ("LOGIN_ADDRESS_FAILURE_LIMIT", "login-failures")


def normalise_email(email: str) -> str:
    return (email or "").strip().lower()


def lookup_email(raw) -> str:
    """An email typed to find an account (login, forgotten password): trimmed and
    lower-cased; one that could not be stored (control characters, NUL, too long) is
    refused with the field's message instead of reaching the database."""
    try:
        value = inputs.text(raw, max_length=inputs.EMAIL_MAX_LENGTH)
    except inputs.InvalidInput as problem:
        raise DomainError("validation", problem.message, field="email") from None
    return (value or "").lower()


def find_user_by_email(email: str) -> User | None:
    return db.session.scalar(sa.select(User).where(User.email == lookup_email(email)))


def _audited(actor) -> bool:
    """Everything an admin, board member or secretary does is in the audit log."""
    return user_has_role(actor, *AUDITED_ROLES) if actor is not None else False


def _check_new_password(password: str | None, field: str = "password") -> str:
    try:
        return passwords.checked(password)
    except inputs.InvalidInput as problem:
        raise DomainError("validation", problem.message, field=field) from None


# --- logging in --------------------------------------------------------------------

def authenticate(email: str, password: str, remote_addr: str | None = None) -> User:
    """The user with these credentials, or DomainError('invalid_credentials').
    The message does not say which of the two was wrong, and an unknown email takes as
    long as a wrong password. Too many recent attempts for the email refuse even the
    right password ('too_many_attempts', 429) until the window has passed."""
    limits.refuse_if_exhausted(*ADDRESS_FAILURES, remote_addr)
    email = lookup_email(email)
    throttling.count_attempt(email)
    user = find_user_by_email(email) if email else None
    if not passwords.matches(user.password_hash if user is not None else None, password):
        limits.count(*ADDRESS_FAILURES, remote_addr)
        raise DomainError("invalid_credentials", _("Email or password is not correct."), status=401)
    throttling.clear(email)
    if not user.is_active:
        raise DomainError("inactive_account", _("This account is not active yet."), status=403)
    user.last_login_at = clock.now()
    return user


def end_sessions(user: User) -> None:
    """Logout, and "log out everywhere": every session and remember-me cookie of the
    login ends, wherever it was copied to."""
    user.new_session_version()
    db.session.flush()


# --- users (admin) ---------------------------------------------------------------------

def _parse_roles(roles) -> list[Role]:
    try:
        parsed = sorted({Role(r) for r in roles or []}, key=lambda r: r.value)
    except ValueError:
        raise DomainError("validation", _("Unknown role."), field="roles") from None
    if not parsed:
        raise DomainError("validation", _("Choose at least one role."), field="roles")
    return parsed


def member_for_number(number: int | None):
    """The register entry to link to a login, by register number (None: no link)."""
    if number is None:
        return None
    from ..members.queries import member_by_number
    member = member_by_number(number)
    if member is None:
        raise DomainError("validation", _("There is no member with register number %(number)d.",
                                          number=number), field="member")
    return member


def _check_member_free(member, user: User | None = None) -> None:
    """A register entry is linked to at most one login (users.member_id is unique)."""
    if member is None:
        return
    query = sa.select(User).where(User.member_id == member.id)
    if user is not None and user.id is not None:
        query = query.where(User.id != user.id)
    other = db.session.scalar(query)
    if other is not None:
        raise DomainError("validation", _("Member %(number)d is already linked to the login %(email)s.",
                                          number=member.number, email=other.email),
                          field="member")


def create_user(email: str, password: str | None, roles, *, full_name: str = "", member=None,
                actor=None, locale: str = "it", active: bool = True) -> User:
    """Create a login. Without a password the user sets one through a reset link
    (see send_password_reset)."""
    problems = inputs.Problems()
    email = problems.take("email", inputs.email, email, required=True)
    full_name = problems.take("full_name", inputs.text, full_name, max_length=FULL_NAME_MAX, name=True) or ""
    problems.raise_if_any()
    if find_user_by_email(email) is not None:
        raise DomainError("validation", _("A user with this email already exists."), field="email")
    role_values = _parse_roles(roles)
    if password is not None:
        _check_new_password(password)
    if locale not in LOCALES:
        raise DomainError("validation", _("Unknown language."), field="locale")
    _check_member_free(member)
    user = User(email=email, full_name=full_name, locale=locale,
                is_active_account=active, created_at=clock.now(), member_id=getattr(member, "id", None))
    if password is not None:
        user.set_password(password)
    user.set_roles(role_values)
    db.session.add(user)
    db.session.flush()
    if actor is not None:
        changes = {"roles": [None, [r.value for r in role_values]], "active": [None, active]}
        if member is not None:
            changes["member"] = [None, member.number]
        audit.record(actor, "user.create", user, summary=email, changes=changes)
        _tell_about_privileged_roles(user, set(role_values), actor)
    return user


def _tell_about_privileged_roles(user: User, granted: set[Role], actor) -> None:
    """Giving someone (or oneself) the administrator's or the board's powers is told by
    email to the other administrators and to the board, so nobody grants it silently."""
    privileged = sorted(r.value for r in granted & PRIVILEGED_ROLES)
    if not privileged:
        return
    audit.record(actor, "user.privileged_roles_granted", user, summary=user.email,
                 changes={"granted": [None, privileged]})
    watchers = db.session.scalars(
        sa.select(User).join(User.roles).where(
            User.is_active_account.is_(True), User.id != getattr(actor, "id", None),
            UserRole.role.in_(PRIVILEGED_ROLES)).distinct().order_by(User.id))
    from .notifications import privileged_roles_granted
    for watcher in watchers:
        privileged_roles_granted(watcher, user=user, roles=privileged, actor=actor)


def register_user(actor, *, email: str, roles, full_name: str = "", member_number: int | None = None,
                  password: str | None = None, send_reset: bool = False, active: bool = True) -> User:
    """An administrator creates a login: with an initial password, or with an emailed
    link to set one (exactly one of the two)."""
    if bool(password) == bool(send_reset):
        raise DomainError("validation", _("Give an initial password or choose to email a link, "
                                          "not both."), field="password")
    member = member_for_number(member_number)
    user = create_user(email, password or None, roles, full_name=full_name, member=member,
                       actor=actor, active=active)
    if send_reset:
        send_password_reset(user, actor=actor)
    return user


def _user_state(user: User) -> dict:
    return {"roles": sorted(r.value for r in user.role_set),
            "member": user.member.number if user.member is not None else None,
            "active": bool(user.is_active_account),
            "full_name": user.full_name}


def update_user(user: User, *, actor, roles=None, member=..., active: bool | None = None,
                full_name: str | None = None) -> User:
    """Change roles, linked register entry (`member=None` unlinks; omitted keeps it),
    active flag or name. Admins cannot lock themselves out."""
    before = _user_state(user)
    granted: set[Role] = set()
    if roles is not None:
        role_values = _parse_roles(roles)
        if user.id == getattr(actor, "id", None) and Role.ADMIN in user.role_set \
                and Role.ADMIN not in role_values:
            raise DomainError("validation", _("You cannot remove your own administrator role."),
                              field="roles")
        granted = set(role_values) - user.role_set
        user.set_roles(role_values)
    if member is not ...:
        _check_member_free(member, user)
        user.member = member
        user.member_id = getattr(member, "id", None)
    if active is not None:
        if not active and user.id == getattr(actor, "id", None):
            raise DomainError("validation", _("You cannot deactivate your own account."), field="active")
        if user.is_active_account and not active:
            end_sessions(user)
            revoke_all_tokens(user)
        user.is_active_account = bool(active)
    if full_name is not None:
        try:
            user.full_name = inputs.text(full_name, max_length=FULL_NAME_MAX, name=True) or ""
        except inputs.InvalidInput as problem:
            raise DomainError("validation", problem.message, field="full_name") from None
    db.session.flush()
    after = _user_state(user)
    changes = audit.changes_between(before, after)
    if changes:
        audit.record(actor, "user.update", user, summary=user.email, changes=changes)
    _tell_about_privileged_roles(user, granted, actor)
    return user


# --- preferences and password ---------------------------------------------------------------

def set_locale(user: User, locale: str) -> User:
    if locale not in LOCALES:
        raise DomainError("validation", _("Unknown language."), field="locale")
    user.locale = locale
    db.session.flush()
    return user


def change_password(user: User, current_password: str, new_password: str) -> int:
    """A new password ends the login's other sessions and revokes its API tokens (a
    token made with a stolen password dies with it). Returns how many were revoked."""
    if not passwords.matches(user.password_hash, current_password):
        raise DomainError("validation", _("The current password is not correct."),
                          field="current_password")
    _check_new_password(new_password, field="new_password")
    user.set_password(new_password)
    revoked = revoke_all_tokens(user)
    db.session.flush()
    if _audited(user):
        audit.record(user, "user.password_change", user, summary=user.email,
                     changes={"tokens_revoked": [None, revoked]} if revoked else None)
    return revoked


# --- password reset ------------------------------------------------------------------------

RESET_PURPOSE = "password-reset"


def password_reset_token(user: User) -> str:
    """The link carries the login's session version: the reset itself (or any other new
    password, or a logout) changes it, so a link works once."""
    return tokens.sign(RESET_PURPOSE, {"user": user.id, "v": user.session_version})


def send_password_reset(user: User, *, actor=None):
    """Queue the email with a signed, time-limited, single-use link."""
    from .notifications import password_reset
    message = password_reset(user, password_reset_token(user))
    if actor is not None and _audited(actor) and actor is not user:
        audit.record(actor, "user.password_reset_sent", user, summary=user.email)
    return message


def request_password_reset(email: str) -> None:
    """Forgotten password: email a link if an active account exists (an inactive one is
    signalled: see auth.signals). The caller answers
    the same whatever happened, so nobody learns which emails have an account."""
    user = find_user_by_email(email)
    if user is not None and user.is_active:
        send_password_reset(user)
    elif user is not None:
        # An admitted applicant whose activation link expired asks here too: the
        # lifecycle may send a new activation link (never to a login the office disabled).
        from .signals import inactive_login_reset_requested
        inactive_login_reset_requested.send(user)


def user_for_reset_token(token: str) -> User:
    max_age = int(current_app.config["PASSWORD_RESET_MAX_AGE"])
    try:
        data, _issued = tokens.load(RESET_PURPOSE, token, max_age)
    except tokens.TokenExpired:
        raise DomainError("token_expired", _("This link has expired. Ask for a new one."),
                          status=400) from None
    except tokens.TokenInvalid:
        raise DomainError("token_invalid", _("This link is not valid. Ask for a new one."),
                          status=400) from None
    user = None
    if isinstance(data, dict) and isinstance(data.get("user"), int):
        user = db.session.get(User, data["user"])
    if user is None or data.get("v") != user.session_version:
        # A changed password (including this link's own use) invalidates the link.
        raise DomainError("token_invalid", _("This link has already been used or is not valid. "
                                             "Ask for a new one."), status=400)
    return user


def reset_password(token: str, new_password: str) -> tuple[User, int]:
    """(the user, how many API tokens were revoked): like a password change, a reset
    ends every session and token of the login."""
    user = user_for_reset_token(token)
    _check_new_password(new_password)
    user.set_password(new_password)
    revoked = revoke_all_tokens(user)
    throttling.clear(user.email)
    db.session.flush()
    if _audited(user):
        audit.record(user, "user.password_reset", user, summary=user.email,
                     changes={"tokens_revoked": [None, revoked]} if revoked else None)
    return user, revoked


# --- personal API tokens -------------------------------------------------------------------

def issue_token(user: User, name: str, days: int) -> tuple[ApiToken, str]:
    """A new token; the raw value is returned once and never stored."""
    token, raw = ApiToken.issue(user, name=name or "api", days=days)
    db.session.add(token)
    db.session.flush()
    return token, raw


def create_token(user: User, name: str | None = None, days: int | None = None) -> tuple[ApiToken, str]:
    """A personal token. Made with another token (the API), it never outlives that one:
    a stolen token cannot mint itself a longer life."""
    try:
        name = inputs.text(name, max_length=100) or "api"
    except inputs.InvalidInput as problem:
        raise DomainError("validation", problem.message, field="name") from None
    max_days = int(current_app.config["API_TOKEN_DAYS"])
    days = max_days if days is None else days
    if not 1 <= days <= max_days:
        raise DomainError("validation", _("Between 1 and %(n)d days.", n=max_days), field="days")
    parent_expires = g.get("api_token_expires_at") if has_request_context() else None
    if parent_expires is not None and clock.now() + timedelta(days=days) > parent_expires:
        raise DomainError("validation", _(
            "A token made with another token cannot last longer than it (until %(date)s).",
            date=formatting.day(parent_expires)), field="days")
    token, raw = issue_token(user, name, days)
    if _audited(user):
        audit.record(user, "token.create", token, summary=f"{name} ({token.prefix}…)",
                     changes={"expires_at": [None, token.expires_at]})
    return token, raw


def tokens_of(user: User) -> list[ApiToken]:
    return list(db.session.scalars(
        sa.select(ApiToken).where(ApiToken.user_id == user.id)
        .order_by(ApiToken.created_at.desc(), ApiToken.id.desc())))


def revoke_token(user: User, token_id: int) -> ApiToken:
    """Revoke one of the user's own tokens; someone else's is 'not found'."""
    token = db.session.get(ApiToken, token_id)
    if token is None or token.user_id != user.id:
        raise NotFound(_("No such token."))
    if token.revoked_at is None:
        token.revoked_at = clock.now()
        db.session.flush()
        if _audited(user):
            audit.record(user, "token.revoke", token, summary=f"{token.name} ({token.prefix}…)")
    return token


def revoke_all_tokens(user: User) -> int:
    """Revoke every live token of the login (a new password, a deactivation)."""
    now = clock.now()
    live = [t for t in tokens_of(user) if t.revoked_at is None and t.is_valid(now)]
    for token in live:
        token.revoked_at = now
    db.session.flush()
    return len(live)


def touch_token(token: ApiToken, now=None) -> None:
    """Note when a token was last used (at most once a minute, to spare writes)."""
    now = now or clock.now()
    if token.last_used_at is None or now - token.last_used_at > timedelta(minutes=1):
        token.last_used_at = now
