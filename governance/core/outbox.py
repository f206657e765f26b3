"""The outbox: every email the platform sends is stored here first (recipient, subject,
body, attachments, status), in the same transaction as the change that caused it, and
delivered afterwards by a worker, never inside a request:

- `flask --app wsgi outbox work` runs until stopped (a systemd service in production);
  several may run at once on PostgreSQL: each claims one message at a time with
  `SELECT ... FOR UPDATE SKIP LOCKED`, sends it and commits, so each email is sent once.
- `flask --app wsgi outbox deliver` delivers what is due and stops (cron).

Without MAIL_SERVER a message is only stored (status "stored") and logged. A message
that cannot be built (a damaged address) or that the SMTP server refuses for good (5xx)
is marked failed with the reason and never blocks the others; a temporary problem (4xx,
server unreachable) is retried with a growing delay and ends as failed after
OUTBOX_MAX_ATTEMPTS attempts. Delivery never turns a committed change into an error.
"""
from __future__ import annotations

import logging
import re
import smtplib
import time
from datetime import datetime, timedelta
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from typing import Callable

import click
import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from flask import current_app
from flask.cli import AppGroup
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from . import bulk, clock
from .labels import LabeledEnum
from .types import AwareDateTime, StrEnum

log = logging.getLogger(__name__)


class OutboxStatus(LabeledEnum):
    QUEUED = "queued"    # waiting for the worker (see next_attempt_at)
    SENT = "sent"        # accepted by the SMTP server
    STORED = "stored"    # no SMTP configured: kept here only
    FAILED = "failed"    # could not be built, refused for good, or too many attempts

    __labels__ = {"queued": _l("Waiting to be sent"), "sent": _l("Sent"),
                  "stored": _l("Kept here (no mail server)"), "failed": _l("Not delivered")}
    __tones__ = {"queued": "secondary", "sent": "success", "stored": "info", "failed": "danger"}


# Topics are codes ("application:12"); each domain registers how its kinds read
# ({"application": _l("Application %(id)s")}), worded on the outbox pages. A kind whose
# code holds more than a number ("convocation:2:60") registers a function of the code
# after the kind, that returns the words (the assembly's title and the member's number).
_TOPICS: dict[str, object] = {}
# A kind worded by a function may also register how to load, in one query, what the
# function reads for a whole page of messages (the outbox list: no query per row).
_PREFETCH: dict[str, object] = {}


def register_topics(words: dict, prefetch: dict | None = None) -> None:
    _TOPICS.update(words)
    _PREFETCH.update(prefetch or {})


def prefetch_topics(topics) -> None:
    """Before wording a page of topics: each kind's prefetch gets its codes at once."""
    codes: dict[str, list[str]] = {}
    for topic in topics:
        kind, _sep, ident = (topic or "").partition(":")
        if kind in _PREFETCH:
            codes.setdefault(kind, []).append(ident)
    for kind, idents in codes.items():
        _PREFETCH[kind](idents)


def topic_label(topic: str | None) -> str:
    if not topic:
        return ""
    kind, _sep, ident = topic.partition(":")
    text = _TOPICS.get(kind)
    if text is None:
        from flask_babel import gettext
        return gettext("Other")
    if callable(text):   # a function of the code (a lazy string is not callable)
        return str(text(ident))
    if kind == "digest":
        from .formatting import day
        ident = day(ident)
    return str(text) % {"id": ident}


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
    # What caused it, as a code and reference ("application:12", "password_reset"):
    # the outbox page words it in the reader's language.
    topic: Mapped[str | None] = mapped_column(sa.String(80), nullable=True, index=True)
    attempts: Mapped[int] = mapped_column(sa.Integer, nullable=False, default=0)
    next_attempt_at: Mapped[datetime | None] = mapped_column(AwareDateTime(), nullable=True)
    # The body holds a personal link (password reset, activation): shown redacted.
    sensitive: Mapped[bool] = mapped_column(sa.Boolean, nullable=False, default=False)

    attachments: Mapped[list["OutboxAttachment"]] = relationship(
        back_populates="message", cascade="all, delete-orphan", lazy="selectin")

    __table_args__ = (sa.Index("ix_outbox_messages_due", "status", "next_attempt_at"),)

    @property
    def deferred(self) -> bool:
        """Queued with an empty body that the worker writes at send time (a domain's
        renderer, e.g. each member's convocation): the outbox says so until then."""
        return not self.body and bool(self.topic) and self.topic.split(":", 1)[0] in RENDERERS

    @property
    def shown_body(self) -> str:
        """The body as the outbox pages and API show it: in a sensitive message every
        link is hidden, so whoever reads the outbox (an administrator) cannot reset a
        password or activate an account that is not theirs."""
        if not self.sensitive:
            return self.body
        from flask_babel import gettext as _
        hidden = _("[personal link hidden]")
        return _LINK.sub(lambda match: hidden, self.body)


