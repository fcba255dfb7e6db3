"""Evaluations and their subjects: create, settings, register, prices, exclusion."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, is_dataclass, replace
from decimal import Decimal
from typing import Any

from audit import service as audit
from audit.domain import changes
from authorities.tables import Authority
from common import clock
from common.errors import DomainError, Forbidden, NotFound, Problem, ValidationFailed
from common.i18n import N_
from common.identity import Principal, Role
from config.database import transaction
from scoring import access
from scoring.access import (
    EvaluationView,
    as_lead,
    as_reader,
    changed,
    evaluation_view,
)
from scoring.domain import (
    Phase,
    generate_code,
    validate_evaluation,
    validate_options,
    validate_price,
    validate_reason,
    validate_subjects,
)
from scoring.envelope import check_envelope_setting
from scoring.tables import (
    Assignment,
    Declaration,
    Evaluation,
    Subject,
)

links = access.links
BATCH = 500


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


def _form_of(spec: Any) -> dict[str, Any]:
    return asdict(spec) if is_dataclass(spec) and not isinstance(spec, type) else dict(spec)


async def create_evaluation(
    principal: Principal,
    spec: EvaluationSpec | Mapping[str, Any],
) -> EvaluationView:
    form = _form_of(spec)
    data = validate_evaluation(form)
    try:
        authority_id = int(str(form.get("authority_id")))
    except ValueError:
        raise ValidationFailed([Problem(N_("Choose an authority"), {}, "authority_id")]) from None
    if principal.role is not Role.OFFICER or not principal.can_see_authority(authority_id):
        raise Forbidden(
            N_("Only procurement officers of the authority can start an evaluation for it")
        )
    async with transaction():
        if not await Authority.exists().where(Authority.id == authority_id):
            raise ValidationFailed(
                [Problem(N_("Authority {id} does not exist"), {"id": authority_id}, "authority_id")]
            )
        options = data.options
        row = Evaluation(
            title=data.title,
            authority=authority_id,
            currency=data.currency,
            owner_ref=data.owner_ref,
            owner_url=data.owner_url,
            blind=options.blind,
            two_envelope=options.two_envelope,
            aggregation=options.aggregation,
            spread_limit=options.spread_limit,
            winners=options.winners,
            total_points=options.total_points,
            min_total_quality=options.min_total_quality,
            lottery_seed=data.lottery_seed,
            created_at=clock.now(),
        )
        await row.save()
        await audit.record(
            principal.as_actor(),
            "evaluation.created",
            "evaluation",
            row.id,
            after={
                "title": data.title,
                "authority": authority_id,
                "currency": data.currency,
                "owner_ref": data.owner_ref,
                "lottery_seed": data.lottery_seed,
                **options.as_dict(),
            },
        )
    return evaluation_view(await access.evaluation_row(row.id))


async def get_evaluation(principal: Principal, evaluation_id: int) -> EvaluationView:
    """For readers of the evaluation and for the evaluators assigned to it."""
    row = await access.evaluation_row(evaluation_id)
    if not access.may_read(principal, row):
        await access.as_evaluator(principal, evaluation_id, lock=False)
    return evaluation_view(row)


async def evaluations_of(
    principal: Principal, owner_ref: str, prefix: bool = False
) -> list[EvaluationView]:
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
        ids = [
            row["evaluation"]
            for row in await Assignment.select(Assignment.evaluation).where(
                Assignment.evaluator == principal.id
            )
        ]
        if not ids:
            return []
        query = query.where(Evaluation.id.is_in(ids))
    elif not principal.is_admin:
        if not principal.authority_ids:
            return []
        query = query.where(Evaluation.authority.is_in(sorted(principal.authority_ids)))
    return [evaluation_view(row) for row in await query]


async def update_settings(
    principal: Principal,
    evaluation_id: int,
    settings: SettingsSpec | Mapping[str, Any],
    *,
    by_owner: bool = False,
) -> EvaluationView:
    """Title and options; the options only while the criteria are not frozen. The envelope
    setting of an owned evaluation changes only when its owner asks (``by_owner``). An owner
    passes only the options it decides (a tender: title, envelope, winners); the others keep
    the values the lead officer chose."""
    form = _form_of(settings)
    options = validate_options(form)
    title = str(form.get("title") or "").strip()
    if not title or len(title) > 200:
        raise ValidationFailed(
            [
                Problem(
                    N_("A title of at most {limit} characters is required"), {"limit": 200}, "title"
                )
            ]
        )
    async with transaction():
        row = await as_lead(principal, evaluation_id)
        current = evaluation_view(row)
        if by_owner:
            options = replace(
                current.options,
                **{name: value for name, value in options.as_dict().items() if name in form},
            )
        wanted = {"title": title, **options.as_dict()}
        before, after = changes({"title": current.title, **current.options.as_dict()}, wanted)
        if current.frozen and any(key != "title" for key in after):
            raise await changed(
                DomainError(N_("The criteria are frozen; reopen them to change the options")),
                evaluation_id,
                "criteria.frozen",
            )
        if "two_envelope" in after:
            check_envelope_setting(
                current.options.two_envelope,
                options.two_envelope,
                current.prices_sealed
                and await Subject.exists().where(
                    (Subject.evaluation == evaluation_id) & Subject.price.is_not_null()
                ),
                current.owner_ref,
                by_owner,
            )
        if after:
            await Evaluation.update(after).where(Evaluation.id == evaluation_id)
            await audit.record(
                principal.as_actor(),
                "evaluation.settings_changed",
                "evaluation",
                evaluation_id,
                before=before,
                after=after,
            )
    return evaluation_view(await access.evaluation_row(evaluation_id))


def _subject_view(row: dict[str, Any], sealed: bool) -> SubjectView:
    return SubjectView(
        row["id"],
        row["ref"],
        row["name"],
        row["code"],
        None if sealed else row["price"],
        row["price"] is not None,
        sealed,
        row["excluded_at"] is not None,
        row["excluded_reason"],
    )


async def subject_rows(evaluation_id: int) -> list[dict[str, Any]]:
    return await Subject.select().where(Subject.evaluation == evaluation_id).order_by(Subject.id)


async def list_subjects(principal: Principal, evaluation_id: int) -> list[SubjectView]:
    view = evaluation_view(await as_reader(principal, evaluation_id))
    return [_subject_view(row, view.prices_sealed) for row in await subject_rows(evaluation_id)]


async def register_subjects(
    principal: Principal, evaluation_id: int, subjects: Sequence[Any]
) -> list[SubjectView]:
    """Add subjects or update their names (and codes, before scoring starts) by ``ref``."""
    items = validate_subjects([_form_of(s) for s in subjects])
    async with transaction():
        row = await as_lead(principal, evaluation_id)
        existing = {r["ref"]: r for r in await subject_rows(evaluation_id)}
        taken = {r["code"].upper(): ref for ref, r in existing.items()}
        problems: list[Problem] = []
        for index, item in enumerate(items):
            current = existing.get(item.ref)
            if item.code and taken.get(item.code.upper(), item.ref) != item.ref:
                problems.append(
                    Problem(
                        N_("The code {code} is taken"),
                        {"code": item.code},
                        f"subjects[{index}].code",
                    )
                )
            if current is None and row["quality_final_at"] is not None:
                problems.append(
                    Problem(
                        N_("Quality is final; no subject can be added"),
                        {},
                        f"subjects[{index}].ref",
                    )
                )
            if (
                current is not None
                and item.code
                and item.code != current["code"]
                and row["criteria_frozen_at"] is not None
            ):
                problems.append(
                    Problem(
                        N_("A code cannot change once scoring has started"),
                        {},
                        f"subjects[{index}].code",
                    )
                )
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
                new_rows.append(
                    Subject(
                        evaluation=evaluation_id,
                        ref=item.ref,
                        name=item.name,
                        code=code,
                        created_at=now,
                    )
                )
                events.append(
                    audit.NewEvent(
                        "subject.registered",
                        "evaluation",
                        evaluation_id,
                        after={"ref": item.ref, "name": item.name, "code": code},
                    )
                )
                continue
            wanted = {"name": item.name, "code": item.code or current["code"]}
            before, after = changes({"name": current["name"], "code": current["code"]}, wanted)
            if after:
                await Subject.update(after).where(Subject.id == current["id"])
                events.append(
                    audit.NewEvent(
                        "subject.updated",
                        "evaluation",
                        evaluation_id,
                        before={"ref": item.ref, **before},
                        after={"ref": item.ref, **after},
                    )
                )
        for start in range(0, len(new_rows), BATCH):
            await Subject.insert(*new_rows[start : start + BATCH])
        if new_rows:
            await _reopen_full_sheets(principal, evaluation_id)
        await audit.record_many(principal.as_actor(), events)
    return await list_subjects(principal, evaluation_id)


async def _reopen_full_sheets(principal: Principal, evaluation_id: int) -> None:
    """A new subject makes the submitted sheets that cover every subject incomplete."""
    reopened = (
        await Assignment.update({Assignment.submitted_at: None})
        .where(
            (Assignment.evaluation == evaluation_id)
            & Assignment.all_subjects.eq(True)
            & Assignment.submitted_at.is_not_null()
        )
        .returning(Assignment.id, Assignment.evaluator)
    )
    await audit.record_many(
        principal.as_actor(),
        [
            audit.NewEvent(
                "sheet.reopened",
                "evaluation",
                evaluation_id,
                after={"evaluator": r["evaluator"], "reason": "a subject was added"},
            )
            for r in reopened
        ],
    )


async def _subject_by_ref(evaluation_id: int, ref: str) -> dict[str, Any]:
    row = (
        await Subject.select()
        .where((Subject.evaluation == evaluation_id) & (Subject.ref == ref))
        .first()
    )
    if row is None:
        raise NotFound(N_("No subject {ref} in this evaluation"), ref=ref)
    return row


async def set_prices(
    principal: Principal, evaluation_id: int, prices: Mapping[str, Any], *, by_owner: bool = False
) -> None:
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
            raise DomainError(
                N_(
                    "The prices of this evaluation are the prices of the bids; "
                    "they cannot be changed here"
                )
            )
        if row["ranking_confirmed_at"] is not None:
            raise await changed(
                DomainError(N_("The ranking has been confirmed; prices can no longer change")),
                evaluation_id,
                "ranking.confirmed",
            )
        known = {r["ref"]: r for r in await subject_rows(evaluation_id)}
        problems.extend(
            Problem(N_("No subject {ref} in this evaluation"), {"ref": ref}, f"prices.{ref}")
            for ref in parsed
            if ref not in known
        )
        if problems:
            raise ValidationFailed(problems)
        sealed = evaluation_view(row).prices_sealed
        events = []
        for ref, price in parsed.items():
            if known[ref]["price"] == price:
                continue
            await Subject.update({Subject.price: price}).where(Subject.id == known[ref]["id"])
            shown = "sealed" if sealed and price is not None else price
            events.append(
                audit.NewEvent(
                    "subject.price_set",
                    "evaluation",
                    evaluation_id,
                    after={"ref": ref, "price": shown},
                )
            )
        await audit.record_many(principal.as_actor(), events)


async def exclude_subject(principal: Principal, evaluation_id: int, ref: str, reason: str) -> None:
    """Take a subject out (a withdrawn bid); a confirmed ranking must be confirmed again."""
    text = validate_reason(reason)
    async with transaction():
        row = await as_lead(principal, evaluation_id)
        subject = await _subject_by_ref(evaluation_id, ref)
        if subject["excluded_at"] is not None:
            raise await changed(
                DomainError(N_("{ref} is already excluded"), ref=ref),
                evaluation_id,
                "subject.excluded",
                ref=ref,
            )
        await Subject.update(
            {Subject.excluded_at: clock.now(), Subject.excluded_reason: text}
        ).where(Subject.id == subject["id"])
        after: dict[str, Any] = {"ref": ref, "reason": text}
        if row["ranking_confirmed_at"] is not None:
            await Evaluation.update({Evaluation.ranking_confirmed_at: None}).where(
                Evaluation.id == evaluation_id
            )
            after["ranking_confirmation_withdrawn"] = True
        await audit.record(
            principal.as_actor(), "subject.excluded", "evaluation", evaluation_id, after=after
        )


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
    declared = (
        await Declaration.select(Declaration.conflict)
        .where(
            (Declaration.assignment == assignment["id"]) & (Declaration.subject == subject["id"])
        )
        .first()
    )
    return (
        scope.covers_subject(subject["id"])
        and subject["excluded_at"] is None
        and declared is not None
        and not declared["conflict"]
    )
