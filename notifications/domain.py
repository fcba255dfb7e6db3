"""The outbox's rules: what a message must have, and when a failed one is tried again."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum

from common.errors import ProblemCollector
from common.i18n import N_

_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
# Waits after the 1st, 2nd, ... failed attempt; after the last one the message is failed.
RETRY_DELAYS = (
    timedelta(minutes=1),
    timedelta(minutes=5),
    timedelta(minutes=15),
    timedelta(hours=1),
    timedelta(hours=4),
)
MAX_ATTEMPTS = len(RETRY_DELAYS) + 1
# A sender claims one message at a time and gives up on it after MESSAGE_BUDGET (every SMTP
# step has a timeout of its own too), so a claim older than CLAIM_TIMEOUT belongs to a sender
# that died: the message is handed out again. A sender on the same host that is known to have
# stopped loses its claims at once (see service.release_dead_claims).
MESSAGE_BUDGET = timedelta(seconds=60)
CLAIM_TIMEOUT = timedelta(minutes=3)


class Status(StrEnum):
    QUEUED = "queued"
    SENDING = "sending"
    SENT = "sent"
    FAILED = "failed"


STATUS_LABELS = {
    Status.QUEUED: N_("waiting"),
    Status.SENDING: N_("sending"),
    Status.SENT: N_("sent"),
    Status.FAILED: N_("failed"),
}


@dataclass(frozen=True)
class OutgoingMessage:
    """A message as a bounded context hands it to the outbox, already in its reader's language.

    ``dedupe_key`` makes the message go out at most once (e.g. one reminder per evaluator and
    deadline): a second message with the same key is not queued.
    """

    kind: str
    recipient: str
    language: str
    subject: str
    body: str
    recipient_name: str = ""
    dedupe_key: str | None = None
    object_type: str = ""
    object_id: str = ""
    attachment_file_ids: tuple[int, ...] = field(default_factory=tuple)


def check_message(message: OutgoingMessage) -> None:
    problems = ProblemCollector()
    if not _EMAIL.match(message.recipient or ""):
        problems.add(
            "recipient", N_("{address} is not an email address"), address=message.recipient or "-"
        )
    if not message.subject.strip() or len(message.subject) > 300:
        problems.add("subject", N_("A subject of at most 300 characters is required"))
    if "\n" in message.subject or "\r" in message.subject:
        problems.add("subject", N_("A subject is one line"))
    if not message.body.strip():
        problems.add("body", N_("A message needs a text"))
    problems.raise_if_any()


@dataclass(frozen=True)
class AttemptOutcome:
    status: Status
    next_attempt_at: datetime | None


def after_failure(attempts_made: int, now: datetime) -> AttemptOutcome:
    """Try again after a growing wait; give up after :data:`MAX_ATTEMPTS` attempts."""
    if attempts_made >= MAX_ATTEMPTS:
        return AttemptOutcome(Status.FAILED, None)
    return AttemptOutcome(Status.QUEUED, now + RETRY_DELAYS[attempts_made - 1])
