"""Excel scoresheets on the pages and in the API: download, upload back, the consensus workbook,
and the deadline for the scores.

Uploads are multipart forms with a ``file`` field (and, for evaluators, a ``submit`` box).
A refused upload re-renders the page it came from with every problem and its cell (422); a
stored one shows what changed.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from litestar import Controller, Request, get, post, put
from litestar.datastructures import UploadFile
from litestar.params import FromPath, JSONBody
from litestar.plugins.flash import flash
from litestar.response import Redirect, Response, Template

from common.errors import Problem, ValidationFailed
from common.i18n import N_
from documents.scoresheet_reader import MAX_BYTES
from scoring import scoresheets, service, sheets
from scoring.access import EvaluationView, links
from scoring.controllers import EVALUATOR, PER_PAGE, READERS, _page
from scoring.criteria import plain
from scoring.scoresheets import Download, ImportSummary
from web.downloads import attachment
from web.forms import field_errors, read_form
from web.guards import OFFICER, me
from web.i18n import gettext, translate_problem
from web.pagination import paginate

SHOWN_PROBLEMS = 300
SHOWN_CHANGES = 500


def _file(download: Download) -> Response[bytes]:
    return attachment(download.data, download.filename, download.content_type, no_store=True)


async def _upload(request: Request) -> tuple[str, bytes, dict[str, Any]]:
    """The uploaded file's name and content, and the other fields of the form."""
    values = await read_form(request)
    upload = values.pop("file", None)
    if not isinstance(upload, UploadFile) or not upload.filename:
        raise ValidationFailed(
            [Problem(N_("Choose the filled-in workbook (.xlsx) to upload"), {}, "file")]
        )
    data = await upload.read(MAX_BYTES + 1)
    return upload.filename, data, values


def _problems(exc: ValidationFailed) -> tuple[list[str], int]:
    shown = [translate_problem(p) for p in exc.problems[:SHOWN_PROBLEMS]]
    return shown, max(0, len(exc.problems) - SHOWN_PROBLEMS)


class ScoresheetPages(Controller):
    """The evaluator's Excel sheet; the lead officer's consensus workbook; scores due."""

    path = "/scoring/evaluations/{evaluation_id:int}"
    include_in_schema = False

    async def _sheet(
        self, request: Request, evaluation_id: int, problems: list[str], more: int
    ) -> Template:
        view = await sheets.sheet(me(request), evaluation_id)
        return Template(
            "scoring/sheet.html",
            status_code=422,
            context={
                "sheet": view,
                "evaluation": view.evaluation,
                "problems": [],
                "upload_problems": problems,
                "more_problems": more,
                "zone": await service.zone_of(view.evaluation.authority_id),
            },
        )

    @get("/scoresheet", guards=[EVALUATOR], name="scoring_scoresheet")
    async def download(self, request: Request, evaluation_id: FromPath[int]) -> Response[bytes]:
        return _file(await scoresheets.scoresheet(me(request), evaluation_id))

    @post("/scoresheet", guards=[EVALUATOR], name="scoring_scoresheet_upload")
    async def upload(self, request: Request, evaluation_id: FromPath[int]) -> Template:
        try:
            filename, data, values = await _upload(request)
            summary = await scoresheets.import_scoresheet(
                me(request),
                evaluation_id,
                filename,
                data,
                submit=values.get("submit") not in (None, ""),
            )
        except ValidationFailed as exc:
            return await self._sheet(request, evaluation_id, *_problems(exc))
        view = await sheets.sheet(me(request), evaluation_id)
        return Template(
            "scoring/scoresheet_result.html",
            context={
                "evaluation": view.evaluation,
                "summary": summary,
                "back": links(evaluation_id).sheet,
                "changes": summary.changes[:SHOWN_CHANGES],
                "evaluator": True,
                "plain": plain,
            },
        )

    @get("/consensus/workbook", guards=[READERS], name="scoring_consensus_workbook")
    async def consensus_download(
        self, request: Request, evaluation_id: FromPath[int]
    ) -> Response[bytes]:
        return _file(await scoresheets.consensus_workbook(me(request), evaluation_id))

    @post("/consensus/workbook", guards=[OFFICER], name="scoring_consensus_upload")
    async def consensus_upload(self, request: Request, evaluation_id: FromPath[int]) -> Template:
        principal = me(request)
        try:
            filename, data, _ = await _upload(request)
            summary = await scoresheets.import_consensus(principal, evaluation_id, filename, data)
        except ValidationFailed as exc:
            problems, more = _problems(exc)
            matrix = await service.consensus_matrix(principal, evaluation_id)
            pages = paginate(links(evaluation_id).consensus, {}, len(matrix.rows), PER_PAGE)
            return _page(
                "scoring/consensus.html",
                principal,
                matrix.evaluation,
                "consensus",
                422,
                matrix=matrix,
                rows=matrix.rows[:PER_PAGE],
                pages=pages,
                flagged_only=False,
                upload_problems=problems,
                more_problems=more,
            )
        evaluation = await service.get_evaluation(principal, evaluation_id)
        return _page(
            "scoring/scoresheet_result.html",
            principal,
            evaluation,
            "consensus",
            summary=summary,
            back=links(evaluation_id).consensus,
            changes=summary.changes[:SHOWN_CHANGES],
            evaluator=False,
        )

    @post("/scores-due", guards=[OFFICER], name="scoring_scores_due")
    async def scores_due(self, request: Request, evaluation_id: FromPath[int]) -> Redirect:
        values = await read_form(request)
        target = links(evaluation_id).overview
        try:
            await service.set_scores_due(
                me(request), evaluation_id, values.get("scores_due_at") or None
            )
        except ValidationFailed as exc:
            for messages in field_errors(exc).values():
                for message in messages:
                    flash(request, message, category="error")
            return Redirect(target, status_code=303)
        flash(request, gettext("The deadline for the scores has been saved."), category="success")
        return Redirect(target, status_code=303)


