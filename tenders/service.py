"""Use cases of a tender: create, lots, authorities, documents, deadlines, the phase changes.

Each change is one transaction with its audit events. The state machine (``tenders.machine``)
decides; this module gathers the facts, applies the result and records it. Candidates and
dialogue live in ``tenders.procurement``, bids to contracts in ``tenders.bids``.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import Any

from accounts.domain import Principal
from audit import service as audit
from audit.domain import Actor, changes
from authorities.domain import SERVICE_TYPE_LANGUAGES, localized_name
from authorities.tables import Authority, ServiceType
from common import clock
from common.deadlines import AppliedStep, deadline_changes
from common.errors import DomainError, NotFound, Problem, ProblemCollector, ValidationFailed
from common.i18n import N_
from common.jurisdictions import jurisdiction_for
from config.database import contains, transaction, update_rows
from documents import storage
from scoring import service as scoring
from scoring.domain import MAX_WINNERS
from tenders import access, notices
from tenders.access import TenderRef, as_officer, as_reader
from tenders.domain import (
    LotData,
    PeriodWarning,
    check_deadline_changes,
    check_minimum_periods,
    check_shares,
    contract_value,
    light_regime_warnings,
    local_text,
    parse_deadlines,
    parse_share,
    require_reason,
    standstill_end,
    validate_lot,
    validate_tender,
)
from tenders.machine import (
    ACTION_LABELS,
    AUTOMATIC,
    Action,
    OpeningStep,
    TenderFacts,
    due_transitions,
    missing,
    next_automatic,
    opening_step,
    possible,
    publish_warnings,
    target,
)
from tenders.procedures import (
    DEADLINE_LABELS,
    FINAL_PHASES,
    PROCEDURE_TYPES,
    Deadline,
    Phase,
)
from tenders.tables import Lot, Tender, TenderAuthority, TenderDocument

TICKER = Actor.system("deadline")
# Phases in which the periods still run (afterwards a warning about them helps nobody).
OPEN_FOR_BIDS = frozenset({Phase.DRAFT, Phase.PUBLISHED, Phase.SELECTION, Phase.DIALOGUE,
                           Phase.TENDERING})
TENDER_FIELDS = ("title", "reference", "description", "procedure", "service_type",
                 "cpv_codes", "currency", "estimated_value", "contract_start", "contract_end",
                 "extension_options", "max_candidates", "two_envelope", "electronic_submission",
                 "budget_line")


def tender_url(tender_id: int) -> str:
    return f"/tenders/{tender_id}"


def lot_ref(tender_id: int, lot_id: int) -> str:
    return f"tender:{tender_id}:lot:{lot_id}"


def localise(problem: Problem, zone: str) -> Problem:
    """Moments in a problem's parameters written as the authority's wall-clock time."""
    params = {k: local_text(v, zone) if isinstance(v, datetime) else v
              for k, v in problem.params.items()}
    return Problem(problem.message, params, problem.location)


def refuse(problems: list[Problem], zone: str) -> None:
    """Raise the first problem as a DomainError (HTTP 409) in the authority's time."""
    if problems:
        first = localise(problems[0], zone)
        raise DomainError(first.message, **first.params)


def _row_data(data: Any) -> dict[str, Any]:
    values = data.as_dict()
    values["service_type"] = values.pop("service_type_id")
    return values


async def _check_service_type(service_type_id: int | None) -> None:
    if service_type_id is not None and not await ServiceType.exists().where(
            ServiceType.id == service_type_id):
        raise ValidationFailed([Problem(N_("Choose a service type"), {}, "service_type_id")])


# --- creating and editing ---------------------------------------------------------------------


