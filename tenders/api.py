"""The tenders JSON API under /api/v1/tenders: the same use cases as the pages.

Refusals come as ``{"status_code", "detail", "problems"}`` with the message in the caller's
language (409 for a rule, 422 for input, 404 for what the caller may not know of). Sealed bids
come without price and files until the opening; with two envelopes without price and price
documents until the lot's prices are opened; a withdrawn bid never opens. Sealed files answer
409 and are audited.

A bid is registered with its documents in one JSON request: each file as ``{"filename",
"content_type", "content_base64"}`` (standard base64), the quality envelope in ``files`` and the
price envelope in ``price_files``. The request is at most 10 MB (files of about 7 MB together).
"""

from __future__ import annotations

import base64
import binascii
import re
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Any

from litestar import Controller, Request, get, post, put
from litestar.params import FromPath, FromQuery, JSONBody, KwargDefinition
from litestar.response import Response
from litestar.status_codes import HTTP_200_OK, HTTP_201_CREATED

from accounts.guards import OFFICER
from common.errors import Problem, ValidationFailed
from common.i18n import N_
from jobs import service as jobs
from jobs.controllers import accepted
from scoring.results import RankingOut
from tenders import actions, bids, letters, procurement, service
from tenders.controllers import READERS, docx_download, download, me, zip_download
from tenders.procedures import Phase
from web.i18n import gettext, translate_message

BASE = "/{tender_id:int}"


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


def lot_out(row: dict[str, Any]) -> LotOut:
    return LotOut(row["id"], row["number"], row["title"], row["description"], row["winners"],
                  row["estimated_value"], row["evaluation_id"], row["intent_at"],
                  row["intent_deviates"], row["intent_reason"], row["unsuccessful_at"],
                  row["unsuccessful_reason"])


async def tender_out(request: Request, tender_id: int) -> TenderOut:
    view = await service.overview(me(request), tender_id)
    row = view.tender
    step = view.next_step
    return TenderOut(
        row["id"], row["reference"], row["title"], row["description"], row["procedure"],
        view.phase.value, [p.value for p in view.phases], row["currency"],
        row["estimated_value"], [c for c in row["cpv_codes"].split(",") if c],
        row["service_type"], row["contract_start"], row["contract_end"], row["two_envelope"],
        view.zone, {d.value: m for d, m in view.deadlines.items()}, row["published_at"],
        row["opened_at"], row["decisions_sent_at"], row["standstill_ends_at"],
        row["closed_reason"],
        [ShareOut(a["authority"], a["authority.name"], a["share"]) for a in view.authorities],
        [lot_out(lot) for lot in view.lots],
        NextStepOut(gettext(step.label), step.at, gettext(step.does), step.automatic)
        if step else None,
        [ActionOut(a.action.value, gettext(a.label), a.allowed,
                   [problem_out(p) for p in a.missing]) for a in view.actions],
        [problem_out(Problem(w.problem().message, {**w.problem().params,
                                                   "rule": gettext(w.rule)},
                             w.problem().location)) for w in view.warnings],
        budget_line=row["budget_line"], phase_changed_at=row["phase_changed_at"],
        phase_due_at=row["phase_due_at"])


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


