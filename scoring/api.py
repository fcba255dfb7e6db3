"""The scoring engine's JSON API under /api/v1/scoring: the same use cases as the pages.

Messages inside results (knock-out reasons, explanations of points, what blocks the next step)
come as ``{"message", "params", "location"}`` with the message in the caller's language and the
raw parameters beside it.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, fields, is_dataclass, replace
from decimal import Decimal
from typing import Any

from litestar import Controller, Request, delete, get, post, put
from litestar.params import FromPath, FromQuery, JSONBody
from litestar.status_codes import HTTP_200_OK, HTTP_201_CREATED, HTTP_204_NO_CONTENT

from common.errors import Problem
from scoring import service, sheets
from scoring.access import EvaluationView
from scoring.controllers import EVALUATOR, READERS
from scoring.criteria import Criterion
from scoring.results import RankingOut
from scoring.service import (
    AssignmentView,
    EvaluationSpec,
    EvaluationStatus,
    Matrix,
    NoticeView,
    SettingsSpec,
    SubjectScores,
    SubjectView,
)
from scoring.sheets import DeclarationRow, SheetView, SubjectSheet
from web.guards import ANY_ROLE, OFFICER, me
from web.i18n import gettext

BASE = "/api/v1/scoring/evaluations/{evaluation_id:int}"


def localise(value: Any) -> Any:
    """The same structure with every Problem's message in the caller's language."""
    if isinstance(value, Problem):
        return Problem(value.text(gettext), dict(value.params), value.location)
    if is_dataclass(value) and not isinstance(value, type):
        changed = {f.name: localise(getattr(value, f.name)) for f in fields(value) if f.init}
        return replace(value, **changed)
    if isinstance(value, tuple):
        return tuple(localise(item) for item in value)
    if isinstance(value, list):
        return [localise(item) for item in value]
    return value


@dataclass
class LevelIn:
    value: Decimal
    label: str


@dataclass
class CriterionIn:
    """A criterion with its sub-criteria. Scale: ``scale_type`` "range" (minimum, maximum,
    step) or "levels"; price: ``formula`` and, for linear_fixed, ``low`` and ``high``."""

    name: str
    kind: str
    weight: Decimal | None = None
    description: str = ""
    minimum: Decimal | None = None
    scale_type: str = "range"
    scale_min: Decimal | None = None
    scale_max: Decimal | None = None
    scale_step: Decimal | None = None
    levels: list[LevelIn] = field(default_factory=list)
    formula: str | None = None
    low: Decimal | None = None
    high: Decimal | None = None
    children: list[CriterionIn] = field(default_factory=list)


@dataclass
class SubjectIn:
    ref: str
    name: str
    code: str | None = None


@dataclass
class ExclusionIn:
    ref: str
    reason: str


@dataclass
class ReasonIn:
    reason: str


@dataclass
class AssignmentIn:
    """``subject_ids`` / ``criterion_ids`` null: all subjects / all scored criteria."""

    evaluator_id: int
    subject_ids: list[int] | None = None
    criterion_ids: list[int] | None = None


@dataclass
class DeclarationIn:
    subject_id: int
    answer: str  # "none" or "conflict"
    note: str = ""


@dataclass
class ScoreIn:
    criterion_id: int
    value: str | None
    justification: str = ""


@dataclass
class ConsensusIn:
    subject_id: int
    criterion_id: int
    value: str
    justification: str


class ScoringApiController(Controller):
    path = "/api/v1/scoring"
    tags = ["scoring"]

    @get("/evaluations", guards=[ANY_ROLE], name="api_scoring_evaluations")
    async def evaluations(
        self, request: Request, owner_ref: FromQuery[str | None] = None
    ) -> list[EvaluationView]:
        """Your authorities' evaluations (evaluators: theirs); ``owner_ref`` filters by owner
        reference prefix, e.g. ``tender:12/``."""
        if owner_ref:
            return await service.evaluations_of(me(request), owner_ref, prefix=True)
        return await service.list_evaluations(me(request))

    @post("/evaluations", guards=[OFFICER], status_code=HTTP_201_CREATED, name="api_scoring_create")
    async def create(self, request: Request, data: JSONBody[EvaluationSpec]) -> EvaluationView:
        return await service.create_evaluation(me(request), data)

    @get("/evaluations/{evaluation_id:int}", guards=[ANY_ROLE], name="api_scoring_evaluation")
    async def evaluation(self, request: Request, evaluation_id: FromPath[int]) -> EvaluationView:
        return await service.get_evaluation(me(request), evaluation_id)

    @put("/evaluations/{evaluation_id:int}/settings", guards=[OFFICER], name="api_scoring_settings")
    async def settings(
        self, request: Request, evaluation_id: FromPath[int], data: JSONBody[SettingsSpec]
    ) -> EvaluationView:
        return await service.update_settings(me(request), evaluation_id, data)

    @get("/evaluations/{evaluation_id:int}/status", guards=[READERS], name="api_scoring_status")
    async def status(self, request: Request, evaluation_id: FromPath[int]) -> EvaluationStatus:
        return localise(await service.status(me(request), evaluation_id))

    @get("/notices", guards=[ANY_ROLE], name="api_scoring_notices")
    async def notices(self, request: Request) -> list[NoticeView]:
        """Conflicts of interest declared in your authorities' evaluations (officers)."""
        return await service.notices(me(request), limit=200)