async def create_tender(principal: Principal, form: Mapping[str, Any]) -> int:
    """A draft tender of one of the principal's authorities (``authority_id``)."""
    data = validate_tender(form)
    try:
        authority_id = int(str(form.get("authority_id") or ""))
    except ValueError:
        raise ValidationFailed([Problem(N_("Choose an authority"), {}, "authority_id")]
                               ) from None
    if not access.may_change(principal, (authority_id,)):
        raise ValidationFailed([Problem(N_("Choose one of your authorities"), {},
                                        "authority_id")])
    async with transaction():
        authority = await Authority.select(Authority.timezone).where(
            Authority.id == authority_id).first()
        if authority is None:
            raise ValidationFailed([Problem(N_("Choose an authority"), {}, "authority_id")])
        await _check_service_type(data.service_type_id)
        deadlines = parse_deadlines(form, authority["timezone"])
        now = clock.now()
        row = Tender(**_row_data(data), phase=Phase.DRAFT.value, lead_authority=authority_id,
                     lead_officer=principal.id, phase_changed_at=now, created_at=now,
                     updated_at=now,
                     **{f"deadline_{d.value}": m for d, m in deadlines.items()})
        await row.save()
        await TenderAuthority(tender=row.id, authority=authority_id,
                              share=Decimal(100)).save()
        await audit.record(principal.as_actor(), "tender.created", "tender", row.id,
                           after={**data.as_dict(), "authority_id": authority_id,
                                  **{f"deadline_{d.value}": m for d, m in deadlines.items()}})
    return int(row.id)


async def _require_draft(tender: TenderRef, message: str) -> None:
    if tender.phase is not Phase.DRAFT:
        raise await access.moved(DomainError(message), tender)


async def update_tender(principal: Principal, tender_id: int, form: Mapping[str, Any]) -> None:
    data = validate_tender(form)
    async with transaction():
        tender = await for_change(principal, tender_id)
        await _require_draft(tender, N_("The tender's particulars can only be changed in draft; "
                                  "after publication change its documents and deadlines"))
        await _check_service_type(data.service_type_id)
        values = _row_data(data)
        current = {name: tender.row[name] for name in TENDER_FIELDS}
        before, after = changes(current, values)
        await _sync_evaluations(principal, tender_id, values)  # locks them: before the audit
        if after:
            await Tender.update({**after, "updated_at": clock.now()}).where(
                Tender.id == tender_id)
            await audit.record(principal.as_actor(), "tender.updated", "tender", tender_id,
                               before=before, after=after)


async def _sync_evaluations(principal: Principal, tender_id: int, values: dict[str, Any]
                            ) -> None:
    """Keep the lots' evaluations in step with the tender's envelope setting and title."""
    lots = await Lot.select().where(Lot.tender == tender_id)
    for lot in lots:
        if lot["evaluation_id"]:
            await scoring.update_settings(principal, lot["evaluation_id"], {
                "title": f"{values['title']}: {lot['title']}",
                "two_envelope": values["two_envelope"],
                "winners": _evaluation_winners(values["procedure"], lot["winners"])},
                by_owner=True)


def _evaluation_winners(procedure: str, lot_winners: int) -> int:
    """How many bids the lot's evaluation selects: the lot's winners, or every bid that
    meets the terms where the procedure does not rank (open house)."""
    return lot_winners if PROCEDURE_TYPES[procedure].ranked else MAX_WINNERS


async def set_authorities(principal: Principal, tender_id: int,
                          shares: Mapping[int, Any]) -> None:
    """The contracting authorities of a (joint) procurement and each one's share in percent;
    the lead authority stays one of them."""
    problems = ProblemCollector()
    parsed: dict[int, Decimal] = {}
    for authority_id, raw_share in shares.items():
        try:
            parsed[int(authority_id)] = parse_share(raw_share)
        except DomainError as exc:
            problems.add(f"share_{authority_id}", exc.problem.message, **exc.problem.params)
    problems.raise_if_any()
    try:
        check_shares(parsed)
    except DomainError as exc:
        raise ValidationFailed([Problem(exc.problem.message, exc.problem.params, "shares")]
                               ) from None
    async with transaction():
        tender = await for_change(principal, tender_id)
        await _require_draft(tender, N_("The authorities can only be changed in draft"))
        if tender.row["lead_authority"] not in parsed:
            raise ValidationFailed([Problem(N_("The lead authority must take part"), {},
                                            "shares")])
        known = {r["id"] for r in await Authority.select(Authority.id).where(
            Authority.id.is_in(list(parsed)))}
        unknown = sorted(set(parsed) - known)
        if unknown:
            raise ValidationFailed([Problem(N_("Authority {id} does not exist"),
                                            {"id": unknown[0]}, "shares")])
        before = {str(r["authority"]): r["share"] for r in await TenderAuthority.select(
            TenderAuthority.authority, TenderAuthority.share).where(
            TenderAuthority.tender == tender_id)}
        await TenderAuthority.delete().where(TenderAuthority.tender == tender_id)
        await TenderAuthority.insert(*[TenderAuthority(tender=tender_id, authority=a, share=s)
                                       for a, s in sorted(parsed.items())])
        await audit.record(principal.as_actor(), "tender.authorities_set", "tender", tender_id,
                           before=before, after={str(a): s for a, s in parsed.items()})