@dataclass
class ScoresDueIn:
    """Wall-clock time in the authority's zone (``2026-12-01T17:00``), or null to remove."""

    scores_due_at: str | None


class ScoresheetApiController(Controller):
    path = "/api/v1/scoring/evaluations/{evaluation_id:int}"
    tags = ["scoring"]

    @get("/scoresheet", guards=[EVALUATOR], name="api_scoring_scoresheet")
    async def download(self, request: Request, evaluation_id: FromPath[int]) -> Response[bytes]:
        """Your scoresheet (.xlsx), signed, with your drafts filled in."""
        return _file(await scoresheets.scoresheet(me(request), evaluation_id))

    @post("/scoresheet", guards=[EVALUATOR], name="api_scoring_scoresheet_upload")
    async def upload(self, request: Request, evaluation_id: FromPath[int]) -> ImportSummary:
        """Multipart: ``file`` (the filled sheet), ``submit`` ("true" to make it final).
        All or nothing: 422 with every problem and its cell (``Scores!E7``)."""
        filename, data, values = await _upload(request)
        return await scoresheets.import_scoresheet(
            me(request),
            evaluation_id,
            filename,
            data,
            submit=str(values.get("submit") or "").lower() in ("1", "true", "on", "yes"),
        )

    @get("/consensus/workbook", guards=[READERS], name="api_scoring_consensus_workbook")
    async def consensus_download(
        self, request: Request, evaluation_id: FromPath[int]
    ) -> Response[bytes]:
        return _file(await scoresheets.consensus_workbook(me(request), evaluation_id))

    @post("/consensus/workbook", guards=[OFFICER], name="api_scoring_consensus_upload")
    async def consensus_upload(
        self, request: Request, evaluation_id: FromPath[int]
    ) -> ImportSummary:
        """Multipart ``file``: consensus scores and justifications; both emptied: cleared."""
        filename, data, _ = await _upload(request)
        return await scoresheets.import_consensus(me(request), evaluation_id, filename, data)

    @put("/scores-due", guards=[OFFICER], name="api_scoring_scores_due")
    async def scores_due(
        self, request: Request, evaluation_id: FromPath[int], data: JSONBody[ScoresDueIn]
    ) -> EvaluationView:
        return await service.set_scores_due(me(request), evaluation_id, data.scores_due_at)


CONTROLLERS = [ScoresheetPages, ScoresheetApiController]
