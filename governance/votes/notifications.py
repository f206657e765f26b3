"""Emails of the votes domain, queued through the outbox in the same transaction."""
from __future__ import annotations

import sqlalchemy as sa
from flask import current_app, render_template
from flask_babel import force_locale, gettext as _

from ..core import outbox
from ..core.urls import public_url
from ..extensions import db
from ..members.models import Member, MemberStatus


def mission_changed(version) -> int:
    """Every active member with an email learns the new mission version (written once,
    in the cooperative's language, and queued with one multi-row insert)."""
    with force_locale(current_app.config.get("DEFAULT_LANGUAGE", "it")):
        subject = _("The mission of the cooperative has a new version (%(n)d)", n=version.number)
        body = render_template("votes/email/mission_changed.txt", version=version,
                               cooperative_name=current_app.config["COOPERATIVE_NAME"],
                               link=public_url("votes.mission"))
    recipients = db.session.scalars(sa.select(Member.email).where(
        Member.status == MemberStatus.ACTIVE, Member.email.is_not(None)).order_by(Member.number))
    return outbox.send_many([(email, subject, body, f"mission_version:{version.number}") for email in recipients])
