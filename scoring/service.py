"""The scoring engine's use cases, and the contract tenders and subsidies build on.

The engine scores *subjects* (opaque references such as ``"bid:45"`` or ``"application:7"``) on
a criteria tree, for an *evaluation* (a tender lot, a selection phase, a subsidy round). It
knows nothing about tenders or subsidies. Every change is one transaction with its audit events;
refusals are ``common.errors`` exceptions (``ValidationFailed`` naming each field or row,
``DomainError`` for a rule, ``NotFound`` for what the principal may not know of, ``Forbidden``).

Contract for owning contexts (all take the caller's ``Principal``; plain data in, dataclasses
out):

``create_evaluation(principal, spec) -> EvaluationView``
    ``spec``: :class:`EvaluationSpec` or a mapping with ``title``, ``authority_id``,
    ``currency``, ``owner_ref`` ("tender:12/lot:3"), ``owner_url`` ("/tenders/12/lots/3"),
    options ``blind``, ``two_envelope``, ``aggregation`` ("mean" | "median"), ``spread_limit``
    (percent of a scale's top), ``winners``, ``total_points``, ``min_total_quality``,
    ``lottery_seed`` (generated when empty). The principal must be an officer of the authority;
    its officers lead the evaluation, administrators see all.
``evaluations_of(principal, owner_ref, prefix=False) -> list[EvaluationView]``
    The evaluations an owner created ("tender:12/" with ``prefix=True``: all its lots).
``get_evaluation(principal, evaluation_id) -> EvaluationView``
    ``.links`` (:class:`Links`): the pages to link to: overview, criteria, assignments,
    consensus, ranking; evaluators: declarations, sheet. ``links(evaluation_id)`` gives the same
    without a database round trip.
``replace_criteria(principal, evaluation_id, items) -> list[Criterion]``
    The whole tree as nested mappings (``children``), before scoring starts.
``register_subjects(principal, evaluation_id, subjects) -> list[SubjectView]``
    Add or update by ``ref``: ``name``, ``code`` (blind code; generated when empty).
``set_prices(principal, evaluation_id, {ref: price or None})``
    Prices may come after bid opening; with two envelopes they stay sealed (hidden from
    everyone, also in the audit log) until quality is final and two officers open them.
``approve_price_opening(principal, evaluation_id) -> PriceOpening``
    Two envelopes: the four-eyes opening of the sealed prices once quality is final; the
    first officer approves, a second, different one opens (``scoring.envelope`` is the rule).
``exclude_subject(principal, evaluation_id, ref, reason)``
    A withdrawn bid: kept on record, out of the ranking.
``status(principal, evaluation_id) -> EvaluationStatus``
    Phase, criteria frozen, quality final, complete (ranking confirmed), what blocks the next
    step.
``ranking(principal, evaluation_id, explain=()) -> Ranking``
    Once quality is final: per subject total, rank, knock-out reasons, per-criterion breakdown
    (points, formula, inputs, explanation; with ``explain`` = refs or ``None`` for all: every
    individual score with its justification and the consensus with its justification),
    winners, lottery draws with the seed, rank-reversal report. See ``scoring.results``.
``confirm_ranking(principal, evaluation_id) -> Ranking``
    Puts the ranking, its lottery and reversals on record; the evaluation is then complete.
``can_view_subject(principal, evaluation_id, ref) -> bool``
    For owners serving a subject's documents: evaluators only after declaring no conflict.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import asdict, dataclass, is_dataclass, replace
from datetime import datetime
from decimal import Decimal
from enum import StrEnum
from typing import Any

import pandas as pd

from accounts.domain import Principal, Role
from accounts.tables import User
from audit import service as audit
from audit.domain import changes
from authorities.tables import Authority
from common import clock
from common.errors import DomainError, Forbidden, NotFound, Problem, ValidationFailed
from common.i18n import N_
from config.database import raw, transaction
from scoring import access
from scoring.access import (
    EvaluationView,
    Links,
    as_lead,
    as_reader,
    changed,
    criterion_columns,
    criterion_of,
    evaluation_view,
    load_tree,
    require_not_final,
)
from scoring.criteria import (
    Criterion,
    Tree,
    check_node_alone,
    parse_criterion,
    parse_tree,
    validate_tree,
)
from scoring.domain import (
    Phase,
    check_consensus,
    generate_code,
    validate_evaluation,
    validate_options,
    validate_price,
    validate_reason,
    validate_subjects,
)
from scoring.envelope import PriceOpeningStep, check_envelope_setting, price_opening_step
from scoring.ranking import Options as RankOptions
from scoring.ranking import aggregate, known_aggregation, missing_pairs, rank
from scoring.results import Details, Ranking, ScoreLine, build_ranking, dec
from scoring.tables import (
    Assignment,
    AssignmentCriterion,
    AssignmentSubject,
    Consensus,
    CriterionRow,
    Declaration,
    Evaluation,
    Notice,
    Score,
    Subject,
)

links = access.links
BATCH = 500

__all__ = [
    "EvaluationSpec", "EvaluationStatus", "EvaluationView", "Links", "PriceOpening", "Ranking",
    "Readiness", "SettingsSpec", "SubjectView",
    "approve_price_opening", "can_view_subject", "confirm_ranking", "create_evaluation",
    "criteria_readiness", "evaluations_of", "exclude_subject", "get_evaluation", "links",
    "ranking", "register_subjects", "replace_criteria", "set_prices", "status",
]


@dataclass(frozen=True, kw_only=True)
class SettingsSpec:
    """What the lead officer may change until the criteria are frozen (the title: always)."""

    title: str
    blind: bool = False
    two_envelope: bool = False
    aggregation: str = "mean"
    spread_limit: Decimal | None = None
    winners: int = 1
    total_points: Decimal = Decimal(100)
    min_total_quality: Decimal | None = None


@dataclass(frozen=True, kw_only=True)
class EvaluationSpec(SettingsSpec):
    authority_id: int
    currency: str
    owner_ref: str = ""
    owner_url: str = ""
    lottery_seed: str | None = None


@dataclass(frozen=True)
class SubjectView:
    id: int
    ref: str
    name: str
    code: str
    price: Decimal | None  # None while sealed, or when no price was given
    has_price: bool
    price_sealed: bool
    excluded: bool
    excluded_reason: str


@dataclass(frozen=True)
class EvaluationStatus:
    evaluation_id: int
    phase: Phase
    criteria_frozen: bool
    criteria_version: int
    quality_final: bool
    complete: bool
    subjects: int
    excluded: int
    sheets: int
    sheets_submitted: int
    conflicts: int
    missing_scores: int  # subject × criterion pairs with no final score and no consensus
    flagged_open: int  # pairs flagged for the consensus meeting without a consensus yet
    prices_sealed: bool
    prices_missing: tuple[str, ...]  # refs of subjects in the race without a price
    blocking: tuple[Problem, ...]  # what stops the next step


# --- evaluations ----------------------------------------------------------------------------


def _form_of(spec: Any) -> dict[str, Any]:
    return asdict(spec) if is_dataclass(spec) and not isinstance(spec, type) else dict(spec)


async def create_evaluation(principal: Principal, spec: EvaluationSpec | Mapping[str, Any],
                            ) -> EvaluationView:
    form = _form_of(spec)
    data = validate_evaluation(form)
    try:
        authority_id = int(str(form.get("authority_id")))
    except ValueError:
        raise ValidationFailed([Problem(N_("Choose an authority"), {}, "authority_id")]) from None
    if principal.role is not Role.OFFICER or not principal.can_see_authority(authority_id):
        raise Forbidden(N_("Only procurement officers of the authority can start an "
                           "evaluation for it"))
    async with transaction():
        if not await Authority.exists().where(Authority.id == authority_id):
            raise ValidationFailed([Problem(N_("Authority {id} does not exist"),
                                            {"id": authority_id}, "authority_id")])
        options = data.options
        row = Evaluation(
            title=data.title, authority=authority_id, currency=data.currency,
            owner_ref=data.owner_ref, owner_url=data.owner_url, blind=options.blind,
            two_envelope=options.two_envelope, aggregation=options.aggregation,
            spread_limit=options.spread_limit, winners=options.winners,
            total_points=options.total_points, min_total_quality=options.min_total_quality,
            lottery_seed=data.lottery_seed, created_at=clock.now())
        await row.save()
        await audit.record(principal.as_actor(), "evaluation.created", "evaluation", row.id,
                           after={"title": data.title, "authority": authority_id,
                                  "currency": data.currency, "owner_ref": data.owner_ref,
                                  "lottery_seed": data.lottery_seed, **options.as_dict()})
    return evaluation_view(await access.evaluation_row(row.id))


async def get_evaluation(principal: Principal, evaluation_id: int) -> EvaluationView:
    """For readers of the evaluation and for the evaluators assigned to it."""
    row = await access.evaluation_row(evaluation_id)
    if not access.may_read(principal, row):
        await access.as_evaluator(principal, evaluation_id, lock=False)
    return evaluation_view(row)


async def evaluations_of(principal: Principal, owner_ref: str,
                         prefix: bool = False) -> list[EvaluationView]:
    query = Evaluation.select().order_by(Evaluation.id)
    if prefix:
        escaped = owner_ref.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        query = query.where(Evaluation.owner_ref.like(f"{escaped}%"))
    else:
        query = query.where(Evaluation.owner_ref == owner_ref)
    return [evaluation_view(row) for row in await query if access.may_read(principal, row)]


async def list_evaluations(principal: Principal) -> list[EvaluationView]:
    """What the principal may open: their authorities' evaluations, or their assignments."""
    query = Evaluation.select().order_by(Evaluation.id, ascending=False)
    if principal.role is Role.EVALUATOR:
        ids = [row["evaluation"] for row in await Assignment.select(Assignment.evaluation).where(
            Assignment.evaluator == principal.id)]
        if not ids:
            return []
        query = query.where(Evaluation.id.is_in(ids))
    elif not principal.is_admin:
        if not principal.authority_ids:
            return []
        query = query.where(Evaluation.authority.is_in(sorted(principal.authority_ids)))
    return [evaluation_view(row) for row in await query]