async def add_lot(principal: Principal, tender_id: int, form: Mapping[str, Any]) -> int:
    """A lot with its own evaluation in the scoring engine (criteria set there)."""
    data = validate_lot(form)
    async with transaction():
        tender = await for_change(principal, tender_id)
        if tender.phase not in (Phase.DRAFT, Phase.PUBLISHED, Phase.SELECTION,
                                Phase.DIALOGUE):
            raise await access.moved(DomainError(N_(
                "Lots can only be added before bidding starts")), tender)
        await _require_free_number(tender_id, data.number)
        row = Lot(tender=tender_id, number=data.number, title=data.title,
                  description=data.description, winners=data.winners,
                  estimated_value=data.estimated_value)
        await row.save()
        await _create_evaluation(principal, tender, row.id, data)
        await audit.record(principal.as_actor(), "lot.created", "tender", tender_id,
                           after={"lot": row.id, **data.__dict__})
    return int(row.id)


async def _require_free_number(tender_id: int, number: int, except_id: int | None = None
                               ) -> None:
    query = Lot.exists().where((Lot.tender == tender_id) & (Lot.number == number))
    if except_id is not None:
        query = query.where(Lot.id != except_id)
    if await query:
        raise ValidationFailed([Problem(N_("Lot {number} already exists"), {"number": number},
                                        "number")])


async def _create_evaluation(principal: Principal, tender: TenderRef, lot_id: int,
                             data: LotData) -> None:
    row = tender.row
    evaluation = await scoring.create_evaluation(principal, scoring.EvaluationSpec(
        title=f"{row['title']}: {data.title}", authority_id=row["lead_authority"],
        currency=row["currency"], owner_ref=lot_ref(tender.id, lot_id),
        owner_url=f"{tender_url(tender.id)}/lots/{lot_id}", two_envelope=row["two_envelope"],
        winners=_evaluation_winners(row["procedure"], data.winners)))
    await Lot.update({Lot.evaluation_id: evaluation.id}).where(Lot.id == lot_id)


async def update_lot(principal: Principal, tender_id: int, lot_id: int,
                     form: Mapping[str, Any]) -> None:
    data = validate_lot(form)
    async with transaction():
        tender = await for_change(principal, tender_id)
        await _require_draft(tender, N_("A lot can only be changed in draft"))
        lot = await get_lot_row(tender_id, lot_id)
        await _require_free_number(tender_id, data.number, except_id=lot_id)
        values = {"number": data.number, "title": data.title, "description": data.description,
                  "winners": data.winners, "estimated_value": data.estimated_value}
        before, after = changes({k: lot[k] for k in values}, values)
        if after:
            if lot["evaluation_id"]:  # locks the evaluation: before the audit (CONTRIBUTING)
                await scoring.update_settings(principal, lot["evaluation_id"], {
                    "title": f"{tender.row['title']}: {data.title}",
                    "two_envelope": tender.row["two_envelope"],
                    "winners": _evaluation_winners(tender.row["procedure"], data.winners)},
                    by_owner=True)
            await Lot.update(after).where(Lot.id == lot_id)
            await audit.record(principal.as_actor(), "lot.updated", "tender", tender_id,
                               before={"lot": lot_id, **before}, after={"lot": lot_id, **after})


