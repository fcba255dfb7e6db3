"""Telling a tender's candidates that a deadline moved earlier, through the mail outbox; and
announcing the tender's notices (an answer published, a deadline moved) to ``common.arrivals``
(the portal tells the members of the organisations taking part).

Who is told: every organisation that asked to participate and is still in the procedure
(pending or admitted) and every organisation with a bid that was not withdrawn, once each, at
the email address it registered with. Those without one are named in the audit event, so that
the officer can reach them another way. Written in the lead authority's language where the
application has it (English otherwise); called inside the transaction of the change.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from audit import service as audit
from common import arrivals
from common.arrivals import CLARIFICATION, DEADLINE_MOVED, Arrival
from common.identity import Actor
from config.settings import get_settings
from notifications import service as outbox
from notifications.compose import compose
from notifications.domain import OutgoingMessage
from tenders.access import TenderRef
from tenders.domain import DeadlineChange
from tenders.procedures import DEADLINE_LABELS
from tenders.tables import Bid, Candidate
from web.i18n import UI_LANGUAGES

STILL_IN = ("pending", "admitted")


@dataclass(frozen=True)
class Told:
    told: tuple[str, ...]  # organisations a message was queued for
    without_address: tuple[str, ...]  # organisations with no email address on record


async def _recipients(tender_id: int) -> list[dict[str, Any]]:
    """Candidates still in the procedure and bidders, once per organisation, in that order."""
    columns = (
        "organisation",
        "organisation.name",
        "organisation.email",
        "organisation.contact_name",
    )
    candidates = (
        await Candidate.select(
            Candidate.organisation,
            Candidate.organisation.name,
            Candidate.organisation.email,
            Candidate.organisation.contact_name,
        )
        .where((Candidate.tender == tender_id) & Candidate.status.is_in(list(STILL_IN)))
        .order_by(Candidate.id)
    )
    bidders = (
        await Bid.select(
            Bid.organisation,
            Bid.organisation.name,
            Bid.organisation.email,
            Bid.organisation.contact_name,
        )
        .where((Bid.tender == tender_id) & Bid.withdrawn_at.is_null())
        .order_by(Bid.id)
    )
    found: dict[int, dict[str, Any]] = {}
    for row in [*candidates, *bidders]:
        found.setdefault(row["organisation"], {key: row[key] for key in columns})
    return list(found.values())


async def tell_deadlines_moved_earlier(
    actor: Actor, tender: TenderRef, language: str, changes: Sequence[DeadlineChange], reason: str
) -> Told:
    """Queue a message to every candidate about ``changes`` (deadlines moved earlier) and
    record who was told ("tender.candidates_told", beside the outbox's "mail.queued")."""
    language = language if language in UI_LANGUAGES else "en"
    row = tender.row
    moved = [
        {"label": DEADLINE_LABELS[c.deadline], "before": c.before, "after": c.after}
        for c in changes
    ]
    url = f"{get_settings().public_url}/tenders/{tender.id}"
    messages: list[OutgoingMessage] = []
    told: list[str] = []
    without: list[str] = []
    for organisation in await _recipients(tender.id):
        name = organisation["organisation.name"]
        email = organisation["organisation.email"]
        if not email:
            without.append(name)
            continue
        subject, body = compose(
            "tenders/mail/deadline_moved.txt",
            language,
            name=organisation["organisation.contact_name"] or name,
            title=row["title"],
            reference=row["reference"],
            zone=tender.zone,
            moved=moved,
            reason=reason,
            url=url,
        )
        key = ",".join(
            f"{c.deadline.value}@{c.after.isoformat()}" for c in changes if c.after is not None
        )
        messages.append(
            OutgoingMessage(
                kind="tenders.deadline_moved",
                recipient=email,
                recipient_name=name,
                language=language,
                subject=subject,
                body=body,
                dedupe_key=f"tenders.deadline_moved:{tender.id}:{organisation['organisation']}"
                f":{key}",
                object_type="tender",
                object_id=str(tender.id),
            )
        )
        told.append(name)
    _, events = await outbox.queue_many(messages)
    await audit.record_many(actor, events)
    await audit.record(
        actor,
        "tender.candidates_told",
        "tender",
        tender.id,
        after={
            "about": "deadline_moved_earlier",
            "deadlines": [
                {"deadline": c.deadline.value, "before": c.before, "after": c.after}
                for c in changes
            ],
            "reason": reason,
            "told": told,
            "without_address": without,
        },
    )
    return Told(tuple(told), tuple(without))


async def announce_answer(actor: Actor, tender_id: int, number: int, answer: str) -> None:
    """An answer published in the clarification notice (or amended: a new text is told again,
    the same text once). Called inside the transaction that saves it."""
    digest = hashlib.sha256(answer.encode()).hexdigest()[:16]
    key = f"clarification:{tender_id}:{number}:{digest}"
    notice = Arrival(CLARIFICATION, key, tender_id=tender_id, number=number)
    await arrivals.announce(actor, [notice])


async def announce_deadlines(
    actor: Actor, tender_id: int, moved: Mapping[str, datetime | None]
) -> None:
    """Deadlines of a published tender moved (``moved``: column -> its new moment). Called
    inside the transaction that saves them."""
    key = ",".join(
        f"{name}@{value.isoformat() if value else '-'}" for name, value in sorted(moved.items())
    )
    await arrivals.announce(
        actor, [Arrival(DEADLINE_MOVED, f"deadlines:{tender_id}:{key}", tender_id=tender_id)]
    )
