"""Sending what is due from the outbox to the configured SMTP server (aiosmtplib).

Sending runs on its own (the scheduler's mail job, ``tenderdesk mail send``, an administrator's
"send now"), never inside the work that applies deadlines: a server that hangs costs the mail
its time budget, and nothing else."""

from __future__ import annotations

import asyncio
import logging
import time
from dataclasses import dataclass
from datetime import timedelta
from email.message import EmailMessage
from email.utils import formataddr, make_msgid

import aiosmtplib

from common import clock
from common.instance import INSTANCE
from config.settings import SmtpSettings
from documents import storage
from notifications import service
from notifications.domain import MESSAGE_BUDGET, Status

log = logging.getLogger("tenderdesk.mail")
SMTP_TIMEOUT_SECONDS = 15  # each step: connecting, the greeting, every command
RUN_BUDGET = timedelta(minutes=2)  # one run of send_due claims no new message after this


@dataclass(frozen=True)
class SendSummary:
    sent: int = 0
    retrying: int = 0
    failed: int = 0


async def _build(message: service.ClaimedMessage, sender: str) -> EmailMessage:
    email = EmailMessage()
    email["From"] = sender
    email["To"] = formataddr((message.recipient_name, message.recipient))
    email["Subject"] = message.subject
    email["Message-ID"] = make_msgid(domain=sender.rsplit("@", 1)[-1])
    email.set_content(message.body)
    for file_id in message.attachment_file_ids:
        info, data = await storage.read(file_id)
        maintype, _, subtype = info.content_type.partition("/")
        email.add_attachment(
            data,
            maintype=maintype or "application",
            subtype=subtype or "octet-stream",
            filename=info.filename,
        )
    return email


async def _deliver(smtp: SmtpSettings, email: EmailMessage) -> None:
    await aiosmtplib.send(
        email,
        hostname=smtp.host,
        port=smtp.port,
        username=smtp.username,
        password=smtp.password,
        use_tls=smtp.security == "tls",
        start_tls=smtp.security == "starttls",
        timeout=SMTP_TIMEOUT_SECONDS,
    )


def _server_unusable(exc: BaseException) -> bool:
    """Whether the server itself failed (unreachable, hung, gone), not this one message."""
    return isinstance(
        exc, (TimeoutError, OSError, aiosmtplib.SMTPConnectError, aiosmtplib.SMTPServerDisconnected)
    )


async def send_due(
    smtp: SmtpSettings, limit: int = 50, budget: timedelta = RUN_BUDGET, sender: str = INSTANCE
) -> SendSummary:
    """Send the messages whose time has come, one claimed at a time, within ``budget``.
    Without SMTP settings nothing leaves the outbox.

    Claims left by senders that stopped are released first. Each message gets at most
    MESSAGE_BUDGET; when the server itself fails (unreachable, or accepting connections but
    never answering) the run stops there, and the rest wait, unclaimed, for the next run.
    """
    if not smtp.configured:
        return SendSummary()
    ends = time.monotonic() + budget.total_seconds()
    await service.release_dead_claims(clock.now())
    sent = retrying = failed = 0
    while sent + retrying + failed < limit and time.monotonic() < ends:
        message = await service.claim_next(clock.now(), sender)
        if message is None:
            break
        try:
            email = await _build(message, smtp.sender)
            await asyncio.wait_for(_deliver(smtp, email), MESSAGE_BUDGET.total_seconds())
        except (aiosmtplib.SMTPException, OSError, TimeoutError) as exc:
            error = f"{type(exc).__name__}: {exc}"
            log.warning("mail %s to %s not sent: %s", message.id, message.recipient, error)
            status = await service.mark_failed_attempt(
                message.id, message.attempts, error, clock.now(), sender
            )
            if status is Status.FAILED:
                failed += 1
            else:
                retrying += 1
            if _server_unusable(exc):
                break
        else:
            await service.mark_sent(message.id, clock.now(), sender)
            sent += 1
    return SendSummary(sent, retrying, failed)