class CriteriaApiController(Controller):
    path = BASE
    tags = ["scoring"]

    @get("/criteria", guards=[READERS], name="api_scoring_criteria")
    async def criteria(self, request: Request, evaluation_id: FromPath[int]) -> list[Criterion]:
        return (await service.criteria(me(request), evaluation_id)).ordered()

    @put("/criteria", guards=[OFFICER], name="api_scoring_criteria_replace")
    async def replace(
        self, request: Request, evaluation_id: FromPath[int], data: JSONBody[list[CriterionIn]]
    ) -> list[Criterion]:
        """The whole tree at once; refused (422, every problem with its place) unless the
        weights add up and every criterion is complete."""
        return await service.replace_criteria(
            me(request), evaluation_id, [asdict(item) for item in data]
        )

    @post("/criteria/freeze", guards=[OFFICER], name="api_scoring_freeze")
    async def freeze(self, request: Request, evaluation_id: FromPath[int]) -> EvaluationView:
        return await service.freeze_criteria(me(request), evaluation_id)

    @post("/criteria/reopen", guards=[OFFICER], name="api_scoring_reopen")
    async def reopen(
        self, request: Request, evaluation_id: FromPath[int], data: JSONBody[ReasonIn]
    ) -> EvaluationView:
        return await service.reopen_criteria(me(request), evaluation_id, data.reason)

    @get("/subjects", guards=[READERS], name="api_scoring_subjects")
    async def subjects(self, request: Request, evaluation_id: FromPath[int]) -> list[SubjectView]:
        """Prices read null while sealed (two envelopes: until quality is final and two officers
        have opened them)."""
        return await service.list_subjects(me(request), evaluation_id)

    @put("/subjects", guards=[OFFICER], name="api_scoring_subjects_register")
    async def register(
        self, request: Request, evaluation_id: FromPath[int], data: JSONBody[list[SubjectIn]]
    ) -> list[SubjectView]:
        return await service.register_subjects(
            me(request), evaluation_id, [asdict(item) for item in data]
        )

    @put("/prices", guards=[OFFICER], status_code=HTTP_204_NO_CONTENT, name="api_scoring_prices")
    async def prices(
        self,
        request: Request,
        evaluation_id: FromPath[int],
        data: JSONBody[dict[str, Decimal | None]],
    ) -> None:
        """``{"bid:45": 125000.00, ...}``; null removes a price."""
        await service.set_prices(me(request), evaluation_id, data)

    @post(
        "/exclusions", guards=[OFFICER], status_code=HTTP_204_NO_CONTENT, name="api_scoring_exclude"
    )
    async def exclude(
        self, request: Request, evaluation_id: FromPath[int], data: JSONBody[ExclusionIn]
    ) -> None:
        await service.exclude_subject(me(request), evaluation_id, data.ref, data.reason)


