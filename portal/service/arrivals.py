"""Telling an organisation's portal members that something arrived in its inbox.

Plugged into ``common.arrivals`` by the composition root: when a letter is sent to one of the
organisation's bids, requests to participate or applications, or a notice is published on a
tender it takes part in (a bid or a request to participate) or asked a question on, every
active member of the organisation gets a mail in their own language saying what arrived, with
a link to the inbox. Never the letter or notice itself: the reader signs in to read it (a mail
can be forwarded, read by others, or go to an address that has left the organisation).

Queued in the outbox in the transaction of the change, one message per member and arrival
(the dedupe key): a letter or notice announced again is not mailed again.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass

from audit import service as audit
from common.arrivals import CLARIFICATION, DEADLINE_MOVED, Arrival
from common.identity import Actor
from common.refs import SubjectRef
from config.settings import get_settings
from documents.letters.kinds import KIND_LABELS, LetterKind
from notifications import service as outbox
from notifications.compose import compose
from notifications.domain import OutgoingMessage
from portal.domain import MembershipStatus
from portal.service import inbox
from portal.tables import PortalMembership
from subsidies.tables import Application
from tenders.tables import Bid, Candidate, Question, Tender
from web.i18n import UI_LANGUAGES

MAIL_KIND = "portal_inbox"
NOTICE_LABELS = {CLARIFICATION: inbox.CLARIFICATION, DEADLINE_MOVED: inbox.DEADLINE_MOVED}


@dataclass(frozen=True)
class _Told:
    """One arrival as its organisations' members are told of it."""

    arrival: Arrival
    label: str  # what arrived (to be translated)
    procedure: str  # the tender's or round's title
    organisation_ids: tuple[int, ...]
    anchor: str  # the inbox item's fragment


def anchor_of(arrival: Arrival) -> str:
    """The id of the arrival's item on the inbox page ("" when it has none of its own)."""
    return inbox.letter_anchor(arrival.file_id) if arrival.file_id is not None else ""


async def _letter(arrival: Arrival) -> _Told | None:
    try:
        ref = SubjectRef.parse(arrival.ref)
        kind = LetterKind(arrival.kind)
    except ValueError:
        return None
    if ref.kind == "bid":
        row = await Bid.select(Bid.organisation, Bid.tender.title.as_alias("title")).where(
            Bid.id == ref.id
        )
    elif ref.kind == "candidate":
        row = await Candidate.select(
            Candidate.organisation, Candidate.tender.title.as_alias("title")
        ).where(Candidate.id == ref.id)
    elif ref.kind == "application":
        row = await Application.select(
            Application.organisation, Application.round.title.as_alias("title")
        ).where(Application.id == ref.id)
    else:
        return None
    if not row or row[0]["organisation"] is None:
        return None
    return _Told(
        arrival, KIND_LABELS[kind], row[0]["title"], (row[0]["organisation"],), anchor_of(arrival)
    )


async def organisations_of_tender(tender_id: int) -> set[int]:
    """The organisations a tender's notices concern: those with a bid or a request to
    participate in it, and those that asked a question on it (as the inbox lists them)."""
    found: set[int] = set()
    for table in (Bid, Candidate, Question):
        rows = await table.select(table.organisation).where(  # type: ignore[attr-defined]
            table.tender == tender_id  # type: ignore[attr-defined]
        )
        found.update(row["organisation"] for row in rows if row["organisation"] is not None)
    return found


async def _notice(arrival: Arrival) -> _Told | None:
    if arrival.tender_id is None or arrival.kind not in NOTICE_LABELS:
        return None
    tender = await Tender.select(Tender.title).where(Tender.id == arrival.tender_id).first()
    if tender is None:
        return None
    organisations = await organisations_of_tender(arrival.tender_id)
    return _Told(
        arrival,
        NOTICE_LABELS[arrival.kind],
        tender["title"],
        tuple(sorted(organisations)),
        anchor_of(arrival),
    )


async def _members(organisation_ids: set[int]) -> list[dict]:
    if not organisation_ids:
        return []
    return await PortalMembership.select(
        PortalMembership.organisation,
        PortalMembership.organisation.name.as_alias("organisation_name"),
        PortalMembership.account.as_alias("account"),
        PortalMembership.account.email.as_alias("email"),
        PortalMembership.account.name.as_alias("name"),
        PortalMembership.account.language.as_alias("language"),
    ).where(
        PortalMembership.organisation.is_in(sorted(organisation_ids))
        & (PortalMembership.status == MembershipStatus.ACTIVE.value)
        & (PortalMembership.account.active.eq(True))
        & PortalMembership.account.verified_at.is_not_null()
    )


def dedupe_key(arrival: Arrival, account_id: int) -> str:
    digest = hashlib.sha256(arrival.key.encode()).hexdigest()[:40]
    return f"{MAIL_KIND}:{account_id}:{digest}"


async def tell_members(actor: Actor, arrivals: Sequence[Arrival]) -> None:
    """Queue a mail to every active member of each organisation an arrival concerns."""
    told = [
        found
        for arrival in arrivals
        if (found := await (_letter(arrival) if arrival.ref else _notice(arrival))) is not None
    ]
    members = await _members({o for t in told for o in t.organisation_ids})
    if not members:
        return
    inbox = f"{get_settings().public_url.rstrip('/')}/portal/inbox"
    messages = []
    for item in told:
        for member in members:
            if member["organisation"] not in item.organisation_ids:
                continue
            language = member["language"] if member["language"] in UI_LANGUAGES else "en"
            subject, body = compose(
                "portal/mail/arrived.txt",
                language,
                name=member["name"],
                what=item.label,
                procedure=item.procedure,
                organisation=member["organisation_name"],
                link=f"{inbox}#{item.anchor}" if item.anchor else inbox,
            )
            messages.append(
                OutgoingMessage(
                    kind=MAIL_KIND,
                    recipient=member["email"],
                    recipient_name=member["name"],
                    language=language,
                    subject=subject,
                    body=body,
                    dedupe_key=dedupe_key(item.arrival, member["account"]),
                    object_type="organisation",
                    object_id=str(member["organisation"]),
                )
            )
    _, events = await outbox.queue_many(messages)
    await audit.record_many(actor, events)