async def get_lot_row(tender_id: int, lot_id: int) -> dict[str, Any]:
    lot = await Lot.select().where((Lot.id == lot_id) & (Lot.tender == tender_id)).first()
    if lot is None:
        raise NotFound(N_("Lot {id} does not exist"), id=lot_id)
    return lot


async def lots(principal: Principal, tender_id: int) -> list[dict[str, Any]]:
    await as_reader(principal, tender_id)
    return await Lot.select().where(Lot.tender == tender_id).order_by(Lot.number)


# --- documents --------------------------------------------------------------------------------


async def upload_document(principal: Principal, tender_id: int, name: str, filename: str,
                          content_type: str, data: bytes) -> int:
    """A tender document; a file under a name already used becomes its next version."""
    name = (name or "").strip() or storage.safe_filename(filename)
    if len(name) > 200:
        raise ValidationFailed([Problem(N_("The name is longer than {limit} characters"),
                                        {"limit": 200}, "name")])
    async with transaction():
        tender = await for_change(principal, tender_id)
        if tender.phase in FINAL_PHASES:
            raise await access.moved(DomainError(N_(
                "The documents of a closed tender cannot change")), tender)
        stored = await storage.store(principal.as_actor(), filename, content_type, data)
        versions = await TenderDocument.select(TenderDocument.version).where(
            (TenderDocument.tender == tender_id) & (TenderDocument.name == name))
        version = max((v["version"] for v in versions), default=0) + 1
        row = TenderDocument(tender=tender_id, name=name, version=version, file=stored.id,
                             uploaded_at=clock.now(), uploaded_by=principal.as_actor().label)
        await row.save()
        await audit.record(principal.as_actor(), "tender.document_uploaded", "tender",
                           tender_id, after={"name": name, "version": version,
                                             "file": stored.filename, "sha256": stored.sha256})
    return int(row.id)


async def documents(principal: Principal, tender_id: int) -> list[dict[str, Any]]:
    await as_reader(principal, tender_id)
    return await documents_of(tender_id)


async def documents_of(tender_id: int) -> list[dict[str, Any]]:
    """The documents of a tender the caller has already been let into."""
    return await TenderDocument.select(
        TenderDocument.all_columns(), TenderDocument.file.filename, TenderDocument.file.size,
    ).where(TenderDocument.tender == tender_id).order_by(TenderDocument.name).order_by(
        TenderDocument.version, ascending=False)


async def document_file(principal: Principal, tender_id: int, document_id: int
                        ) -> tuple[storage.FileInfo, AsyncIterator[bytes]]:
    await as_reader(principal, tender_id)
    row = await TenderDocument.select(TenderDocument.file).where(
        (TenderDocument.id == document_id) & (TenderDocument.tender == tender_id)).first()
    if row is None:
        raise NotFound(N_("Document {id} does not exist"), id=document_id)
    return await storage.stream(row["file"])


# --- deadlines --------------------------------------------------------------------------------


@dataclass(frozen=True)
class DeadlinesSaved:
    warnings: list[PeriodWarning]  # periods shorter than a legal minimum (later moves)
    told: tuple[str, ...] = ()  # candidates told of a deadline moved earlier
    without_address: tuple[str, ...] = ()  # candidates who could not be told (no email)