async def update_settings(principal: Principal, evaluation_id: int,
                          settings: SettingsSpec | Mapping[str, Any], *,
                          by_owner: bool = False) -> EvaluationView:
    """Title and options; the options only while the criteria are not frozen. The envelope
    setting of an owned evaluation changes only when its owner asks (``by_owner``). An owner
    passes only the options it decides (a tender: title, envelope, winners); the others keep
    the values the lead officer chose."""
    form = _form_of(settings)
    options = validate_options(form)
    title = str(form.get("title") or "").strip()
    if not title or len(title) > 200:
        raise ValidationFailed([Problem(N_("A title of at most {limit} characters is required"),
                                        {"limit": 200}, "title")])
    async with transaction():
        row = await as_lead(principal, evaluation_id)
        current = evaluation_view(row)
        if by_owner:
            options = replace(current.options, **{
                name: value for name, value in options.as_dict().items() if name in form})
        wanted = {"title": title, **options.as_dict()}
        before, after = changes({"title": current.title, **current.options.as_dict()}, wanted)
        if current.frozen and any(key != "title" for key in after):
            raise await changed(DomainError(N_(
                "The criteria are frozen; reopen them to change the options")), evaluation_id,
                "criteria.frozen")
        if "two_envelope" in after:
            check_envelope_setting(current.options.two_envelope, options.two_envelope,
                                   current.prices_sealed and await Subject.exists().where(
                                       (Subject.evaluation == evaluation_id)
                                       & Subject.price.is_not_null()),
                                   current.owner_ref, by_owner)
        if after:
            await Evaluation.update(after).where(Evaluation.id == evaluation_id)
            await audit.record(principal.as_actor(), "evaluation.settings_changed",
                               "evaluation", evaluation_id, before=before, after=after)
    return evaluation_view(await access.evaluation_row(evaluation_id))


# --- subjects -------------------------------------------------------------------------------


def _subject_view(row: dict[str, Any], sealed: bool) -> SubjectView:
    return SubjectView(row["id"], row["ref"], row["name"], row["code"],
                       None if sealed else row["price"], row["price"] is not None, sealed,
                       row["excluded_at"] is not None, row["excluded_reason"])


async def _subject_rows(evaluation_id: int) -> list[dict[str, Any]]:
    return await Subject.select().where(Subject.evaluation == evaluation_id).order_by(Subject.id)


async def list_subjects(principal: Principal, evaluation_id: int) -> list[SubjectView]:
    view = evaluation_view(await as_reader(principal, evaluation_id))
    return [_subject_view(row, view.prices_sealed)
            for row in await _subject_rows(evaluation_id)]


