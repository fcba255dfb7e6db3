"""Scoring pages of an evaluation: overview, criteria, assignments, consensus, ranking.

Officers of the evaluation's authority change things; administrators and finance read. The
evaluator's own pages (declarations, the sheet in the browser) are
:mod:`scoring.evaluator_pages`, the Excel scoresheets :mod:`scoring.scoresheet_controllers`.
Every form works without JavaScript.
"""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, get, post
from litestar.params import FromPath
from litestar.response import Redirect, Template

from common.errors import NotFound, Problem, ValidationFailed
from common.i18n import N_
from common.identity import Principal, Role
from common.localtime import utc_to_local
from scoring import service
from scoring.access import EvaluationView, links
from scoring.criteria import FORMULA_LABELS, KIND_LABELS, Kind, plain, points_total
from scoring.domain import PHASE_LABELS
from scoring.ranking import AGGREGATIONS
from web.forms import done, field_errors, read_form, require_confirmation
from web.guards import ANY_ROLE, OFFICER, me, requires_role
from web.i18n import gettext, translate_problem
from web.pagination import paginate

READERS = requires_role(Role.OFFICER, Role.ADMIN, Role.FINANCE)
EVALUATOR = requires_role(Role.EVALUATOR)
PER_PAGE = 50


def _leads(principal: Principal, evaluation: EvaluationView) -> bool:
    return principal.role is Role.OFFICER and principal.can_see_authority(evaluation.authority_id)


def _choices() -> dict[str, Any]:
    return {
        "kinds": [(k.value, gettext(label)) for k, label in KIND_LABELS.items()],
        "formulas": [(f.value, gettext(label)) for f, label in FORMULA_LABELS.items()],
        "aggregations": [
            (a, gettext({"mean": N_("Mean"), "median": N_("Median")}[a])) for a in AGGREGATIONS
        ],
        "phase_labels": PHASE_LABELS,
        "kind_labels": KIND_LABELS,
        "formula_labels": FORMULA_LABELS,
        "plain": plain,
    }


def _scale_text(criterion: Any) -> str:
    scale = criterion.effective_scale
    if scale is None:
        return ""
    if criterion.kind is Kind.PASS_FAIL:
        return gettext("Pass (1) or fail (0)")
    if scale.has_levels:
        return ", ".join(f"{plain(lv.value)} = {lv.label}" for lv in scale.levels)
    return gettext("A number from {minimum} to {maximum} in steps of {step}").format(
        minimum=plain(scale.minimum), maximum=plain(scale.maximum), step=plain(scale.step)
    )


def _page(
    template: str,
    principal: Principal,
    evaluation: EvaluationView,
    tab: str,
    status: int = 200,
    **context: Any,
) -> Template:
    return Template(
        template,
        status_code=status,
        context={
            "evaluation": evaluation,
            "tab": tab,
            "leads": _leads(principal, evaluation),
            "scale_text": _scale_text,
            **_choices(),
            **context,
        },
    )


