"""The signed-in evaluator's pages: declarations of interest, and the sheet in the browser
(one subject at a time, its documents, each score saved as a draft by htmx while they type).
They show only the evaluator's own sheet; every form works without JavaScript.
"""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, get, post
from litestar.params import FromPath
from litestar.plugins.flash import flash
from litestar.response import Redirect, Response, Template

from common.errors import ValidationFailed
from scoring import service, sheets
from scoring.access import links
from scoring.controllers import EVALUATOR, _scale_text
from scoring.criteria import plain
from scoring.documents import documents_of, read_document
from web.downloads import attachment_stream
from web.forms import field_errors, read_form, require_confirmation
from web.guards import me
from web.i18n import gettext, translate_message, translate_problem


class SheetPages(Controller):
    """The signed-in evaluator's declarations and scores."""

    path = "/scoring/evaluations/{evaluation_id:int}"
    guards = [EVALUATOR]
    include_in_schema = False

    async def _declarations(
        self,
        request: Request,
        evaluation_id: int,
        errors: dict[str, list[str]] | None = None,
        values: dict[str, Any] | None = None,
        status: int = 200,
    ) -> Template:
        evaluation, rows = await sheets.declarations(me(request), evaluation_id)
        return Template(
            "scoring/declarations.html",
            status_code=status,
            context={
                "evaluation": evaluation,
                "rows": rows,
                "errors": errors or {},
                "values": values or {},
            },
        )

    @get("/declarations", name="scoring_declarations")
    async def declarations(self, request: Request, evaluation_id: FromPath[int]) -> Template:
        return await self._declarations(request, evaluation_id)

    @post("/declarations", name="scoring_declare")
    async def declare(self, request: Request, evaluation_id: FromPath[int]) -> Template | Redirect:
        values = await read_form(request)
        answers: dict[int, tuple[Any, Any]] = {}
        for key, answer in values.items():
            if key.startswith("answer-") and key[7:].isdigit():
                subject_id = int(key[7:])
                answers[subject_id] = (answer, values.get(f"note-{subject_id}", ""))
        if values.get("all_none"):
            _, rows = await sheets.declarations(me(request), evaluation_id)
            answers |= {
                row.subject_id: ("none", "")
                for row in rows
                if not row.answer and not answers.get(row.subject_id, ("",))[0]
            }
        try:
            count = await sheets.declare(me(request), evaluation_id, answers)
        except ValidationFailed as exc:
            return await self._declarations(request, evaluation_id, field_errors(exc), values, 422)
        flash(
            request,
            gettext("{count} declarations have been recorded.").format(count=count),
            category="success",
        )
        return Redirect(links(evaluation_id).sheet, status_code=303)

    async def _sheet(
        self,
        request: Request,
        evaluation_id: int,
        problems: list[str] | None = None,
        status: int = 200,
    ) -> Template:
        view = await sheets.sheet(me(request), evaluation_id)
        return Template(
            "scoring/sheet.html",
            status_code=status,
            context={
                "sheet": view,
                "evaluation": view.evaluation,
                "problems": problems or [],
                "zone": await service.zone_of(view.evaluation.authority_id),
            },
        )

    @get("/sheet", name="scoring_sheet")
    async def sheet(self, request: Request, evaluation_id: FromPath[int]) -> Template:
        return await self._sheet(request, evaluation_id)

    @post("/submit", name="scoring_submit")
    async def submit(self, request: Request, evaluation_id: FromPath[int]) -> Template | Redirect:
        require_confirmation(await read_form(request))
        try:
            await sheets.submit_sheet(me(request), evaluation_id)
        except ValidationFailed as exc:
            return await self._sheet(
                request, evaluation_id, [translate_problem(p) for p in exc.problems], 422
            )
        flash(request, gettext("Your scores have been submitted. Thank you."), category="success")
        return Redirect(links(evaluation_id).sheet, status_code=303)

    async def _subject(
        self,
        request: Request,
        evaluation_id: int,
        code: str,
        errors: dict[str, list[str]] | None = None,
        values: dict[str, Any] | None = None,
        status: int = 200,
    ) -> Template:
        found = await sheets.subject_sheet(me(request), evaluation_id, code)
        if values is None:
            values = {}
            for entry in found.entries:
                values[f"value-{entry.criterion.id}"] = (
                    plain(entry.value) if entry.value is not None else ""
                )
                values[f"justification-{entry.criterion.id}"] = entry.justification
        principal = me(request)
        subject = await sheets.subject_for_documents(principal, evaluation_id, code)
        files = await documents_of(request.app.state.subject_documents, principal, subject)
        return Template(
            "scoring/sheet_subject.html",
            status_code=status,
            context={
                "found": found,
                "evaluation": found.sheet.evaluation,
                "errors": errors or {},
                "values": values,
                "scale_text": _scale_text,
                "plain": plain,
                "documents": files,
            },
        )

    @get("/sheet/{code:str}/documents/{document_id:int}", name="scoring_subject_document")
    async def document(
        self,
        request: Request,
        evaluation_id: FromPath[int],
        code: FromPath[str],
        document_id: FromPath[int],
    ) -> Response:
        """One document of a subject on the evaluator's sheet, as its owner serves it (named
        by the subject's code in a blind evaluation); the owner audits every access."""
        principal = me(request)
        subject = await sheets.subject_for_documents(principal, evaluation_id, code)
        found = await read_document(
            request.app.state.subject_documents, principal, subject, document_id
        )
        return attachment_stream(found.chunks, found.filename, found.content_type)

    @get("/sheet/{code:str}", name="scoring_sheet_subject")
    async def subject(
        self, request: Request, evaluation_id: FromPath[int], code: FromPath[str]
    ) -> Template:
        return await self._subject(request, evaluation_id, code)

    @post("/sheet/{code:str}", name="scoring_sheet_save")
    async def save(
        self, request: Request, evaluation_id: FromPath[int], code: FromPath[str]
    ) -> Template | Redirect:
        values = await read_form(request)
        entries = _entries(values)
        try:
            await sheets.save_scores(me(request), evaluation_id, code, entries)
        except ValidationFailed as exc:
            return await self._subject(request, evaluation_id, code, field_errors(exc), values, 422)
        flash(request, gettext("Your draft scores have been saved."), category="success")
        return Redirect(f"{links(evaluation_id).sheet}/{code}", status_code=303)

    @post("/sheet/{code:str}/{criterion_id:int}", name="scoring_sheet_save_one")
    async def save_one(
        self,
        request: Request,
        evaluation_id: FromPath[int],
        code: FromPath[str],
        criterion_id: FromPath[int],
    ) -> Template:
        """htmx: save one draft score as it is typed; answers with its status line."""
        values = await read_form(request)
        entry = {
            criterion_id: (
                values.get(f"value-{criterion_id}"),
                values.get(f"justification-{criterion_id}"),
            )
        }
        try:
            await sheets.save_scores(me(request), evaluation_id, code, entry)
        except ValidationFailed as exc:
            return Template(
                "scoring/_score_status.html",
                status_code=422,
                context={"messages": [translate_message(p) for p in exc.problems], "saved": False},
            )
        return Template("scoring/_score_status.html", context={"messages": [], "saved": True})


def _entries(values: dict[str, Any]) -> dict[int, tuple[Any, Any]]:
    entries: dict[int, tuple[Any, Any]] = {}
    for key in values:
        if key.startswith("value-") and key[6:].isdigit():
            criterion_id = int(key[6:])
            entries[criterion_id] = (values[key], values.get(f"justification-{criterion_id}"))
    return entries


CONTROLLERS = [SheetPages]
