"""The emails of social loans, written in the member's language and queued in the outbox
with the change that caused them. Topics are codes ("loan:12")."""
from __future__ import annotations

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from ..auth.models import User
from ..core.outbox import send_templated
from ..core.urls import public_url
from ..extensions import db


def member_locales() -> dict[int, str]:
    """member id -> the language of the member's login (one query for a whole run)."""
    return dict(db.session.execute(sa.select(User.member_id, User.locale).where(User.member_id.is_not(None))).all())


def member_locale(member_id: int) -> str:
    return db.session.scalar(sa.select(User.locale).where(User.member_id == member_id).limit(1)) or "it"


def statement_ready(account, year: int, interest, locale: str | None = None):
    """The year's statement is ready (after the year-end run)."""
    member = account.member
    return send_templated(member.email, locale or "it", _l("Your social-loan statement is ready"),
                          "loans/email/statement_ready.txt", topic=f"loan:{account.id}",
                          member=member, account=account, year=year, interest=interest,
                          url=public_url("loans.statement", account_id=account.id, year=year))


def account_closed(account, repayment, closing_interest):
    member = account.member
    return send_templated(member.email, member_locale(account.member_id), _l("Your social-loan account has been closed"),
                          "loans/email/closed.txt", topic=f"loan:{account.id}", member=member,
                          account=account, repayment=-(repayment.amount) if repayment else 0,
                          interest=closing_interest)