async def register_subjects(principal: Principal, evaluation_id: int,
                            subjects: Sequence[Any]) -> list[SubjectView]:
    """Add subjects or update their names (and codes, before scoring starts) by ``ref``."""
    items = validate_subjects([_form_of(s) for s in subjects])
    async with transaction():
        row = await as_lead(principal, evaluation_id)
        existing = {r["ref"]: r for r in await _subject_rows(evaluation_id)}
        taken = {r["code"].upper(): ref for ref, r in existing.items()}
        problems: list[Problem] = []
        for index, item in enumerate(items):
            current = existing.get(item.ref)
            if item.code and taken.get(item.code.upper(), item.ref) != item.ref:
                problems.append(Problem(N_("The code {code} is taken"), {"code": item.code},
                                        f"subjects[{index}].code"))
            if current is None and row["quality_final_at"] is not None:
                problems.append(Problem(N_("Quality is final; no subject can be added"), {},
                                        f"subjects[{index}].ref"))
            if (current is not None and item.code and item.code != current["code"]
                    and row["criteria_frozen_at"] is not None):
                problems.append(Problem(N_("A code cannot change once scoring has started"),
                                        {}, f"subjects[{index}].code"))
        if problems:
            raise ValidationFailed(problems)
        now = clock.now()
        new_rows: list[Subject] = []
        events: list[audit.NewEvent] = []
        for item in items:
            current = existing.get(item.ref)
            if current is None:
                code = item.code or generate_code(taken)
                taken[code.upper()] = item.ref
                new_rows.append(Subject(evaluation=evaluation_id, ref=item.ref, name=item.name,
                                        code=code, created_at=now))
                events.append(audit.NewEvent("subject.registered", "evaluation", evaluation_id,
                                             after={"ref": item.ref, "name": item.name,
                                                    "code": code}))
                continue
            wanted = {"name": item.name, "code": item.code or current["code"]}
            before, after = changes({"name": current["name"], "code": current["code"]}, wanted)
            if after:
                await Subject.update(after).where(Subject.id == current["id"])
                events.append(audit.NewEvent("subject.updated", "evaluation", evaluation_id,
                                             before={"ref": item.ref, **before},
                                             after={"ref": item.ref, **after}))
        for start in range(0, len(new_rows), BATCH):
            await Subject.insert(*new_rows[start:start + BATCH])
        if new_rows:
            await _reopen_full_sheets(principal, evaluation_id)
        await audit.record_many(principal.as_actor(), events)
    return await list_subjects(principal, evaluation_id)


async def _reopen_full_sheets(principal: Principal, evaluation_id: int) -> None:
    """A new subject makes the submitted sheets that cover every subject incomplete."""
    reopened = await Assignment.update({Assignment.submitted_at: None}).where(
        (Assignment.evaluation == evaluation_id) & Assignment.all_subjects.eq(True)
        & Assignment.submitted_at.is_not_null()).returning(Assignment.id, Assignment.evaluator)
    await audit.record_many(principal.as_actor(), [
        audit.NewEvent("sheet.reopened", "evaluation", evaluation_id,
                       after={"evaluator": r["evaluator"], "reason": "a subject was added"})
        for r in reopened])


async def _subject_by_ref(evaluation_id: int, ref: str) -> dict[str, Any]:
    row = await Subject.select().where((Subject.evaluation == evaluation_id)
                                       & (Subject.ref == ref)).first()
    if row is None:
        raise NotFound(N_("No subject {ref} in this evaluation"), ref=ref)
    return row


async def set_prices(principal: Principal, evaluation_id: int,
                     prices: Mapping[str, Any], *, by_owner: bool = False) -> None:
    """Set (or with None, remove) prices by subject reference. An owned evaluation (a tender's
    lot) takes its prices from the bids, which its owner hands over (``by_owner``) at the bid
    opening: nobody else may change them, least of all while they are sealed."""
    problems: list[Problem] = []
    parsed: dict[str, Decimal | None] = {}
    for ref, value in prices.items():
        try:
            parsed[ref] = validate_price(value, f"prices.{ref}")
        except ValidationFailed as exc:
            problems.extend(exc.problems)
    async with transaction():
        row = await as_lead(principal, evaluation_id)
        if row["owner_ref"] and not by_owner:
            raise DomainError(N_("The prices of this evaluation are the prices of the bids; "
                                 "they cannot be changed here"))
        if row["ranking_confirmed_at"] is not None:
            raise await changed(DomainError(N_(
                "The ranking has been confirmed; prices can no longer change")), evaluation_id,
                "ranking.confirmed")
        known = {r["ref"]: r for r in await _subject_rows(evaluation_id)}
        problems.extend(Problem(N_("No subject {ref} in this evaluation"), {"ref": ref},
                                f"prices.{ref}") for ref in parsed if ref not in known)
        if problems:
            raise ValidationFailed(problems)
        sealed = evaluation_view(row).prices_sealed
        events = []
        for ref, price in parsed.items():
            if known[ref]["price"] == price:
                continue
            await Subject.update({Subject.price: price}).where(Subject.id == known[ref]["id"])
            shown = "sealed" if sealed and price is not None else price
            events.append(audit.NewEvent("subject.price_set", "evaluation", evaluation_id,
                                         after={"ref": ref, "price": shown}))
        await audit.record_many(principal.as_actor(), events)


async def exclude_subject(principal: Principal, evaluation_id: int, ref: str,
                          reason: str) -> None:
    """Take a subject out (a withdrawn bid); a confirmed ranking must be confirmed again."""
    text = validate_reason(reason)
    async with transaction():
        row = await as_lead(principal, evaluation_id)
        subject = await _subject_by_ref(evaluation_id, ref)
        if subject["excluded_at"] is not None:
            raise await changed(DomainError(N_("{ref} is already excluded"), ref=ref),
                                evaluation_id, "subject.excluded", ref=ref)
        await Subject.update({Subject.excluded_at: clock.now(), Subject.excluded_reason: text}
                             ).where(Subject.id == subject["id"])
        after: dict[str, Any] = {"ref": ref, "reason": text}
        if row["ranking_confirmed_at"] is not None:
            await Evaluation.update({Evaluation.ranking_confirmed_at: None}).where(
                Evaluation.id == evaluation_id)
            after["ranking_confirmation_withdrawn"] = True
        await audit.record(principal.as_actor(), "subject.excluded", "evaluation",
                           evaluation_id, after=after)


async def can_view_subject(principal: Principal, evaluation_id: int, ref: str) -> bool:
    """Whether the principal may see the subject (and its documents) at all."""
    row = await access.evaluation_row(evaluation_id)
    if access.may_read(principal, row):
        return True
    if principal.role is not Role.EVALUATOR:
        return False
    try:
        _, assignment = await access.as_evaluator(principal, evaluation_id, lock=False)
        subject = await _subject_by_ref(evaluation_id, ref)
    except NotFound:
        return False
    scope = (await access.scopes([assignment]))[assignment["id"]]
    declared = await Declaration.select(Declaration.conflict).where(
        (Declaration.assignment == assignment["id"]) & (Declaration.subject == subject["id"])
    ).first()
    return (scope.covers_subject(subject["id"]) and subject["excluded_at"] is None
            and declared is not None and not declared["conflict"])


# --- criteria -------------------------------------------------------------------------------


async def criteria(principal: Principal, evaluation_id: int) -> Tree:
    await as_reader(principal, evaluation_id)
    return await load_tree(evaluation_id)


async def _require_editable(row: dict[str, Any]) -> None:
    if row["criteria_frozen_at"] is not None:
        raise await changed(DomainError(N_(
            "The criteria are frozen while scoring runs; reopen them first")), row["id"],
            "criteria.frozen")


