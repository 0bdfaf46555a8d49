"""A real SMTP server on loopback (aiosmtpd), on a free port, for tests that send email."""

from __future__ import annotations

import asyncio
import email
import email.policy
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from email.message import EmailMessage

from aiosmtpd.controller import Controller


@dataclass
class Received:
    envelope_from: str
    envelope_to: list[str]
    message: EmailMessage

    @property
    def subject(self) -> str:
        return str(self.message["Subject"])

    def body(self, subtype: str) -> str:
        part = self.message.get_body(preferencelist=(subtype,))
        assert part is not None, f"no text/{subtype} part"
        return part.get_content()


@dataclass
class Inbox:
    """Accepts every message, or refuses every recipient with `refuse_with` (e.g. "550 ...")."""

    refuse_with: str | None = None
    messages: list[Received] = field(default_factory=list)
    delay: float = 0  # seconds before answering DATA: a slow server

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if self.refuse_with:
            return self.refuse_with
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        if self.delay:
            await asyncio.sleep(self.delay)
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        self.messages.append(Received(envelope.mail_from, list(envelope.rcpt_tos), message))
        return "250 Message accepted for delivery"


class _FreePortController(Controller):
    def _trigger_server(self):
        # Bound to port 0: learn the port the system chose before the first connection.
        self.port = self.server.sockets[0].getsockname()[1]
        super()._trigger_server()


@contextmanager
def smtp_server(*, refuse_with: str | None = None, delay: float = 0) -> Iterator[tuple[Inbox, int]]:
    """Run an SMTP server on 127.0.0.1 (answering each message after `delay` seconds);
    yields (inbox, port)."""
    inbox = Inbox(refuse_with=refuse_with, delay=delay)
    controller = _FreePortController(inbox, hostname="127.0.0.1", port=0)
    controller.start()
    try:
        yield inbox, controller.port
    finally:
        controller.stop()


def smtp_settings(port: int) -> dict:
    """Settings that send through the loopback server, as production SMTP settings would."""
    return {
        "LAUREL_EMAIL_OUTBOX": False,
        "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "EMAIL_HOST": "127.0.0.1",
        "EMAIL_PORT": port,
        "EMAIL_USE_TLS": False,
        "EMAIL_USE_SSL": False,
        "EMAIL_TIMEOUT": 10,
    }
