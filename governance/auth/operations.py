"""Use cases of logins: authenticate, create and edit users, personal API tokens,
password change and reset, language preference.

Operations flush, never commit (the request cycle commits once). Whatever a user with
an audited role (admin, board, secretary) does here is written to the audit log.
"""
from __future__ import annotations

import hashlib
from datetime import timedelta
from urllib.parse import urljoin

import sqlalchemy as sa
from flask import current_app, url_for
from flask_babel import force_locale
from flask_babel import gettext as _
from itsdangerous import BadSignature, SignatureExpired, TimestampSigner, URLSafeTimedSerializer

from ..core import audit, clock
from ..core.errors import DomainError, NotFound
from ..core.outbox import send_email
from ..core.permissions import AUDITED_ROLES, Role, user_has_role
from ..core.request_cycle import keep_changes_despite_error
from ..extensions import db
from .models import ApiToken, LoginFailure, User

MIN_PASSWORD_LENGTH = 10
LOCALES = ("it", "en")


def normalise_email(email: str) -> str:
    return (email or "").strip().lower()


def find_user_by_email(email: str) -> User | None:
    return db.session.scalar(sa.select(User).where(User.email == normalise_email(email)))


def _audited(actor) -> bool:
    """Everything an admin, board member or secretary does is in the audit log."""
    return user_has_role(actor, *AUDITED_ROLES) if actor is not None else False


def _check_new_password(password: str | None, field: str = "password") -> str:
    if password is None or len(password) < MIN_PASSWORD_LENGTH:
        raise DomainError("validation", _("The password must be at least %(n)d characters long.",
                                          n=MIN_PASSWORD_LENGTH), field=field)
    return password


# --- logging in --------------------------------------------------------------------

