"""An evaluation's status, the quality made final, the price opening, the ranking and its
confirmation, and the notices that follow."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from audit import service as audit
from common import clock
from common.errors import DomainError, NotFound, Problem, ValidationFailed
from common.i18n import N_
from common.identity import Principal, Role
from config.database import raw, transaction
from scoring import access
from scoring.access import (
    as_lead,
    as_reader,
    changed,
    evaluation_view,
    load_tree,
)
from scoring.domain import (
    Phase,
)
from scoring.envelope import PriceOpeningStep, price_opening_step
from scoring.ranking import aggregate, known_aggregation, missing_pairs, rank
from scoring.results import Details, Ranking, build_ranking
from scoring.service.consensus import consensus_texts, open_flags, rank_options, score_lines
from scoring.service.evaluations import EvaluationStatus, subject_rows
from scoring.tables import (
    Assignment,
    Evaluation,
    Notice,
    Subject,
)


async def _status(row: dict[str, Any]) -> EvaluationStatus:
    evaluation_id = row["id"]
    view = evaluation_view(row)
    tree = await load_tree(evaluation_id)
    subjects = await subject_rows(evaluation_id)
    sheets = await Assignment.select(Assignment.id, Assignment.submitted_at).where(
        Assignment.evaluation == evaluation_id
    )
    conflicts = await raw(
        "SELECT COUNT(*) AS n FROM scoring_declaration d JOIN scoring_assignment a "
        "ON a.id = d.assignment WHERE a.evaluation = {} AND d.conflict = {}",
        evaluation_id,
        True,
    )
    aggregates = aggregate(
        tree,
        await access.final_scores(evaluation_id),
        await access.consensus_scores(evaluation_id),
        rank_options(row),
    )
    active = [s["id"] for s in subjects if s["excluded_at"] is None]
    missing = len(missing_pairs(tree, aggregates, active))
    flagged_open = len(open_flags(aggregates, active))
    submitted = sum(1 for s in sheets if s["submitted_at"] is not None)
    unpriced = (
        tuple(s["ref"] for s in subjects if s["excluded_at"] is None and s["price"] is None)
        if tree.price() is not None
        else ()
    )
    blocking: list[Problem] = []
    if view.phase is Phase.CRITERIA:
        blocking.append(Problem(N_("The criteria are not frozen yet")))
    elif view.phase is Phase.SCORING:
        if not sheets:
            blocking.append(Problem(N_("No evaluator is assigned")))
        if submitted < len(sheets):
            blocking.append(
                Problem(
                    N_("{count} of {total} sheets are not submitted"),
                    {"count": len(sheets) - submitted, "total": len(sheets)},
                )
            )
        if missing:
            blocking.append(Problem(N_("{count} scores are missing"), {"count": missing}))
        if flagged_open:
            blocking.append(
                Problem(N_("{count} flagged scores need a consensus"), {"count": flagged_open})
            )
    elif view.phase is Phase.QUALITY_FINAL and view.prices_sealed:
        blocking.append(Problem(N_("The prices are sealed: two different officers open them")))
    elif view.phase is Phase.QUALITY_FINAL and unpriced:
        blocking.append(Problem(N_("{count} subjects have no price"), {"count": len(unpriced)}))
    return EvaluationStatus(
        evaluation_id,
        view.phase,
        view.frozen,
        view.criteria_version,
        view.quality_final,
        view.phase is Phase.COMPLETE,
        len(subjects),
        len(subjects) - len(active),
        len(sheets),
        submitted,
        int(conflicts[0]["n"]),
        missing,
        flagged_open,
        view.prices_sealed,
        unpriced,
        tuple(blocking),
    )


async def status(principal: Principal, evaluation_id: int) -> EvaluationStatus:
    async with transaction():
        return await _status(await as_reader(principal, evaluation_id))


async def finalise_quality(principal: Principal, evaluation_id: int) -> EvaluationStatus:
    """Close the quality evaluation: every sheet submitted, every score there, every flag
    settled. Shows blind names; sealed prices stay sealed until two officers open them
    (:func:`approve_price_opening`)."""
    async with transaction():
        row = await as_lead(principal, evaluation_id)
        if row["quality_final_at"] is not None:
            raise await changed(
                DomainError(N_("Quality is already final")),
                evaluation_id,
                "evaluation.quality_finalised",
            )
        current = await _status(row)
        if current.blocking:
            raise ValidationFailed(
                [Problem(p.message, p.params, "quality") for p in current.blocking]
            )
        await Evaluation.update({Evaluation.quality_final_at: clock.now()}).where(
            Evaluation.id == evaluation_id
        )
        await audit.record(
            principal.as_actor(),
            "evaluation.quality_finalised",
            "evaluation",
            evaluation_id,
            after={"sheets": current.sheets, "version": row["criteria_version"]},
        )
        return await _status(await access.evaluation_row(evaluation_id))


@dataclass(frozen=True)
class PriceOpening:
    opened: bool
    officers: tuple[int, ...]  # who approved, in order
    prices: dict[str, Decimal | None]  # by subject ref, once opened (else empty)


async def approve_price_opening(principal: Principal, evaluation_id: int) -> PriceOpening:
    """One officer's part in opening the sealed prices of a two-envelope evaluation once
    quality is final. The first records their approval; a second, different officer opens:
    the prices become readable everywhere and go on record ("evaluation.prices_opened")."""
    async with transaction():
        row = await as_lead(principal, evaluation_id)
        view = evaluation_view(row)
        try:
            step = price_opening_step(
                two_envelope=view.options.two_envelope,
                quality_final=view.quality_final,
                prices_opened=view.prices_opened_at is not None,
                approved_by=view.price_opening_approved_by,
                officer_id=principal.id,
            )
        except DomainError as refusal:  # opened, or approved by this officer: say by whom
            raise await changed(
                refusal,
                evaluation_id,
                "evaluation.prices_opened",
                "evaluation.price_opening_approved",
            ) from None
        now = clock.now()
        actor = principal.as_actor()
        if step is PriceOpeningStep.APPROVE:
            await Evaluation.update(
                {
                    Evaluation.price_opening_approved_by: principal.id,
                    Evaluation.price_opening_approved_at: now,
                }
            ).where(Evaluation.id == evaluation_id)
            await audit.record(
                actor,
                "evaluation.price_opening_approved",
                "evaluation",
                evaluation_id,
                after={"officer": principal.id},
            )
            return PriceOpening(False, (principal.id,), {})
        officers = (int(row["price_opening_approved_by"]), principal.id)
        await Evaluation.update({Evaluation.prices_opened_at: now}).where(
            Evaluation.id == evaluation_id
        )
        prices = {s["ref"]: s["price"] for s in await subject_rows(evaluation_id)}
        await audit.record(
            actor,
            "evaluation.prices_opened",
            "evaluation",
            evaluation_id,
            after={"officers": list(officers), "prices": prices},
        )
        return PriceOpening(True, officers, prices)


async def _ranking(row: dict[str, Any], explain: Collection[str] | None) -> Ranking:
    evaluation_id = row["id"]
    if row["quality_final_at"] is None:
        raise DomainError(N_("The ranking can be computed once quality is final"))
    if evaluation_view(row).prices_sealed:
        raise DomainError(
            N_("The ranking can be computed once two officers have opened the sealed prices")
        )
    tree = await load_tree(evaluation_id)
    subjects = await access.subject_frame(evaluation_id)
    scores = await access.final_scores(evaluation_id)
    consensus = await access.consensus_scores(evaluation_id)
    names = {
        r["id"]: (r["name"], r["code"])
        for r in await Subject.select(Subject.id, Subject.name, Subject.code).where(
            Subject.evaluation == evaluation_id
        )
    }
    outcome = rank(tree, subjects, scores, consensus, rank_options(row))
    if explain is None:
        explained: set[int] | None = None
    else:
        wanted = set(explain)
        explained = {int(i) for i, ref in subjects["ref"].items() if ref in wanted}
        unknown = wanted - set(subjects["ref"])
        if unknown:
            raise NotFound(N_("No subject {ref} in this evaluation"), ref=sorted(unknown)[0])
    details = Details()
    if explained is None or explained:
        details = Details(
            await score_lines(evaluation_id, tree, explained),
            await consensus_texts(evaluation_id, explained),
        )
    return build_ranking(
        evaluation_id=evaluation_id,
        currency=row["currency"],
        criteria_version=row["criteria_version"],
        seed=row["lottery_seed"],
        tree=tree,
        outcome=outcome,
        names=names,
        aggregation=known_aggregation(row["aggregation"]),
        explain=explained,
        details=details,
        confirmed_at=row["ranking_confirmed_at"],
    )


async def ranking(
    principal: Principal, evaluation_id: int, explain: Collection[str] | None = ()
) -> Ranking:
    """The ranking; ``explain``: subject refs to include every individual score and
    justification for (``None``: all subjects)."""
    async with transaction():
        return await _ranking(await as_reader(principal, evaluation_id), explain)


async def confirm_ranking(principal: Principal, evaluation_id: int) -> Ranking:
    async with transaction():
        row = await as_lead(principal, evaluation_id)
        if row["ranking_confirmed_at"] is not None:
            raise await changed(
                DomainError(N_("The ranking is already confirmed")),
                evaluation_id,
                "ranking.confirmed",
            )
        result = await _ranking(row, ())
        await Evaluation.update({Evaluation.ranking_confirmed_at: clock.now()}).where(
            Evaluation.id == evaluation_id
        )
        await audit.record(
            principal.as_actor(),
            "ranking.confirmed",
            "evaluation",
            evaluation_id,
            after=result.audit_view(),
        )
        return await _ranking(await access.evaluation_row(evaluation_id), ())


@dataclass(frozen=True)
class NoticeView:
    id: int
    evaluation_id: int
    evaluation: str
    kind: str
    subject: str
    evaluator: str
    note: str
    created_at: datetime
    sent_at: datetime | None


async def notices(
    principal: Principal, evaluation_id: int | None = None, limit: int = 20
) -> list[NoticeView]:
    """Conflicts of interest declared, newest first, for the evaluations' lead officers."""
    if principal.role is not Role.OFFICER and not principal.is_admin:
        return []
    query = (
        Notice.select(
            *Notice.all_columns(),
            Notice.evaluation.title.as_alias("evaluation_title"),
            Notice.evaluation.authority.as_alias("authority"),
            Notice.subject.name.as_alias("subject_name"),
            Notice.evaluator.name.as_alias("evaluator_name"),
        )
        .order_by(Notice.id, ascending=False)
        .limit(limit)
    )
    if evaluation_id is not None:
        query = query.where(Notice.evaluation == evaluation_id)
    if not principal.is_admin:
        if not principal.authority_ids:
            return []
        query = query.where(Notice.evaluation.authority.is_in(sorted(principal.authority_ids)))
    return [
        NoticeView(
            r["id"],
            r["evaluation"],
            r["evaluation_title"],
            r["kind"],
            r["subject_name"] or "",
            r["evaluator_name"] or "",
            r["note"],
            r["created_at"],
            r["sent_at"],
        )
        for r in await query
    ]
