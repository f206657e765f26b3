"""Loading a register entry for the current user without revealing whether it exists:
the one place that answers "may this login see member n.?"."""
from __future__ import annotations

from flask_babel import gettext as _
from flask_login import current_user

from ..authz import P
from ..core.errors import NotFound
from ..core.permissions import NotAllowed, can
from .models import Member
from .queries import member_by_number


def load_visible(number: int, *, readers: str = P.REGISTER_READ) -> Member:
    """The entry n. `number` for those who hold `readers` (404 if there is none), or for
    the member themself. Anyone else gets 403 for every other number, existing or not, so
    a member cannot probe which numbers exist."""
    member = member_by_number(number)
    if can(current_user, readers):
        if member is None:
            raise NotFound(_("There is no member with register number %(n)d.", n=number))
        return member
    if member is None or not is_own(member):
        raise NotAllowed()
    return member


def load_own(number: int) -> Member:
    """The entry n. `number` only if it is the current user's own (403 otherwise, existing
    or not)."""
    member = member_by_number(number)
    if member is None or not is_own(member):
        raise NotAllowed()
    return member


def is_own(member: Member) -> bool:
    member_id = getattr(current_user, "member_id", None)
    return bool(member_id) and member_id == member.id
