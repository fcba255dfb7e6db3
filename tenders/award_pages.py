"""A tender's bids, their opening, the evaluation, the award, the contracts and the letters:
the officer's pages."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, get, post
from litestar.params import FromPath, FromQuery
from litestar.response import Redirect, Response, Stream, Template

from common.errors import ValidationFailed
from common.i18n import N_
from common.identity import Principal
from documents.letters import bundle
from documents.letters.present import day
from scoring.access import links as scoring_links
from tenders import bids, contracting, letters, openings, service
from tenders.controllers import (
    READERS,
    docx_download,
    done,
    download,
    field_problem,
    me,
    tender_page,
    upload,
    zip_download,
)
from web.forms import field_errors, read_form, require_confirmation
from web.guards import OFFICER
from web.i18n import current_language


async def _bids_page(
    request: Request,
    tender_id: int,
    values: dict[str, Any],
    errors: dict[str, list[str]] | None = None,
) -> Template:
    """The bids and the form to register one (again with the refused values and errors)."""
    principal = me(request)
    return await tender_page(
        request,
        tender_id,
        "tenders/bids.html",
        "bids",
        422 if errors else 200,
        bids=await bids.bids(principal, tender_id),
        lot_choices=await lot_choices(principal, tender_id),
        values=values,
        errors=errors or {},
    )


class AwardPages(Controller):
    path = "/tenders"
    include_in_schema = False

    # --- bids and opening -----------------------------------------------------------------------

    @get("/{tender_id:int}/bids", guards=[READERS], name="tender_bids")
    async def bids(self, request: Request, tender_id: FromPath[int]) -> Template:
        return await _bids_page(request, tender_id, {"country": "NL"})

    @post("/{tender_id:int}/bids", guards=[OFFICER], name="tender_bid_add")
    async def add_bid(self, request: Request, tender_id: FromPath[int]) -> Template | Redirect:
        values = await read_form(request)
        values.pop("files", None)
        values.pop("price_files", None)
        files = await upload(request, "files")
        price_files = await upload(request, "price_files")
        try:
            lot_id = int(str(values.get("lot_id") or ""))
        except ValueError:
            raise ValidationFailed([field_problem(N_("Choose a lot"), "lot_id")]) from None
        try:
            await bids.register_bid(
                me(request),
                tender_id,
                lot_id,
                values,
                files,
                price_files=price_files,
                reason_required=True,
            )
        except ValidationFailed as exc:
            return await _bids_page(request, tender_id, values, field_errors(exc))
        return done(
            request, N_("The bid has been registered and sealed."), f"/tenders/{tender_id}/bids"
        )

    @post(
        "/{tender_id:int}/bids/{bid_id:int}/withdraw", guards=[OFFICER], name="tender_bid_withdraw"
    )
    async def withdraw(
        self, request: Request, tender_id: FromPath[int], bid_id: FromPath[int]
    ) -> Redirect:
        form = await read_form(request)
        await bids.withdraw_bid(me(request), tender_id, bid_id, str(form.get("reason") or ""))
        return done(request, N_("The bid has been withdrawn."), f"/tenders/{tender_id}/bids")

    @get(
        "/{tender_id:int}/bids/{bid_id:int}/files/{file_id:int}",
        guards=[READERS],
        name="tender_bid_file",
    )
    async def bid_file(
        self,
        request: Request,
        tender_id: FromPath[int],
        bid_id: FromPath[int],
        file_id: FromPath[int],
    ) -> Response:
        return download(*await bids.bid_file(me(request), tender_id, bid_id, file_id))

    @get("/{tender_id:int}/opening", guards=[READERS], name="tender_opening")
    async def opening(self, request: Request, tender_id: FromPath[int]) -> Template:
        principal = me(request)
        return await tender_page(
            request,
            tender_id,
            "tenders/opening.html",
            "opening",
            approvals=await openings.opening_approvals(tender_id),
            bids=await bids.bids(principal, tender_id),
        )

    # --- evaluation, award, contracts -----------------------------------------------------------

    @get("/{tender_id:int}/evaluation", guards=[READERS], name="tender_evaluation")
    async def evaluation(self, request: Request, tender_id: FromPath[int]) -> Template:
        principal = me(request)
        lot_rows = await service.lots(principal, tender_id)
        results = [await bids.lot_result(principal, tender_id, lot["id"]) for lot in lot_rows]
        return await tender_page(
            request,
            tender_id,
            "tenders/evaluation.html",
            "evaluation",
            results=results,
            bids=await bids.bids(principal, tender_id),
            scoring_links=scoring_links,
        )

    @post(
        "/{tender_id:int}/bids/{bid_id:int}/knock-out",
        guards=[OFFICER],
        name="tender_bid_knock_out",
    )
    async def knock_out(
        self, request: Request, tender_id: FromPath[int], bid_id: FromPath[int]
    ) -> Redirect:
        form = await read_form(request)
        await bids.knock_out(me(request), tender_id, bid_id, str(form.get("reason") or ""))
        return done(request, N_("The bid is out of the race."), f"/tenders/{tender_id}/evaluation")

    @get("/{tender_id:int}/award", guards=[READERS], name="tender_award")
    async def award(self, request: Request, tender_id: FromPath[int]) -> Template:
        principal = me(request)
        return await tender_page(
            request,
            tender_id,
            "tenders/award.html",
            "award",
            winners=await bids.winners(principal, tender_id),
            lot_rows=await service.lots(principal, tender_id),
            lot_choices=await lot_choices(principal, tender_id),
            objections=await contracting.objections(principal, tender_id),
            sent=await letters.sent_letters(principal, tender_id),
            pdf=bundle.pdf_available(),
        )

    @post("/{tender_id:int}/objections", guards=[OFFICER], name="tender_objection_add")
    async def add_objection(self, request: Request, tender_id: FromPath[int]) -> Redirect:
        form = await read_form(request)
        lot = str(form.get("lot_id") or "")
        await contracting.record_objection(
            me(request),
            tender_id,
            str(form.get("objector") or ""),
            str(form.get("grounds") or ""),
            int(lot) if lot.isdigit() else None,
        )
        return done(
            request,
            N_("The objection has been recorded; the definitive award is suspended."),
            f"/tenders/{tender_id}/award",
        )

    @post(
        "/{tender_id:int}/objections/{objection_id:int}/resolve",
        guards=[OFFICER],
        name="tender_objection_resolve",
    )
    async def resolve(
        self, request: Request, tender_id: FromPath[int], objection_id: FromPath[int]
    ) -> Redirect:
        form = await read_form(request)
        await contracting.resolve_objection(
            me(request), tender_id, objection_id, str(form.get("resolution") or "")
        )
        return done(request, N_("The objection has been resolved."), f"/tenders/{tender_id}/award")

    @get("/{tender_id:int}/contracts", guards=[READERS], name="tender_contracts")
    async def contracts(self, request: Request, tender_id: FromPath[int]) -> Template:
        return await self._contracts(request, tender_id)

    async def _contracts(
        self, request: Request, tender_id: int, status: int = 200, **context: Any
    ) -> Template:
        principal = me(request)
        winners = await bids.winners(principal, tender_id)
        return await tender_page(
            request,
            tender_id,
            "tenders/contracts.html",
            "contracts",
            status,
            contracts=await contracting.contracts(principal, tender_id),
            winner_choices=[
                (w["id"], f"{w['lot.number']}. {w['lot.title']}: {w['organisation.name']}")
                for w in winners
            ],
            **context,
        )

    @post("/{tender_id:int}/contracts", guards=[OFFICER], name="tender_contract_add")
    async def add_contract(self, request: Request, tender_id: FromPath[int]) -> Template | Redirect:
        values = await read_form(request)
        bid = str(values.get("bid_id") or "")
        if not bid.isdigit():
            raise ValidationFailed([field_problem(N_("Choose a winner"), "bid_id")])
        try:
            await contracting.record_contract(me(request), tender_id, int(bid), values)
        except ValidationFailed as exc:
            return await self._contracts(
                request, tender_id, 422, values=values, errors=field_errors(exc)
            )
        return done(
            request, N_("The contract has been recorded."), f"/tenders/{tender_id}/contracts"
        )

    # --- letters and reports --------------------------------------------------------------------

    @post("/{tender_id:int}/award/letters", guards=[OFFICER], name="tender_award_letters")
    async def send_award_letters(self, request: Request, tender_id: FromPath[int]) -> Redirect:
        require_confirmation(await read_form(request))
        sent = await letters.send_award_decisions(me(request), tender_id)
        return done(
            request,
            N_(
                "{count} award decisions have been sent; the standstill period "
                "runs until the end of {day}."
            ),
            f"/tenders/{tender_id}/award",
            count=len(sent.letters),
            day=day(sent.standstill_last_day, current_language()),
        )

    @post("/{tender_id:int}/selection/letters", guards=[OFFICER], name="tender_selection_letters")
    async def send_selection_letters(self, request: Request, tender_id: FromPath[int]) -> Redirect:
        require_confirmation(await read_form(request))
        sent = await letters.send_selection_letters(me(request), tender_id)
        return done(
            request,
            N_("{count} selection letters have been sent."),
            f"/tenders/{tender_id}/selection",
            count=len(sent),
        )

    @get("/{tender_id:int}/letters/{file_id:int}", guards=[READERS], name="tender_letter")
    async def letter(
        self, request: Request, tender_id: FromPath[int], file_id: FromPath[int]
    ) -> Response:
        return download(*await letters.letter_file(me(request), tender_id, file_id))

    @get("/{tender_id:int}/letters.zip", guards=[READERS], name="tender_letters_zip")
    async def letters_zip(
        self,
        request: Request,
        tender_id: FromPath[int],
        lot: FromQuery[int | None] = None,
        kind: FromQuery[str | None] = None,
        pdf: FromQuery[bool] = False,
    ) -> Stream:
        return await zip_download(me(request), tender_id, lot, kind, pdf)

    @get("/{tender_id:int}/lots/{lot_id:int}/report", guards=[READERS], name="tender_lot_report")
    async def lot_report(
        self, request: Request, tender_id: FromPath[int], lot_id: FromPath[int]
    ) -> Response:
        return docx_download(*await letters.lot_report(me(request), tender_id, lot_id))

    @get("/{tender_id:int}/questions/nota.docx", guards=[READERS], name="tender_nota")
    async def nota(self, request: Request, tender_id: FromPath[int]) -> Response:
        return docx_download(*await letters.nota(me(request), tender_id))


async def lot_choices(principal: Principal, tender_id: int) -> list[tuple[int, str]]:
    return [
        (r["id"], f"{r['number']}. {r['title']}") for r in await service.lots(principal, tender_id)
    ]


CONTROLLERS = [AwardPages]
