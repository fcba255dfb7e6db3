"""The outbox: queue messages in the caller's transaction, hand them to a sender, keep them.

Nothing is lost: a message is queued in the same transaction as the change it reports; without
an SMTP server it waits; a failure is retried with growing waits and, after the last attempt,
kept as failed with its error, for an administrator to see and send again.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from audit import service as audit
from audit.service import NewEvent
from common import clock, instance
from common.errors import DomainError, NotFound
from common.i18n import N_
from common.identity import Actor
from common.instance import INSTANCE
from config.database import in_transaction, insert_rows, is_sqlite, lock, raw, transaction
from notifications.domain import (
    CLAIM_TIMEOUT,
    OutgoingMessage,
    Status,
    after_failure,
    check_message,
)
from notifications.tables import OutboxAttachment, OutboxMessage

DUE_MESSAGE = (
    "SELECT id FROM notifications_outbox"
    " WHERE (status = {} AND next_attempt_at <= {}) OR (status = {} AND claimed_at <= {})"
    " ORDER BY id LIMIT 1"
)


async def enqueue(actor: Actor, message: OutgoingMessage) -> int | None:
    """Queue ``message``; returns its id, or None when its dedupe key was queued before."""
    check_message(message)
    async with transaction():
        [queued], events = await queue_many([message])
        await audit.record_many(actor, events)
        return queued


async def queue_many(
    messages: Sequence[OutgoingMessage],
) -> tuple[list[int | None], list[NewEvent]]:
    """Queue ``messages`` at once, in the caller's transaction (:func:`enqueue` for many: a
    few queries, whatever their number). Returns each message's id (None when its dedupe key
    was queued before, here or earlier) and the "mail.queued" events, which the caller records
    in the same transaction (``audit.record_many``), in the order it chooses."""
    if not messages:
        return [], []
    if not in_transaction():
        raise RuntimeError("messages are queued in the transaction of the change they report")
    for message in messages:
        check_message(message)
    keys = [m.dedupe_key for m in messages if m.dedupe_key]
    seen: set[str] = set()
    for start in range(0, len(keys), 500):
        seen.update(
            r["dedupe_key"]
            for r in await OutboxMessage.select(OutboxMessage.dedupe_key).where(
                OutboxMessage.dedupe_key.is_in(keys[start : start + 500])
            )
        )
    now = clock.now()
    fresh: list[int] = []  # indexes of the messages to queue
    for index, message in enumerate(messages):
        if message.dedupe_key:
            if message.dedupe_key in seen:
                continue
            seen.add(message.dedupe_key)
        fresh.append(index)
    queued_ids = await _insert([messages[i] for i in fresh], now)
    queued = dict(zip(fresh, queued_ids, strict=True))
    attachments = [
        OutboxAttachment(message=queued[i], file=file_id)
        for i in fresh
        for file_id in messages[i].attachment_file_ids
    ]
    if attachments:
        await OutboxAttachment.insert(*attachments)
    return [queued.get(i) for i in range(len(messages))], [
        NewEvent(
            "mail.queued",
            "mail",
            queued[i],
            after={
                "kind": messages[i].kind,
                "recipient": messages[i].recipient,
                "subject": messages[i].subject,
            },
        )
        for i in fresh
    ]


OUTBOX_COLUMNS = (
    "kind",
    "dedupe_key",
    "recipient",
    "recipient_name",
    "language",
    "subject",
    "body",
    "object_type",
    "object_id",
    "status",
    "attempts",
    "next_attempt_at",
    "claimed_at",
    "claimed_by",
    "last_error",
    "created_at",
    "sent_at",
)


async def _insert(messages: list[OutgoingMessage], now: datetime) -> list[int]:
    """Insert ``messages`` queued; their ids in order. Those with a dedupe key (unique) go in
    with one prepared statement and their ids are read back by key; the others one by one."""
    ids: dict[int, int] = {}
    keyed = [i for i, m in enumerate(messages) if m.dedupe_key]
    await insert_rows(
        OutboxMessage._meta.tablename,
        OUTBOX_COLUMNS,
        [
            (
                m.kind,
                m.dedupe_key,
                m.recipient,
                m.recipient_name,
                m.language,
                m.subject,
                m.body,
                m.object_type,
                m.object_id,
                Status.QUEUED.value,
                0,
                now,
                None,
                "",
                "",
                now,
                None,
            )
            for m in (messages[i] for i in keyed)
        ],
    )
    by_key: dict[str, int] = {}
    for start in range(0, len(keyed), 500):
        by_key.update(
            (r["dedupe_key"], r["id"])
            for r in await OutboxMessage.select(OutboxMessage.id, OutboxMessage.dedupe_key).where(
                OutboxMessage.dedupe_key.is_in(
                    [messages[i].dedupe_key for i in keyed[start : start + 500]]
                )
            )
        )
    ids.update((i, by_key[messages[i].dedupe_key]) for i in keyed)  # type: ignore[index]
    for index, m in enumerate(messages):
        if index not in ids:
            row = OutboxMessage(
                kind=m.kind,
                dedupe_key=None,
                recipient=m.recipient,
                recipient_name=m.recipient_name,
                language=m.language,
                subject=m.subject,
                body=m.body,
                object_type=m.object_type,
                object_id=m.object_id,
                status=Status.QUEUED.value,
                attempts=0,
                next_attempt_at=now,
                created_at=now,
            )
            await row.save()
            ids[index] = row.id
    return [ids[i] for i in range(len(messages))]


@dataclass(frozen=True)
class ClaimedMessage:
    id: int
    recipient: str
    recipient_name: str
    subject: str
    body: str
    attempts: int
    attachment_file_ids: list[int]


async def claim_next(now: datetime, sender: str = INSTANCE) -> ClaimedMessage | None:
    """Hand the next message whose time has come to ``sender``, and to no other sender.

    One message at a time: a sender that dies leaves at most the message it was sending in
    ``sending``, and a long run never holds messages it has not come to. A claim older than
    CLAIM_TIMEOUT (longer than a sender spends on one message) is handed out again.
    """
    # PostgreSQL: concurrent senders skip each other's rows; SQLite: the write lock serialises.
    lock = "" if is_sqlite() else " FOR UPDATE SKIP LOCKED"
    async with transaction():
        rows = await raw(
            DUE_MESSAGE + lock, Status.QUEUED.value, now, Status.SENDING.value, now - CLAIM_TIMEOUT
        )
        if not rows:
            return None
        message_id = rows[0]["id"]
        await OutboxMessage.update(
            {
                OutboxMessage.status: Status.SENDING.value,
                OutboxMessage.claimed_at: now,
                OutboxMessage.claimed_by: sender,
            }
        ).where(OutboxMessage.id == message_id)
        m = await OutboxMessage.select().where(OutboxMessage.id == message_id).first()
        files = [
            a["file"]
            for a in await OutboxAttachment.select(OutboxAttachment.file)
            .where(OutboxAttachment.message == message_id)
            .order_by(OutboxAttachment.id)
        ]
    return ClaimedMessage(
        m["id"], m["recipient"], m["recipient_name"], m["subject"], m["body"], m["attempts"], files
    )


async def release_dead_claims(now: datetime) -> int:
    """Messages claimed by senders known to have stopped (see :func:`common.instance.is_dead`)
    go back to the queue at once, due now; returns how many. Their attempt is not counted:
    whether it reached the server is unknown, and sending twice beats not sending."""
    async with transaction():
        claims = await OutboxMessage.select(OutboxMessage.id, OutboxMessage.claimed_by).where(
            OutboxMessage.status == Status.SENDING.value
        )
        dead = [c["id"] for c in claims if c["claimed_by"] and instance.is_dead(c["claimed_by"])]
        if dead:
            await OutboxMessage.update(
                {
                    OutboxMessage.status: Status.QUEUED.value,
                    OutboxMessage.next_attempt_at: now,
                    OutboxMessage.claimed_at: None,
                    OutboxMessage.claimed_by: "",
                }
            ).where(OutboxMessage.id.is_in(dead) & (OutboxMessage.status == Status.SENDING.value))
    return len(dead)


def _claimed_by(message_id: int, sender: str) -> Any:
    """The message, while ``sender`` still holds its claim (else it was handed to another)."""
    return (
        (OutboxMessage.id == message_id)
        & (OutboxMessage.status == Status.SENDING.value)
        & (OutboxMessage.claimed_by == sender)
    )


async def mark_sent(message_id: int, now: datetime, sender: str = INSTANCE) -> None:
    async with transaction():
        done = (
            await OutboxMessage.update(
                {
                    OutboxMessage.status: Status.SENT.value,
                    OutboxMessage.sent_at: now,
                    OutboxMessage.attempts: OutboxMessage.attempts + 1,
                    OutboxMessage.claimed_at: None,
                    OutboxMessage.claimed_by: "",
                    OutboxMessage.last_error: "",
                }
            )
            .where(_claimed_by(message_id, sender))
            .returning(OutboxMessage.id)
        )
        if done:
            await audit.record(Actor.system("mail"), "mail.sent", "mail", message_id)


async def mark_failed_attempt(
    message_id: int, attempts_before: int, error: str, now: datetime, sender: str = INSTANCE
) -> Status:
    outcome = after_failure(attempts_before + 1, now)
    async with transaction():
        done = (
            await OutboxMessage.update(
                {
                    OutboxMessage.status: outcome.status.value,
                    OutboxMessage.attempts: attempts_before + 1,
                    OutboxMessage.next_attempt_at: outcome.next_attempt_at or now,
                    OutboxMessage.claimed_at: None,
                    OutboxMessage.claimed_by: "",
                    OutboxMessage.last_error: error[:2000],
                }
            )
            .where(_claimed_by(message_id, sender))
            .returning(OutboxMessage.id)
        )
        if done and outcome.status is Status.FAILED:
            await audit.record(
                Actor.system("mail"),
                "mail.failed",
                "mail",
                message_id,
                after={"attempts": attempts_before + 1, "error": error[:500]},
            )
    return outcome.status


async def retry(actor: Actor, message_id: int) -> None:
    """Send a failed message again (from now, with a fresh count of attempts)."""
    async with transaction():
        await lock(OutboxMessage, message_id)
        row = await get_message(message_id)
        if row["status"] != Status.FAILED.value:
            raise await audit.conflict(
                DomainError(N_("Only a failed message can be sent again")),
                "mail",
                message_id,
                actions=("mail.retried",),
            )
        await OutboxMessage.update(
            {
                OutboxMessage.status: Status.QUEUED.value,
                OutboxMessage.attempts: 0,
                OutboxMessage.next_attempt_at: clock.now(),
            }
        ).where(OutboxMessage.id == message_id)
        await audit.record(
            actor, "mail.retried", "mail", message_id, before={"last_error": row["last_error"]}
        )


async def get_message(message_id: int) -> dict[str, Any]:
    row = await OutboxMessage.select().where(OutboxMessage.id == message_id).first()
    if row is None:
        raise NotFound(N_("Message {id} does not exist"), id=message_id)
    row["attachments"] = await OutboxAttachment.select(
        OutboxAttachment.file.id, OutboxAttachment.file.filename, OutboxAttachment.file.size
    ).where(OutboxAttachment.message == message_id)
    return row


async def count_by_status() -> dict[str, int]:
    counts = {status.value: 0 for status in Status}
    for row in await OutboxMessage.select(OutboxMessage.status):
        counts[row["status"]] += 1
    return counts


async def list_messages(status: str | None, offset: int, limit: int) -> tuple[list[dict], int]:
    query = (
        OutboxMessage.select(
            OutboxMessage.id,
            OutboxMessage.kind,
            OutboxMessage.recipient,
            OutboxMessage.subject,
            OutboxMessage.status,
            OutboxMessage.attempts,
            OutboxMessage.next_attempt_at,
            OutboxMessage.last_error,
            OutboxMessage.created_at,
            OutboxMessage.sent_at,
        )
        .order_by(OutboxMessage.id, ascending=False)
        .offset(offset)
        .limit(limit)
    )
    count = OutboxMessage.count()
    if status:
        query = query.where(OutboxMessage.status == status)
        count = count.where(OutboxMessage.status == status)
    return await query, await count
