"""Payments of subscribed shares (art. 2525 c.c.)."""
from __future__ import annotations

from decimal import Decimal

from flask_babel import gettext as _

from ...core import audit, clock, inputs
from ...core.errors import Conflict
from ...core.formatting import day, money
from ...core.inputs import Problems
from ...core.money import format_eur
from ...extensions import db
from ...members import operations as register
from ...members import queries as register_queries
from ...members.models import Member, MemberStatus
from .. import notifications
from ..models import SharePayment
from .common import clean_text, lock, parse_date


def subscribed_amount(member: Member) -> Decimal:
    """Shares subscribed x the nominal value in force when the member was admitted."""
    return register_queries.amount_due(member)


def record_share_payment(member: Member, data: dict, actor) -> SharePayment:
    """The secretary records a payment of shares {amount, paid_on, note}; the entry's
    paid amount grows by it and may not exceed what was subscribed."""
    lock(member)
    if member.status != MemberStatus.ACTIVE:
        raise Conflict("not_active", _("Member n. %(n)d is not active (%(status)s).",
                                       n=member.number, status=member.status.label))
    today = clock.today()
    problems = Problems()
    amount = problems.take("amount", inputs.amount, data.get("amount"))
    paid_on = parse_date(data.get("paid_on"), "paid_on", problems)
    if paid_on is not None:
        if paid_on > today:
            problems.add("paid_on", _("The date %(date)s is in the future.", date=day(paid_on)))
        elif paid_on < member.admitted_on:
            problems.add("paid_on", _("The date %(date)s is before the admission (%(admitted)s).",
                                      date=day(paid_on), admitted=day(member.admitted_on)))
    note = clean_text(data.get("note"), "note", problems, max_length=500)
    if amount is not None:
        subscribed = subscribed_amount(member)
        still_due = subscribed - member.shares_paid_amount
        if amount > still_due:
            problems.add("amount", _(
                "%(amount)s is more than what is still due (%(due)s of %(subscribed)s subscribed).",
                amount=money(amount), due=money(max(still_due, Decimal("0.00"))),
                subscribed=money(subscribed)))
    problems.raise_if_any()
    payment = SharePayment(member=member, amount=amount, paid_on=paid_on, note=note,
                           recorded_at=clock.now(), recorded_by_id=getattr(actor, "id", None))
    db.session.add(payment)
    before = member.shares_paid_amount
    member.shares_paid_amount = before + amount
    member.updated_at = clock.now()
    db.session.flush()
    changes = {"shares_paid_amount": [before, member.shares_paid_amount]}
    register.add_history(member, actor, "member.share_payment",
                         {**changes, "amount": [None, amount], "paid_on": [None, paid_on]})
    audit.record(actor, "member.share_payment", payment,
                 summary=f"n. {member.number}: {format_eur(amount)} on {paid_on.isoformat()}",
                 changes=changes)
    notifications.share_payment(member, payment, subscribed=subscribed_amount(member))
    return payment
