"""Roles and the one way a view declares who may use it.

Every HTML and API view carries `@permission(...)`; tests/core/test_permissions.py
walks the URL map and fails for any view without one, and the role matrix test checks
each role against each route. Object-level checks ("a member sees only their own
entry") live in `can_see_member()` and friends, called by the view after loading.
"""
from __future__ import annotations

import enum
import functools

from flask import g, request
from flask_login import current_user

from .errors import DomainError


class Role(str, enum.Enum):
    ADMIN = "admin"
    BOARD = "board"
    SECRETARY = "secretary"
    AUDITOR = "auditor"
    MEMBER = "member"


PUBLIC = "public"            # anyone, logged in or not
AUTHENTICATED = "authenticated"  # any logged-in user; the view checks the object

# Roles whose actions are written to the audit log (DEVELOPERS.md: everything a board
# member does is in the audit log).
AUDITED_ROLES = {Role.ADMIN, Role.BOARD, Role.SECRETARY}
# Roles that read the register.
# API.md: the register is read by the board, the secretary and the auditor; the
# administrator runs the platform and does not read members' personal data.
REGISTER_READERS = (Role.BOARD, Role.SECRETARY, Role.AUDITOR)
REGISTER_WRITERS = (Role.BOARD, Role.SECRETARY)


class Unauthorized(DomainError):
    status = 401

    def __init__(self, message: str = "authentication required"):
        super().__init__("unauthorized", message)


class NotAllowed(DomainError):
    status = 403

    def __init__(self, message: str = "not allowed", code: str = "forbidden"):
        super().__init__(code, message)


def is_api_request() -> bool:
    return request.path.startswith("/api/")


def user_has_role(user, *roles) -> bool:
    if not getattr(user, "is_authenticated", False):
        return False
    held = user.role_set
    return any(Role(r) in held for r in roles)


def permission(*allowed):
    """Declare who may call a view: PUBLIC, AUTHENTICATED or one or more Roles."""
    if not allowed:
        raise ValueError("permission() needs at least one role, PUBLIC or AUTHENTICATED")

    def decorator(view):
        @functools.wraps(view)
        def wrapped(*args, **kwargs):
            check(allowed)
            return view(*args, **kwargs)

        wrapped.permission = tuple(allowed)
        return wrapped

    return decorator


def check(allowed) -> None:
    if PUBLIC in allowed:
        return
    authenticated = getattr(current_user, "is_authenticated", False)
    if is_api_request() and authenticated and not g.get("authenticated_by_token"):
        # The API takes bearer tokens only: a browser's session cookie is not enough,
        # so a page on another site cannot make the browser call it (no CSRF on /api).
        authenticated = False
    if not authenticated:
        raise Unauthorized()
    if AUTHENTICATED in allowed:
        return
    if not user_has_role(current_user, *allowed):
        raise NotAllowed()


def require_role(user, *roles) -> None:
    """Object-level check inside a view, after loading."""
    if not user_has_role(user, *roles):
        raise NotAllowed()


def can_see_member(user, member) -> bool:
    """Members see only their own entry; register readers see all."""
    if user_has_role(user, *REGISTER_READERS):
        return True
    return bool(getattr(user, "member_id", None)) and user.member_id == member.id