# Any link, up to the first blank; a token never contains one.
_LINK = re.compile(r"(?:https?://|www\.)\S+", re.IGNORECASE)


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
               topic: str | None = None, sensitive: bool = False) -> OutboxMessage:
    """Queue an email in the current transaction. `attachments` are
    (filename, content_type, data) triples, e.g. a PDF letter or an .ics file."""
    now = clock.now()
    message = OutboxMessage(created_at=now, recipient=(recipient or "")[:254],
                            subject=(subject or "")[:300], body=body,
                            status=OutboxStatus.QUEUED, topic=topic, attempts=0,
                            next_attempt_at=now, sensitive=sensitive)
    for filename, content_type, data in attachments or []:
        message.attachments.append(
            OutboxAttachment(filename=filename, content_type=content_type, data=data))
    db.session.add(message)
    return message


def send_many(messages: list[tuple[str, str, str, str | None]]) -> int:
    """Queue many plain emails (recipient, subject, body, topic) with one COPY (PostgreSQL)
    or one executemany INSERT in the current transaction: for runs that write thousands (a year's statements)."""
    now = clock.now()
    rows = [{"created_at": now, "recipient": (recipient or "")[:254], "subject": (subject or "")[:300],
             "body": body, "status": OutboxStatus.QUEUED, "topic": topic, "attempts": 0,
             "next_attempt_at": now, "sensitive": False}
            for recipient, subject, body, topic in messages if recipient]
    return bulk.insert_rows(OutboxMessage.__table__, rows)


# Messages queued in bulk with an empty body, rendered by the worker at send time: topic
# prefix ("convocation") -> function(message) that fills subject, body and attachments.
# Domains register theirs in init_app (core knows none of them). The rendered body is
# kept on the message, so the outbox shows what was sent.
RENDERERS: dict[str, Callable[[OutboxMessage], None]] = {}


def register_renderer(prefix: str, render: Callable[[OutboxMessage], None]) -> None:
    RENDERERS[prefix] = render


def render_if_deferred(message: OutboxMessage) -> None:
    """Fill a message queued with an empty body by its domain's renderer, if any."""
    if message.body or not message.topic:
        return
    render = RENDERERS.get(message.topic.split(":", 1)[0])
    if render is not None:
        render(message)


def send_templated(recipient: str | None, locale: str | None, subject, template: str, *,
                   topic: str, attachments=None, sensitive: bool = False,
                   **context) -> OutboxMessage | None:
    """Queue one email written in the recipient's language: `subject` is a lazy string
    (_l) and the template's strings are translated inside force_locale. Nobody to write
    to (a member without an email): nothing is queued."""
    if not recipient:
        return None
    from flask import render_template
    from flask_babel import force_locale
    with force_locale(locale or "it"):
        body = render_template(template, cooperative_name=current_app.config["COOPERATIVE_NAME"],
                               **context)
        return send_email(recipient, str(subject), body, attachments=attachments, topic=topic,
                          sensitive=sensitive)


def build(message: OutboxMessage, sender: str) -> EmailMessage:
    """The MIME message; ValueError if a header cannot be written (e.g. a line break in
    the address): such a message can never be sent."""
    email = EmailMessage()
    email["From"] = sender
    email["To"] = message.recipient
    email["Subject"] = message.subject
    email["Date"] = formatdate(localtime=False)
    email["Message-ID"] = make_msgid(idstring=f"outbox-{message.id}")
    email.set_content(message.body)
    for att in message.attachments:
        maintype, _, subtype = att.content_type.partition("/")
        email.add_attachment(att.data, maintype=maintype, subtype=subtype or "octet-stream",
                             filename=att.filename)
    if "\n" in message.recipient or "\r" in message.recipient or "," in message.recipient:
        raise ValueError("the recipient is not one address")
    email.as_bytes()  # header problems surface here, not halfway through SMTP
    return email


def retry_delay(attempts: int) -> timedelta:
    """Backoff after the n-th failed attempt: 1, 2, 4 ... minutes, at most 6 hours."""
    return timedelta(minutes=min(2 ** max(attempts - 1, 0), 360))


def _due_query():
    return (sa.select(OutboxMessage)
            .where(OutboxMessage.status == OutboxStatus.QUEUED,
                   sa.or_(OutboxMessage.next_attempt_at.is_(None),
                          OutboxMessage.next_attempt_at <= clock.now()))
            .order_by(OutboxMessage.next_attempt_at, OutboxMessage.id))


def _claim_next() -> OutboxMessage | None:
    """One due message, locked until this transaction ends; other workers skip it."""
    return db.session.scalars(_due_query().limit(1).with_for_update(skip_locked=True)).first()


