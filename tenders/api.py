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
from decimal import Decimal
from typing import Any

from litestar import Controller, Request, get, post, put
from litestar.params import FromPath, FromQuery, JSONBody
from litestar.response import Response
from litestar.status_codes import HTTP_200_OK, HTTP_201_CREATED

from common.errors import Problem, ValidationFailed
from common.i18n import N_
from jobs import service as jobs
from jobs.controllers import accepted
from tenders import actions, bids, contracting, letters, openings, procurement, service
from tenders.api_models import (
    BID_REGISTRATION,
    MEDIA_TYPE,
    ActionOut,
    AnswerIn,
    AwardDecisionsOut,
    AwardIn,
    BidIn,
    BidOut,
    CandidateOut,
    ContractIn,
    ContractOut,
    DeadlinesIn,
    DecisionIn,
    FileIn,
    LetterOut,
    LotIn,
    LotOut,
    LotResultOut,
    NextStepOut,
    ObjectionIn,
    ObjectionOut,
    OpenDataIn,
    OpeningOut,
    OrganisationIn,
    PriceOpeningOut,
    QuestionIn,
    QuestionOut,
    ReasonIn,
    ResolutionIn,
    RoundOut,
    SessionOut,
    ShareOut,
    TenderIn,
    TenderItemOut,
    TenderOut,
    TenderPageOut,
    bid_out,
    letter_out,
    lot_out,
    problem_out,
)
from tenders.controllers import READERS, docx_download, download, me, zip_download
from tenders.procedures import Phase
from web.guards import OFFICER
from web.i18n import gettext

BASE = "/{tender_id:int}"


async def tender_out(request: Request, tender_id: int) -> TenderOut:
    view = await service.overview(me(request), tender_id)
    row = view.tender
    step = view.next_step
    return TenderOut(
        row["id"],
        row["reference"],
        row["title"],
        row["description"],
        row["procedure"],
        view.phase.value,
        [p.value for p in view.phases],
        row["currency"],
        row["estimated_value"],
        [c for c in row["cpv_codes"].split(",") if c],
        row["service_type"],
        row["contract_start"],
        row["contract_end"],
        row["two_envelope"],
        view.zone,
        {d.value: m for d, m in view.deadlines.items()},
        row["published_at"],
        row["opened_at"],
        row["decisions_sent_at"],
        row["standstill_ends_at"],
        row["closed_reason"],
        [ShareOut(a["authority"], a["authority.name"], a["share"]) for a in view.authorities],
        [lot_out(lot) for lot in view.lots],
        NextStepOut(gettext(step.label), step.at, gettext(step.does), step.automatic)
        if step
        else None,
        [
            ActionOut(
                a.action.value, gettext(a.label), a.allowed, [problem_out(p) for p in a.missing]
            )
            for a in view.actions
        ],
        [
            problem_out(
                Problem(
                    w.problem().message,
                    {**w.problem().params, "rule": gettext(w.rule)},
                    w.problem().location,
                )
            )
            for w in view.warnings
        ],
        budget_line=row["budget_line"],
        phase_changed_at=row["phase_changed_at"],
        phase_due_at=row["phase_due_at"],
        open_data_withheld_at=row["open_data_withheld_at"],
        open_data_withheld_reason=row["open_data_withheld_reason"],
    )


def _form(data: Any, leave_out: tuple[str, ...] = ()) -> dict[str, Any]:
    values = {k: v for k, v in data.__dict__.items() if v is not None and k not in leave_out}
    return {k: (",".join(v) if isinstance(v, list) else v) for k, v in values.items()}


def _decode(files: list[FileIn], name: str = "files") -> list[tuple[str, str, bytes]]:
    """The files' bytes; every file that is not base64 or has no media type is named."""
    decoded, problems = [], []
    for index, item in enumerate(files):
        location = f"{name}[{index}]"
        if not MEDIA_TYPE.match(item.content_type or ""):
            problems.append(
                Problem(
                    N_("{value} is not a media type such as application/pdf"),
                    {"value": item.content_type},
                    f"{location}.content_type",
                )
            )
        try:
            data = base64.b64decode(item.content_base64, validate=True)
        except (binascii.Error, ValueError):
            problems.append(
                Problem(
                    N_("The file {name} is not base64"),
                    {"name": item.filename},
                    f"{location}.content_base64",
                )
            )
            continue
        decoded.append((item.filename, item.content_type, data))
    if problems:
        raise ValidationFailed(problems)
    return decoded


