"""Roles, named permissions, and the one way a view declares who may use it.

A view declares the action it performs, by name: `@permission(P.REGISTER_WRITE)`. Which
roles hold each action is one table, `governance.authz.GRANTS` (as Warehouse's
`authnz`), installed at start-up with `install_grants()`; core itself knows no domain's
actions. Two markers are not actions: PUBLIC (anyone, logged in or not) and
AUTHENTICATED (any login; the view then checks the object, e.g. "a member sees only
their own entry").

tests/core/test_permissions.py walks the URL map and fails for any view without a
declaration; tests/core/test_access_table.py pins every role x route x method to the
status it must get, in a table written by hand.
"""
from __future__ import annotations

import functools
from typing import Iterable, Mapping

from flask import g, request
from flask_login import current_user

from flask_babel import lazy_gettext as _l

from .errors import DomainError
from .labels import LabeledEnum


class Role(LabeledEnum):
    ADMIN = "admin"
    BOARD = "board"
    SECRETARY = "secretary"
    AUDITOR = "auditor"
    MEMBER = "member"

    __labels__ = {"admin": _l("Administrator"), "board": _l("Board member"),
                  "secretary": _l("Secretary"), "auditor": _l("Auditor"), "member": _l("Member")}


PUBLIC = "public"                # anyone, logged in or not
AUTHENTICATED = "authenticated"  # any logged-in user; the view checks the object

# Roles whose actions are written to the audit log (everything a board member, the
# secretary or an administrator does).
AUDITED_ROLES = frozenset({Role.ADMIN, Role.BOARD, Role.SECRETARY})

_grants: dict[str, frozenset[Role]] = {}


def install_grants(table: Mapping[str, Iterable[Role]]) -> None:
    """The permission -> roles table (governance.authz.GRANTS), read once at start-up."""
    _grants.clear()
    _grants.update({str(name): frozenset(Role(r) for r in roles) for name, roles in table.items()})


def roles_for(name: str) -> frozenset[Role]:
    """Who holds a named permission; an unknown name is a programming error."""
    try:
        return _grants[str(name)]
    except KeyError:
        raise LookupError(f"permission {name!r} is not in governance.authz.GRANTS") from None


class Unauthorized(DomainError):
    status = 401

    def __init__(self, message: str = "authentication required"):
        super().__init__("unauthorized", message)


class NotAllowed(DomainError):
    status = 403

    def __init__(self, message: str | None = None, code: str = "forbidden"):
        if message is None:
            from flask_babel import gettext as _
            message = _("You are not allowed to do this.")
        super().__init__(code, message)


def is_api_request() -> bool:
    return request.path.startswith("/api/")


def user_has_role(user, *roles) -> bool:
    if not getattr(user, "is_authenticated", False):
        return False
    held = user.role_set
    return any(Role(r) in held for r in roles)


def can(user, name: str) -> bool:
    """Does `user` hold the named permission (through any of their roles)?"""
    if name == PUBLIC:
        return True
    if not getattr(user, "is_authenticated", False):
        return False
    if name == AUTHENTICATED:
        return True
    return bool(user.role_set & roles_for(name))


def actor():
    """The logged-in user as a plain object (operations record who acted)."""
    return current_user._get_current_object()


def permission(*allowed, credential=None):
    """Declare what a view does: one or more permission names (P.X), PUBLIC or
    AUTHENTICATED. Several names: any one of them is enough.

    `credential`: for PUBLIC views whose caller proves who they are with something that
    is not a login (an applicant's token): a function that raises Unauthorized or
    NotAllowed. It runs right after the declaration, before the body is read."""
    if not allowed:
        raise ValueError("permission() needs a permission name, PUBLIC or AUTHENTICATED")

    def decorator(view):
        @functools.wraps(view)
        def wrapped(*args, **kwargs):
            check(allowed)
            if credential is not None:
                credential()
            return view(*args, **kwargs)

        wrapped.permission = tuple(allowed)
        wrapped.credential = credential
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
    if not any(can(current_user, name) for name in allowed):
        raise NotAllowed()
