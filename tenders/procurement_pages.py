"""A tender's candidates and their selection, the dialogue and the questions: the officer's
pages."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, get, post
from litestar.params import FromPath
from litestar.response import Redirect, Response, Template

from common.errors import ValidationFailed
from common.i18n import N_
from documents.letters import bundle
from documents.letters.kinds import LetterKind
from scoring.access import links as scoring_links
from tenders import letters, participation, procurement, service
from tenders.controllers import (
    READERS,
    done,
    download,
    me,
    tender_page,
    upload,
)
from web.forms import field_errors, read_form
from web.guards import OFFICER


class ProcurementPages(Controller):
    path = "/tenders"
    include_in_schema = False

    # --- candidates and selection ---------------------------------------------------------------

    async def _candidates(
        self,
        request: Request,
        tender_id: int,
        template: str,
        tab: str,
        status: int = 200,
        **context: Any,
    ) -> Template:
        principal = me(request)
        return await tender_page(
            request,
            tender_id,
            template,
            tab,
            status,
            candidates=await procurement.candidates(principal, tender_id),
            requirements=await procurement.requirements(tender_id),
            assessments=await procurement.assessments(tender_id),
            status_labels=procurement.CANDIDATE_STATUS,
            kind_labels=procurement.REQUIREMENT_KINDS,
            portal_requests=await participation.portal_requests(principal, tender_id),
            file_labels=participation.FILE_KINDS,
            **context,
        )

    @get("/{tender_id:int}/candidates", guards=[READERS], name="tender_candidates")
    async def candidates(self, request: Request, tender_id: FromPath[int]) -> Template:
        return await self._candidates(
            request, tender_id, "tenders/candidates.html", "candidates", values={"country": "NL"}
        )

    @post("/{tender_id:int}/candidates", guards=[OFFICER], name="tender_candidate_add")
    async def add_candidate(
        self, request: Request, tender_id: FromPath[int]
    ) -> Template | Redirect:
        values = await read_form(request)
        try:
            await procurement.register_candidate(me(request), tender_id, values)
        except ValidationFailed as exc:
            return await self._candidates(
                request,
                tender_id,
                "tenders/candidates.html",
                "candidates",
                422,
                values=values,
                errors=field_errors(exc),
            )
        return done(
            request,
            N_("The request to participate has been registered."),
            f"/tenders/{tender_id}/candidates",
        )

    @post("/{tender_id:int}/requirements", guards=[OFFICER], name="tender_requirement_add")
    async def add_requirement(self, request: Request, tender_id: FromPath[int]) -> Redirect:
        form = await read_form(request)
        await procurement.add_requirement(
            me(request), tender_id, str(form.get("kind") or ""), str(form.get("name") or "")
        )
        return done(
            request, N_("The requirement has been added."), f"/tenders/{tender_id}/selection"
        )

    @get("/{tender_id:int}/selection", guards=[READERS], name="tender_selection")
    async def selection(self, request: Request, tender_id: FromPath[int]) -> Template:
        view = await service.overview(me(request), tender_id)
        evaluation_id = view.tender["selection_evaluation_id"]
        return await self._candidates(
            request,
            tender_id,
            "tenders/selection.html",
            "selection",
            scoring=scoring_links(evaluation_id) if evaluation_id else None,
            sent=await letters.sent_letters(me(request), tender_id, kind=LetterKind.SELECTION),
            pdf=bundle.pdf_available(),
        )

    @post(
        "/{tender_id:int}/candidates/{candidate_id:int}/assessment",
        guards=[OFFICER],
        name="tender_candidate_assess",
    )
    async def assess(
        self, request: Request, tender_id: FromPath[int], candidate_id: FromPath[int]
    ) -> Redirect:
        form = await read_form(request)
        verdicts = {}
        for requirement in await procurement.requirements(tender_id):
            answer = form.get(f"passed_{requirement['id']}")
            if answer in ("pass", "fail"):
                verdicts[requirement["id"]] = (
                    answer == "pass",
                    str(form.get(f"note_{requirement['id']}") or ""),
                )
        await procurement.assess(me(request), tender_id, candidate_id, verdicts)
        return done(
            request, N_("The assessment has been saved."), f"/tenders/{tender_id}/selection"
        )

    @post(
        "/{tender_id:int}/candidates/{candidate_id:int}/decision",
        guards=[OFFICER],
        name="tender_candidate_decide",
    )
    async def decide(
        self, request: Request, tender_id: FromPath[int], candidate_id: FromPath[int]
    ) -> Redirect:
        form = await read_form(request)
        await procurement.decide(
            me(request),
            tender_id,
            candidate_id,
            form.get("decision") == "admit",
            str(form.get("reason") or ""),
        )
        return done(
            request,
            N_("The selection decision has been recorded."),
            f"/tenders/{tender_id}/selection",
        )

    @post("/{tender_id:int}/selection/scoring", guards=[OFFICER], name="tender_selection_scoring")
    async def start_scoring(self, request: Request, tender_id: FromPath[int]) -> Redirect:
        evaluation_id = await procurement.start_selection_scoring(me(request), tender_id)
        return done(
            request,
            N_("Set the selection criteria and evaluators in the scoring pages."),
            scoring_links(evaluation_id).criteria,
        )

    @post(
        "/{tender_id:int}/selection/shortlist", guards=[OFFICER], name="tender_selection_shortlist"
    )
    async def shortlist(self, request: Request, tender_id: FromPath[int]) -> Redirect:
        admitted = await procurement.shortlist_from_ranking(me(request), tender_id)
        return done(
            request,
            N_("{count} candidates are on the shortlist."),
            f"/tenders/{tender_id}/selection",
            count=len(admitted),
        )

    # --- dialogue -------------------------------------------------------------------------------

    @get("/{tender_id:int}/dialogue", guards=[READERS], name="tender_dialogue")
    async def dialogue(self, request: Request, tender_id: FromPath[int]) -> Template:
        principal = me(request)
        candidates = await procurement.candidates(principal, tender_id)
        return await tender_page(
            request,
            tender_id,
            "tenders/dialogue.html",
            "dialogue",
            rounds=await procurement.dialogue(principal, tender_id),
            candidates=candidates,
            admitted_choices=[
                (c["id"], c["organisation.name"]) for c in candidates if c["status"] == "admitted"
            ],
            status_labels=procurement.CANDIDATE_STATUS,
        )

    @post("/{tender_id:int}/dialogue/rounds", guards=[OFFICER], name="tender_round_add")
    async def add_round(self, request: Request, tender_id: FromPath[int]) -> Redirect:
        form = await read_form(request)
        await procurement.add_round(me(request), tender_id, str(form.get("topic") or ""))
        return done(
            request, N_("The dialogue round has been added."), f"/tenders/{tender_id}/dialogue"
        )

    @post(
        "/{tender_id:int}/dialogue/rounds/{round_id:int}/sessions",
        guards=[OFFICER],
        name="tender_session_add",
    )
    async def add_session(
        self, request: Request, tender_id: FromPath[int], round_id: FromPath[int]
    ) -> Redirect:
        form = await read_form(request)
        files = await upload(request, "file")
        await procurement.record_session(
            me(request), tender_id, round_id, form, files[0] if files else None
        )
        return done(request, N_("The session has been recorded."), f"/tenders/{tender_id}/dialogue")

    @get(
        "/{tender_id:int}/dialogue/sessions/{session_id:int}/file",
        guards=[READERS],
        name="tender_session_file",
    )
    async def session_file(
        self, request: Request, tender_id: FromPath[int], session_id: FromPath[int]
    ) -> Response:
        return download(*await procurement.minutes_file(me(request), tender_id, session_id))

    @post(
        "/{tender_id:int}/candidates/{candidate_id:int}/drop",
        guards=[OFFICER],
        name="tender_candidate_drop",
    )
    async def drop(
        self, request: Request, tender_id: FromPath[int], candidate_id: FromPath[int]
    ) -> Redirect:
        form = await read_form(request)
        await procurement.drop_candidate(
            me(request), tender_id, candidate_id, str(form.get("reason") or "")
        )
        return done(
            request,
            N_("The candidate has been dropped from the dialogue."),
            f"/tenders/{tender_id}/dialogue",
        )

    # --- questions ------------------------------------------------------------------------------

    @get("/{tender_id:int}/questions", guards=[READERS], name="tender_questions")
    async def questions(self, request: Request, tender_id: FromPath[int]) -> Template:
        principal = me(request)
        return await tender_page(
            request,
            tender_id,
            "tenders/questions.html",
            "questions",
            questions=await procurement.questions(principal, tender_id),
            published=await procurement.nota_van_inlichtingen(principal, tender_id),
        )

    @post("/{tender_id:int}/questions", guards=[OFFICER], name="tender_question_add")
    async def ask(self, request: Request, tender_id: FromPath[int]) -> Redirect:
        form = await read_form(request)
        await procurement.ask(
            me(request), tender_id, str(form.get("asker") or ""), str(form.get("question") or "")
        )
        return done(
            request, N_("The question has been recorded."), f"/tenders/{tender_id}/questions"
        )

    @post(
        "/{tender_id:int}/questions/{question_id:int}/answer",
        guards=[OFFICER],
        name="tender_question_answer",
    )
    async def answer(
        self, request: Request, tender_id: FromPath[int], question_id: FromPath[int]
    ) -> Redirect:
        form = await read_form(request)
        await procurement.answer(me(request), tender_id, question_id, str(form.get("answer") or ""))
        return done(
            request, N_("The answer has been published."), f"/tenders/{tender_id}/questions"
        )


CONTROLLERS = [ProcurementPages]