async def add_criterion(principal: Principal, evaluation_id: int,
                        form: Mapping[str, Any]) -> Criterion:
    async with transaction():
        await _require_editable(await as_lead(principal, evaluation_id))
        criterion = parse_criterion(form)
        tree = await load_tree(evaluation_id)
        siblings = tree.children.get(criterion.parent_id, [])
        position = max((c.position for c in siblings), default=-1) + 1
        check_node_alone(criterion, tree.criteria)
        row = CriterionRow(evaluation=evaluation_id, parent=criterion.parent_id,
                           **{**criterion_columns(criterion), "position": position})
        await row.save()
        await audit.record(principal.as_actor(), "criterion.added", "evaluation",
                           evaluation_id, after={**criterion.as_dict(), "id": row.id})
    return (await load_tree(evaluation_id)).by_id[row.id]


async def update_criterion(principal: Principal, evaluation_id: int, criterion_id: int,
                           form: Mapping[str, Any]) -> Criterion:
    async with transaction():
        await _require_editable(await as_lead(principal, evaluation_id))
        tree = await load_tree(evaluation_id)
        current = tree.by_id.get(criterion_id)
        if current is None:
            raise NotFound(N_("Criterion {id} does not exist"), id=criterion_id)
        criterion = parse_criterion({**form, "position": current.position}, criterion_id)
        if criterion.parent_id == criterion_id:
            raise ValidationFailed([Problem(N_("A criterion cannot be its own parent"), {},
                                            "parent_id")])
        if criterion.parent_id is not None and tree.children.get(criterion_id):
            raise ValidationFailed([Problem(N_("A criterion with sub-criteria cannot become "
                                               "a sub-criterion"), {}, "parent_id")])
        check_node_alone(criterion, tree.criteria)
        before, after = changes(current.as_dict(), criterion.as_dict())
        if after:
            await CriterionRow.update({**criterion_columns(criterion),
                                       "parent": criterion.parent_id}).where(
                CriterionRow.id == criterion_id)
            await audit.record(principal.as_actor(), "criterion.updated", "evaluation",
                               evaluation_id, before={"id": criterion_id, **before},
                               after={"id": criterion_id, **after})
    return (await load_tree(evaluation_id)).by_id[criterion_id]


async def delete_criterion(principal: Principal, evaluation_id: int, criterion_id: int) -> None:
    async with transaction():
        await _require_editable(await as_lead(principal, evaluation_id))
        tree = await load_tree(evaluation_id)
        current = tree.by_id.get(criterion_id)
        if current is None:
            raise NotFound(N_("Criterion {id} does not exist"), id=criterion_id)
        removed = [current, *tree.children.get(criterion_id, [])]
        await CriterionRow.delete().where(CriterionRow.id.is_in([c.id for c in removed]))
        await audit.record(principal.as_actor(), "criterion.deleted", "evaluation",
                           evaluation_id, before={"criteria": [c.as_dict() for c in removed]})


async def replace_criteria(principal: Principal, evaluation_id: int,
                           items: Sequence[Mapping[str, Any]]) -> list[Criterion]:
    """The whole tree at once (nested ``children``), checked as a whole, before scoring."""
    parsed = parse_tree(items)
    async with transaction():
        row = await as_lead(principal, evaluation_id)
        await _require_editable(row)
        validate_tree(parsed, row["total_points"], row["min_total_quality"])
        old = await load_tree(evaluation_id)
        await CriterionRow.delete().where(CriterionRow.evaluation == evaluation_id)
        ids: dict[int, int] = {}
        for criterion in parsed:  # parents come before their sub-criteria
            saved = CriterionRow(evaluation=evaluation_id,
                                 parent=ids.get(criterion.parent_id) if criterion.parent_id
                                 else None, **criterion_columns(criterion))
            await saved.save()
            ids[criterion.id] = saved.id
        tree = await load_tree(evaluation_id)
        await audit.record(principal.as_actor(), "criteria.replaced", "evaluation",
                           evaluation_id, before={"criteria": [c.as_dict() for c in
                                                               old.ordered()]},
                           after={"criteria": [c.as_dict() for c in tree.ordered()]})
    return tree.ordered()


class Readiness(StrEnum):
    """Whether an evaluation's criteria could be frozen as they stand."""

    MISSING = "missing"  # no criterion at all (or no evaluation)
    INCOMPLETE = "incomplete"  # criteria that would not pass the check before scoring
    READY = "ready"


async def criteria_readiness(evaluation_ids: Collection[int], ranked: bool = True
                             ) -> dict[int, Readiness]:
    """For an owner checking its procedure before it goes out (a tender before publication):
    per evaluation, whether its criteria are there and would pass the check that freezing them
    makes. Unranked procedures (an open house) need criteria, not points adding up."""
    ids = sorted(set(evaluation_ids))
    if not ids:
        return {}
    rows = {r["id"]: r for r in await Evaluation.select(
        Evaluation.id, Evaluation.total_points, Evaluation.min_total_quality).where(
        Evaluation.id.is_in(ids))}
    criteria: dict[int, list[Criterion]] = {i: [] for i in ids}
    for row in await CriterionRow.select().where(CriterionRow.evaluation.is_in(ids)):
        criteria[row["evaluation"]].append(criterion_of(row))
    found: dict[int, Readiness] = {}
    for evaluation_id in ids:
        given = criteria[evaluation_id]
        if evaluation_id not in rows or not given:
            found[evaluation_id] = Readiness.MISSING
            continue
        found[evaluation_id] = Readiness.READY
        if ranked:
            row = rows[evaluation_id]
            try:
                validate_tree(given, row["total_points"], row["min_total_quality"])
            except ValidationFailed:
                found[evaluation_id] = Readiness.INCOMPLETE
    return found


async def freeze_criteria(principal: Principal, evaluation_id: int) -> EvaluationView:
    """Check the whole tree and open scoring; scores kept from before a reopen that no longer
    fit their criterion's scale are dropped (and put on record)."""
    async with transaction():
        row = await as_lead(principal, evaluation_id)
        await _require_editable(row)
        tree = validate_tree((await load_tree(evaluation_id)).criteria, row["total_points"],
                             row["min_total_quality"])
        dropped = await _drop_misfits(evaluation_id, tree)
        await Evaluation.update({Evaluation.criteria_frozen_at: clock.now()}).where(
            Evaluation.id == evaluation_id)
        await audit.record(principal.as_actor(), "criteria.frozen", "evaluation",
                           evaluation_id, after={
                               "version": row["criteria_version"],
                               "criteria": [c.as_dict() for c in tree.ordered()],
                               "scores_dropped": dropped})
    return evaluation_view(await access.evaluation_row(evaluation_id))


async def _drop_misfits(evaluation_id: int, tree: Tree) -> list[dict[str, Any]]:
    scored = {c.id: c for c in tree.scored()}
    rows = await Score.select(Score.id, Score.assignment, Score.subject, Score.criterion,
                              Score.value).where(Score.evaluation == evaluation_id)
    misfits = [r for r in rows if r["criterion"] not in scored or (
        r["value"] is not None
        and scored[r["criterion"]].effective_scale.problem_with(r["value"]) is not None)]
    ids = [r["id"] for r in misfits]
    for start in range(0, len(ids), BATCH):
        await Score.delete().where(Score.id.is_in(ids[start:start + BATCH]))
    return [{k: r[k] for k in ("assignment", "subject", "criterion", "value")} for r in misfits]


