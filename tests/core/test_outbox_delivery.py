"""The outbox worker against a real SMTP server (tests/smtp.py): delivered once, a
broken message never blocks the others, refusals and outages are recorded."""
from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa
from click.testing import CliRunner

from governance.core import clock
from governance.core.outbox import OutboxMessage, OutboxStatus, deliver_due, send_email, work_command
from governance.extensions import db


def _statuses():
    return {m.recipient: (m.status, m.error) for m in db.session.scalars(sa.select(OutboxMessage))}


def test_each_queued_email_is_delivered_once(smtp_server, today):
    for n in range(3):
        send_email(f"socio{n}@example.org", f"Convocazione {n}", "Testo", topic=f"member:{n}",
                   attachments=[("convocazione.ics", "text/calendar", b"BEGIN:VCALENDAR")])
    db.session.commit()
    assert deliver_due() == 3
    assert deliver_due() == 0  # nothing twice
    assert sorted(m["To"] for m in smtp_server.messages) == [
        "socio0@example.org", "socio1@example.org", "socio2@example.org"]
    assert all(status == OutboxStatus.SENT for status, _ in _statuses().values())
    assert smtp_server.messages[0].get_payload()[1].get_filename() == "convocazione.ics"


def test_a_message_that_cannot_be_built_fails_alone(smtp_server, today):
    """The finding: an application whose email held a line break stopped all mail."""
    send_email("broken@example.org\nBcc: everyone@example.org", "Domanda", "Testo")
    send_email("good@example.org", "Domanda", "Testo")
    db.session.commit()
    assert deliver_due() == 2
    statuses = _statuses()
    broken = next(v for k, v in statuses.items() if k.startswith("broken"))
    assert broken[0] == OutboxStatus.FAILED and "cannot be built" in broken[1]
    assert statuses["good@example.org"][0] == OutboxStatus.SENT
    assert [m["To"] for m in smtp_server.messages] == ["good@example.org"]


def test_a_refused_recipient_is_failed_with_the_server_answer(smtp_server, today):
    smtp_server.refuse("nobody@example.org", 550, "5.1.1 No such mailbox")
    send_email("nobody@example.org", "Avviso", "Testo")
    send_email("somebody@example.org", "Avviso", "Testo")
    db.session.commit()
    deliver_due()
    statuses = _statuses()
    assert statuses["nobody@example.org"][0] == OutboxStatus.FAILED
    assert "550" in statuses["nobody@example.org"][1]
    assert statuses["somebody@example.org"][0] == OutboxStatus.SENT


def test_an_unreachable_server_is_retried_later_then_given_up(app, today, monkeypatch):
    monkeypatch.setitem(app.config, "MAIL_SERVER", "127.0.0.1")
    monkeypatch.setitem(app.config, "MAIL_PORT", 9)  # nothing listens there
    monkeypatch.setitem(app.config, "MAIL_USE_TLS", False)
    monkeypatch.setitem(app.config, "OUTBOX_MAX_ATTEMPTS", 3)
    message = send_email("anna@example.org", "Avviso", "Testo")
    db.session.commit()
    assert deliver_due() == 1
    db.session.refresh(message)
    assert message.status == OutboxStatus.QUEUED and message.attempts == 1 and message.error
    assert message.next_attempt_at == clock.now() + timedelta(minutes=1)
    assert deliver_due() == 0  # not due yet: it waits for its next attempt
    clock.advance(minutes=1)
    deliver_due()
    clock.advance(minutes=2)
    deliver_due()
    db.session.refresh(message)
    assert message.status == OutboxStatus.FAILED and message.attempts == 3
    assert "after 3 attempts" in message.error


def test_without_a_mail_server_messages_are_only_stored(today):
    send_email("anna@example.org", "Avviso", "Testo")
    db.session.commit()
    assert deliver_due() == 1
    assert _statuses()["anna@example.org"][0] == OutboxStatus.STORED


def test_the_worker_command_delivers_and_stops_when_told(app, smtp_server, today):
    send_email("anna@example.org", "Avviso", "Testo")
    db.session.commit()
    result = CliRunner().invoke(work_command, ["--once"], obj=None, standalone_mode=False)
    assert result.exception is None, result.output
    assert "handled 1 message(s)" in result.output
    assert [m["To"] for m in smtp_server.messages] == ["anna@example.org"]


def test_a_request_never_sends_mail_itself(client, smtp_server, today):
    """Mail is sent by workers, never inside a request: applying queues the email."""
    response = client.post("/password/forgot", data={"email": "nobody@example.org"})
    assert response.status_code == 302
    assert smtp_server.messages == []