class AssignmentsApiController(Controller):
    path = BASE
    tags = ["scoring"]

    @get("/assignments", guards=[READERS], name="api_scoring_assignments")
    async def assignments(
        self, request: Request, evaluation_id: FromPath[int]
    ) -> list[AssignmentView]:
        return await service.assignments(me(request), evaluation_id)

    @put("/assignments", guards=[OFFICER], name="api_scoring_assign")
    async def assign(
        self, request: Request, evaluation_id: FromPath[int], data: JSONBody[AssignmentIn]
    ) -> list[AssignmentView]:
        await service.assign(
            me(request), evaluation_id, data.evaluator_id, data.subject_ids, data.criterion_ids
        )
        return await service.assignments(me(request), evaluation_id)

    @delete("/assignments/{assignment_id:int}", guards=[OFFICER], name="api_scoring_unassign")
    async def unassign(
        self, request: Request, evaluation_id: FromPath[int], assignment_id: FromPath[int]
    ) -> None:
        await service.unassign(me(request), evaluation_id, assignment_id)

    @post(
        "/assignments/{assignment_id:int}/reopen",
        guards=[OFFICER],
        status_code=HTTP_204_NO_CONTENT,
        name="api_scoring_sheet_reopen",
    )
    async def reopen(
        self,
        request: Request,
        evaluation_id: FromPath[int],
        assignment_id: FromPath[int],
        data: JSONBody[ReasonIn],
    ) -> None:
        await service.reopen_sheet(me(request), evaluation_id, assignment_id, data.reason)


class SheetApiController(Controller):
    """The signed-in evaluator's own sheet."""

    path = BASE
    tags = ["scoring"]
    guards = [EVALUATOR]

    @get("/declarations", name="api_scoring_declarations")
    async def declarations(
        self, request: Request, evaluation_id: FromPath[int]
    ) -> list[DeclarationRow]:
        return (await sheets.declarations(me(request), evaluation_id))[1]

    @put("/declarations", name="api_scoring_declare")
    async def declare(
        self, request: Request, evaluation_id: FromPath[int], data: JSONBody[list[DeclarationIn]]
    ) -> list[DeclarationRow]:
        await sheets.declare(
            me(request),
            evaluation_id,
            {item.subject_id: (item.answer, item.note) for item in data},
        )
        return (await sheets.declarations(me(request), evaluation_id))[1]

    @get("/sheet", name="api_scoring_sheet")
    async def sheet(self, request: Request, evaluation_id: FromPath[int]) -> SheetView:
        return await sheets.sheet(me(request), evaluation_id)

    @get("/sheet/{code:str}", name="api_scoring_sheet_subject")
    async def subject(
        self, request: Request, evaluation_id: FromPath[int], code: FromPath[str]
    ) -> SubjectSheet:
        return await sheets.subject_sheet(me(request), evaluation_id, code)

    @put("/sheet/{code:str}", name="api_scoring_scores")
    async def scores(
        self,
        request: Request,
        evaluation_id: FromPath[int],
        code: FromPath[str],
        data: JSONBody[list[ScoreIn]],
    ) -> SubjectSheet:
        """Draft scores of one subject; checked against the scale, justification optional
        until the sheet is submitted."""
        return await sheets.save_scores(
            me(request),
            evaluation_id,
            code,
            {item.criterion_id: (item.value, item.justification) for item in data},
        )

    @post("/submit", status_code=HTTP_204_NO_CONTENT, name="api_scoring_submit")
    async def submit(self, request: Request, evaluation_id: FromPath[int]) -> None:
        await sheets.submit_sheet(me(request), evaluation_id)


