"""Use cases of logins: authenticate, create users, tokens, password reset."""
from __future__ import annotations

import sqlalchemy as sa
from flask_babel import gettext as _

from ..core import audit, clock
from ..core.errors import DomainError
from ..core.permissions import Role
from ..extensions import db
from .models import ApiToken, User


def normalise_email(email: str) -> str:
    return (email or "").strip().lower()


def find_user_by_email(email: str) -> User | None:
    return db.session.scalar(sa.select(User).where(User.email == normalise_email(email)))


def authenticate(email: str, password: str) -> User:
    """The user with these credentials, or DomainError('invalid_credentials').
    The message does not say which of the two was wrong."""
    user = find_user_by_email(email)
    if user is None or not user.check_password(password or ""):
        raise DomainError("invalid_credentials", _("Email or password is not correct."), status=401)
    if not user.is_active:
        raise DomainError("inactive_account", _("This account is not active yet."), status=403)
    user.last_login_at = clock.now()
    return user


def create_user(email: str, password: str | None, roles, *, full_name: str = "", member=None,
                actor=None, locale: str = "it", active: bool = True) -> User:
    email = normalise_email(email)
    if not email or "@" not in email:
        raise DomainError("validation", _("A valid email address is required."), field="email")
    if find_user_by_email(email) is not None:
        raise DomainError("validation", _("A user with this email already exists."), field="email")
    try:
        role_values = [Role(r) for r in roles]
    except ValueError:
        raise DomainError("validation", _("Unknown role."), field="roles") from None
    if password is not None and len(password) < 10:
        raise DomainError("validation", _("The password must be at least 10 characters long."),
                          field="password")
    user = User(email=email, full_name=full_name, locale=locale, is_active_account=active,
                created_at=clock.now(), member_id=getattr(member, "id", None))
    if password is not None:
        user.set_password(password)
    user.set_roles(role_values)
    db.session.add(user)
    db.session.flush()
    if actor is not None:
        audit.record(actor, "user.create", user, summary=email,
                     changes={"roles": [None, sorted(r.value for r in role_values)]})
    return user


def issue_token(user: User, name: str, days: int) -> tuple[ApiToken, str]:
    token, raw = ApiToken.issue(user, name=name or "api", days=days)
    db.session.add(token)
    db.session.flush()
    return token, raw
