"""The emails of assemblies, queued in the outbox with the change that caused them.

The convocation is queued in bulk at publication with an empty body (topic
"convocation:<assembly>:<member>"); the outbox worker calls `render_convocation` at
send time, which writes the member's greeting and personal receipt link around the
letter stored once (Convocation) and attaches the calendar file."""
from __future__ import annotations

import sqlalchemy as sa
from flask import render_template
from flask_babel import force_locale
from flask_babel import lazy_gettext as _l

from ..auth.models import User
from ..core import tokens
from ..core.outbox import OutboxAttachment, send_templated
from ..core.urls import public_url
from ..extensions import db
from ..members.models import Member


RECEIPT_PURPOSE = "assembly-receipt"
RECEIPT_MAX_AGE = 400 * 24 * 3600


def receipt_token(receipt) -> str:
    """The member's personal signed link to confirm receipt of the convocation."""
    return tokens.sign(RECEIPT_PURPOSE, [receipt.assembly_id, receipt.member_id])


def member_locale(member_id: int) -> str:
    return db.session.scalar(sa.select(User.locale).where(User.member_id == member_id).limit(1)) or "it"


def render_convocation(message) -> None:
    from .models import Convocation, Receipt
    try:
        _prefix, assembly_id, member_id = message.topic.split(":")
        assembly_id, member_id = int(assembly_id), int(member_id)
    except ValueError:
        raise ValueError(f"not a convocation topic: {message.topic}") from None
    convocation = db.session.get(Convocation, assembly_id)
    receipt = db.session.scalar(sa.select(Receipt).where(Receipt.assembly_id == assembly_id,
                                                         Receipt.member_id == member_id))
    member = db.session.get(Member, member_id)
    if convocation is None or receipt is None or member is None:
        raise ValueError("the convocation or the member is gone")
    link = public_url("assemblies.confirm_receipt", token=receipt_token(receipt))
    with force_locale(convocation.locale):
        message.body = render_template("assemblies/email/convocation_member.txt", member=member,
                                       convocation=convocation, link=link)
    message.subject = convocation.subject[:300]
    if not message.attachments:
        message.attachments.append(OutboxAttachment(filename="assemblea.ics", content_type="text/calendar",
                                                    data=convocation.ics))


def proxy_received(assembly, proxy) -> None:
    delegate = proxy.delegate
    send_templated(delegate.email, member_locale(delegate.id), _l("You have received a proxy"),
                   "assemblies/email/proxy_received.txt", topic=f"assembly_proxy:{proxy.id}",
                   assembly=assembly, proxy=proxy,
                   link=public_url("assemblies.show", assembly_id=assembly.id))


def proxy_declined(assembly, proxy) -> None:
    delegator = proxy.delegator
    send_templated(delegator.email, member_locale(delegator.id), _l("Your proxy was declined"),
                   "assemblies/email/proxy_declined.txt", topic=f"assembly_proxy:{proxy.id}",
                   assembly=assembly, proxy=proxy,
                   link=public_url("assemblies.show", assembly_id=assembly.id))
