"""What the tenders JSON API takes and gives: its request and response bodies, and how a
use case's result becomes one (``tenders.api`` has the routes)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Any

from litestar.params import KwargDefinition

from common.errors import Problem
from scoring.results import RankingOut
from tenders import bids, letters
from web.i18n import translate_message


@dataclass
class ProblemOut:
    message: str
    location: str | None = None


def problem_out(problem: Problem) -> ProblemOut:
    return ProblemOut(translate_message(problem), problem.location)


@dataclass
class ActionOut:
    action: str
    label: str
    allowed: bool
    missing: list[ProblemOut]


@dataclass
class ShareOut:
    authority_id: int
    authority: str
    share: Decimal


@dataclass
class LotOut:
    id: int
    number: int
    title: str
    description: str
    winners: int
    estimated_value: Decimal | None
    evaluation_id: int | None
    intent_at: datetime | None
    intent_deviates: bool
    intent_reason: str
    unsuccessful_at: datetime | None = None
    unsuccessful_reason: str = ""


@dataclass
class NextStepOut:
    deadline: str
    at: datetime
    does: str
    automatic: bool


@dataclass
class TenderOut:
    id: int
    reference: str
    title: str
    description: str
    procedure: str
    phase: str
    phases: list[str]
    currency: str
    estimated_value: Decimal | None
    cpv_codes: list[str]
    service_type_id: int | None
    contract_start: date | None
    contract_end: date | None
    two_envelope: bool
    time_zone: str
    deadlines: dict[str, datetime]
    published_at: datetime | None
    opened_at: datetime | None
    decisions_sent_at: datetime | None
    standstill_ends_at: datetime | None
    closed_reason: str
    authorities: list[ShareOut]
    lots: list[LotOut]
    next_step: NextStepOut | None
    actions: list[ActionOut]
    warnings: list[ProblemOut]
    budget_line: str = ""
    # When the current phase began (applied), and when that change was due when it was
    # deadline-driven (earlier than phase_changed_at when caught up after downtime).
    phase_changed_at: datetime | None = None
    phase_due_at: datetime | None = None
    # Marked "not published" in open data (with the reason): left out of the OCDS endpoints.
    open_data_withheld_at: datetime | None = None
    open_data_withheld_reason: str = ""


def lot_out(row: dict[str, Any]) -> LotOut:
    return LotOut(
        row["id"],
        row["number"],
        row["title"],
        row["description"],
        row["winners"],
        row["estimated_value"],
        row["evaluation_id"],
        row["intent_at"],
        row["intent_deviates"],
        row["intent_reason"],
        row["unsuccessful_at"],
        row["unsuccessful_reason"],
    )


@dataclass
class TenderIn:
    """Deadlines are local wall-clock times of the lead authority ("2026-03-01T12:00")."""

    title: str
    reference: str
    procedure: str
    authority_id: int
    currency: str
    service_type_id: int | None = None
    cpv_codes: list[str] = field(default_factory=list)
    description: str = ""
    estimated_value: Decimal | None = None
    contract_start: date | None = None
    contract_end: date | None = None
    extension_options: str = ""
    budget_line: str = ""
    max_candidates: int | None = None
    two_envelope: bool = False
    electronic_submission: bool = True
    deadline_requests: str | None = None
    deadline_questions: str | None = None
    deadline_bids: str | None = None


@dataclass
class TenderItemOut:
    id: int
    reference: str
    title: str
    procedure: str
    phase: str
    authority: str
    next_deadline: datetime | None
    updated_at: datetime


@dataclass
class TenderPageOut:
    items: list[TenderItemOut]
    total: int
    offset: int
    limit: int


@dataclass
class OpenDataIn:
    """``withheld: true`` keeps the tender out of open data (a reason is required);
    ``withheld: false`` publishes it there again (as for a subsidy round)."""

    withheld: bool
    reason: str = ""


@dataclass
class ReasonIn:
    reason: str = ""


@dataclass
class DeadlinesIn:
    """Local wall-clock times ("2026-03-01T12:00"); null leaves a deadline as it is, "" clears
    it (in draft only). After publication a deadline moves later freely; earlier only with a
    ``reason`` (candidates are told it by mail) and never below the legal minimum period."""

    requests: str | None = None
    questions: str | None = None
    bids: str | None = None
    reason: str | None = None


@dataclass
class LotIn:
    number: int
    title: str
    description: str = ""
    winners: int = 1
    estimated_value: Decimal | None = None


@dataclass
class LotResultOut:
    lot: LotOut
    phase: str | None
    blocking: list[ProblemOut]
    ranking: RankingOut | None


@dataclass
class AwardIn:
    bid_ids: list[int]
    reason: str = ""
    advantages: str = ""  # characteristics and relative advantages of the winning bid(s)


@dataclass
class OrganisationIn:
    name: str
    country: str
    registration_number: str
    contact_name: str = ""
    contact_form_of_address: str = ""  # ms | mr | neutral | "" (not known)
    contact_surname: str = ""  # after mevrouw / heer; taken from contact_name when empty
    email: str = ""
    natural_person: bool = False  # a sole trader: open data leaves its name out


@dataclass
class CandidateOut:
    id: int
    organisation: str
    country: str
    registration_number: str
    contact: str
    received_at: datetime
    status: str
    reason: str


@dataclass
class DecisionIn:
    admit: bool
    reason: str = ""


@dataclass
class SessionOut:
    id: int
    candidate: str
    held_at: datetime
    attendees: str
    minutes: str
    file_id: int | None


@dataclass
class RoundOut:
    id: int
    number: int
    topic: str
    sessions: list[SessionOut]


@dataclass
class QuestionIn:
    asker: str
    question: str


@dataclass
class AnswerIn:
    answer: str


@dataclass
class QuestionOut:
    id: int
    number: int
    asked_at: datetime
    asker: str
    question: str
    answer: str
    answered_at: datetime | None


@dataclass
class FileIn:
    """One document, its bytes in standard base64 (RFC 4648, padded)."""

    filename: Annotated[
        str, KwargDefinition(description=("The document's file name as the bidder sent it"))
    ]
    content_type: Annotated[
        str,
        KwargDefinition(
            description=(
                "The document's media type, e.g. application/pdf or "
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
            )
        ),
    ]
    content_base64: Annotated[
        str,
        KwargDefinition(
            content_encoding="base64", description=("The document's bytes, base64-encoded")
        ),
    ]


MEDIA_TYPE = re.compile(
    r"^[A-Za-z0-9][A-Za-z0-9!#$&^_.+-]{0,126}"
    r"/[A-Za-z0-9][A-Za-z0-9!#$&^_.+-]{0,126}$"
)


@dataclass
class BidIn(OrganisationIn):
    """A bid as received: the bidder, the lot, the price and its documents (at least one in
    ``files``, the quality envelope; a price sheet in ``price_files``, the price envelope)."""

    lot_id: int = 0
    price: Decimal | None = None
    files: list[FileIn] = field(default_factory=list)
    price_files: list[FileIn] = field(default_factory=list)
    paper_reason: str = ""  # why it was received otherwise than through the portal


@dataclass
class BidFileOut:
    file_id: int
    filename: str
    size: int
    envelope: str = "quality"  # "quality" or "price"


@dataclass
class BidOut:
    """``sealed``: nothing of the bid can be read (before the opening; a withdrawn bid).
    ``price_sealed``: the price is null and the price documents are left out (also with two
    envelopes until the lot's prices are opened). ``files`` lists what may be read;
    ``sealed_files`` how many more there are."""

    id: int
    lot_id: int
    lot: str
    organisation: str
    received_at: datetime
    sealed: bool
    price: Decimal | None
    files: list[BidFileOut]
    file_count: int
    withdrawn: bool
    winner: bool
    price_sealed: bool = True
    sealed_files: int = 0
    withdrawn_reason: str = ""
    submitted_by: str = ""  # the portal account that submitted it; "" when an officer did
    registered_by: str = ""  # the officer who registered it (a bid received otherwise)
    paper_reason: str = ""  # and why it was not submitted through the portal


@dataclass
class PriceOpeningOut:
    opened: bool


@dataclass
class OpeningOut:
    opened: bool


@dataclass
class ObjectionIn:
    objector: str
    grounds: str
    lot_id: int | None = None


@dataclass
class ResolutionIn:
    resolution: str


@dataclass
class ObjectionOut:
    id: int
    lot_id: int | None
    objector: str
    received_at: datetime
    grounds: str
    resolved_at: datetime | None
    resolution: str


@dataclass
class ContractIn:
    bid_id: int
    value: Decimal
    start: date
    end: date
    signed_on: date


@dataclass
class ContractOut:
    id: int
    lot_id: int
    bid_id: int
    provider: str
    value: Decimal
    currency: str
    start: date
    end: date
    signed_on: date


BID_REGISTRATION = (
    "Register a bid received before the deadline, with its documents in the same JSON body "
    "(application/json): each file as {filename, content_type, content_base64}, its bytes in "
    "standard base64 (RFC 4648). `files` is the quality envelope (at least one document), "
    "`price_files` the price envelope (with two envelopes sealed until the lot's prices are "
    "opened). The request is at most 10 MB. The answer shows the bid sealed; a file that is "
    "not base64 or has no media type is refused (422) with its place, e.g. "
    "`files[0].content_base64`."
)


def bid_out(view: bids.BidView) -> BidOut:
    return BidOut(
        view.id,
        view.lot_id,
        view.lot,
        view.organisation,
        view.received_at,
        view.sealed,
        view.price,
        [
            BidFileOut(f["file"], f["file.filename"], f["file.size"], f["envelope"])
            for f in view.files
        ],
        view.file_count,
        view.withdrawn,
        view.winner,
        view.price_sealed,
        view.sealed_files,
        view.withdrawn_reason,
        view.submitted_by,
        "" if view.submitted_by else view.registered_by,
        view.paper_reason,
    )


@dataclass
class LetterOut:
    lot_id: int | None
    lot: str
    kind: str
    addressee: str
    filename: str
    sha256: str
    size: int
    sent_at: datetime
    file_id: int | None


def letter_out(letter: letters.TenderLetter) -> LetterOut:
    return LetterOut(
        letter.lot_id,
        letter.lot,
        letter.kind.value,
        letter.addressee,
        letter.filename,
        letter.sha256,
        letter.size,
        letter.sent_at,
        letter.file_id,
    )


@dataclass
class AwardDecisionsOut:
    sent_at: datetime
    standstill_ends_at: datetime
    standstill_last_day: date
    letters: list[LetterOut]