class _Connection:
    """An SMTP connection opened on first use and kept for the following messages."""

    def __init__(self, config):
        self.config = config
        self.smtp = None

    def send(self, email: EmailMessage) -> None:
        if self.smtp is None:
            config = self.config
            smtp_class = smtplib.SMTP_SSL if config.get("MAIL_USE_SSL") else smtplib.SMTP
            self.smtp = smtp_class(config["MAIL_SERVER"], config["MAIL_PORT"], timeout=20)
            if config.get("MAIL_USE_TLS") and not config.get("MAIL_USE_SSL"):
                self.smtp.starttls()
            if config.get("MAIL_USERNAME"):
                self.smtp.login(config["MAIL_USERNAME"], config["MAIL_PASSWORD"] or "")
        self.smtp.send_message(email)

    def close(self) -> None:
        if self.smtp is not None:
            try:
                self.smtp.quit()
            except (OSError, smtplib.SMTPException):
                pass
            self.smtp = None


def _fail(message: OutboxMessage, reason: str) -> None:
    message.status = OutboxStatus.FAILED
    message.error = reason[:2000]
    message.next_attempt_at = None


def _deliver_one(message: OutboxMessage, connection: _Connection | None, config) -> None:
    message.attempts += 1
    if connection is None:
        render_if_deferred(message)
        message.status = OutboxStatus.STORED
        message.next_attempt_at = None
        log.info("email stored (no MAIL_SERVER): to=%s subject=%s", message.recipient,
                 message.subject)
        return
    try:
        render_if_deferred(message)
        email = build(message, config["MAIL_SENDER"])
    except (ValueError, TypeError, UnicodeError) as exc:
        _fail(message, f"cannot be built: {exc}")
        return
    try:
        connection.send(email)
    except smtplib.SMTPRecipientsRefused as exc:
        answers = "; ".join(f"{code} {text.decode(errors='replace') if isinstance(text, bytes) else text}"
                            for code, text in exc.recipients.values())
        _fail(message, answers)
        return
    except smtplib.SMTPResponseException as exc:
        text = exc.smtp_error.decode(errors="replace") if isinstance(exc.smtp_error, bytes) else str(exc.smtp_error)
        answer = f"{exc.smtp_code} {text}"
        if 500 <= exc.smtp_code < 600:
            _fail(message, answer)
            connection.close()
            return
        _retry_later(message, answer, config)
        connection.close()
        return
    except (OSError, smtplib.SMTPException) as exc:
        _retry_later(message, str(exc) or type(exc).__name__, config)
        connection.close()
        return
    message.status = OutboxStatus.SENT
    message.sent_at = clock.now()
    message.error = None
    message.next_attempt_at = None


def _retry_later(message: OutboxMessage, reason: str, config) -> None:
    if message.attempts >= int(config.get("OUTBOX_MAX_ATTEMPTS", 8)):
        _fail(message, f"{reason} (after {message.attempts} attempts)")
        return
    message.error = reason[:2000]
    message.next_attempt_at = clock.now() + retry_delay(message.attempts)


def deliver_due(limit: int | None = None) -> int:
    """Deliver due messages one at a time, each in its own transaction (commit after
    each, so a crash never resends what was already committed as sent). Returns how
    many were handled."""
    config = current_app.config
    connection = _Connection(config) if config.get("MAIL_SERVER") else None
    handled = 0
    try:
        while limit is None or handled < limit:
            message = _claim_next()
            if message is None:
                db.session.rollback()
                break
            try:
                _deliver_one(message, connection, config)
            except Exception as exc:  # noqa: BLE001 - one broken message never blocks the rest
                log.exception("outbox message %s could not be handled", message.id)
                _fail(message, f"unexpected error: {type(exc).__name__}")
            db.session.commit()
            handled += 1
    finally:
        if connection is not None:
            connection.close()
    return handled


outbox_cli = AppGroup("outbox", help="The email outbox.")


@outbox_cli.command("deliver")
def deliver_command():
    """Deliver the emails that are due, then stop (for cron)."""
    click.echo(f"handled {deliver_due()} message(s)")


@outbox_cli.command("work")
@click.option("--idle", default=2.0, show_default=True, help="Seconds to wait when nothing is due.")
@click.option("--once", is_flag=True, help="Stop when nothing is due (tests, scripts).")
def work_command(idle, once):
    """Deliver emails until stopped (Ctrl-C or SIGTERM); several workers may run at once."""
    total = 0
    try:
        while True:
            handled = deliver_due()
            total += handled
            if not handled:
                if once:
                    break
                time.sleep(idle)
    except KeyboardInterrupt:
        pass
    click.echo(f"handled {total} message(s)")
