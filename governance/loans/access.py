"""Loading a social-loan account for the current user without revealing whether it
exists: readers (secretary, board, auditor) get 404 for a missing one; the owner sees
their own; anyone else gets 403 for every id, existing or not."""
from __future__ import annotations

from flask_babel import gettext as _
from flask_login import current_user

from ..authz import P
from ..core.errors import NotFound
from ..core.permissions import NotAllowed, can
from ..extensions import db
from .models import LoanAccount


def is_owner(account: LoanAccount) -> bool:
    member_id = getattr(current_user, "member_id", None)
    return bool(member_id) and account.member_id == member_id


def load_account(account_id: int) -> LoanAccount:
    account = db.session.get(LoanAccount, account_id)
    if can(current_user, P.LOANS_READ):
        if account is None:
            raise NotFound(_("There is no social-loan account %(id)d.", id=account_id))
        return account
    if account is None or not is_owner(account):
        raise NotAllowed()
    return account