async def reopen_criteria(principal: Principal, evaluation_id: int,
                          reason: str) -> EvaluationView:
    """Unfreeze the tree (version + 1). Every score and consensus so far goes into the audit
    log; consensus is cleared and every sheet goes back to draft."""
    text = validate_reason(reason)
    async with transaction():
        row = await as_lead(principal, evaluation_id)
        if row["criteria_frozen_at"] is None:
            raise await changed(DomainError(N_("The criteria are not frozen")), evaluation_id,
                                "criteria.reopened")
        if row["two_envelope"] and row["prices_opened_at"] is not None:
            raise await changed(DomainError(N_(
                "The sealed prices have been opened; the criteria can no longer change")),
                evaluation_id, "evaluation.prices_opened")
        scores = await raw(
            "SELECT a.evaluator, s.subject, s.criterion, s.value, s.justification, "
            "a.submitted_at FROM scoring_score s JOIN scoring_assignment a "
            "ON a.id = s.assignment WHERE s.evaluation = {} ORDER BY s.id", evaluation_id)
        consensus = await Consensus.select(Consensus.subject, Consensus.criterion,
                                           Consensus.value, Consensus.justification).where(
            Consensus.evaluation == evaluation_id)
        await Consensus.delete().where(Consensus.evaluation == evaluation_id)
        await Assignment.update({Assignment.submitted_at: None}).where(
            Assignment.evaluation == evaluation_id)
        await Evaluation.update({
            Evaluation.criteria_version: row["criteria_version"] + 1,
            Evaluation.criteria_frozen_at: None, Evaluation.quality_final_at: None,
            Evaluation.price_opening_approved_by: None,
            Evaluation.price_opening_approved_at: None,
            Evaluation.ranking_confirmed_at: None}).where(Evaluation.id == evaluation_id)
        kept = [{"evaluator": s["evaluator"], "subject": s["subject"],
                 "criterion": s["criterion"], "value": s["value"],
                 "justification": s["justification"], "final": s["submitted_at"] is not None}
                for s in scores]
        await audit.record(principal.as_actor(), "criteria.reopened", "evaluation",
                           evaluation_id,
                           before={"version": row["criteria_version"], "scores": kept,
                                   "consensus": consensus},
                           after={"version": row["criteria_version"] + 1, "reason": text})
    return evaluation_view(await access.evaluation_row(evaluation_id))


# --- assignments ----------------------------------------------------------------------------


@dataclass(frozen=True)
class AssignmentView:
    id: int
    evaluator_id: int
    evaluator: str
    email: str
    all_subjects: bool
    subject_ids: frozenset[int]
    all_criteria: bool
    criterion_ids: frozenset[int]
    submitted_at: datetime | None
    declared: int
    to_declare: int
    conflicts: tuple[tuple[int, str], ...]  # (subject id, note)


async def evaluator_choices() -> list[dict[str, Any]]:
    return await User.select(User.id, User.name, User.email).where(
        (User.role == Role.EVALUATOR.value) & User.active.eq(True)).order_by(User.name)


async def assignments(principal: Principal, evaluation_id: int) -> list[AssignmentView]:
    await as_reader(principal, evaluation_id)
    rows = await Assignment.select(
        *Assignment.all_columns(), Assignment.evaluator.name.as_alias("evaluator_name"),
        Assignment.evaluator.email.as_alias("evaluator_email"),
    ).where(Assignment.evaluation == evaluation_id).order_by(Assignment.id)
    scope_of = await access.scopes(rows)
    active = [r["id"] for r in await _subject_rows(evaluation_id) if r["excluded_at"] is None]
    declarations: dict[int, list[dict[str, Any]]] = {r["id"]: [] for r in rows}
    if rows:
        for d in await Declaration.select().where(
                Declaration.assignment.is_in([r["id"] for r in rows])):
            declarations[d["assignment"]].append(d)
    result = []
    for r in rows:
        scope = scope_of[r["id"]]
        covered = [s for s in active if scope.covers_subject(s)]
        done = {d["subject"] for d in declarations[r["id"]]}
        result.append(AssignmentView(
            r["id"], r["evaluator"], r["evaluator_name"], r["evaluator_email"],
            r["all_subjects"], scope.subject_ids or frozenset(), r["all_criteria"],
            scope.criterion_ids or frozenset(), r["submitted_at"],
            len(done), len([s for s in covered if s not in done]),
            tuple((d["subject"], d["note"]) for d in declarations[r["id"]] if d["conflict"])))
    return result


async def assign(principal: Principal, evaluation_id: int, evaluator_id: int,
                 subject_ids: Collection[int] | None = None,
                 criterion_ids: Collection[int] | None = None) -> None:
    """Give an evaluator a sheet (or change its scope): all subjects or ``subject_ids``, all
    scored criteria or ``criterion_ids``. A changed scope sends a submitted sheet back to draft
    and drops its scores outside the new scope."""
    async with transaction():
        row = await as_lead(principal, evaluation_id)
        await require_not_final(row)
        evaluator = await User.select(User.id, User.role, User.active).where(
            User.id == evaluator_id).first()
        if evaluator is None or evaluator["role"] != Role.EVALUATOR.value \
                or not evaluator["active"]:
            raise ValidationFailed([Problem(N_("Choose an active evaluator"), {},
                                            "evaluator_id")])
        subjects = {r["id"] for r in await _subject_rows(evaluation_id)}
        scored = {c.id for c in (await load_tree(evaluation_id)).scored()}
        problems = []
        if subject_ids is not None:
            if not subject_ids:
                problems.append(Problem(N_("Choose at least one subject"), {}, "subject_ids"))
            problems += [Problem(N_("{value} is not a subject of this evaluation"),
                                 {"value": s}, "subject_ids") for s in subject_ids
                         if s not in subjects]
        if criterion_ids is not None:
            if not criterion_ids:
                problems.append(Problem(N_("Choose at least one criterion"), {},
                                        "criterion_ids"))
            problems += [Problem(N_("{value} is not a scored criterion of this evaluation"),
                                 {"value": c}, "criterion_ids") for c in criterion_ids
                         if c not in scored]
        if problems:
            raise ValidationFailed(problems)
        existing = await Assignment.select().where(
            (Assignment.evaluation == evaluation_id) & (Assignment.evaluator == evaluator_id)
        ).first()
        wanted = {"all_subjects": subject_ids is None, "all_criteria": criterion_ids is None,
                  "subject_ids": sorted(subject_ids or ()),
                  "criterion_ids": sorted(criterion_ids or ())}
        if existing is None:
            new = Assignment(evaluation=evaluation_id, evaluator=evaluator_id,
                             all_subjects=wanted["all_subjects"],
                             all_criteria=wanted["all_criteria"], created_at=clock.now())
            await new.save()
            assignment_id, before = new.id, None
        else:
            assignment_id = existing["id"]
            scope = (await access.scopes([existing]))[assignment_id]
            before = {"all_subjects": existing["all_subjects"],
                      "all_criteria": existing["all_criteria"],
                      "subject_ids": sorted(scope.subject_ids or ()),
                      "criterion_ids": sorted(scope.criterion_ids or ())}
            if before == wanted:
                return
            await Assignment.update({Assignment.all_subjects: wanted["all_subjects"],
                                     Assignment.all_criteria: wanted["all_criteria"],
                                     Assignment.submitted_at: None}).where(
                Assignment.id == assignment_id)
            await AssignmentSubject.delete().where(AssignmentSubject.assignment == assignment_id)
            await AssignmentCriterion.delete().where(
                AssignmentCriterion.assignment == assignment_id)
        if subject_ids is not None:
            await AssignmentSubject.insert(*[AssignmentSubject(assignment=assignment_id,
                                                               subject=s)
                                             for s in sorted(subject_ids)])
            await Score.delete().where((Score.assignment == assignment_id)
                                       & Score.subject.not_in(sorted(subject_ids)))
        if criterion_ids is not None:
            await AssignmentCriterion.insert(*[AssignmentCriterion(assignment=assignment_id,
                                                                   criterion=c)
                                               for c in sorted(criterion_ids)])
            await Score.delete().where((Score.assignment == assignment_id)
                                       & Score.criterion.not_in(sorted(criterion_ids)))
        await audit.record(principal.as_actor(), "assignment.changed" if before
                           else "assignment.created", "evaluation", evaluation_id,
                           before=before and {"evaluator": evaluator_id, **before},
                           after={"evaluator": evaluator_id, **wanted})