class EvaluationPages(Controller):
    """The evaluation as its officers, finance staff and administrators see it."""

    path = "/scoring"
    include_in_schema = False

    @get("", guards=[ANY_ROLE], name="scoring")
    async def index(self, request: Request) -> Template:
        principal = me(request)
        return Template(
            "scoring/index.html",
            context={
                "evaluations": await service.list_evaluations(principal),
                "evaluator": principal.role is Role.EVALUATOR,
                **_choices(),
            },
        )

    async def _overview(
        self,
        request: Request,
        evaluation_id: int,
        errors: dict[str, list[str]] | None = None,
        values: Any = None,
        status: int = 200,
    ) -> Template:
        principal = me(request)
        evaluation = await service.get_evaluation(principal, evaluation_id)
        current = await service.status(principal, evaluation_id)
        zone = await service.zone_of(evaluation.authority_id)
        due = evaluation.scores_due_at
        return _page(
            "scoring/overview.html",
            principal,
            evaluation,
            "overview",
            status,
            zone=zone,
            due_local=utc_to_local(due, zone).strftime("%Y-%m-%dT%H:%M") if due else "",
            status_=current,
            subjects=await service.list_subjects(principal, evaluation_id),
            notices=await service.notices(principal, evaluation_id),
            errors=errors or {},
            values=values or {"title": evaluation.title, **evaluation.options.as_dict()},
            blocking=[translate_problem(p) for p in current.blocking],
        )

    @get("/evaluations/{evaluation_id:int}", guards=[READERS], name="scoring_overview")
    async def overview(self, request: Request, evaluation_id: FromPath[int]) -> Template:
        return await self._overview(request, evaluation_id)

    @post("/evaluations/{evaluation_id:int}/settings", guards=[OFFICER], name="scoring_settings")
    async def settings(self, request: Request, evaluation_id: FromPath[int]) -> Template | Redirect:
        values = await read_form(request)
        try:
            await service.update_settings(me(request), evaluation_id, values)
        except ValidationFailed as exc:
            return await self._overview(request, evaluation_id, field_errors(exc), values, 422)
        return done(request, N_("The settings have been saved."), links(evaluation_id).overview)

    @post("/evaluations/{evaluation_id:int}/freeze", guards=[OFFICER], name="scoring_freeze")
    async def freeze(self, request: Request, evaluation_id: FromPath[int]) -> Redirect:
        await service.freeze_criteria(me(request), evaluation_id)
        return done(
            request, N_("The criteria are frozen; scoring is open."), links(evaluation_id).overview
        )

    @post("/evaluations/{evaluation_id:int}/reopen", guards=[OFFICER], name="scoring_reopen")
    async def reopen(self, request: Request, evaluation_id: FromPath[int]) -> Redirect:
        form = await read_form(request)
        await service.reopen_criteria(me(request), evaluation_id, form.get("reason", ""))
        return done(
            request, N_("The criteria are open for changes again."), links(evaluation_id).criteria
        )

    @post("/evaluations/{evaluation_id:int}/finalise", guards=[OFFICER], name="scoring_finalise")
    async def finalise(self, request: Request, evaluation_id: FromPath[int]) -> Redirect:
        require_confirmation(await read_form(request))
        await service.finalise_quality(me(request), evaluation_id)
        return done(request, N_("Quality is final."), links(evaluation_id).overview)

    @post(
        "/evaluations/{evaluation_id:int}/price-opening",
        guards=[OFFICER],
        name="scoring_price_opening",
    )
    async def price_opening(self, request: Request, evaluation_id: FromPath[int]) -> Redirect:
        opening = await service.approve_price_opening(me(request), evaluation_id)
        return done(
            request,
            N_("The prices are open.")
            if opening.opened
            else N_("Your approval is recorded; a second, different officer opens the prices."),
            links(evaluation_id).overview,
        )

    # --- criteria ---------------------------------------------------------------------------

    async def _criteria(
        self,
        request: Request,
        evaluation_id: int,
        errors: dict[str, list[str]] | None = None,
        values: dict[str, Any] | None = None,
        status: int = 200,
    ) -> Template:
        principal = me(request)
        evaluation = await service.get_evaluation(principal, evaluation_id)
        tree = await service.criteria(principal, evaluation_id)
        return _page(
            "scoring/criteria.html",
            principal,
            evaluation,
            "criteria",
            status,
            tree=tree,
            rows=tree.ordered(),
            given_total=points_total(tree),
            errors=errors or {},
            values=values
            or {
                "kind": "quality",
                "scale_type": "range",
                "scale_min": "0",
                "scale_max": "10",
                "scale_step": "1",
            },
            parents=[
                (c.id, c.name)
                for c in tree.children.get(None, [])
                if c.kind in (Kind.QUALITY, Kind.VALUE)
            ],
        )

    @get("/evaluations/{evaluation_id:int}/criteria", guards=[READERS], name="scoring_criteria")
    async def criteria(self, request: Request, evaluation_id: FromPath[int]) -> Template:
        return await self._criteria(request, evaluation_id)

    @post(
        "/evaluations/{evaluation_id:int}/criteria", guards=[OFFICER], name="scoring_criterion_add"
    )
    async def add_criterion(
        self, request: Request, evaluation_id: FromPath[int]
    ) -> Template | Redirect:
        values = await read_form(request)
        try:
            await service.add_criterion(me(request), evaluation_id, values)
        except ValidationFailed as exc:
            return await self._criteria(request, evaluation_id, field_errors(exc), values, 422)
        return done(
            request,
            N_("{name} has been added."),
            links(evaluation_id).criteria,
            name=values.get("name", ""),
        )

    async def _criterion_form(
        self,
        request: Request,
        evaluation_id: int,
        criterion_id: int,
        values: dict[str, Any] | None = None,
        errors: dict[str, list[str]] | None = None,
        status: int = 200,
    ) -> Template:
        principal = me(request)
        evaluation = await service.get_evaluation(principal, evaluation_id)
        tree = await service.criteria(principal, evaluation_id)
        criterion = tree.by_id.get(criterion_id)
        if criterion is None:
            raise NotFound(N_("Criterion {id} does not exist"), id=criterion_id)
        if values is None:
            values = criterion_values(criterion)
        return _page(
            "scoring/criterion_form.html",
            principal,
            evaluation,
            "criteria",
            status,
            criterion=criterion,
            values=values,
            errors=errors or {},
            parents=[
                (c.id, c.name)
                for c in tree.children.get(None, [])
                if c.kind in (Kind.QUALITY, Kind.VALUE) and c.id != criterion_id
            ],
        )

    @get(
        "/evaluations/{evaluation_id:int}/criteria/{criterion_id:int}",
        guards=[OFFICER],
        name="scoring_criterion",
    )
    async def criterion(
        self, request: Request, evaluation_id: FromPath[int], criterion_id: FromPath[int]
    ) -> Template:
        return await self._criterion_form(request, evaluation_id, criterion_id)

    @post(
        "/evaluations/{evaluation_id:int}/criteria/{criterion_id:int}",
        guards=[OFFICER],
        name="scoring_criterion_update",
    )
    async def update_criterion(
        self, request: Request, evaluation_id: FromPath[int], criterion_id: FromPath[int]
    ) -> Template | Redirect:
        values = await read_form(request)
        try:
            await service.update_criterion(me(request), evaluation_id, criterion_id, values)
        except ValidationFailed as exc:
            return await self._criterion_form(
                request, evaluation_id, criterion_id, values, field_errors(exc), 422
            )
        return done(
            request,
            N_("{name} has been saved."),
            links(evaluation_id).criteria,
            name=values.get("name", ""),
        )

    @post(
        "/evaluations/{evaluation_id:int}/criteria/{criterion_id:int}/delete",
        guards=[OFFICER],
        name="scoring_criterion_delete",
    )
    async def delete_criterion(
        self, request: Request, evaluation_id: FromPath[int], criterion_id: FromPath[int]
    ) -> Redirect:
        await service.delete_criterion(me(request), evaluation_id, criterion_id)
        return done(request, N_("The criterion has been removed."), links(evaluation_id).criteria)

    # --- assignments ------------------------------------------------------------------------

    async def _assignments(
        self,
        request: Request,
        evaluation_id: int,
        errors: dict[str, list[str]] | None = None,
        values: dict[str, Any] | None = None,
        status: int = 200,
    ) -> Template:
        principal = me(request)
        evaluation = await service.get_evaluation(principal, evaluation_id)
        subjects = await service.list_subjects(principal, evaluation_id)
        tree = await service.criteria(principal, evaluation_id)
        return _page(
            "scoring/assignments.html",
            principal,
            evaluation,
            "assignments",
            status,
            assignments=await service.assignments(principal, evaluation_id),
            evaluators=[
                (e["id"], f"{e['name']} ({e['email']})") for e in await service.evaluator_choices()
            ],
            subjects=subjects,
            subject_names={s.id: s.name for s in subjects},
            criteria=tree.scored(),
            criterion_names={c.id: c.name for c in tree.criteria},
            errors=errors or {},
            values=values or {"subject_ids": [], "criterion_ids": []},
        )

    @get(
        "/evaluations/{evaluation_id:int}/assignments", guards=[READERS], name="scoring_assignments"
    )
    async def assignments(self, request: Request, evaluation_id: FromPath[int]) -> Template:
        return await self._assignments(request, evaluation_id)

    @post("/evaluations/{evaluation_id:int}/assignments", guards=[OFFICER], name="scoring_assign")
    async def assign(self, request: Request, evaluation_id: FromPath[int]) -> Template | Redirect:
        values = await read_form(request, lists=("subject_ids", "criterion_ids"))
        try:
            evaluator_id = _int(
                values.get("evaluator_id"), "evaluator_id", N_("Choose an evaluator")
            )
            subject_ids = (
                _ints(values["subject_ids"], "subject_ids")
                if values.get("subjects") == "some"
                else None
            )
            criterion_ids = (
                _ints(values["criterion_ids"], "criterion_ids")
                if values.get("criteria") == "some"
                else None
            )
            await service.assign(
                me(request), evaluation_id, evaluator_id, subject_ids, criterion_ids
            )
        except ValidationFailed as exc:
            return await self._assignments(request, evaluation_id, field_errors(exc), values, 422)
        return done(request, N_("The assignment has been saved."), links(evaluation_id).assignments)

    @post(
        "/evaluations/{evaluation_id:int}/assignments/{assignment_id:int}/delete",
        guards=[OFFICER],
        name="scoring_unassign",
    )
    async def unassign(
        self, request: Request, evaluation_id: FromPath[int], assignment_id: FromPath[int]
    ) -> Redirect:
        await service.unassign(me(request), evaluation_id, assignment_id)
        return done(
            request,
            N_("The evaluator has been taken off this evaluation."),
            links(evaluation_id).assignments,
        )

    @post(
        "/evaluations/{evaluation_id:int}/assignments/{assignment_id:int}/reopen",
        guards=[OFFICER],
        name="scoring_sheet_reopen",
    )
    async def reopen_sheet(
        self, request: Request, evaluation_id: FromPath[int], assignment_id: FromPath[int]
    ) -> Redirect:
        form = await read_form(request)
        await service.reopen_sheet(
            me(request), evaluation_id, assignment_id, form.get("reason", "")
        )
        return done(
            request, N_("The sheet is open for changes again."), links(evaluation_id).assignments
        )

    # --- consensus --------------------------------------------------------------------------

    @get("/evaluations/{evaluation_id:int}/consensus", guards=[READERS], name="scoring_consensus")
    async def consensus(self, request: Request, evaluation_id: FromPath[int]) -> Template:
        principal = me(request)
        matrix = await service.consensus_matrix(principal, evaluation_id)
        flagged_only = request.query_params.get("flagged") == "1"
        rows = [
            r
            for r in matrix.rows
            if not flagged_only or any(c.flagged and c.consensus is None for c in r.cells.values())
        ]
        pages = paginate(request.url.path, dict(request.query_params), len(rows), PER_PAGE)
        return _page(
            "scoring/consensus.html",
            principal,
            matrix.evaluation,
            "consensus",
            matrix=matrix,
            rows=rows[pages.offset : pages.offset + PER_PAGE],
            pages=pages,
            flagged_only=flagged_only,
        )

    async def _subject_scores(
        self,
        request: Request,
        evaluation_id: int,
        subject_id: int,
        errors: dict[str, list[str]] | None = None,
        values: dict[str, Any] | None = None,
        status: int = 200,
    ) -> Template:
        principal = me(request)
        found = await service.subject_scores(principal, evaluation_id, subject_id)
        return _page(
            "scoring/consensus_subject.html",
            principal,
            found.evaluation,
            "consensus",
            status,
            subject=found,
            errors=errors or {},
            values=values or {},
        )

    @get(
        "/evaluations/{evaluation_id:int}/consensus/{subject_id:int}",
        guards=[READERS],
        name="scoring_consensus_subject",
    )
    async def subject_scores(
        self, request: Request, evaluation_id: FromPath[int], subject_id: FromPath[int]
    ) -> Template:
        return await self._subject_scores(request, evaluation_id, subject_id)

    @post(
        "/evaluations/{evaluation_id:int}/consensus/{subject_id:int}/{criterion_id:int}",
        guards=[OFFICER],
        name="scoring_consensus_record",
    )
    async def record_consensus(
        self,
        request: Request,
        evaluation_id: FromPath[int],
        subject_id: FromPath[int],
        criterion_id: FromPath[int],
    ) -> Template | Redirect:
        values = await read_form(request)
        target = f"{links(evaluation_id).consensus}/{subject_id}"
        if values.get("action") == "clear":
            await service.clear_consensus(me(request), evaluation_id, subject_id, criterion_id)
            return done(request, N_("The consensus score has been removed."), target)
        try:
            await service.record_consensus(
                me(request),
                evaluation_id,
                subject_id,
                criterion_id,
                values.get(f"value-{criterion_id}"),
                values.get(f"justification-{criterion_id}"),
            )
        except ValidationFailed as exc:
            errors = {
                f"{key}-{criterion_id}": messages for key, messages in field_errors(exc).items()
            }
            return await self._subject_scores(
                request, evaluation_id, subject_id, errors, values, 422
            )
        return done(request, N_("The consensus score has been recorded."), target)

    # --- ranking ----------------------------------------------------------------------------

    @get("/evaluations/{evaluation_id:int}/ranking", guards=[READERS], name="scoring_ranking")
    async def ranking(self, request: Request, evaluation_id: FromPath[int]) -> Template:
        principal = me(request)
        evaluation = await service.get_evaluation(principal, evaluation_id)
        result = None
        if evaluation.quality_final:
            result = await service.ranking(principal, evaluation_id)
        subjects = list(result.subjects) if result else []
        pages = paginate(request.url.path, dict(request.query_params), len(subjects), PER_PAGE)
        tree = await service.criteria(principal, evaluation_id)
        return _page(
            "scoring/ranking.html",
            principal,
            evaluation,
            "ranking",
            result=result,
            rows=subjects[pages.offset : pages.offset + PER_PAGE],
            pages=pages,
            top=tree.children.get(None, []),
            subject_ids={
                s.ref: s.id for s in await service.list_subjects(principal, evaluation_id)
            },
        )

    @get(
        "/evaluations/{evaluation_id:int}/ranking/{subject_id:int}",
        guards=[READERS],
        name="scoring_ranking_subject",
    )
    async def explanation(
        self, request: Request, evaluation_id: FromPath[int], subject_id: FromPath[int]
    ) -> Template:
        principal = me(request)
        evaluation = await service.get_evaluation(principal, evaluation_id)
        subjects = {s.id: s for s in await service.list_subjects(principal, evaluation_id)}
        if subject_id not in subjects:
            raise NotFound(N_("Subject {id} does not exist"), id=subject_id)
        ref = subjects[subject_id].ref
        result = await service.ranking(principal, evaluation_id, explain=[ref])
        return _page(
            "scoring/ranking_subject.html",
            principal,
            evaluation,
            "ranking",
            result=result,
            subject=result.subject(ref),
        )

    @post(
        "/evaluations/{evaluation_id:int}/ranking/confirm",
        guards=[OFFICER],
        name="scoring_ranking_confirm",
    )
    async def confirm(self, request: Request, evaluation_id: FromPath[int]) -> Redirect:
        require_confirmation(await read_form(request))
        await service.confirm_ranking(me(request), evaluation_id)
        return done(request, N_("The ranking has been confirmed."), links(evaluation_id).ranking)