def _form(data: Any, leave_out: tuple[str, ...] = ()) -> dict[str, Any]:
    values = {k: v for k, v in data.__dict__.items() if v is not None and k not in leave_out}
    return {k: (",".join(v) if isinstance(v, list) else v) for k, v in values.items()}


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
    email: str = ""


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

    filename: Annotated[str, KwargDefinition(description=(
        "The document's file name as the bidder sent it"))]
    content_type: Annotated[str, KwargDefinition(description=(
        "The document's media type, e.g. application/pdf or "
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"))]
    content_base64: Annotated[str, KwargDefinition(content_encoding="base64", description=(
        "The document's bytes, base64-encoded"))]


MEDIA_TYPE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9!#$&^_.+-]{0,126}"
                        r"/[A-Za-z0-9][A-Za-z0-9!#$&^_.+-]{0,126}$")


@dataclass
class BidIn(OrganisationIn):
    """A bid as received: the bidder, the lot, the price and its documents (at least one in
    ``files``, the quality envelope; a price sheet in ``price_files``, the price envelope)."""

    lot_id: int = 0
    price: Decimal | None = None
    files: list[FileIn] = field(default_factory=list)
    price_files: list[FileIn] = field(default_factory=list)


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
    "`files[0].content_base64`.")


def bid_out(view: bids.BidView) -> BidOut:
    return BidOut(view.id, view.lot_id, view.lot, view.organisation, view.received_at,
                  view.sealed, view.price,
                  [BidFileOut(f["file"], f["file.filename"], f["file.size"], f["envelope"])
                   for f in view.files],
                  view.file_count, view.withdrawn, view.winner, view.price_sealed,
                  view.sealed_files, view.withdrawn_reason)


def _decode(files: list[FileIn], name: str = "files") -> list[tuple[str, str, bytes]]:
    """The files' bytes; every file that is not base64 or has no media type is named."""
    decoded, problems = [], []
    for index, item in enumerate(files):
        location = f"{name}[{index}]"
        if not MEDIA_TYPE.match(item.content_type or ""):
            problems.append(Problem(N_("{value} is not a media type such as application/pdf"),
                                    {"value": item.content_type}, f"{location}.content_type"))
        try:
            data = base64.b64decode(item.content_base64, validate=True)
        except (binascii.Error, ValueError):
            problems.append(Problem(N_("The file {name} is not base64"),
                                    {"name": item.filename}, f"{location}.content_base64"))
            continue
        decoded.append((item.filename, item.content_type, data))
    if problems:
        raise ValidationFailed(problems)
    return decoded


async def _candidates(request: Request, tender_id: int) -> list[CandidateOut]:
    return [CandidateOut(c["id"], c["organisation.name"], c["organisation.country"],
                         c["organisation.registration_number"], c["contact"],
                         c["received_at"], c["status"], c["reason"])
            for c in await procurement.candidates(me(request), tender_id)]


async def _questions(request: Request, tender_id: int) -> list[QuestionOut]:
    return [QuestionOut(q["id"], q["number"], q["asked_at"], q["asker"], q["question"],
                        q["answer"], q["answered_at"])
            for q in await procurement.questions(me(request), tender_id)]


async def _objections(request: Request, tender_id: int) -> list[ObjectionOut]:
    return [ObjectionOut(o["id"], o["lot"], o["objector"], o["received_at"], o["grounds"],
                         o["resolved_at"], o["resolution"])
            for o in await bids.objections(me(request), tender_id)]


async def _contracts(request: Request, tender_id: int) -> list[ContractOut]:
    return [ContractOut(c["id"], c["lot"], c["bid"], c["organisation.name"], c["value"],
                        c["currency"], c["start"], c["end"], c["signed_on"])
            for c in await bids.contracts(me(request), tender_id)]


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
    return LetterOut(letter.lot_id, letter.lot, letter.kind.value, letter.addressee,
                     letter.filename, letter.sha256, letter.size, letter.sent_at,
                     letter.file_id)


@dataclass
class AwardDecisionsOut:
    sent_at: datetime
    standstill_ends_at: datetime
    standstill_last_day: date
    letters: list[LetterOut]


async def _letters_out(request: Request, tender_id: int, lot_id: int | None = None,
                       kind: str | None = None) -> list[LetterOut]:
    return [letter_out(x) for x in await letters.sent_letters(
        me(request), tender_id, lot_id, letters.kind_from(kind))]


class TenderApi(Controller):
    path = "/api/v1/tenders"
    tags = ["tenders"]

    @get("", guards=[READERS])
    async def list_tenders(self, request: Request, phase: FromQuery[str | None] = None,
                           authority: FromQuery[int | None] = None,
                           service_type: FromQuery[int | None] = None,
                           q: FromQuery[str | None] = None, offset: FromQuery[int] = 0,
                           limit: FromQuery[int] = 25) -> TenderPageOut:
        limit = max(1, min(limit, 200))
        offset = max(0, offset)
        filters = service.Filters(phase if phase in {p.value for p in Phase} else None,
                                  authority, service_type, q)
        items, total = await service.list_tenders(me(request), filters, offset, limit)
        return TenderPageOut([TenderItemOut(i.id, i.reference, i.title, i.procedure, i.phase,
                                            i.authority, i.next_deadline, i.updated_at)
                              for i in items], total, offset, limit)

    @post("", guards=[OFFICER], status_code=HTTP_201_CREATED)
    async def create(self, request: Request, data: JSONBody[TenderIn]) -> TenderOut:
        tender_id = await service.create_tender(me(request), _form(data))
        return await tender_out(request, tender_id)

    @get(BASE, guards=[READERS])
    async def tender(self, request: Request, tender_id: FromPath[int]) -> TenderOut:
        return await tender_out(request, tender_id)

    @post(f"{BASE}/actions/{{action:str}}", guards=[OFFICER], status_code=HTTP_200_OK)
    async def act(self, request: Request, tender_id: FromPath[int], action: FromPath[str],
                  data: JSONBody[ReasonIn | None] = None) -> TenderOut:
        principal = me(request)
        chosen = actions.by_name(action)
        if chosen is None:
            raise ValidationFailed([Problem(N_("{value} is not one of {allowed}"), {
                "value": action[:40], "allowed": ", ".join(a.value for a in actions.STEPS)},
                "action")])
        await actions.perform(principal, tender_id, chosen, data.reason if data else "")
        return await tender_out(request, tender_id)

    @put(f"{BASE}/deadlines", guards=[OFFICER])
    async def deadlines(self, request: Request, tender_id: FromPath[int],
                        data: JSONBody[DeadlinesIn]) -> TenderOut:
        await service.set_deadlines(me(request), tender_id, {
            **{f"deadline_{k}": v for k, v in data.__dict__.items()
               if v is not None and k != "reason"}, "reason": data.reason or ""})
        return await tender_out(request, tender_id)

    @put(f"{BASE}/authorities", guards=[OFFICER])
    async def authorities(self, request: Request, tender_id: FromPath[int],
                          data: JSONBody[dict[int, Decimal]]) -> TenderOut:
        await service.set_authorities(me(request), tender_id, data)
        return await tender_out(request, tender_id)

    @get(f"{BASE}/lots", guards=[READERS])
    async def lots(self, request: Request, tender_id: FromPath[int]) -> list[LotOut]:
        return [lot_out(r) for r in await service.lots(me(request), tender_id)]

    @post(f"{BASE}/lots", guards=[OFFICER], status_code=HTTP_201_CREATED)
    async def add_lot(self, request: Request, tender_id: FromPath[int], data: JSONBody[LotIn]
                      ) -> LotOut:
        lot_id = await service.add_lot(me(request), tender_id, _form(data))
        return lot_out(await service.get_lot_row(tender_id, lot_id))

    @get(f"{BASE}/lots/{{lot_id:int}}", guards=[READERS])
    async def lot(self, request: Request, tender_id: FromPath[int], lot_id: FromPath[int]
                  ) -> LotResultOut:
        result = await bids.lot_result(me(request), tender_id, lot_id)
        return LotResultOut(lot_out(result.lot),
                            result.status.phase.value if result.status else None,
                            [problem_out(p) for p in result.blocking],
                            result.ranking.materialised(breakdown=False)
                            if result.ranking else None)

    @post(f"{BASE}/lots/{{lot_id:int}}/price-opening", guards=[OFFICER],
          status_code=HTTP_200_OK)
    async def price_opening(self, request: Request, tender_id: FromPath[int],
                            lot_id: FromPath[int]) -> PriceOpeningOut:
        """Two envelopes, the lot's quality final: one officer's part in opening its sealed
        prices (four eyes). ``opened`` is false after the first officer, true after a second,
        different one."""
        return PriceOpeningOut(await bids.approve_price_opening(me(request), tender_id, lot_id))

    @post(f"{BASE}/lots/{{lot_id:int}}/award", guards=[OFFICER], status_code=HTTP_200_OK)
    async def award(self, request: Request, tender_id: FromPath[int], lot_id: FromPath[int],
                    data: JSONBody[AwardIn]) -> LotOut:
        await bids.choose_award(me(request), tender_id, lot_id, data.bid_ids, data.reason,
                                data.advantages)
        return lot_out(await service.get_lot_row(tender_id, lot_id))

    @post(f"{BASE}/lots/{{lot_id:int}}/unsuccessful", guards=[OFFICER],
          status_code=HTTP_200_OK)
    async def declare_lot_unsuccessful(self, request: Request, tender_id: FromPath[int],
                                       lot_id: FromPath[int], data: JSONBody[ReasonIn]
                                       ) -> LotOut:
        """Declare the lot unsuccessful with the reason: out of the ranking and the award,
        a letter to each of its bidders; the tender becomes unsuccessful with its last lot."""
        await letters.declare_lot_unsuccessful(me(request), tender_id, lot_id, data.reason)
        return lot_out(await service.get_lot_row(tender_id, lot_id))

    @get(f"{BASE}/candidates", guards=[READERS])
    async def candidates(self, request: Request, tender_id: FromPath[int]
                         ) -> list[CandidateOut]:
        return await _candidates(request, tender_id)

    @post(f"{BASE}/candidates", guards=[OFFICER], status_code=HTTP_201_CREATED)
    async def add_candidate(self, request: Request, tender_id: FromPath[int],
                            data: JSONBody[OrganisationIn]) -> list[CandidateOut]:
        await procurement.register_candidate(me(request), tender_id, _form(data))
        return await _candidates(request, tender_id)

    @post(f"{BASE}/candidates/{{candidate_id:int}}/decision", guards=[OFFICER],
          status_code=HTTP_200_OK)
    async def decide(self, request: Request, tender_id: FromPath[int],
                     candidate_id: FromPath[int], data: JSONBody[DecisionIn]
                     ) -> list[CandidateOut]:
        await procurement.decide(me(request), tender_id, candidate_id, data.admit, data.reason)
        return await _candidates(request, tender_id)

    @get(f"{BASE}/dialogue", guards=[READERS])
    async def dialogue(self, request: Request, tender_id: FromPath[int]) -> list[RoundOut]:
        return [RoundOut(r.id, r.number, r.topic, [
            SessionOut(s["id"], s["candidate.organisation.name"], s["held_at"],
                       s["attendees"], s["minutes"], s["file"]) for s in r.sessions])
            for r in await procurement.dialogue(me(request), tender_id)]

    @get(f"{BASE}/questions", guards=[READERS])
    async def questions(self, request: Request, tender_id: FromPath[int]
                        ) -> list[QuestionOut]:
        return await _questions(request, tender_id)

    @get(f"{BASE}/nota", guards=[READERS])
    async def nota(self, request: Request, tender_id: FromPath[int]
                   ) -> list[procurement.PublishedAnswer]:
        return await procurement.nota_van_inlichtingen(me(request), tender_id)

    @post(f"{BASE}/questions", guards=[OFFICER], status_code=HTTP_201_CREATED)
    async def ask(self, request: Request, tender_id: FromPath[int],
                  data: JSONBody[QuestionIn]) -> list[QuestionOut]:
        await procurement.ask(me(request), tender_id, data.asker, data.question)
        return await _questions(request, tender_id)

    @post(f"{BASE}/questions/{{question_id:int}}/answer", guards=[OFFICER],
          status_code=HTTP_200_OK)
    async def answer(self, request: Request, tender_id: FromPath[int],
                     question_id: FromPath[int], data: JSONBody[AnswerIn]
                     ) -> list[QuestionOut]:
        await procurement.answer(me(request), tender_id, question_id, data.answer)
        return await _questions(request, tender_id)

    @get(f"{BASE}/bids", guards=[READERS])
    async def bids(self, request: Request, tender_id: FromPath[int]) -> list[BidOut]:
        return [bid_out(b) for b in await bids.bids(me(request), tender_id)]

    @post(f"{BASE}/bids", guards=[OFFICER], status_code=HTTP_201_CREATED,
          description=BID_REGISTRATION)
    async def add_bid(self, request: Request, tender_id: FromPath[int],
                      data: JSONBody[BidIn]) -> BidOut:
        form = _form(data, leave_out=("files", "price_files", "lot_id"))
        files, price_files = _decode(data.files), _decode(data.price_files, "price_files")
        bid_id = await bids.register_bid(me(request), tender_id, data.lot_id, form, files,
                                         price_files=price_files)
        [found] = [b for b in await bids.bids(me(request), tender_id) if b.id == bid_id]
        return bid_out(found)

    @get(f"{BASE}/bids/{{bid_id:int}}/files/{{file_id:int}}", guards=[READERS])
    async def bid_file(self, request: Request, tender_id: FromPath[int], bid_id: FromPath[int],
                       file_id: FromPath[int]) -> Response:
        return download(*await bids.bid_file(me(request), tender_id, bid_id, file_id))

    @post(f"{BASE}/opening", guards=[OFFICER], status_code=HTTP_200_OK)
    async def opening(self, request: Request, tender_id: FromPath[int]) -> OpeningOut:
        return OpeningOut(await bids.approve_opening(me(request), tender_id))

    @get(f"{BASE}/objections", guards=[READERS])
    async def objections(self, request: Request, tender_id: FromPath[int]
                         ) -> list[ObjectionOut]:
        return await _objections(request, tender_id)

    @post(f"{BASE}/objections", guards=[OFFICER], status_code=HTTP_201_CREATED)
    async def add_objection(self, request: Request, tender_id: FromPath[int],
                            data: JSONBody[ObjectionIn]) -> list[ObjectionOut]:
        await bids.record_objection(me(request), tender_id, data.objector, data.grounds,
                                    data.lot_id)
        return await _objections(request, tender_id)

    @post(f"{BASE}/objections/{{objection_id:int}}/resolve", guards=[OFFICER],
          status_code=HTTP_200_OK)
    async def resolve(self, request: Request, tender_id: FromPath[int],
                      objection_id: FromPath[int], data: JSONBody[ResolutionIn]
                      ) -> list[ObjectionOut]:
        await bids.resolve_objection(me(request), tender_id, objection_id, data.resolution)
        return await _objections(request, tender_id)

    @get(f"{BASE}/contracts", guards=[READERS])
    async def contracts(self, request: Request, tender_id: FromPath[int]
                        ) -> list[ContractOut]:
        return await _contracts(request, tender_id)

    @post(f"{BASE}/contracts", guards=[OFFICER], status_code=HTTP_201_CREATED)
    async def add_contract(self, request: Request, tender_id: FromPath[int],
                           data: JSONBody[ContractIn]) -> list[ContractOut]:
        await bids.record_contract(me(request), tender_id, data.bid_id, {
            "value": str(data.value), "start": data.start.isoformat(),
            "end": data.end.isoformat(), "signed_on": data.signed_on.isoformat()})
        return await _contracts(request, tender_id)

    @post(f"{BASE}/award-decisions", guards=[OFFICER], status_code=HTTP_200_OK)
    async def send_award_decisions(self, request: Request, tender_id: FromPath[int]
                                   ) -> AwardDecisionsOut:
        """Send every lot's award decisions and start the standstill (one transaction)."""
        sent = await letters.send_award_decisions(me(request), tender_id)
        listed = {x.file_id: x for x in await letters.sent_letters(me(request), tender_id)}
        return AwardDecisionsOut(sent.sent_at, sent.standstill_ends_at,
                                 sent.standstill_last_day,
                                 [letter_out(listed[s.file_id]) for s in sent.letters])

    @post(f"{BASE}/selection-letters", guards=[OFFICER], status_code=HTTP_200_OK)
    async def send_selection_letters(self, request: Request, tender_id: FromPath[int]
                                     ) -> list[LetterOut]:
        await letters.send_selection_letters(me(request), tender_id)
        return await _letters_out(request, tender_id, kind="selection")

    @get(f"{BASE}/letters", guards=[READERS])
    async def list_letters(self, request: Request, tender_id: FromPath[int],
                      lot: FromQuery[int | None] = None, kind: FromQuery[str | None] = None
                      ) -> list[LetterOut]:
        return await _letters_out(request, tender_id, lot, kind)

    @get(f"{BASE}/letters/{{file_id:int}}", guards=[READERS])
    async def letter(self, request: Request, tender_id: FromPath[int], file_id: FromPath[int]
                     ) -> Response:
        return download(*await letters.letter_file(me(request), tender_id, file_id))

    @get(f"{BASE}/letters.zip", guards=[READERS])
    async def letters_zip(self, request: Request, tender_id: FromPath[int],
                          lot: FromQuery[int | None] = None, kind: FromQuery[str | None] = None,
                          pdf: FromQuery[bool] = False) -> Response:
        """The zip, streamed; with ``pdf=true`` 202 with the job that builds it (its
        ``result_url`` gives the file when it is done)."""
        if pdf:
            job_id = await letters.queue_pdf_zip(me(request), tender_id, lot,
                                                 letters.kind_from(kind))
            return accepted(await jobs.status(me(request), job_id))
        return await zip_download(me(request), tender_id, lot, kind, pdf)

    @get(f"{BASE}/lots/{{lot_id:int}}/report", guards=[READERS])
    async def lot_report(self, request: Request, tender_id: FromPath[int],
                         lot_id: FromPath[int]) -> Response:
        return docx_download(*await letters.lot_report(me(request), tender_id, lot_id))

    @get(f"{BASE}/nota.docx", guards=[READERS])
    async def nota_docx(self, request: Request, tender_id: FromPath[int]) -> Response:
        return docx_download(*await letters.nota(me(request), tender_id))


CONTROLLERS = [TenderApi]