async def _assignment(evaluation_id: int, assignment_id: int) -> dict[str, Any]:
    found = await Assignment.select().where((Assignment.id == assignment_id)
                                            & (Assignment.evaluation == evaluation_id)).first()
    if found is None:
        raise NotFound(N_("Assignment {id} does not exist"), id=assignment_id)
    return found


async def unassign(principal: Principal, evaluation_id: int, assignment_id: int) -> None:
    """Take a sheet away; its scores and declarations go into the audit log."""
    async with transaction():
        await require_not_final(await as_lead(principal, evaluation_id))
        found = await _assignment(evaluation_id, assignment_id)
        scores = await Score.select(Score.subject, Score.criterion, Score.value,
                                    Score.justification).where(Score.assignment == assignment_id)
        await Assignment.delete().where(Assignment.id == assignment_id)
        await audit.record(principal.as_actor(), "assignment.removed", "evaluation",
                           evaluation_id, before={"evaluator": found["evaluator"],
                                                  "scores": scores})


async def reopen_sheet(principal: Principal, evaluation_id: int, assignment_id: int,
                       reason: str) -> None:
    text = validate_reason(reason)
    async with transaction():
        await require_not_final(await as_lead(principal, evaluation_id))
        found = await _assignment(evaluation_id, assignment_id)
        if found["submitted_at"] is None:
            raise await changed(DomainError(N_("This sheet has not been submitted")),
                                evaluation_id, "sheet.reopened", evaluator=found["evaluator"])
        await Assignment.update({Assignment.submitted_at: None}).where(
            Assignment.id == assignment_id)
        await audit.record(principal.as_actor(), "sheet.reopened", "evaluation",
                           evaluation_id, before={"submitted_at": found["submitted_at"]},
                           after={"evaluator": found["evaluator"], "reason": text})


# --- consensus ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Cell:
    count: int
    aggregate: Decimal | None
    low: Decimal | None
    high: Decimal | None
    spread: Decimal | None
    flagged: bool
    consensus: Decimal | None
    value: Decimal | None
    points: Decimal | None


@dataclass(frozen=True)
class MatrixRow:
    subject_id: int
    label: str  # the name, or the code while names are hidden
    code: str
    excluded: bool
    cells: Mapping[int, Cell]


@dataclass(frozen=True)
class Matrix:
    evaluation: EvaluationView
    criteria: list[Criterion]
    rows: list[MatrixRow]
    flagged_open: int
    missing: int


def _options(row: dict[str, Any]) -> RankOptions:
    limit = row["spread_limit"]
    minimum = row["min_total_quality"]
    return RankOptions(known_aggregation(row["aggregation"]),
                       float(limit) if limit is not None else None,
                       row["winners"], row["lottery_seed"],
                       float(minimum) if minimum is not None else None)


def _cells(aggregates: pd.DataFrame) -> dict[tuple[int, int], Cell]:
    cells = {}
    columns = ["count", "aggregate", "low", "high", "spread", "flagged", "consensus", "value",
               "points"]
    for key, values in zip(aggregates.index, aggregates[columns].itertuples(index=False),
                           strict=True):
        count, agg, low, high, spread, flagged, consensus, value, points = values
        cells[key] = Cell(int(count), dec(agg), dec(low), dec(high), dec(spread),
                          bool(flagged), dec(consensus), dec(value), dec(points))
    return cells


def _open_flags(aggregates: pd.DataFrame, active: Collection[int]) -> pd.DataFrame:
    subjects = aggregates.index.get_level_values("subject_id")
    return aggregates[aggregates["flagged"] & aggregates["consensus"].isna()
                      & subjects.isin(list(active))]


async def consensus_matrix(principal: Principal, evaluation_id: int) -> Matrix:
    """Subjects × criteria: mean (or median), spread, flag and consensus per cell."""
    async with transaction():
        row = await as_reader(principal, evaluation_id)
        tree = await load_tree(evaluation_id)
        subjects = await _subject_rows(evaluation_id)
        scores = await access.final_scores(evaluation_id)
        consensus = await access.consensus_scores(evaluation_id)
    view = evaluation_view(row)
    aggregates = aggregate(tree, scores, consensus, _options(row))
    active = [s["id"] for s in subjects if s["excluded_at"] is None]
    cells = _cells(aggregates)
    rows = [MatrixRow(s["id"], s["code"] if view.names_hidden else s["name"], s["code"],
                      s["excluded_at"] is not None,
                      {c.id: cells[(s["id"], c.id)] for c in tree.scored()
                       if (s["id"], c.id) in cells})
            for s in subjects]
    if view.names_hidden:
        rows.sort(key=lambda r: r.code)
    return Matrix(view, tree.scored(), rows, len(_open_flags(aggregates, active)),
                  len(missing_pairs(tree, aggregates, active)))


@dataclass(frozen=True)
class CriterionScores:
    criterion: Criterion
    cell: Cell | None
    individual: tuple[ScoreLine, ...]
    consensus_justification: str


@dataclass(frozen=True)
class SubjectScores:
    evaluation: EvaluationView
    subject_id: int
    label: str
    code: str
    excluded: bool
    criteria: list[CriterionScores]