async def _candidates(request: Request, tender_id: int) -> list[CandidateOut]:
    return [
        CandidateOut(
            c["id"],
            c["organisation.name"],
            c["organisation.country"],
            c["organisation.registration_number"],
            c["contact"],
            c["received_at"],
            c["status"],
            c["reason"],
        )
        for c in await procurement.candidates(me(request), tender_id)
    ]


async def _questions(request: Request, tender_id: int) -> list[QuestionOut]:
    return [
        QuestionOut(
            q["id"],
            q["number"],
            q["asked_at"],
            q["asker"],
            q["question"],
            q["answer"],
            q["answered_at"],
        )
        for q in await procurement.questions(me(request), tender_id)
    ]


async def _objections(request: Request, tender_id: int) -> list[ObjectionOut]:
    return [
        ObjectionOut(
            o["id"],
            o["lot"],
            o["objector"],
            o["received_at"],
            o["grounds"],
            o["resolved_at"],
            o["resolution"],
        )
        for o in await contracting.objections(me(request), tender_id)
    ]


async def _contracts(request: Request, tender_id: int) -> list[ContractOut]:
    return [
        ContractOut(
            c["id"],
            c["lot"],
            c["bid"],
            c["organisation.name"],
            c["value"],
            c["currency"],
            c["start"],
            c["end"],
            c["signed_on"],
        )
        for c in await contracting.contracts(me(request), tender_id)
    ]


async def _letters_out(
    request: Request, tender_id: int, lot_id: int | None = None, kind: str | None = None
) -> list[LetterOut]:
    return [
        letter_out(x)
        for x in await letters.sent_letters(me(request), tender_id, lot_id, letters.kind_from(kind))
    ]


