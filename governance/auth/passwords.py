"""Passwords, once for logins and applicants: the length rule, hashing (Werkzeug's
scrypt), and a check that takes as long for an unknown email as for a known one."""
from __future__ import annotations

import functools

from flask_babel import gettext as _
from werkzeug.security import check_password_hash, generate_password_hash

from ..core.inputs import InvalidInput

MIN_LENGTH = 10
# Longer passwords are refused everywhere (forms, API, applications): hashing megabytes
# of input costs the server, and the login form would then refuse what the API accepted.
MAX_LENGTH = 200


def checked(password) -> str:
    """The new password, or InvalidInput saying why it is refused."""
    if not isinstance(password, str) or len(password) < MIN_LENGTH:
        raise InvalidInput(_("The password must be at least %(n)d characters long.", n=MIN_LENGTH))
    if len(password) > MAX_LENGTH:
        raise InvalidInput(_("At most %(n)d characters.", n=MAX_LENGTH))
    if "\x00" in password:
        raise InvalidInput(_("Contains control characters that are not allowed."))
    return password


def hash_password(password: str) -> str:
    return generate_password_hash(password)


@functools.cache
def _dummy_hash() -> str:
    return generate_password_hash("not-a-password-of-anyone")


def matches(password_hash: str | None, password) -> bool:
    """Does `password` match? Without a hash (unknown email, no password yet) a dummy
    hash is checked anyway, so the answer takes the same time and tells nothing."""
    candidate = password if isinstance(password, str) and len(password) <= MAX_LENGTH else ""
    if not password_hash:
        check_password_hash(_dummy_hash(), candidate)
        return False
    return check_password_hash(password_hash, candidate) and candidate == password