async def _score_lines(evaluation_id: int, tree: Tree,
                       subject_ids: Collection[int] | None) -> dict[tuple[int, int],
                                                                    list[ScoreLine]]:
    """Final individual scores with the evaluator's name and justification."""
    query = ("SELECT s.subject, s.criterion, a.evaluator, u.name, s.value, s.justification "
             "FROM scoring_score s JOIN scoring_assignment a ON a.id = s.assignment "
             "JOIN accounts_user u ON u.id = a.evaluator WHERE s.evaluation = {} "
             "AND a.submitted_at IS NOT NULL AND s.value IS NOT NULL")
    args: list[Any] = [evaluation_id]
    if subject_ids is not None:
        if not subject_ids:
            return {}
        ids = sorted(int(s) for s in subject_ids)
        query += f" AND s.subject IN ({', '.join('{}' for _ in ids)})"
        args += ids
    lines: dict[tuple[int, int], list[ScoreLine]] = {}
    for r in await raw(query + " ORDER BY u.name, a.evaluator", *args):
        criterion = tree.by_id.get(r["criterion"])
        if criterion is None or criterion.effective_scale is None:
            continue
        scale = criterion.effective_scale
        value = Decimal(r["value"])
        lines.setdefault((r["subject"], r["criterion"]), []).append(ScoreLine(
            r["evaluator"], r["name"], value, scale.label_of(value),
            dec(float(criterion.weight * value / scale.top)) or Decimal(0), r["justification"]))
    return lines


async def _consensus_texts(evaluation_id: int,
                           subject_ids: Collection[int] | None) -> dict[tuple[int, int], str]:
    query = Consensus.select(Consensus.subject, Consensus.criterion,
                             Consensus.justification).where(
        Consensus.evaluation == evaluation_id)
    if subject_ids is not None:
        if not subject_ids:
            return {}
        query = query.where(Consensus.subject.is_in(sorted(subject_ids)))
    return {(r["subject"], r["criterion"]): r["justification"] for r in await query}


async def subject_scores(principal: Principal, evaluation_id: int,
                         subject_id: int) -> SubjectScores:
    """Every final individual score of one subject with its justification, and consensus."""
    async with transaction():
        row = await as_reader(principal, evaluation_id)
        subject = await Subject.select().where((Subject.id == subject_id)
                                               & (Subject.evaluation == evaluation_id)).first()
        if subject is None:
            raise NotFound(N_("Subject {id} does not exist"), id=subject_id)
        tree = await load_tree(evaluation_id)
        scores = await access.final_scores(evaluation_id)
        consensus = await access.consensus_scores(evaluation_id)
        lines = await _score_lines(evaluation_id, tree, [subject_id])
        texts = await _consensus_texts(evaluation_id, [subject_id])
    view = evaluation_view(row)
    mine = scores[scores["subject_id"] == subject_id]
    cells = _cells(aggregate(tree, mine, consensus[consensus["subject_id"] == subject_id],
                             _options(row)))
    return SubjectScores(
        view, subject_id, subject["code"] if view.names_hidden else subject["name"],
        subject["code"], subject["excluded_at"] is not None,
        [CriterionScores(c, cells.get((subject_id, c.id)),
                         tuple(lines.get((subject_id, c.id), ())),
                         texts.get((subject_id, c.id), ""))
         for c in tree.scored()])


async def _scored_pair(evaluation_id: int, subject_id: int,
                       criterion_id: int) -> tuple[dict[str, Any], Criterion]:
    subject = await Subject.select().where((Subject.id == subject_id)
                                           & (Subject.evaluation == evaluation_id)).first()
    if subject is None:
        raise NotFound(N_("Subject {id} does not exist"), id=subject_id)
    tree = await load_tree(evaluation_id)
    criterion = next((c for c in tree.scored() if c.id == criterion_id), None)
    if criterion is None:
        raise NotFound(N_("Criterion {id} does not exist"), id=criterion_id)
    return subject, criterion


async def record_consensus(principal: Principal, evaluation_id: int, subject_id: int,
                           criterion_id: int, value: Any, justification: Any) -> None:
    async with transaction():
        row = await as_lead(principal, evaluation_id)
        await access.require_open_for_scores(row)
        subject, criterion = await _scored_pair(evaluation_id, subject_id, criterion_id)
        number, text = check_consensus(criterion, value, justification)
        current = await Consensus.select(Consensus.value, Consensus.justification).where(
            (Consensus.subject == subject_id) & (Consensus.criterion == criterion_id)).first()
        await Consensus.insert(Consensus(
            evaluation=evaluation_id, subject=subject_id, criterion=criterion_id, value=number,
            justification=text, decided_by=principal.id, decided_at=clock.now(),
        )).on_conflict(target=(Consensus.subject, Consensus.criterion), action="DO UPDATE",
                       values=[Consensus.value, Consensus.justification, Consensus.decided_by,
                               Consensus.decided_at])
        await audit.record(principal.as_actor(), "consensus.recorded", "evaluation",
                           evaluation_id, before=current and {"ref": subject["ref"], **current},
                           after={"ref": subject["ref"], "criterion": criterion.name,
                                  "value": number, "justification": text})


async def clear_consensus(principal: Principal, evaluation_id: int, subject_id: int,
                          criterion_id: int) -> None:
    async with transaction():
        row = await as_lead(principal, evaluation_id)
        await access.require_open_for_scores(row)
        subject, criterion = await _scored_pair(evaluation_id, subject_id, criterion_id)
        current = await Consensus.select(Consensus.value, Consensus.justification).where(
            (Consensus.subject == subject_id) & (Consensus.criterion == criterion_id)).first()
        if current is None:
            return
        await Consensus.delete().where((Consensus.subject == subject_id)
                                       & (Consensus.criterion == criterion_id))
        await audit.record(principal.as_actor(), "consensus.cleared", "evaluation",
                           evaluation_id, before={"ref": subject["ref"],
                                                  "criterion": criterion.name, **current})


# --- status, quality final, ranking ---------------------------------------------------------


