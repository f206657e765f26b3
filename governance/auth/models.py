"""Logins: users (email + password), their roles, personal API tokens."""
from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta

import sqlalchemy as sa
from flask_login import UserMixin
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..core import clock
from ..core.labels import LabeledEnum
from ..core.permissions import Role
from ..extensions import db
from ..core.types import AwareDateTime, StrEnum


# A login's name is a member's first name (100) + a space + last name (200): the login
# made at admission carries it, so the widths agree (members.first_name/last_name).
FULL_NAME_MAX = 301


class Language(LabeledEnum):
    """The interface languages (config.LANGUAGES); each is named in itself, the same in
    every language (as a language switch shows them)."""
    ITALIAN = "it"
    ENGLISH = "en"

    __labels__ = {"it": "Italiano", "en": "English"}


class User(UserMixin, db.Model):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(sa.String(254), nullable=False, unique=True)
    password_hash: Mapped[str | None] = mapped_column(sa.String(255), nullable=True)
    full_name: Mapped[str] = mapped_column(sa.String(FULL_NAME_MAX), nullable=False, default="")
    locale: Mapped[str] = mapped_column(sa.String(5), nullable=False, default="it")
    # An account is active once it may log in (admitted members activate by emailed link).
    is_active_account: Mapped[bool] = mapped_column(sa.Boolean, nullable=False, default=True)
    member_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("members.id", ondelete="SET NULL"), nullable=True, unique=True)
    created_at: Mapped[datetime] = mapped_column(AwareDateTime(), nullable=False)
    last_login_at: Mapped[datetime | None] = mapped_column(AwareDateTime(), nullable=True)
    # The last invitation sent to a member without a login (assemblies.invitations).
    invited_at: Mapped[datetime | None] = mapped_column(AwareDateTime(), nullable=True)
    # Random, and new at every password change or reset, logout and "log out everywhere":
    # sessions, remember-me cookies and emailed links made with an older one stop working.
    session_version: Mapped[str] = mapped_column(sa.String(32), nullable=False,
                                                 default=lambda: secrets.token_hex(16))

    roles: Mapped[list["UserRole"]] = relationship(
        back_populates="user", cascade="all, delete-orphan", lazy="selectin")
    member: Mapped["Member | None"] = relationship(lazy="joined")  # noqa: F821
    tokens: Mapped[list["ApiToken"]] = relationship(back_populates="user", cascade="all, delete-orphan")

    # Flask-Login asks is_active: inactive accounts cannot log in.
    @property
    def is_active(self) -> bool:  # type: ignore[override]
        return bool(self.is_active_account)

    def get_id(self) -> str:
        """The session's user id carries the login's session version (see load_user)."""
        if not self.session_version:
            self.new_session_version()
        return f"{self.id}.{self.session_version}"

    def new_session_version(self) -> None:
        """End every session, remember-me cookie and emailed link of this login."""
        self.session_version = secrets.token_hex(16)

    @property
    def role_set(self) -> set[Role]:
        return {r.role for r in self.roles}

    def has_role(self, *roles) -> bool:
        return any(Role(r) in self.role_set for r in roles)

    def set_roles(self, roles) -> None:
        wanted = {Role(r) for r in roles}
        self.roles = [r for r in self.roles if r.role in wanted]
        for role in wanted - {r.role for r in self.roles}:
            self.roles.append(UserRole(role=role))

    def set_password(self, password: str) -> None:
        from .passwords import hash_password  # Werkzeug's scrypt, memory-hard
        self.password_hash = hash_password(password)
        self.new_session_version()

    def check_password(self, password: str) -> bool:
        from .passwords import matches
        return matches(self.password_hash, password)

    @property
    def display_name(self) -> str:
        return self.full_name or self.email


class UserRole(db.Model):
    __tablename__ = "user_roles"

    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    role: Mapped[Role] = mapped_column(StrEnum(Role, 16), primary_key=True)

    user: Mapped[User] = relationship(back_populates="roles")


def hash_token(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


class ApiToken(db.Model):
    """Personal API token: only its SHA-256 is stored; the raw value is shown once."""

    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), nullable=False, index=True)
    name: Mapped[str] = mapped_column(sa.String(100), nullable=False)
    token_hash: Mapped[str] = mapped_column(sa.String(64), nullable=False, unique=True)
    prefix: Mapped[str] = mapped_column(sa.String(12), nullable=False)
    created_at: Mapped[datetime] = mapped_column(AwareDateTime(), nullable=False)
    expires_at: Mapped[datetime] = mapped_column(AwareDateTime(), nullable=False)
    last_used_at: Mapped[datetime | None] = mapped_column(AwareDateTime(), nullable=True)
    revoked_at: Mapped[datetime | None] = mapped_column(AwareDateTime(), nullable=True)

    user: Mapped[User] = relationship(back_populates="tokens")

    @classmethod
    def issue(cls, user: User, name: str, days: int) -> tuple["ApiToken", str]:
        raw = "gov_" + secrets.token_urlsafe(32)
        now = clock.now()
        token = cls(user=user, name=name, token_hash=hash_token(raw), prefix=raw[:10],
                    created_at=now, expires_at=now + timedelta(days=days))
        return token, raw

    def is_valid(self, at: datetime) -> bool:
        expires = self.expires_at if self.expires_at.tzinfo else self.expires_at.replace(tzinfo=at.tzinfo)
        return self.revoked_at is None and expires > at


class LoginThrottle(db.Model):
    """Sign-in attempts for one key (a login's email, or "applicant:" + an applicant's
    email) since the window started. Counted atomically before the password is checked
    (an upsert), so parallel guesses cannot slip past the limit; a success deletes it."""

    __tablename__ = "login_throttles"

    key: Mapped[str] = mapped_column(sa.String(270), primary_key=True)
    window_start: Mapped[datetime] = mapped_column(AwareDateTime(), nullable=False)
    attempts: Mapped[int] = mapped_column(sa.Integer, nullable=False, default=0)
