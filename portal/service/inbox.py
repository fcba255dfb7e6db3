"""An organisation's inbox: the letters sent to it and the clarification notices of its tenders.

Letters are recorded as sent by ``documents.letters.service.record_sent`` (an audit event
``letter.sent`` under the lot, tender, round or application, naming the addressee by a
reference such as ``bid:12``, ``candidate:3`` or ``application:7``, with the stored file).
An organisation's letters are those whose reference is one of its bids, requests to
participate or applications: nothing else is ever listed or served. Each download is audited.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from audit import service as audit
from audit.tables import AuditEvent
from common.errors import Forbidden, NotFound
from common.i18n import N_
from common.identity import Actor
from common.refs import SubjectRef
from config.database import transaction
from documents.letters.kinds import KIND_LABELS, LetterKind
from portal.domain import PortalUser
from subsidies.tables import Application
from tenders.questions import tenders_asked_about
from tenders.tables import Bid, Candidate, Question

CLARIFICATION = N_("Clarification notice")


@dataclass(frozen=True)
class InboxItem:
    sent_at: datetime
    label: str  # the kind of letter or notice (to be translated)
    procedure: str  # the tender's or round's title
    filename: str = ""
    file_id: int | None = None  # a letter's file; None for a notice
    tender_id: int | None = None  # a notice's tender (its public page)
    text: str = ""  # a notice's question and answer


@dataclass(frozen=True)
class _Addressee:
    procedure: str
    object_keys: tuple[tuple[str, str], ...]  # (object_type, object_id) letters are filed under


async def _addressees(organisation_id: int) -> dict[str, _Addressee]:
    """The organisation's references (bids, candidacies, applications) -> where their letters
    are filed and the procedure's title."""
    found: dict[str, _Addressee] = {}
    for bid in await Bid.select(
        Bid.id, Bid.lot, Bid.tender, Bid.tender.title.as_alias("title")
    ).where(Bid.organisation == organisation_id):
        found[str(SubjectRef("bid", bid["id"]))] = _Addressee(
            bid["title"], (("lot", str(bid["lot"])), ("tender", str(bid["tender"])))
        )
    for candidate in await Candidate.select(
        Candidate.id, Candidate.tender, Candidate.tender.title.as_alias("title")
    ).where(Candidate.organisation == organisation_id):
        found[str(SubjectRef("candidate", candidate["id"]))] = _Addressee(
            candidate["title"], (("tender", str(candidate["tender"])),)
        )
    for application in await Application.select(
        Application.id, Application.round, Application.round.title.as_alias("title")
    ).where(Application.organisation == organisation_id):
        found[str(SubjectRef("application", application["id"]))] = _Addressee(
            application["title"],
            (("round", str(application["round"])), ("application", str(application["id"]))),
        )
    return found


async def _letters(addressees: dict[str, _Addressee]) -> list[InboxItem]:
    keys = {key for addressee in addressees.values() for key in addressee.object_keys}
    if not keys:
        return []
    by_type: dict[str, set[str]] = {}
    for object_type, object_id in keys:
        by_type.setdefault(object_type, set()).add(object_id)
    where = None
    for object_type, ids in by_type.items():
        clause = (AuditEvent.object_type == object_type) & AuditEvent.object_id.is_in(sorted(ids))
        where = clause if where is None else where | clause
    rows = await (
        AuditEvent.select(AuditEvent.after)
        .where((AuditEvent.action == "letter.sent") & where)
        .order_by(AuditEvent.seq)
    )
    items = []
    for row in rows:
        after = json.loads(row["after"] or "{}")
        addressee = addressees.get(str(after.get("ref")))
        if addressee is None or after.get("file_id") is None:
            continue
        items.append(
            InboxItem(
                datetime.fromisoformat(after["sent_at"]),
                KIND_LABELS[LetterKind(after["kind"])],
                addressee.procedure,
                after["filename"],
                int(after["file_id"]),
            )
        )
    return items


async def _notices(organisation_id: int) -> list[InboxItem]:
    """The answered clarification questions of the tenders the organisation takes part in or
    asked a question on."""
    bidding = await Bid.select(Bid.tender).where(Bid.organisation == organisation_id)
    asking = await Candidate.select(Candidate.tender).where(
        Candidate.organisation == organisation_id
    )
    asked = await tenders_asked_about(organisation_id)
    tender_ids = sorted({row["tender"] for row in [*bidding, *asking]} | set(asked))
    if not tender_ids:
        return []
    rows = await Question.select(
        Question.tender,
        Question.tender.title.as_alias("title"),
        Question.number,
        Question.question,
        Question.answer,
        Question.answered_at,
    ).where(Question.tender.is_in(tender_ids) & Question.answered_at.is_not_null())
    return [
        InboxItem(
            row["answered_at"],
            CLARIFICATION,
            row["title"],
            tender_id=row["tender"],
            text=f"{row['number']}. {row['question']}\n{row['answer']}",
        )
        for row in rows
    ]


def organisation_of(user: PortalUser) -> int:
    if not user.active_member or user.organisation_id is None:
        raise Forbidden(N_("Only an approved member of the organisation can do this"))
    return user.organisation_id


async def inbox(user: PortalUser) -> list[InboxItem]:
    """Every letter and notice addressed to the user's organisation, newest first."""
    organisation_id = organisation_of(user)
    items = [*await _letters(await _addressees(organisation_id)), *await _notices(organisation_id)]
    return sorted(items, key=lambda item: item.sent_at, reverse=True)


async def letter_for_download(user: PortalUser, file_id: int) -> dict[str, Any]:
    """A letter of the user's organisation, its download recorded; NotFound for any other
    file (another organisation's letter, a bid document, a template: all alike)."""
    organisation_id = organisation_of(user)
    letters = await _letters(await _addressees(organisation_id))
    letter = next((item for item in letters if item.file_id == file_id), None)
    if letter is None:
        raise NotFound(N_("There is no such letter"))
    async with transaction():
        await audit.record(
            Actor(None, user.audit_label()[:254]),
            "portal.letter_downloaded",
            "organisation",
            organisation_id,
            after={"file_id": file_id, "filename": letter.filename},
        )
    return {"file_id": file_id, "filename": letter.filename}