async def _status(row: dict[str, Any]) -> EvaluationStatus:
    evaluation_id = row["id"]
    view = evaluation_view(row)
    tree = await load_tree(evaluation_id)
    subjects = await _subject_rows(evaluation_id)
    sheets = await Assignment.select(Assignment.id, Assignment.submitted_at).where(
        Assignment.evaluation == evaluation_id)
    conflicts = await raw(
        "SELECT COUNT(*) AS n FROM scoring_declaration d JOIN scoring_assignment a "
        "ON a.id = d.assignment WHERE a.evaluation = {} AND d.conflict = {}",
        evaluation_id, True)
    aggregates = aggregate(tree, await access.final_scores(evaluation_id),
                           await access.consensus_scores(evaluation_id), _options(row))
    active = [s["id"] for s in subjects if s["excluded_at"] is None]
    missing = len(missing_pairs(tree, aggregates, active))
    flagged_open = len(_open_flags(aggregates, active))
    submitted = sum(1 for s in sheets if s["submitted_at"] is not None)
    unpriced = tuple(s["ref"] for s in subjects if s["excluded_at"] is None
                     and s["price"] is None) if tree.price() is not None else ()
    blocking: list[Problem] = []
    if view.phase is Phase.CRITERIA:
        blocking.append(Problem(N_("The criteria are not frozen yet")))
    elif view.phase is Phase.SCORING:
        if not sheets:
            blocking.append(Problem(N_("No evaluator is assigned")))
        if submitted < len(sheets):
            blocking.append(Problem(N_("{count} of {total} sheets are not submitted"),
                                    {"count": len(sheets) - submitted, "total": len(sheets)}))
        if missing:
            blocking.append(Problem(N_("{count} scores are missing"), {"count": missing}))
        if flagged_open:
            blocking.append(Problem(N_("{count} flagged scores need a consensus"),
                                    {"count": flagged_open}))
    elif view.phase is Phase.QUALITY_FINAL and view.prices_sealed:
        blocking.append(Problem(N_("The prices are sealed: two different officers open them")))
    elif view.phase is Phase.QUALITY_FINAL and unpriced:
        blocking.append(Problem(N_("{count} subjects have no price"), {"count": len(unpriced)}))
    return EvaluationStatus(
        evaluation_id, view.phase, view.frozen, view.criteria_version, view.quality_final,
        view.phase is Phase.COMPLETE, len(subjects), len(subjects) - len(active), len(sheets),
        submitted, int(conflicts[0]["n"]), missing, flagged_open, view.prices_sealed,
        unpriced, tuple(blocking))


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
            raise await changed(DomainError(N_("Quality is already final")), evaluation_id,
                                "evaluation.quality_finalised")
        current = await _status(row)
        if current.blocking:
            raise ValidationFailed([Problem(p.message, p.params, "quality")
                                    for p in current.blocking])
        await Evaluation.update({Evaluation.quality_final_at: clock.now()}).where(
            Evaluation.id == evaluation_id)
        await audit.record(principal.as_actor(), "evaluation.quality_finalised", "evaluation",
                           evaluation_id,
                           after={"sheets": current.sheets, "version": row["criteria_version"]})
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
                two_envelope=view.options.two_envelope, quality_final=view.quality_final,
                prices_opened=view.prices_opened_at is not None,
                approved_by=view.price_opening_approved_by, officer_id=principal.id)
        except DomainError as refusal:  # opened, or approved by this officer: say by whom
            raise await changed(refusal, evaluation_id, "evaluation.prices_opened",
                                "evaluation.price_opening_approved") from None
        now = clock.now()
        actor = principal.as_actor()
        if step is PriceOpeningStep.APPROVE:
            await Evaluation.update({Evaluation.price_opening_approved_by: principal.id,
                                     Evaluation.price_opening_approved_at: now}).where(
                Evaluation.id == evaluation_id)
            await audit.record(actor, "evaluation.price_opening_approved", "evaluation",
                               evaluation_id, after={"officer": principal.id})
            return PriceOpening(False, (principal.id,), {})
        officers = (int(row["price_opening_approved_by"]), principal.id)
        await Evaluation.update({Evaluation.prices_opened_at: now}).where(
            Evaluation.id == evaluation_id)
        prices = {s["ref"]: s["price"] for s in await _subject_rows(evaluation_id)}
        await audit.record(actor, "evaluation.prices_opened", "evaluation", evaluation_id,
                           after={"officers": list(officers), "prices": prices})
        return PriceOpening(True, officers, prices)


async def _ranking(row: dict[str, Any], explain: Collection[str] | None) -> Ranking:
    evaluation_id = row["id"]
    if row["quality_final_at"] is None:
        raise DomainError(N_("The ranking can be computed once quality is final"))
    if evaluation_view(row).prices_sealed:
        raise DomainError(N_("The ranking can be computed once two officers have opened the "
                             "sealed prices"))
    tree = await load_tree(evaluation_id)
    subjects = await access.subject_frame(evaluation_id)
    scores = await access.final_scores(evaluation_id)
    consensus = await access.consensus_scores(evaluation_id)
    names = {r["id"]: (r["name"], r["code"]) for r in await Subject.select(
        Subject.id, Subject.name, Subject.code).where(Subject.evaluation == evaluation_id)}
    outcome = rank(tree, subjects, scores, consensus, _options(row))
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
        details = Details(await _score_lines(evaluation_id, tree, explained),
                          await _consensus_texts(evaluation_id, explained))
    return build_ranking(
        evaluation_id=evaluation_id, currency=row["currency"],
        criteria_version=row["criteria_version"], seed=row["lottery_seed"], tree=tree,
        outcome=outcome, names=names, aggregation=known_aggregation(row["aggregation"]),
        explain=explained,
        details=details, confirmed_at=row["ranking_confirmed_at"])


async def ranking(principal: Principal, evaluation_id: int,
                  explain: Collection[str] | None = ()) -> Ranking:
    """The ranking; ``explain``: subject refs to include every individual score and
    justification for (``None``: all subjects)."""
    async with transaction():
        return await _ranking(await as_reader(principal, evaluation_id), explain)


async def confirm_ranking(principal: Principal, evaluation_id: int) -> Ranking:
    async with transaction():
        row = await as_lead(principal, evaluation_id)
        if row["ranking_confirmed_at"] is not None:
            raise await changed(DomainError(N_("The ranking is already confirmed")),
                                evaluation_id, "ranking.confirmed")
        result = await _ranking(row, ())
        await Evaluation.update({Evaluation.ranking_confirmed_at: clock.now()}).where(
            Evaluation.id == evaluation_id)
        await audit.record(principal.as_actor(), "ranking.confirmed", "evaluation",
                           evaluation_id, after=result.audit_view())
        return await _ranking(await access.evaluation_row(evaluation_id), ())


# --- notices --------------------------------------------------------------------------------


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


async def notices(principal: Principal, evaluation_id: int | None = None,
                  limit: int = 20) -> list[NoticeView]:
    """Conflicts of interest declared, newest first, for the evaluations' lead officers."""
    if principal.role is not Role.OFFICER and not principal.is_admin:
        return []
    query = Notice.select(
        *Notice.all_columns(), Notice.evaluation.title.as_alias("evaluation_title"),
        Notice.evaluation.authority.as_alias("authority"),
        Notice.subject.name.as_alias("subject_name"),
        Notice.evaluator.name.as_alias("evaluator_name"),
    ).order_by(Notice.id, ascending=False).limit(limit)
    if evaluation_id is not None:
        query = query.where(Notice.evaluation == evaluation_id)
    if not principal.is_admin:
        if not principal.authority_ids:
            return []
        query = query.where(Notice.evaluation.authority.is_in(sorted(principal.authority_ids)))
    return [NoticeView(r["id"], r["evaluation"], r["evaluation_title"], r["kind"],
                       r["subject_name"] or "", r["evaluator_name"] or "", r["note"],
                       r["created_at"], r["sent_at"]) for r in await query]
