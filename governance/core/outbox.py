"""The outbox: every email the platform sends is stored here first (recipient, subject,
body, attachments, status), in the same transaction as the change that caused it, and
delivered by SMTP after the commit when MAIL_SERVER is configured. Without SMTP the
message stays stored and is logged, and admins read it on the outbox page."""
from __future__ import annotations

import enum
import logging
import smtplib
from datetime import datetime
from email.message import EmailMessage

import sqlalchemy as sa
from flask import current_app, g, has_app_context
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from .types import AwareDateTime, StrEnum
from . import clock

log = logging.getLogger(__name__)


class OutboxStatus(str, enum.Enum):
    QUEUED = "queued"    # waiting for delivery after commit
    SENT = "sent"        # handed to the SMTP server
    STORED = "stored"    # no SMTP configured: kept here only
    FAILED = "failed"    # SMTP refused it; `error` says why


class OutboxMessage(db.Model):
    __tablename__ = "outbox_messages"

    id: Mapped[int] = mapped_column(primary_key=True)
    created_at: Mapped[datetime] = mapped_column(AwareDateTime(), nullable=False, index=True)
    recipient: Mapped[str] = mapped_column(sa.String(254), nullable=False, index=True)
    subject: Mapped[str] = mapped_column(sa.String(300), nullable=False)
    body: Mapped[str] = mapped_column(sa.Text, nullable=False)
    status: Mapped[OutboxStatus] = mapped_column(
        StrEnum(OutboxStatus, 16),
        nullable=False, default=OutboxStatus.QUEUED, index=True)
    sent_at: Mapped[datetime | None] = mapped_column(AwareDateTime(), nullable=True)
    error: Mapped[str | None] = mapped_column(sa.Text, nullable=True)
    # What caused it, for the outbox page ("application 12", "password reset").
    topic: Mapped[str | None] = mapped_column(sa.String(80), nullable=True)

    attachments: Mapped[list["OutboxAttachment"]] = relationship(
        back_populates="message", cascade="all, delete-orphan", lazy="selectin")


class OutboxAttachment(db.Model):
    __tablename__ = "outbox_attachments"

    id: Mapped[int] = mapped_column(primary_key=True)
    message_id: Mapped[int] = mapped_column(
        sa.ForeignKey("outbox_messages.id", ondelete="CASCADE"), nullable=False, index=True)
    filename: Mapped[str] = mapped_column(sa.String(200), nullable=False)
    content_type: Mapped[str] = mapped_column(sa.String(100), nullable=False)
    data: Mapped[bytes] = mapped_column(sa.LargeBinary, nullable=False)

    message: Mapped[OutboxMessage] = relationship(back_populates="attachments")


def send_email(recipient: str, subject: str, body: str, *,
               attachments: list[tuple[str, str, bytes]] | None = None,
               topic: str | None = None) -> OutboxMessage:
    """Queue an email in the current transaction. `attachments` are
    (filename, content_type, data) triples, e.g. a PDF letter or an .ics file."""
    message = OutboxMessage(created_at=clock.now(), recipient=recipient, subject=subject,
                            body=body, status=OutboxStatus.QUEUED, topic=topic)
    for filename, content_type, data in attachments or []:
        message.attachments.append(
            OutboxAttachment(filename=filename, content_type=content_type, data=data))
    db.session.add(message)
    if has_app_context():
        g.outbox_pending = True  # delivered after the request's commit
    return message


def _build(message: OutboxMessage, sender: str) -> EmailMessage:
    email = EmailMessage()
    email["From"] = sender
    email["To"] = message.recipient
    email["Subject"] = message.subject
    email.set_content(message.body)
    for att in message.attachments:
        maintype, _, subtype = att.content_type.partition("/")
        email.add_attachment(att.data, maintype=maintype, subtype=subtype or "octet-stream",
                             filename=att.filename)
    return email


def deliver_queued(limit: int = 100) -> int:
    """Deliver queued messages; called after each request's commit and by
    `flask outbox deliver`. Returns how many were handled. Commits its own changes."""
    config = current_app.config
    queued = db.session.scalars(
        sa.select(OutboxMessage).where(OutboxMessage.status == OutboxStatus.QUEUED)
        .order_by(OutboxMessage.id).limit(limit)).all()
    if not queued:
        return 0
    if not config.get("MAIL_SERVER"):
        for message in queued:
            message.status = OutboxStatus.STORED
            log.info("email stored (no MAIL_SERVER): to=%s subject=%s", message.recipient,
                     message.subject)
        db.session.commit()
        return len(queued)
    smtp_class = smtplib.SMTP_SSL if config.get("MAIL_USE_SSL") else smtplib.SMTP
    try:
        with smtp_class(config["MAIL_SERVER"], config["MAIL_PORT"], timeout=20) as smtp:
            if config.get("MAIL_USE_TLS") and not config.get("MAIL_USE_SSL"):
                smtp.starttls()
            if config.get("MAIL_USERNAME"):
                smtp.login(config["MAIL_USERNAME"], config["MAIL_PASSWORD"] or "")
            for message in queued:
                try:
                    smtp.send_message(_build(message, config["MAIL_SENDER"]))
                    message.status = OutboxStatus.SENT
                    message.sent_at = clock.now()
                    message.error = None
                except smtplib.SMTPException as exc:
                    message.status = OutboxStatus.FAILED
                    message.error = str(exc)
    except (OSError, smtplib.SMTPException) as exc:
        # Server unreachable: keep them queued for the next attempt, note the error.
        log.warning("SMTP delivery failed: %s", exc)
        for message in queued:
            message.error = str(exc)
    db.session.commit()
    return len(queued)
