"""A real SMTP server for the tests (aiosmtpd), not a mock: the outbox worker talks SMTP
to it over a socket, and the test reads what arrived.

    def test_x(smtp_server):            # the app's MAIL_SERVER/MAIL_PORT point to it
        ...deliver...
        assert smtp_server.messages[0]["To"] == "anna@example.org"

`smtp_server.refuse(address, code, text)` makes the server refuse a recipient
(e.g. 550 for a mailbox that does not exist), to test failures.
"""
from __future__ import annotations

import socket
import threading
from email import message_from_bytes
from email.message import Message

import pytest
from aiosmtpd.controller import Controller


class _Handler:
    def __init__(self):
        self.messages: list[Message] = []
        self.envelopes: list[tuple[str, list[str]]] = []
        self.refused: dict[str, str] = {}
        self.lock = threading.Lock()

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):  # noqa: N802
        if address.lower() in self.refused:
            return self.refused[address.lower()]
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):  # noqa: N802
        with self.lock:
            self.messages.append(message_from_bytes(envelope.content))
            self.envelopes.append((envelope.mail_from, list(envelope.rcpt_tos)))
        return "250 Message accepted for delivery"


class SmtpServer:
    def __init__(self, handler: _Handler, host: str, port: int):
        self.handler, self.host, self.port = handler, host, port

    @property
    def messages(self) -> list[Message]:
        with self.handler.lock:
            return list(self.handler.messages)

    @property
    def envelopes(self):
        with self.handler.lock:
            return list(self.handler.envelopes)

    def refuse(self, address: str, code: int = 550, text: str = "5.1.1 No such mailbox") -> None:
        self.handler.refused[address.lower()] = f"{code} {text}"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def smtp_server(app, monkeypatch):
    handler = _Handler()
    port = _free_port()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    for key, value in {"MAIL_SERVER": "127.0.0.1", "MAIL_PORT": port, "MAIL_USE_TLS": False,
                       "MAIL_USE_SSL": False, "MAIL_USERNAME": None}.items():
        monkeypatch.setitem(app.config, key, value)
    try:
        yield SmtpServer(handler, "127.0.0.1", port)
    finally:
        controller.stop()
