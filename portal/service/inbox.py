"""An organisation's inbox: the letters sent to it and the notices of its tenders (answers in the
clarification notice, deadlines moved after publication).

Letters are recorded as sent by ``documents.letters.service.record_sent`` (an audit event
``letter.sent`` under the lot, tender, round or application, naming the addressee by a
reference such as ``bid:12``, ``candidate:3`` or ``application:7``, with the stored file).
An organisation's letters are those whose reference is one of its bids, requests to
participate or applications: nothing else is ever listed or served. Each download is audited
(``portal.letter_downloaded``, naming the account), and a letter the signed-in account has not
downloaded yet is shown as unread.

The letters are read from the audit log by (object type, object id, action), which the index
``audit_event_object_action`` answers without scanning the other events (bench/portal_inbox.py).
"""

from __future__ import annotations

import dataclasses
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
from tenders.procedures import DEADLINE_LABELS, Deadline
from tenders.questions import tenders_asked_about
from tenders.tables import Bid, Candidate, Question, Tender

CLARIFICATION = N_("Clarification notice")
DEADLINE_MOVED = N_("Deadline moved")
DOWNLOADED = "portal.letter_downloaded"


@dataclass(frozen=True)
class InboxItem:
    sent_at: datetime
    label: str  # the kind of letter or notice (to be translated)
    procedure: str  # the tender's or round's title
    filename: str = ""
    file_id: int | None = None  # a letter's file; None for a notice
    tender_id: int | None = None  # a notice's tender (its public page)
    text: str = ""  # a notice's question and answer
    number: int | None = None  # a clarification answer's question number
    deadlines: tuple[tuple[str, datetime | None], ...] = ()  # a deadline notice: label, moment
    unread: bool = False  # a letter the signed-in account has not downloaded

    @property
    def anchor(self) -> str:
        """The item's id on the inbox page (the members' mails link to it)."""
        if self.file_id is not None:
            return letter_anchor(self.file_id)
        if self.tender_id is not None and self.number is not None:
            return answer_anchor(self.tender_id, self.number)
        return ""


def letter_anchor(file_id: int) -> str:
    return f"letter-{file_id}"


def answer_anchor(tender_id: int, number: int) -> str:
    return f"answer-{tender_id}-{number}"


@dataclass(frozen=True)
class _Addressee:
    procedure: str
    object_keys: tuple[tuple[str, str], ...]  # (object_type, object_id) letters are filed under
    tender_id: int | None = None  # a bid's or candidacy's tender (its notices are the org's)


async def _addressees(organisation_id: int) -> dict[str, _Addressee]:
    """The organisation's references (bids, candidacies, applications) -> where their letters
    are filed and the procedure's title."""
    found: dict[str, _Addressee] = {}
    for bid in await Bid.select(
        Bid.id, Bid.lot, Bid.tender, Bid.tender.title.as_alias("title")
    ).where(Bid.organisation == organisation_id):
        found[str(SubjectRef("bid", bid["id"]))] = _Addressee(
            bid["title"],
            (("lot", str(bid["lot"])), ("tender", str(bid["tender"]))),
            bid["tender"],
        )
    for candidate in await Candidate.select(
        Candidate.id, Candidate.tender, Candidate.tender.title.as_alias("title")
    ).where(Candidate.organisation == organisation_id):
        found[str(SubjectRef("candidate", candidate["id"]))] = _Addressee(
            candidate["title"], (("tender", str(candidate["tender"])),), candidate["tender"]
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


async def letters_about(organisation_id: int, ref: str) -> list[InboxItem]:
    """The letters sent to the organisation about one of its bids, candidacies or
    applications (``ref``, e.g. ``application:12``), oldest first."""
    addressees = {
        key: value for key, value in (await _addressees(organisation_id)).items() if key == ref
    }
    return sorted(await _letters(addressees), key=lambda item: item.sent_at)


def _moved(after: dict[str, Any]) -> tuple[tuple[str, datetime | None], ...]:
    moved = []
    for deadline in Deadline:
        name = f"deadline_{deadline.value}"
        if name in after:
            value = after[name]
            moment = datetime.fromisoformat(value) if value else None
            moved.append((DEADLINE_LABELS[deadline], moment))
    return tuple(moved)


async def _deadline_notices(tender_ids: list[int]) -> list[InboxItem]:
    """Deadlines moved once the tender was published (a draft's changes told nobody)."""
    tenders = {
        row["id"]: row
        for row in await Tender.select(Tender.id, Tender.title, Tender.published_at).where(
            Tender.id.is_in(tender_ids) & Tender.published_at.is_not_null()
        )
    }
    if not tenders:
        return []
    rows = await AuditEvent.select(
        AuditEvent.object_id, AuditEvent.occurred_at, AuditEvent.after
    ).where(
        (AuditEvent.object_type == "tender")
        & AuditEvent.object_id.is_in([str(t) for t in sorted(tenders)])
        & (AuditEvent.action == "tender.deadlines_changed")
    )
    items = []
    for row in rows:
        tender = tenders[int(row["object_id"])]
        if row["occurred_at"] < tender["published_at"]:
            continue
        moved = _moved(json.loads(row["after"] or "{}"))
        if moved:
            items.append(
                InboxItem(
                    row["occurred_at"],
                    DEADLINE_MOVED,
                    tender["title"],
                    tender_id=tender["id"],
                    deadlines=moved,
                )
            )
    return items


async def _notices(organisation_id: int, addressees: dict[str, _Addressee]) -> list[InboxItem]:
    """The answered clarification questions and the moved deadlines of the tenders the
    organisation takes part in (a bid, a request to participate) or asked a question on."""
    taking_part = {a.tender_id for a in addressees.values() if a.tender_id is not None}
    tender_ids = sorted(taking_part | set(await tenders_asked_about(organisation_id)))
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
    answers = [
        InboxItem(
            row["answered_at"],
            CLARIFICATION,
            row["title"],
            tender_id=row["tender"],
            text=f"{row['number']}. {row['question']}\n{row['answer']}",
            number=row["number"],
        )
        for row in rows
    ]
    return [*answers, *await _deadline_notices(tender_ids)]


def organisation_of(user: PortalUser) -> int:
    if not user.active_member or user.organisation_id is None:
        raise Forbidden(N_("Only an approved member of the organisation can do this"))
    return user.organisation_id


async def _downloaded_by(user: PortalUser, organisation_id: int) -> set[int]:
    """The letters (file ids) this account has downloaded."""
    rows = await AuditEvent.select(AuditEvent.after).where(
        (AuditEvent.object_type == "organisation")
        & (AuditEvent.object_id == str(organisation_id))
        & (AuditEvent.action == DOWNLOADED)
        & (AuditEvent.actor == user.audit_label()[:254])
    )
    return {int(json.loads(row["after"] or "{}").get("file_id") or 0) for row in rows}


async def inbox(user: PortalUser) -> list[InboxItem]:
    """Every letter and notice addressed to the user's organisation, newest first; the letters
    this account has not downloaded yet marked unread."""
    organisation_id = organisation_of(user)
    downloaded = await _downloaded_by(user, organisation_id)
    addressees = await _addressees(organisation_id)
    letters = [
        dataclasses.replace(letter, unread=letter.file_id not in downloaded)
        for letter in await _letters(addressees)
    ]
    items = [*letters, *await _notices(organisation_id, addressees)]
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
            DOWNLOADED,
            "organisation",
            organisation_id,
            after={"file_id": file_id, "filename": letter.filename},
        )
    return {"file_id": file_id, "filename": letter.filename}
