"""Sending what is due from the outbox to the configured SMTP server (aiosmtplib)."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import formataddr, make_msgid

import aiosmtplib

from common import clock
from config.settings import SmtpSettings
from documents import storage
from notifications import service
from notifications.domain import Status

log = logging.getLogger("tenderdesk.mail")
SMTP_TIMEOUT_SECONDS = 30


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
        email.add_attachment(data, maintype=maintype or "application",
                             subtype=subtype or "octet-stream", filename=info.filename)
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


async def send_due(smtp: SmtpSettings, limit: int = 50) -> SendSummary:
    """Send the messages whose time has come. Without SMTP settings nothing leaves the outbox."""
    if not smtp.configured:
        return SendSummary()
    sent = retrying = failed = 0
    for message in await service.claim_due(clock.now(), limit):
        try:
            await _deliver(smtp, await _build(message, smtp.sender))
        except (aiosmtplib.SMTPException, OSError) as exc:
            error = f"{type(exc).__name__}: {exc}"
            log.warning("mail %s to %s not sent: %s", message.id, message.recipient, error)
            status = await service.mark_failed_attempt(message.id, message.attempts, error,
                                                       clock.now())
            if status is Status.FAILED:
                failed += 1
            else:
                retrying += 1
        else:
            await service.mark_sent(message.id, clock.now())
            sent += 1
    return SendSummary(sent, retrying, failed)