class TenderApi(Controller):
    path = "/api/v1/tenders"
    tags = ["tenders"]

    @get("", guards=[READERS])
    async def list_tenders(
        self,
        request: Request,
        phase: FromQuery[str | None] = None,
        authority: FromQuery[int | None] = None,
        service_type: FromQuery[int | None] = None,
        q: FromQuery[str | None] = None,
        offset: FromQuery[int] = 0,
        limit: FromQuery[int] = 25,
    ) -> TenderPageOut:
        limit = max(1, min(limit, 200))
        offset = max(0, offset)
        filters = service.Filters(
            phase if phase in {p.value for p in Phase} else None, authority, service_type, q
        )
        items, total = await service.list_tenders(me(request), filters, offset, limit)
        return TenderPageOut(
            [
                TenderItemOut(
                    i.id,
                    i.reference,
                    i.title,
                    i.procedure,
                    i.phase,
                    i.authority,
                    i.next_deadline,
                    i.updated_at,
                )
                for i in items
            ],
            total,
            offset,
            limit,
        )

    @post("", guards=[OFFICER], status_code=HTTP_201_CREATED)
    async def create(self, request: Request, data: JSONBody[TenderIn]) -> TenderOut:
        tender_id = await service.create_tender(me(request), _form(data))
        return await tender_out(request, tender_id)

    @get(BASE, guards=[READERS])
    async def tender(self, request: Request, tender_id: FromPath[int]) -> TenderOut:
        return await tender_out(request, tender_id)

    @post(f"{BASE}/actions/{{action:str}}", guards=[OFFICER], status_code=HTTP_200_OK)
    async def act(
        self,
        request: Request,
        tender_id: FromPath[int],
        action: FromPath[str],
        data: JSONBody[ReasonIn | None] = None,
    ) -> TenderOut:
        principal = me(request)
        chosen = actions.by_name(action)
        if chosen is None:
            raise ValidationFailed(
                [
                    Problem(
                        N_("{value} is not one of {allowed}"),
                        {
                            "value": action[:40],
                            "allowed": ", ".join(a.value for a in actions.STEPS),
                        },
                        "action",
                    )
                ]
            )
        await actions.perform(principal, tender_id, chosen, data.reason if data else "")
        return await tender_out(request, tender_id)

    @put(f"{BASE}/deadlines", guards=[OFFICER])
    async def deadlines(
        self, request: Request, tender_id: FromPath[int], data: JSONBody[DeadlinesIn]
    ) -> TenderOut:
        await service.set_deadlines(
            me(request),
            tender_id,
            {
                **{
                    f"deadline_{k}": v
                    for k, v in data.__dict__.items()
                    if v is not None and k != "reason"
                },
                "reason": data.reason or "",
            },
        )
        return await tender_out(request, tender_id)

    @put(f"{BASE}/authorities", guards=[OFFICER])
    async def authorities(
        self, request: Request, tender_id: FromPath[int], data: JSONBody[dict[int, Decimal]]
    ) -> TenderOut:
        await service.set_authorities(me(request), tender_id, data)
        return await tender_out(request, tender_id)

    @post(f"{BASE}/open-data", guards=[OFFICER], status_code=HTTP_200_OK)
    async def open_data(
        self, request: Request, tender_id: FromPath[int], data: JSONBody[OpenDataIn]
    ) -> TenderOut:
        """Keep the tender out of open data (``withheld: true``, with a reason; audited) or
        publish it there again (``withheld: false``)."""
        if data.withheld:
            await service.withhold_from_open_data(me(request), tender_id, data.reason)
        else:
            await service.publish_in_open_data(me(request), tender_id)
        return await tender_out(request, tender_id)

    @get(f"{BASE}/lots", guards=[READERS])
    async def lots(self, request: Request, tender_id: FromPath[int]) -> list[LotOut]:
        return [lot_out(r) for r in await service.lots(me(request), tender_id)]

    @post(f"{BASE}/lots", guards=[OFFICER], status_code=HTTP_201_CREATED)
    async def add_lot(
        self, request: Request, tender_id: FromPath[int], data: JSONBody[LotIn]
    ) -> LotOut:
        lot_id = await service.add_lot(me(request), tender_id, _form(data))
        return lot_out(await service.get_lot_row(tender_id, lot_id))

    @get(f"{BASE}/lots/{{lot_id:int}}", guards=[READERS])
    async def lot(
        self, request: Request, tender_id: FromPath[int], lot_id: FromPath[int]
    ) -> LotResultOut:
        result = await bids.lot_result(me(request), tender_id, lot_id)
        return LotResultOut(
            lot_out(result.lot),
            result.status.phase.value if result.status else None,
            [problem_out(p) for p in result.blocking],
            result.ranking.materialised(breakdown=False) if result.ranking else None,
        )

    @post(f"{BASE}/lots/{{lot_id:int}}/price-opening", guards=[OFFICER], status_code=HTTP_200_OK)
    async def price_opening(
        self, request: Request, tender_id: FromPath[int], lot_id: FromPath[int]
    ) -> PriceOpeningOut:
        """Two envelopes, the lot's quality final: one officer's part in opening its sealed
        prices (four eyes). ``opened`` is false after the first officer, true after a second,
        different one."""
        return PriceOpeningOut(await openings.approve_price_opening(me(request), tender_id, lot_id))

    @post(f"{BASE}/lots/{{lot_id:int}}/award", guards=[OFFICER], status_code=HTTP_200_OK)
    async def award(
        self,
        request: Request,
        tender_id: FromPath[int],
        lot_id: FromPath[int],
        data: JSONBody[AwardIn],
    ) -> LotOut:
        await bids.choose_award(
            me(request), tender_id, lot_id, data.bid_ids, data.reason, data.advantages
        )
        return lot_out(await service.get_lot_row(tender_id, lot_id))

    @post(f"{BASE}/lots/{{lot_id:int}}/unsuccessful", guards=[OFFICER], status_code=HTTP_200_OK)
    async def declare_lot_unsuccessful(
        self,
        request: Request,
        tender_id: FromPath[int],
        lot_id: FromPath[int],
        data: JSONBody[ReasonIn],
    ) -> LotOut:
        """Declare the lot unsuccessful with the reason: out of the ranking and the award,
        a letter to each of its bidders; the tender becomes unsuccessful with its last lot."""
        await letters.declare_lot_unsuccessful(me(request), tender_id, lot_id, data.reason)
        return lot_out(await service.get_lot_row(tender_id, lot_id))

    @get(f"{BASE}/candidates", guards=[READERS])
    async def candidates(self, request: Request, tender_id: FromPath[int]) -> list[CandidateOut]:
        return await _candidates(request, tender_id)

    @post(f"{BASE}/candidates", guards=[OFFICER], status_code=HTTP_201_CREATED)
    async def add_candidate(
        self, request: Request, tender_id: FromPath[int], data: JSONBody[OrganisationIn]
    ) -> list[CandidateOut]:
        await procurement.register_candidate(me(request), tender_id, _form(data))
        return await _candidates(request, tender_id)

    @post(
        f"{BASE}/candidates/{{candidate_id:int}}/decision",
        guards=[OFFICER],
        status_code=HTTP_200_OK,
    )
    async def decide(
        self,
        request: Request,
        tender_id: FromPath[int],
        candidate_id: FromPath[int],
        data: JSONBody[DecisionIn],
    ) -> list[CandidateOut]:
        await procurement.decide(me(request), tender_id, candidate_id, data.admit, data.reason)
        return await _candidates(request, tender_id)

    @get(f"{BASE}/dialogue", guards=[READERS])
    async def dialogue(self, request: Request, tender_id: FromPath[int]) -> list[RoundOut]:
        return [
            RoundOut(
                r.id,
                r.number,
                r.topic,
                [
                    SessionOut(
                        s["id"],
                        s["candidate.organisation.name"],
                        s["held_at"],
                        s["attendees"],
                        s["minutes"],
                        s["file"],
                    )
                    for s in r.sessions
                ],
            )
            for r in await procurement.dialogue(me(request), tender_id)
        ]

    @get(f"{BASE}/questions", guards=[READERS])
    async def questions(self, request: Request, tender_id: FromPath[int]) -> list[QuestionOut]:
        return await _questions(request, tender_id)

    @get(f"{BASE}/nota", guards=[READERS])
    async def nota(
        self, request: Request, tender_id: FromPath[int]
    ) -> list[procurement.PublishedAnswer]:
        return await procurement.nota_van_inlichtingen(me(request), tender_id)

    @post(f"{BASE}/questions", guards=[OFFICER], status_code=HTTP_201_CREATED)
    async def ask(
        self, request: Request, tender_id: FromPath[int], data: JSONBody[QuestionIn]
    ) -> list[QuestionOut]:
        await procurement.ask(me(request), tender_id, data.asker, data.question)
        return await _questions(request, tender_id)

    @post(f"{BASE}/questions/{{question_id:int}}/answer", guards=[OFFICER], status_code=HTTP_200_OK)
    async def answer(
        self,
        request: Request,
        tender_id: FromPath[int],
        question_id: FromPath[int],
        data: JSONBody[AnswerIn],
    ) -> list[QuestionOut]:
        await procurement.answer(me(request), tender_id, question_id, data.answer)
        return await _questions(request, tender_id)

    @get(f"{BASE}/bids", guards=[READERS])
    async def bids(self, request: Request, tender_id: FromPath[int]) -> list[BidOut]:
        return [bid_out(b) for b in await bids.bids(me(request), tender_id)]

    @post(
        f"{BASE}/bids", guards=[OFFICER], status_code=HTTP_201_CREATED, description=BID_REGISTRATION
    )
    async def add_bid(
        self, request: Request, tender_id: FromPath[int], data: JSONBody[BidIn]
    ) -> BidOut:
        form = _form(data, leave_out=("files", "price_files", "lot_id"))
        files, price_files = _decode(data.files), _decode(data.price_files, "price_files")
        bid_id = await bids.register_bid(
            me(request), tender_id, data.lot_id, form, files, price_files=price_files
        )
        [found] = [b for b in await bids.bids(me(request), tender_id) if b.id == bid_id]
        return bid_out(found)

    @get(f"{BASE}/bids/{{bid_id:int}}/files/{{file_id:int}}", guards=[READERS])
    async def bid_file(
        self,
        request: Request,
        tender_id: FromPath[int],
        bid_id: FromPath[int],
        file_id: FromPath[int],
    ) -> Response:
        return download(*await bids.bid_file(me(request), tender_id, bid_id, file_id))

    @post(f"{BASE}/opening", guards=[OFFICER], status_code=HTTP_200_OK)
    async def opening(self, request: Request, tender_id: FromPath[int]) -> OpeningOut:
        return OpeningOut(await openings.approve_opening(me(request), tender_id))

    @get(f"{BASE}/objections", guards=[READERS])
    async def objections(self, request: Request, tender_id: FromPath[int]) -> list[ObjectionOut]:
        return await _objections(request, tender_id)

    @post(f"{BASE}/objections", guards=[OFFICER], status_code=HTTP_201_CREATED)
    async def add_objection(
        self, request: Request, tender_id: FromPath[int], data: JSONBody[ObjectionIn]
    ) -> list[ObjectionOut]:
        await contracting.record_objection(
            me(request), tender_id, data.objector, data.grounds, data.lot_id
        )
        return await _objections(request, tender_id)

    @post(
        f"{BASE}/objections/{{objection_id:int}}/resolve", guards=[OFFICER], status_code=HTTP_200_OK
    )
    async def resolve(
        self,
        request: Request,
        tender_id: FromPath[int],
        objection_id: FromPath[int],
        data: JSONBody[ResolutionIn],
    ) -> list[ObjectionOut]:
        await contracting.resolve_objection(me(request), tender_id, objection_id, data.resolution)
        return await _objections(request, tender_id)

    @get(f"{BASE}/contracts", guards=[READERS])
    async def contracts(self, request: Request, tender_id: FromPath[int]) -> list[ContractOut]:
        return await _contracts(request, tender_id)

    @post(f"{BASE}/contracts", guards=[OFFICER], status_code=HTTP_201_CREATED)
    async def add_contract(
        self, request: Request, tender_id: FromPath[int], data: JSONBody[ContractIn]
    ) -> list[ContractOut]:
        await contracting.record_contract(
            me(request),
            tender_id,
            data.bid_id,
            {
                "value": str(data.value),
                "start": data.start.isoformat(),
                "end": data.end.isoformat(),
                "signed_on": data.signed_on.isoformat(),
            },
        )
        return await _contracts(request, tender_id)

    @post(f"{BASE}/award-decisions", guards=[OFFICER], status_code=HTTP_200_OK)
    async def send_award_decisions(
        self, request: Request, tender_id: FromPath[int]
    ) -> AwardDecisionsOut:
        """Send every lot's award decisions and start the standstill (one transaction)."""
        sent = await letters.send_award_decisions(me(request), tender_id)
        listed = {x.file_id: x for x in await letters.sent_letters(me(request), tender_id)}
        return AwardDecisionsOut(
            sent.sent_at,
            sent.standstill_ends_at,
            sent.standstill_last_day,
            [letter_out(listed[s.file_id]) for s in sent.letters],
        )

    @post(f"{BASE}/selection-letters", guards=[OFFICER], status_code=HTTP_200_OK)
    async def send_selection_letters(
        self, request: Request, tender_id: FromPath[int]
    ) -> list[LetterOut]:
        await letters.send_selection_letters(me(request), tender_id)
        return await _letters_out(request, tender_id, kind="selection")

    @get(f"{BASE}/letters", guards=[READERS])
    async def list_letters(
        self,
        request: Request,
        tender_id: FromPath[int],
        lot: FromQuery[int | None] = None,
        kind: FromQuery[str | None] = None,
    ) -> list[LetterOut]:
        return await _letters_out(request, tender_id, lot, kind)

    @get(f"{BASE}/letters/{{file_id:int}}", guards=[READERS])
    async def letter(
        self, request: Request, tender_id: FromPath[int], file_id: FromPath[int]
    ) -> Response:
        return download(*await letters.letter_file(me(request), tender_id, file_id))

    @get(f"{BASE}/letters.zip", guards=[READERS])
    async def letters_zip(
        self,
        request: Request,
        tender_id: FromPath[int],
        lot: FromQuery[int | None] = None,
        kind: FromQuery[str | None] = None,
        pdf: FromQuery[bool] = False,
    ) -> Response:
        """The zip, streamed; with ``pdf=true`` 202 with the job that builds it (its
        ``result_url`` gives the file when it is done)."""
        if pdf:
            job_id = await letters.queue_pdf_zip(
                me(request), tender_id, lot, letters.kind_from(kind)
            )
            return accepted(await jobs.status(me(request), job_id))
        return await zip_download(me(request), tender_id, lot, kind, pdf)

    @get(f"{BASE}/lots/{{lot_id:int}}/report", guards=[READERS])
    async def lot_report(
        self, request: Request, tender_id: FromPath[int], lot_id: FromPath[int]
    ) -> Response:
        return docx_download(*await letters.lot_report(me(request), tender_id, lot_id))

    @get(f"{BASE}/nota.docx", guards=[READERS])
    async def nota_docx(self, request: Request, tender_id: FromPath[int]) -> Response:
        return docx_download(*await letters.nota(me(request), tender_id))


CONTROLLERS = [TenderApi]