def criterion_values(criterion: Any) -> dict[str, Any]:
    """A stored criterion as the values of its form."""
    scale = criterion.scale
    values: dict[str, Any] = {
        "name": criterion.name,
        "description": criterion.description,
        "kind": criterion.kind.value,
        "weight": plain(criterion.weight),
        "parent_id": criterion.parent_id or "",
        "minimum": plain(criterion.minimum) if criterion.minimum is not None else "",
        "formula": criterion.formula.value if criterion.formula else "",
        "low": plain(criterion.low) if criterion.low is not None else "",
        "high": plain(criterion.high) if criterion.high is not None else "",
        "scale_type": "levels" if scale and scale.has_levels else "range",
        "scale_min": "",
        "scale_max": "",
        "scale_step": "",
        "levels": "",
    }
    if scale and scale.has_levels:
        values["levels"] = "\n".join(f"{plain(lv.value)} = {lv.label}" for lv in scale.levels)
    elif scale:
        values |= {
            "scale_min": plain(scale.minimum),
            "scale_max": plain(scale.maximum),
            "scale_step": plain(scale.step),
        }
    return values


def _int(raw: Any, location: str, message: str) -> int:
    try:
        return int(str(raw))
    except (TypeError, ValueError):
        raise ValidationFailed([Problem(message, {}, location)]) from None


def _ints(raw: list[Any], location: str) -> list[int]:
    return [_int(item, location, N_("Choose from the list")) for item in raw]


CONTROLLERS = [EvaluationPages]
