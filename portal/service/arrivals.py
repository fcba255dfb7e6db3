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
from typing import Any

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
    if arrival.file_id is not None:
        return inbox.letter_anchor(arrival.file_id)
    if arrival.kind == CLARIFICATION and arrival.tender_id and arrival.number is not None:
        return inbox.answer_anchor(arrival.tender_id, arrival.number)
    return ""


# The references letters are addressed by -> their table and the procedure's title.
ADDRESSEES: dict[str, tuple[Any, Any]] = {
    "bid": (Bid, Bid.tender.title),
    "candidate": (Candidate, Candidate.tender.title),
    "application": (Application, Application.round.title),
}


async def _addressed(refs: set[SubjectRef]) -> dict[SubjectRef, tuple[int, str]]:
    """Each reference's organisation and procedure title: a query per kind and 500 refs."""
    by_kind: dict[str, list[int]] = {}
    for ref in refs:
        by_kind.setdefault(ref.kind, []).append(ref.id)
    found: dict[SubjectRef, tuple[int, str]] = {}
    for kind, ids in by_kind.items():
        if kind not in ADDRESSEES:
            continue
        table, title = ADDRESSEES[kind]
        ids.sort()
        for start in range(0, len(ids), 500):
            for row in await table.select(
                table.id, table.organisation, title.as_alias("title")
            ).where(table.id.is_in(ids[start : start + 500])):
                if row["organisation"] is not None:
                    found[SubjectRef(kind, row["id"])] = (row["organisation"], row["title"])
    return found


def _ref(arrival: Arrival) -> SubjectRef | None:
    try:
        LetterKind(arrival.kind)
        return SubjectRef.parse(arrival.ref)
    except ValueError:
        return None


async def _letters(arrivals: Sequence[Arrival]) -> list[_Told]:
    refs = {arrival: ref for arrival in arrivals if (ref := _ref(arrival)) is not None}
    addressed = await _addressed(set(refs.values()))
    told = []
    for arrival, ref in refs.items():
        if ref in addressed:
            organisation, title = addressed[ref]
            label = KIND_LABELS[LetterKind(arrival.kind)]
            told.append(_Told(arrival, label, title, (organisation,), anchor_of(arrival)))
    return told


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
    told = await _letters([arrival for arrival in arrivals if arrival.ref])
    for arrival in arrivals:
        if not arrival.ref and (notice := await _notice(arrival)) is not None:
            told.append(notice)
    members = await _members({o for t in told for o in t.organisation_ids})
    if not members:
        return
    inbox = f"{get_settings().public_url.rstrip('/')}/portal/inbox"
    messages = []
    by_organisation: dict[int, list[dict]] = {}
    for member in members:
        by_organisation.setdefault(member["organisation"], []).append(member)
    for item in told:
        for member in (m for o in item.organisation_ids for m in by_organisation.get(o, [])):
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
