"""A real SMTP server (aiosmtpd) for mail tests, collecting what it receives."""

from __future__ import annotations

import asyncio
import contextlib
import socket
from collections.abc import Iterator
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from email.message import EmailMessage

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP

from config.settings import SmtpSettings


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@dataclass
class Mailbox:
    received: list[EmailMessage] = field(default_factory=list)

    async def handle_DATA(self, server, session, envelope) -> str:
        self.received.append(message_from_bytes(envelope.content, policy=policy.default))
        return "250 Message accepted"


@dataclass
class SmtpServer:
    mailbox: Mailbox
    settings: SmtpSettings
    controller: Controller

    def stop(self) -> None:
        self.controller.stop()


def smtp_settings(port: int) -> SmtpSettings:
    return SmtpSettings(
        host="127.0.0.1",
        port=port,
        username=None,
        password=None,
        sender="tenderdesk@utrecht.example",
        security="none",
    )


@pytest.fixture
def smtp_server() -> Iterator[SmtpServer]:
    mailbox = Mailbox()
    port = free_port()
    controller = Controller(mailbox, hostname="127.0.0.1", port=port)
    controller.start()
    server = SmtpServer(mailbox, smtp_settings(port), controller)
    yield server
    with contextlib.suppress(AssertionError):  # stopped by the test already
        controller.stop()


class _Silent(SMTP):
    """Accepts the connection, then never says a word (not even the greeting)."""

    async def _handle_client(self) -> None:
        await asyncio.Event().wait()


class _SilentController(Controller):
    def factory(self) -> SMTP:
        return _Silent(self.handler, **self.SMTP_kwargs)

    def _trigger_server(self) -> None:
        # The usual check reads the greeting, which this server never sends.
        with socket.create_connection((self.hostname, self.port), 1.0):
            pass


@pytest.fixture
def hung_smtp_server() -> Iterator[SmtpServer]:
    """An SMTP server that accepts connections but never answers."""
    mailbox = Mailbox()
    port = free_port()
    controller = _SilentController(mailbox, hostname="127.0.0.1", port=port)
    controller.start()
    yield SmtpServer(mailbox, smtp_settings(port), controller)
    with contextlib.suppress(AssertionError):
        controller.stop()