async def set_deadlines(principal: Principal, tender_id: int, form: Mapping[str, Any]
                        ) -> DeadlinesSaved:
    """Deadlines entered as local times, with ``reason`` when one moves earlier after
    publication (:func:`tenders.domain.check_deadline_changes` is the rule: later freely,
    earlier with a reason and never below the legal minimum). Candidates are told of an
    earlier deadline through the mail outbox. Returns the minimum-period warnings and who was
    told."""
    reason = str(form.get("reason") or "").strip()
    told = notices.Told((), ())
    async with transaction():
        tender = await for_change(principal, tender_id)
        if tender.phase in FINAL_PHASES:
            raise await access.moved(DomainError(N_(
                "The deadlines of a closed tender cannot change")), tender)
        wanted = parse_deadlines(form, tender.zone)
        now = clock.now()
        row = tender.row
        found = check_deadline_changes(
            PROCEDURE_TYPES[row["procedure"]], tender.phase is not Phase.DRAFT,
            access.deadlines_of(row), wanted, now, zone=tender.zone, country=tender.country,
            electronic=row["electronic_submission"], published_at=row["published_at"],
            invited_at=row["invited_at"], reason=reason)
        update = {f"deadline_{c.deadline.value}": c.after for c in found}
        if update:
            earlier = [c for c in found if c.earlier] if tender.phase is not Phase.DRAFT \
                else []
            await Tender.update({**update, "updated_at": now}).where(Tender.id == tender_id)
            after: dict[str, Any] = dict(update)
            if earlier:
                after.update(reason=reason, earlier=[c.deadline.value for c in earlier])
            await audit.record(principal.as_actor(), "tender.deadlines_changed", "tender",
                               tender_id, before={k: row[k] for k in update}, after=after)
            if earlier:
                language = await Authority.select(Authority.language).where(
                    Authority.id == row["lead_authority"]).first()
                told = await notices.tell_deadlines_moved_earlier(
                    principal.as_actor(), tender, language["language"] if language else "en",
                    earlier, reason)
    deadline_changes.changed(tender.key)
    return DeadlinesSaved(await period_warnings(principal, tender_id), told.told,
                          told.without_address)


async def period_warnings(principal: Principal, tender_id: int) -> list[PeriodWarning]:
    tender = await as_reader(principal, tender_id)
    row = tender.row
    start = row["published_at"] or clock.now()
    return check_minimum_periods(PROCEDURE_TYPES[row["procedure"]],
                                 access.deadlines_of(row), start, tender.zone,
                                 row["electronic_submission"], row["invited_at"],
                                 country=tender.country)


# --- phase changes ----------------------------------------------------------------------------


async def _move(actor: Actor, tender: TenderRef, action: Action, target: Phase,
                now: datetime, extra: Mapping[str, Any] | None = None,
                details: Mapping[str, Any] | None = None) -> None:
    values = {"phase": target.value, "phase_changed_at": now, "phase_due_at": None,
              "updated_at": now, **(extra or {})}
    await Tender.update(values).where(Tender.id == tender.id)
    await audit.record(actor, f"tender.{action.value}", "tender", tender.id,
                       before={"phase": tender.phase.value},
                       after={"phase": target.value, **(extra or {}), **(details or {})})


async def transition(principal: Principal, tender_id: int, action: Action,
                      extra: Mapping[str, Any] | None = None,
                      details: Mapping[str, Any] | None = None) -> TenderRef:
    """Check ``action`` against the facts and apply it; in the caller's transaction.

    Deadline-driven steps that are due are applied first, so that nobody waits for the
    scheduler's next sweep (bids closed at the deadline, not a minute later).
    """
    now = clock.now()
    tender = await for_change(principal, tender_id)
    facts = await access.facts(tender)
    if target(action, facts) is None:  # not from this phase: someone moved the tender on
        raise await access.moved(DomainError(missing(action, facts, now)[0].message), tender)
    refuse(missing(action, facts, now, principal.id), tender.zone)
    await _move(principal.as_actor(), tender, action, _target(action, facts), now, extra,
                details)
    return tender


def _target(action: Action, facts: TenderFacts) -> Phase:
    found = target(action, facts)
    assert found is not None
    return found


async def publish(principal: Principal, tender_id: int) -> list[PeriodWarning]:
    """Publish a draft; returns the minimum-period warnings (they do not stop it)."""
    async with transaction():
        now = clock.now()
        tender = await transition(principal, tender_id, Action.PUBLISH,
                                   extra={"published_at": now})
        warnings = check_minimum_periods(
            PROCEDURE_TYPES[tender.row["procedure"]], access.deadlines_of(tender.row), now,
            tender.zone, tender.row["electronic_submission"], country=tender.country)
        if warnings:
            await audit.record(principal.as_actor(), "tender.period_warnings", "tender",
                               tender_id, after={"warnings": [
                                   {"deadline": w.deadline.value, "days": w.days_given,
                                    "minimum": w.days_required, "rule": w.rule}
                                   for w in warnings]})
    deadline_changes.changed(tender.key)
    return warnings