class ConsensusApiController(Controller):
    path = BASE
    tags = ["scoring"]

    @get("/consensus", guards=[READERS], name="api_scoring_consensus")
    async def matrix(self, request: Request, evaluation_id: FromPath[int]) -> Matrix:
        """Subjects × criteria: individual final scores summed up, spread, flags, consensus."""
        return await service.consensus_matrix(me(request), evaluation_id)

    @get("/consensus/{subject_id:int}", guards=[READERS], name="api_scoring_subject_scores")
    async def subject(
        self, request: Request, evaluation_id: FromPath[int], subject_id: FromPath[int]
    ) -> SubjectScores:
        return await service.subject_scores(me(request), evaluation_id, subject_id)

    @put(
        "/consensus",
        guards=[OFFICER],
        status_code=HTTP_204_NO_CONTENT,
        name="api_scoring_consensus_record",
    )
    async def record(
        self, request: Request, evaluation_id: FromPath[int], data: JSONBody[ConsensusIn]
    ) -> None:
        await service.record_consensus(
            me(request),
            evaluation_id,
            data.subject_id,
            data.criterion_id,
            data.value,
            data.justification,
        )

    @delete(
        "/consensus/{subject_id:int}/{criterion_id:int}",
        guards=[OFFICER],
        name="api_scoring_consensus_clear",
    )
    async def clear(
        self,
        request: Request,
        evaluation_id: FromPath[int],
        subject_id: FromPath[int],
        criterion_id: FromPath[int],
    ) -> None:
        await service.clear_consensus(me(request), evaluation_id, subject_id, criterion_id)

    @post("/quality/finalise", guards=[OFFICER], name="api_scoring_finalise")
    async def finalise(self, request: Request, evaluation_id: FromPath[int]) -> EvaluationStatus:
        return localise(await service.finalise_quality(me(request), evaluation_id))

    @post(
        "/quality/price-opening",
        guards=[OFFICER],
        status_code=HTTP_200_OK,
        name="api_scoring_price_opening",
    )
    async def price_opening(
        self, request: Request, evaluation_id: FromPath[int]
    ) -> EvaluationStatus:
        """Two envelopes, quality final: one officer's part in opening the sealed prices (four
        eyes). The first call records the approval (``prices_sealed`` stays true); a second,
        different officer's call opens the prices. 409 when it cannot be done now."""
        await service.approve_price_opening(me(request), evaluation_id)
        return localise(await service.status(me(request), evaluation_id))

    @get("/ranking", guards=[READERS], name="api_scoring_ranking")
    async def ranking(
        self,
        request: Request,
        evaluation_id: FromPath[int],
        explain: FromQuery[list[str] | None] = None,
        explain_all: FromQuery[bool] = False,
        breakdown: FromQuery[bool] = True,
    ) -> RankingOut:
        """The ranking once quality is final (and, with two envelopes, the prices are opened;
        409 before). ``explain`` (repeatable): subject refs to include
        every individual score and justification for; ``explain_all=true``: all subjects;
        ``breakdown=false``: leave out the per-criterion results (large rounds)."""
        wanted = None if explain_all else (explain or [])
        found = await service.ranking(me(request), evaluation_id, explain=wanted)
        return localise(found.materialised(breakdown))

    @post("/ranking/confirm", guards=[OFFICER], name="api_scoring_ranking_confirm")
    async def confirm(self, request: Request, evaluation_id: FromPath[int]) -> RankingOut:
        return localise((await service.confirm_ranking(me(request), evaluation_id)).materialised())


CONTROLLERS = [
    ScoringApiController,
    CriteriaApiController,
    AssignmentsApiController,
    SheetApiController,
    ConsensusApiController,
]
