"""The emails of social loans, written in the member's language and queued in the outbox
with the change that caused them. Topics are codes ("loan:12")."""
from __future__ import annotations

import functools

import sqlalchemy as sa
from flask import current_app
from flask_babel import force_locale, get_translations
from flask_babel import lazy_gettext as _l

from ..auth.models import User
from ..core.outbox import send_many, send_templated
from ..core.urls import public_url
from ..extensions import db
from ..members.models import Member


def member_locales() -> dict[int, str]:
    """member id -> the language of the member's login (one query for a whole run)."""
    return dict(db.session.execute(sa.select(User.member_id, User.locale).where(User.member_id.is_not(None))).all())


def member_locale(member_id: int) -> str:
    return db.session.scalar(sa.select(User.locale).where(User.member_id == member_id).limit(1)) or "it"


def statements_ready(year: int, ready: list[tuple[int, int, dict]], locales: dict[int, str]) -> int:
    """The year's statements are ready (after a batch of the year-end run): one email per
    account (account id, member id, the year's interest), each in its member's language.
    A year end writes thousands of these: the template is looked up once per language,
    its sentences translated once (not once per email), and the emails queued with one
    INSERT (core.outbox.send_many)."""
    members = {m.id: m for m in db.session.scalars(
        sa.select(Member).where(Member.id.in_({member_id for _, member_id, _ in ready}),
                                Member.email.is_not(None)))}
    by_locale: dict[str, list] = {}
    for account_id, member_id, interest in ready:
        if member_id in members:
            by_locale.setdefault(locales.get(member_id) or "it", []).append((account_id, members[member_id], interest))
    messages = []
    for locale, items in by_locale.items():
        with force_locale(locale):
            template = current_app.jinja_env.get_template("loans/email/statement_ready.txt")
            translate = functools.lru_cache(maxsize=None)(get_translations().gettext)

            def _(text, **values):
                translated = translate(text)
                return translated % values if values else translated

            subject = str(_l("Your social-loan statement is ready"))
            name = current_app.config["COOPERATIVE_NAME"]
            for account_id, member, interest in items:
                body = template.render(_=_, cooperative_name=name, member=member, account_id=account_id,
                                       year=year, interest=interest,
                                       url=public_url("loans.statement", account_id=account_id, year=year))
                messages.append((member.email, subject, body, f"loan:{account_id}"))
    return send_many(messages)


def account_closed(account, repayment, closing_interest):
    member = account.member
    return send_templated(member.email, member_locale(account.member_id), _l("Your social-loan account has been closed"),
                          "loans/email/closed.txt", topic=f"loan:{account.id}", member=member,
                          account=account, repayment=-(repayment.amount) if repayment else 0,
                          interest=closing_interest)