async def cancel(principal: Principal, tender_id: int, reason: Any) -> None:
    text = require_reason(reason)
    async with transaction():
        tender = await transition(principal, tender_id, Action.CANCEL,
                                   extra={"closed_reason": text})
    deadline_changes.changed(tender.key)


async def declare_unsuccessful(principal: Principal, tender_id: int, reason: Any) -> None:
    text = require_reason(reason)
    async with transaction():
        tender = await transition(principal, tender_id, Action.DECLARE_UNSUCCESSFUL,
                                   extra={"closed_reason": text})
    deadline_changes.changed(tender.key)


async def start_standstill(principal: Principal, tender_id: int, sent_at: datetime
                           ) -> tuple[TenderRef, datetime]:
    """Record that the award decisions went out at ``sent_at`` and start the standstill, in the
    caller's transaction; returns the tender and the standstill's end. Only
    :func:`tenders.letters.send_award_decisions` calls it: it sends the letters in the same
    transaction, with the end written in them."""
    tender = await for_change(principal, tender_id)
    ends = standstill_end(sent_at, tender.standstill_days, tender.zone, tender.country)
    await transition(principal, tender_id, Action.SEND_AWARD_DECISIONS,
                     extra={"decisions_sent_at": sent_at, "standstill_ends_at": ends},
                     details={"standstill_days": tender.standstill_days})
    return tender, ends


async def award(principal: Principal, tender_id: int) -> None:
    """The definitive award: after the standstill, with no objection open."""
    async with transaction():
        tender = await transition(principal, tender_id, Action.AWARD,
                                   extra={"awarded_at": clock.now()})
    deadline_changes.changed(tender.key)


async def conclude_contracts(principal: Principal, tender_id: int) -> None:
    async with transaction():
        await transition(principal, tender_id, Action.CONCLUDE_CONTRACTS)


# --- deadline-driven steps --------------------------------------------------------------------


@dataclass(frozen=True)
class DueMoves:
    """The deadline-driven steps applied to one tender, with their audit events."""

    tender: TenderRef  # as it was before the steps
    applied: list[AppliedStep]
    events: list[audit.NewEvent]
    phase: Phase  # where the steps left it


async def move_due(tender_ids: Sequence[int], now: datetime) -> list[DueMoves]:
    """Apply what is due for the given tenders, once, in the caller's transaction, which must
    record the returned events (``audit.record_many``). A few queries for any number of
    tenders: their facts at once, one update per kind of move. Tenders with nothing due (or
    moved meanwhile by someone else) are left out; the others come in the order given.
    """
    found = await access.load_many(tender_ids)
    tenders = [found[i] for i in dict.fromkeys(tender_ids) if i in found]
    facts = await access.facts_many(tenders)
    plans = [(t, due) for t in tenders if (due := due_transitions(facts[t.id], now))]
    groups: dict[tuple[Phase, Phase], list[int]] = {}
    for tender, due in plans:
        groups.setdefault((tender.phase, due[-1].target), []).append(tender.id)
    moved: set[int] = set()
    for (source, final), ids in groups.items():
        for start in range(0, len(ids), 500):
            moved.update(r["id"] for r in await Tender.update({
                Tender.phase: final.value, Tender.phase_changed_at: now,
                Tender.updated_at: now}).where(
                Tender.id.is_in(ids[start:start + 500]) & (Tender.phase == source.value)
            ).returning(Tender.id))
    # The moment each move was due beside the moment it was applied (``now``).
    await update_rows(Tender._meta.tablename, "id", ["phase_due_at"],
                      [(due[-1].due_at, tender.id) for tender, due in plans if tender.id in moved])
    done: list[DueMoves] = []
    for tender, due in plans:
        if tender.id not in moved:
            continue
        applied, events = [], []
        for step in due:
            late = (now - step.due_at).total_seconds()
            details = ({"due_at": step.due_at, "late_by_seconds": round(late)} if late >= 60
                       else {"due_at": step.due_at})
            events.append(audit.NewEvent(f"tender.{step.action.value}", "tender", tender.id,
                                         before={"phase": step.source.value},
                                         after={"phase": step.target.value, **details}))
            applied.append(AppliedStep(tender.key, step.action.value, step.due_at, now))
        done.append(DueMoves(tender, applied, events, due[-1].target))
    return done


