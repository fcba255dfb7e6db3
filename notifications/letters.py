"""Sent letters mailed to their addressees: each stored letter queued in the outbox with the
document attached. The letters themselves (``documents.letters``) know nothing of mail."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from audit import service as audit
from common.identity import Actor
from config.database import transaction
from documents.letters.kinds import KIND_LABELS
from documents.letters.service import SentLetter
from notifications.compose import compose
from notifications.domain import OutgoingMessage
from notifications.service import queue_many


@dataclass(frozen=True)
class LetterMail:
    """Who receives a sent letter by mail, in which language, about which procedure."""

    letter: SentLetter
    email: str
    name: str
    language: str
    procedure: str  # the tender's or round's title, for the subject line
    authority: str
    greeting: str = ""  # as the letter greets the addressee ("Geachte mevrouw Jansen,")


async def mail_letters(
    actor: Actor, object_type: str, object_id: Any, mails: Iterable[LetterMail]
) -> int:
    """Queue each stored letter to its addressee with the document attached, in the caller's
    transaction; letters without an email address or a stored file are left to the officer
    (they are downloaded and posted). Returns how many were queued; a letter is mailed at most
    once to an address (its hash is the dedupe key)."""
    messages = [
        _letter_message(object_type, object_id, mail)
        for mail in mails
        if mail.email and mail.letter.file_id is not None
    ]
    async with transaction():
        ids, events = await queue_many(messages)
        await audit.record_many(actor, events)
    return sum(1 for queued in ids if queued is not None)


def _letter_message(object_type: str, object_id: Any, mail: LetterMail) -> OutgoingMessage:
    subject, body = compose(
        "documents/mail/letter.txt",
        mail.language,
        name=mail.name,
        greeting=mail.greeting,
        kind=KIND_LABELS[mail.letter.kind],
        procedure=mail.procedure,
        authority=mail.authority,
        filename=mail.letter.filename,
    )
    return OutgoingMessage(
        kind="letter",
        recipient=mail.email,
        language=mail.language,
        subject=subject,
        body=body,
        recipient_name=mail.name,
        dedupe_key=f"letter:{mail.letter.sha256}:{mail.email.lower()}",
        object_type=object_type,
        object_id=str(object_id),
        attachment_file_ids=(mail.letter.file_id,),
    )