def authenticate(email: str, password: str, remote_addr: str | None = None) -> User:
    """The user with these credentials, or DomainError('invalid_credentials').
    The message does not say which of the two was wrong. Too many recent failures for
    the email refuse even the right password ('too_many_attempts', 429) until the
    window has passed; a failure is remembered although the request fails."""
    config = current_app.config
    email = normalise_email(email)
    now = clock.now()
    window = timedelta(minutes=config["LOGIN_FAILURE_WINDOW_MINUTES"])
    user = find_user_by_email(email)
    since = now - window
    if user is not None and user.last_login_at and user.last_login_at > since:
        since = user.last_login_at  # a successful login starts the count again
    failures = db.session.execute(
        sa.select(sa.func.count(), sa.func.min(LoginFailure.at))
        .where(LoginFailure.email == email, LoginFailure.at > since)).one()
    if failures[0] >= config["LOGIN_MAX_FAILURES"]:
        wait = max(1, int((failures[1] + window - now).total_seconds() // 60) + 1)
        raise DomainError("too_many_attempts", _(
            "Too many failed attempts for this account: try again in %(minutes)d minutes, "
            "or reset the password.", minutes=wait), status=429)
    if user is None or not user.check_password(password or ""):
        db.session.add(LoginFailure(email=email[:254], at=now, remote_addr=(remote_addr or "")[:45] or None))
        keep_changes_despite_error()
        raise DomainError("invalid_credentials", _("Email or password is not correct."), status=401)
    if not user.is_active:
        raise DomainError("inactive_account", _("This account is not active yet."), status=403)
    user.last_login_at = now
    return user


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
    email = normalise_email(email)
    if not email or "@" not in email:
        raise DomainError("validation", _("A valid email address is required."), field="email")
    if find_user_by_email(email) is not None:
        raise DomainError("validation", _("A user with this email already exists."), field="email")
    role_values = _parse_roles(roles)
    if password is not None:
        _check_new_password(password)
    if locale not in LOCALES:
        raise DomainError("validation", _("Unknown language."), field="locale")
    _check_member_free(member)
    user = User(email=email, full_name=(full_name or "").strip(), locale=locale,
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
    return user


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
    if roles is not None:
        role_values = _parse_roles(roles)
        if user.id == getattr(actor, "id", None) and Role.ADMIN in user.role_set \
                and Role.ADMIN not in role_values:
            raise DomainError("validation", _("You cannot remove your own administrator role."),
                              field="roles")
        user.set_roles(role_values)
    if member is not ...:
        _check_member_free(member, user)
        user.member = member
        user.member_id = getattr(member, "id", None)
    if active is not None:
        if not active and user.id == getattr(actor, "id", None):
            raise DomainError("validation", _("You cannot deactivate your own account."), field="active")
        user.is_active_account = bool(active)
    if full_name is not None:
        user.full_name = full_name.strip()
    db.session.flush()
    after = _user_state(user)
    changes = audit.changes_between(before, after)
    if changes:
        audit.record(actor, "user.update", user, summary=user.email, changes=changes)
    return user


# --- preferences and password ---------------------------------------------------------------

def set_locale(user: User, locale: str) -> User:
    if locale not in LOCALES:
        raise DomainError("validation", _("Unknown language."), field="locale")
    user.locale = locale
    db.session.flush()
    return user


def change_password(user: User, current_password: str, new_password: str) -> User:
    if not user.check_password(current_password or ""):
        raise DomainError("validation", _("The current password is not correct."),
                          field="current_password")
    _check_new_password(new_password, field="new_password")
    user.set_password(new_password)
    db.session.flush()
    if _audited(user):
        audit.record(user, "user.password_change", user, summary=user.email)
    return user


# --- password reset ------------------------------------------------------------------------

class _ClockTimestampSigner(TimestampSigner):
    """itsdangerous reads time.time(); the platform's one clock is governance.core.clock,
    so links expire in tests (and demos) when the clock is moved."""

    def get_timestamp(self) -> int:
        return int(clock.now().timestamp())


def _reset_serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt="password-reset",
                                  signer=_ClockTimestampSigner)


def _password_fingerprint(user: User) -> str:
    """A digest of the current password hash: the link stops working once the
    password changes (single use) without putting the hash itself in the link."""
    return hashlib.sha256((user.password_hash or "").encode()).hexdigest()[:16]


def password_reset_token(user: User) -> str:
    return _reset_serializer().dumps({"user": user.id, "fingerprint": _password_fingerprint(user)})


def password_reset_link(user: User) -> str:
    path = url_for("auth.reset_password", token=password_reset_token(user))
    return urljoin(current_app.config["PUBLIC_BASE_URL"].rstrip("/") + "/", path.lstrip("/"))


def send_password_reset(user: User, *, actor=None):
    """Queue the email with a signed, time-limited, single-use link."""
    max_age = int(current_app.config["PASSWORD_RESET_MAX_AGE"])
    link = password_reset_link(user)
    with force_locale(user.locale or "it"):
        subject = _("Set your password")
        body = _("Hello %(name)s,\n\n"
                 "to set a new password for %(email)s open this link within %(hours)d hours:\n\n"
                 "%(link)s\n\n"
                 "The link works once. If you did not ask for it, ignore this email: "
                 "your password does not change.\n\n%(cooperative)s\n",
                 name=user.display_name, email=user.email, hours=max(1, max_age // 3600),
                 link=link, cooperative=current_app.config["COOPERATIVE_NAME"])
    message = send_email(user.email, subject, body, topic="password reset")
    if actor is not None and _audited(actor) and actor is not user:
        audit.record(actor, "user.password_reset_sent", user, summary=user.email)
    return message


def request_password_reset(email: str) -> None:
    """Forgotten password: email a link if an active account exists. The caller answers
    the same whatever happened, so nobody learns which emails have an account."""
    user = find_user_by_email(email)
    if user is not None and user.is_active:
        send_password_reset(user)


def user_for_reset_token(token: str) -> User:
    max_age = int(current_app.config["PASSWORD_RESET_MAX_AGE"])
    try:
        data = _reset_serializer().loads(token, max_age=max_age)
    except SignatureExpired:
        raise DomainError("token_expired", _("This link has expired. Ask for a new one."),
                          status=400) from None
    except BadSignature:
        raise DomainError("token_invalid", _("This link is not valid. Ask for a new one."),
                          status=400) from None
    user = None
    if isinstance(data, dict) and isinstance(data.get("user"), int):
        user = db.session.get(User, data["user"])
    if user is None or data.get("fingerprint") != _password_fingerprint(user):
        # A changed password (including this link's own use) invalidates the link.
        raise DomainError("token_invalid", _("This link has already been used or is not valid. "
                                             "Ask for a new one."), status=400)
    return user


def reset_password(token: str, new_password: str) -> User:
    user = user_for_reset_token(token)
    _check_new_password(new_password)
    user.set_password(new_password)
    db.session.flush()
    if _audited(user):
        audit.record(user, "user.password_reset", user, summary=user.email)
    return user


# --- personal API tokens -------------------------------------------------------------------

def issue_token(user: User, name: str, days: int) -> tuple[ApiToken, str]:
    """A new token; the raw value is returned once and never stored."""
    token, raw = ApiToken.issue(user, name=name or "api", days=days)
    db.session.add(token)
    db.session.flush()
    return token, raw


def create_token(user: User, name: str | None = None, days: int | None = None) -> tuple[ApiToken, str]:
    name = (name or "").strip() or "api"
    if len(name) > 100:
        raise DomainError("validation", _("At most %(n)d characters.", n=100), field="name")
    max_days = int(current_app.config["API_TOKEN_DAYS"])
    days = max_days if days is None else days
    if not 1 <= days <= max_days:
        raise DomainError("validation", _("Between 1 and %(n)d days.", n=max_days), field="days")
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


def touch_token(token: ApiToken, now=None) -> None:
    """Note when a token was last used (at most once a minute, to spare writes)."""
    now = now or clock.now()
    if token.last_used_at is None or now - token.last_used_at > timedelta(minutes=1):
        token.last_used_at = now