async def apply_due_many(actor: Actor, tender_ids: Sequence[int], now: datetime
                         ) -> list[DueMoves]:
    """:func:`move_due` in one transaction with its audit events."""
    async with transaction():
        done = await move_due(tender_ids, now)
        await audit.record_many(actor, [event for moves in done for event in moves.events])
    return done


async def apply_due(actor: Actor, tender_id: int, now: datetime) -> list[AppliedStep]:
    """Apply what is due for one tender, once: a second call finds nothing left to do.

    A step applied after its moment is audited as late, with the delay in seconds. The same
    code as the scheduler's sweep over many tenders (:func:`apply_due_many`).
    """
    return [step for moves in await apply_due_many(actor, [tender_id], now)
            for step in moves.applied]


async def for_change(principal: Principal, tender_id: int) -> TenderRef:
    """The tender for an officer's change, with whatever deadline step is due applied first
    (so that nobody waits for the scheduler: the selection opens at the requests deadline),
    its row locked until the caller's transaction ends (:func:`access.as_officer`)."""
    await apply_due(TICKER, tender_id, clock.now())
    return await as_officer(principal, tender_id)


# --- reading ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Filters:
    phase: str | None = None
    authority_id: int | None = None
    service_type_id: int | None = None
    text: str | None = None


@dataclass(frozen=True)
class TenderListItem:
    id: int
    reference: str
    title: str
    procedure: str
    phase: str
    authority: str
    service_type: dict[str, str | None]  # its name by language
    next_deadline: datetime | None
    zone: str
    updated_at: datetime


async def list_tenders(principal: Principal, filters: Filters, offset: int = 0,
                       limit: int = 25) -> tuple[list[TenderListItem], int]:
    if principal.role not in access.READER_ROLES:
        return [], 0
    query = Tender.select(
        Tender.id, Tender.reference, Tender.title, Tender.procedure, Tender.phase,
        Tender.deadline_requests, Tender.deadline_bids, Tender.updated_at,
        Tender.lead_authority.name, Tender.lead_authority.timezone,
        *access.SERVICE_TYPE_NAMES)
    count = Tender.count()
    conditions = []
    if not principal.is_admin:
        visible = TenderAuthority.select(TenderAuthority.tender).where(
            TenderAuthority.authority.is_in(sorted(principal.authority_ids) or [0]))
        conditions.append(Tender.id.is_in(visible))
    if filters.phase:
        conditions.append(Tender.phase == filters.phase)
    if filters.authority_id:
        conditions.append(Tender.id.is_in(TenderAuthority.select(TenderAuthority.tender).where(
            TenderAuthority.authority == filters.authority_id)))
    if filters.service_type_id:
        conditions.append(Tender.service_type == filters.service_type_id)
    if filters.text:
        conditions.append(contains(Tender.title, filters.text)
                          | contains(Tender.reference, filters.text))
    for condition in conditions:
        query = query.where(condition)
        count = count.where(condition)
    total = await count
    rows = await query.order_by(Tender.updated_at, ascending=False).order_by(
        Tender.id, ascending=False).offset(offset).limit(limit)
    items = []
    for r in rows:
        phase = Phase(r["phase"])
        nxt = r["deadline_requests"] if phase is Phase.PUBLISHED else (
            r["deadline_bids"] if phase is Phase.TENDERING else None)
        service = {language: localized_name(r, language, "service_type.")
                   for language in SERVICE_TYPE_LANGUAGES}
        items.append(TenderListItem(r["id"], r["reference"], r["title"], r["procedure"],
                                    r["phase"], r["lead_authority.name"], service, nxt,
                                    r["lead_authority.timezone"], r["updated_at"]))
    return items, total


