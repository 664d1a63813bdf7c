"""A real SMTP server on 127.0.0.1 for the tests (aiosmtpd), recording what it receives.

Django's SMTP backend talks to it as to any mail server, so the tests see the mails
exactly as they leave the project: envelope recipients, headers and body.

    with LocalSMTPServer() as server:
        settings.EMAIL_HOST, settings.EMAIL_PORT = server.host, server.port
        ...
        assert server.messages[0].recipients == ["lead@example.org"]
"""

from __future__ import annotations

import socket
import threading
from dataclasses import dataclass
from email import message_from_bytes, policy
from email.message import EmailMessage
from typing import Any

from aiosmtpd.controller import Controller

HOST = "127.0.0.1"


@dataclass(frozen=True)
class ReceivedMail:
    sender: str
    recipients: list[str]
    message: EmailMessage

    @property
    def subject(self) -> str:
        # As a mail program shows it: Django folds a long encoded subject onto the next
        # line, which leaves a leading space in the unfolded value.
        return str(self.message["Subject"]).strip()

    @property
    def body(self) -> str:
        part = self.message.get_body(preferencelist=("plain", "html"))
        return part.get_content() if part is not None else ""


class _Handler:
    def __init__(self, server: LocalSMTPServer) -> None:
        self.server = server

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        if self.server.refuse:
            return "451 4.3.0 Try again later (refused by the test)"
        parsed = message_from_bytes(envelope.original_content, policy=policy.default)
        assert isinstance(parsed, EmailMessage)
        with self.server.lock:
            self.server.messages.append(
                ReceivedMail(
                    sender=envelope.mail_from, recipients=list(envelope.rcpt_tos), message=parsed
                )
            )
        return "250 Message accepted for delivery"


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((HOST, 0))
        return int(sock.getsockname()[1])


class LocalSMTPServer:
    """Start with ``with``; ``messages`` lists what was accepted; set ``refuse`` to make
    the server answer every mail with a temporary failure."""

    def __init__(self) -> None:
        self.host = HOST
        self.port = free_port()
        self.messages: list[ReceivedMail] = []
        self.refuse = False
        self.lock = threading.Lock()
        self._controller = Controller(_Handler(self), hostname=self.host, port=self.port)

    def __enter__(self) -> LocalSMTPServer:
        self._controller.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._controller.stop()

    def to(self, address: str) -> list[ReceivedMail]:
        """The mails whose envelope includes ``address``."""
        with self.lock:
            return [m for m in self.messages if address in m.recipients]