@dataclass(frozen=True)
class ActionView:
    action: Action
    label: str
    missing: tuple[Problem, ...]

    @property
    def allowed(self) -> bool:
        return not self.missing


@dataclass(frozen=True)
class NextStep:
    """The next deadline and what happens at it."""

    label: str  # message id of the deadline
    at: datetime
    does: str  # message id of what it will do
    automatic: bool


@dataclass(frozen=True)
class Overview:
    tender: dict[str, Any]
    zone: str
    country: str
    standstill_days: int
    can_change: bool
    authorities: list[dict[str, Any]]
    lots: list[dict[str, Any]]
    phases: tuple[Phase, ...]
    phase: Phase
    actions: list[ActionView]
    next_step: NextStep | None
    warnings: list[PeriodWarning]
    facts: TenderFacts
    deadlines: dict[Deadline, datetime] = field(default_factory=dict)
    opening: OpeningStep = field(default_factory=OpeningStep)
    publish_warnings: list[Problem] = field(default_factory=list)
    # What the light regime asks at the tender's value (EU publication), in every phase.
    regime_warnings: list[Problem] = field(default_factory=list)


def next_step(facts: TenderFacts, row: Mapping[str, Any], now: datetime) -> NextStep | None:
    automatic = next_automatic(facts)
    if automatic is not None:
        action, moment = automatic
        return NextStep(DEADLINE_LABELS[AUTOMATIC[action]], moment, ACTION_LABELS[action], True)
    if facts.phase is Phase.AWARD_INTENT and row["standstill_ends_at"] is not None:
        return NextStep(N_("End of the standstill period"), row["standstill_ends_at"],
                        N_("The definitive award becomes possible"), False)
    questions = facts.deadlines.get(Deadline.QUESTIONS)
    if facts.phase in (Phase.PUBLISHED, Phase.SELECTION, Phase.DIALOGUE, Phase.TENDERING) and (
            questions is not None and questions > now):
        return NextStep(DEADLINE_LABELS[Deadline.QUESTIONS], questions,
                        N_("Questions received later are refused"), False)
    return None


async def overview(principal: Principal, tender_id: int) -> Overview:
    tender = await as_reader(principal, tender_id)
    lot_rows = await access.lots_of(tender_id)
    facts = await access.facts(tender, lot_rows)
    now = clock.now()
    authorities = await TenderAuthority.select(
        TenderAuthority.authority, TenderAuthority.share, TenderAuthority.authority.name,
        TenderAuthority.authority.country).where(TenderAuthority.tender == tender_id).order_by(
        TenderAuthority.share, ascending=False)
    actions = [ActionView(a, ACTION_LABELS[a], tuple(
        localise(p, tender.zone) for p in missing(a, facts, now, principal.id)))
        for a in possible(facts)] if tender.can_change else []
    kind = PROCEDURE_TYPES[tender.row["procedure"]]
    warnings = [] if tender.phase not in OPEN_FOR_BIDS else check_minimum_periods(
        kind, facts.deadlines, tender.row["published_at"] or now, tender.zone,
        tender.row["electronic_submission"], tender.row["invited_at"], country=tender.country)
    opening = opening_step(facts, now, principal.id) if tender.can_change else OpeningStep()
    if opening.reason is not None:
        opening = OpeningStep(reason=localise(opening.reason, tender.zone))
    return Overview(tender.row, tender.zone, tender.country, tender.standstill_days,
                    tender.can_change, authorities, lot_rows, kind.phases, tender.phase,
                    actions, next_step(facts, tender.row, now), warnings, facts,
                    facts.deadlines, opening,
                    publish_warnings(facts) if tender.can_change else [],
                    light_regime_warnings(
                        tender.row["procedure"],
                        contract_value(tender.row["estimated_value"],
                                       [lot["estimated_value"] for lot in lot_rows]),
                        tender.row["currency"], jurisdiction_for(tender.country).light_regime))
