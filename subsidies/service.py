"""Subsidy rounds' use cases: each one transaction with its audit events.

Rounds (settings fixed once open), applications (registered or imported all-or-nothing), the
life cycle, review through the scoring engine (an evaluation per round, owner ref "round:7",
subjects "application:12"), the allocation under the ceiling, the decision with payment
schedules and report due dates, payments and settlement.
"""

from __future__ import annotations

import json
import secrets
from collections.abc import AsyncIterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from piccolo.table import Table

from accounts.domain import Principal
from audit import service as audit
from audit.domain import changes
from authorities.tables import Authority
from common import clock
from common.errors import DomainError, NotFound, Problem, ProblemCollector, ValidationFailed
from common.i18n import N_
from common.localtime import utc_to_local
from common.money import read_amount
from common.refs import SubjectRef
from config.database import contains, engine, is_sqlite, raw, transaction
from documents import storage
from documents.tables import StoredFile
from documents.xlsx_guard import capped
from organisations import service as organisations
from scoring import service as scoring
from subsidies import access, letters
from subsidies.allocation import (
    Adjustment,
    Allocation,
    Candidate,
    Line,
    Method,
    Remainder,
    Rules,
    adjust,
    allocate,
    outcome_of,
)
from subsidies.applications import (
    ApplicationData,
    ParsedRow,
    parse_rows,
    read_rows,
    validate_application,
)
from subsidies.domain import (
    PAYMENT_STATUS_LABELS,
    Instalments,
    RoundData,
    RoundPhase,
    RoundSettings,
    fixed_changes,
    payment_schedule,
    reports_due,
    require_reports_ahead,
    settle,
    tiers_from_json,
    validate_round,
)
from subsidies.lifecycle import HOLDING_A_GRANT, TRANSITIONS, Action, Refused, State, step
from subsidies.tables import (
    AllocationLine,
    Application,
    ApplicationFile,
    Payment,
    Report,
    SubsidyRound,
)

BATCH = 500
ZERO = Decimal("0.00")
RUNNING = (State.ELIGIBLE, State.UNDER_REVIEW)  # in the race for the budget


def subject_ref(application_id: int) -> str:
    return str(SubjectRef("application", application_id))


def owner_ref(round_id: int) -> str:
    return f"round:{round_id}"


def round_url(round_id: int) -> str:
    return f"/subsidies/rounds/{round_id}"


# --- rounds ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Budget:
    ceiling: Decimal
    allocated: Decimal  # granted (decided) or, before the decision, proposed
    paid: Decimal
    proposed: bool  # True while the allocated figure is a proposal

    @property
    def allocated_percent(self) -> Decimal:
        return ZERO if not self.ceiling else (self.allocated * 100 / self.ceiling).quantize(
            Decimal("0.1"))

    @property
    def paid_percent(self) -> Decimal:
        return ZERO if not self.ceiling else (self.paid * 100 / self.ceiling).quantize(
            Decimal("0.1"))


@dataclass(frozen=True, kw_only=True)
class RoundView(RoundSettings):
    """A round's settings with its state, as pages and the API show it."""

    id: int
    authority: str
    zone: str
    tiers_json: str
    phase: RoundPhase
    evaluation_id: int | None
    allocated_at: datetime | None
    decided_at: datetime | None
    created_at: datetime
    regulation_document: int | None = None
    window_closed_at: datetime | None = None  # when the window was closed (applied)
    window_close_due_at: datetime | None = None  # when it was due to close
    basis_regulation: str = ""  # the legal basis its decisions cite: the regulation
    basis_articles: str = ""  # and its article(s)

    @property
    def fixed(self) -> bool:
        return self.phase is not RoundPhase.DRAFT

    @property
    def tiers(self) -> tuple:
        return tiers_from_json(self.tiers_json)

    def rules(self) -> Rules:
        return Rules(self.method, self.ceiling, self.maximum_per_applicant, self.minimum_score,
                     self.remainder, self.lottery_seed, self.zone)


def _round_view(row: Mapping[str, Any], authority: Mapping[str, Any]) -> RoundView:
    return RoundView(
        id=row["id"], authority_id=row["authority"], authority=authority["name"],
        zone=authority["timezone"], title=row["title"], regulation_name=row["regulation_name"],
        regulation_reference=row["regulation_reference"],
        service_types=tuple(s for s in row["service_types"].split(",") if s),
        opens_at=row["opens_at"], closes_at=row["closes_at"], ceiling=row["ceiling"],
        currency=row["currency"], method=Method(row["method"]),
        remainder=Remainder(row["remainder"]), lottery_seed=row["lottery_seed"],
        eligibility_criteria=tuple(s for s in row["eligibility_criteria"].splitlines() if s),
        minimum_score=row["minimum_score"], maximum_per_applicant=row["maximum_per_applicant"],
        period_start=row["period_start"], period_end=row["period_end"],
        advance_share=row["advance_share"], instalments=Instalments(row["instalments"]),
        instalment_dates=tuple(date.fromisoformat(d)
                               for d in row["instalment_dates"].split(",") if d),
        yearly_reports=row["yearly_reports"], tiers_json=row["tiers"],
        phase=RoundPhase(row["phase"]), evaluation_id=row["evaluation_id"],
        allocated_at=row["allocated_at"], decided_at=row["decided_at"],
        created_at=row["created_at"], regulation_document=row["regulation_document"],
        budget_line=row["budget_line"], window_closed_at=row["window_closed_at"],
        window_close_due_at=row["window_close_due_at"],
        basis_regulation=row["basis_regulation"], basis_articles=row["basis_articles"])


async def _authority(authority_id: int) -> dict[str, Any]:
    row = await Authority.select().where(Authority.id == authority_id).first()
    if row is None:
        raise ValidationFailed([Problem(N_("Authority {id} does not exist"),
                                        {"id": authority_id}, "authority_id")])
    return row


async def _view(row: Mapping[str, Any]) -> RoundView:
    return _round_view(row, await _authority(row["authority"]))


def _check_settings(principal: Principal, form: Mapping[str, Any], zone: str) -> RoundData:
    data = validate_round(form, zone)
    if not access.may_run(principal, data.authority_id):
        raise ValidationFailed([Problem(N_("You do not act for this authority"), {},
                                        "authority_id")])
    return data


async def _zone_for(form: Mapping[str, Any]) -> str:
    try:
        authority = await Authority.select(Authority.timezone).where(
            Authority.id == int(str(form.get("authority_id")))).first()
    except ValueError:
        authority = None
    return authority["timezone"] if authority else "Europe/Amsterdam"


async def create_round(principal: Principal, form: Mapping[str, Any]) -> RoundView:
    data = _check_settings(principal, form, await _zone_for(form))
    settings = data.settings()
    settings["lottery_seed"] = data.lottery_seed or secrets.token_hex(8)
    async with transaction():
        await _authority(data.authority_id)
        row = SubsidyRound(**settings, phase=RoundPhase.DRAFT.value, created_at=clock.now())
        await row.save()
        await audit.record(principal.as_actor(), "round.created", "subsidy_round", row.id,
                           after=settings)
        return await _view(await _row(row.id))


async def _row(round_id: int) -> dict[str, Any]:
    row = await SubsidyRound.select().where(SubsidyRound.id == round_id).first()
    if row is None:
        raise NotFound(N_("Subsidy round {id} does not exist"), id=round_id)
    return row


async def update_round(principal: Principal, round_id: int, form: Mapping[str, Any],
                       ) -> RoundView:
    """Change the settings; once the round is open its method, ceiling, currency, remainder
    policy and lottery seed are fixed (Awb 4:25), and changing them is refused."""
    async with transaction():
        row = await access.round_row(principal, round_id, run=True)
        data = _check_settings(principal, {**form, "authority_id": row["authority"]},
                               (await _authority(row["authority"]))["timezone"])
        wanted = data.settings()
        wanted["lottery_seed"] = data.lottery_seed or row["lottery_seed"]
        if row["phase"] != RoundPhase.DRAFT.value:
            fixed = fixed_changes(row, wanted)
            if fixed:
                raise ValidationFailed([Problem(
                    N_("The round is open: its allocation method and ceiling can no longer "
                       "change"), {}, name) for name in fixed])
        before, after = changes({k: row[k] for k in wanted}, wanted)
        if after:
            await SubsidyRound.update(after).where(SubsidyRound.id == round_id)
            await audit.record(principal.as_actor(), "round.updated", "subsidy_round",
                               round_id, before=before, after=after)
        return await _view(await _row(round_id))


async def open_round(principal: Principal, round_id: int) -> RoundView:
    async with transaction():
        row = await access.round_row(principal, round_id, run=True)
        if row["phase"] != RoundPhase.DRAFT.value:
            raise await _round_changed(DomainError(N_("The round is already open")), row,
                                       "round.opened")
        now = clock.now()
        await SubsidyRound.update({SubsidyRound.phase: RoundPhase.OPEN.value,
                                   SubsidyRound.opened_at: now}).where(
            SubsidyRound.id == round_id)
        await audit.record(principal.as_actor(), "round.opened", "subsidy_round", round_id,
                           after={"method": row["method"], "ceiling": row["ceiling"],
                                  "lottery_seed": row["lottery_seed"]})
        return await _view(await _row(round_id))


async def get_round(principal: Principal, round_id: int) -> RoundView:
    return await _view(await access.round_row(principal, round_id))


async def budget(round_id: int, ceiling: Decimal) -> Budget:
    """Money added up in Python (exact Decimals), never in SQL."""
    granted = await Application.select(Application.granted).where(
        (Application.round == round_id) & Application.state.is_in(
            [s.value for s in HOLDING_A_GRANT]))
    if granted:
        allocated, proposed = sum((r["granted"] or ZERO for r in granted), ZERO), False
    else:
        lines = await AllocationLine.select(AllocationLine.proposed).where(
            AllocationLine.round == round_id)
        allocated, proposed = sum((r["proposed"] for r in lines), ZERO), bool(lines)
    paid = await Payment.select(Payment.amount).where(
        (Payment.application.round == round_id) & (Payment.status == "paid"))
    return Budget(ceiling, allocated, sum((r["amount"] for r in paid), ZERO), proposed)


@dataclass(frozen=True)
class RoundSummary:
    round: RoundView
    budget: Budget
    applications: int


async def list_rounds(principal: Principal) -> list[RoundSummary]:
    query = SubsidyRound.select().order_by(SubsidyRound.id, ascending=False)
    if not principal.is_admin:
        if principal.role not in access.READER_ROLES or not principal.authority_ids:
            return []
        query = query.where(SubsidyRound.authority.is_in(sorted(principal.authority_ids)))
    rows = await query
    authorities = {a["id"]: a for a in await Authority.select()}
    counts = {r["round"]: r["count"] for r in await raw(
        "SELECT round, COUNT(*) AS count FROM subsidies_application GROUP BY round")}
    return [RoundSummary(_round_view(row, authorities[row["authority"]]),
                         await budget(row["id"], row["ceiling"]), counts.get(row["id"], 0))
            for row in rows]


async def authority_choices(principal: Principal) -> list[tuple[int, str]]:
    rows = await Authority.select(Authority.id, Authority.name).where(
        Authority.active.eq(True)).order_by(Authority.name)
    return [(r["id"], r["name"]) for r in rows if access.may_run(principal, r["id"])]


# --- applications ---------------------------------------------------------------------------


def _late_by(row: Mapping[str, Any], moment: datetime) -> int | None:
    late = (moment - row["closes_at"]).total_seconds()
    return int(late) if late > 0 else None


async def _round_changed(reason: DomainError, row: Mapping[str, Any],
                         *actions: str) -> DomainError:
    """``reason`` naming who put the round in its state, and when (its latest event of
    ``actions``; see :func:`audit.service.conflict`)."""
    return await audit.conflict(reason, "subsidy_round", row["id"], actions=actions)


async def _require_accepting(row: Mapping[str, Any]) -> None:
    if row["phase"] == RoundPhase.DRAFT.value:
        raise DomainError(N_("The round is not open yet; open it to register applications"))
    if row["phase"] == RoundPhase.DECIDED.value:
        raise await _round_changed(DomainError(N_(
            "The round has been decided; no application can be added")), row, "round.decided")


async def _next_references(round_id: int, count: int) -> list[str]:
    existing = await Application.count().where(Application.round == round_id)
    return [f"R{round_id}-{existing + n:04d}" for n in range(1, count + 1)]


async def _store_applications(principal: Principal, row: Mapping[str, Any],
                              items: Sequence[ApplicationData]) -> list[int]:
    actor = principal.as_actor()
    organisation_ids = await organisations.register_many(actor, [i.organisation for i in items])
    now = clock.now()
    references = await _next_references(row["id"], len(items))
    new_rows = []
    for item, organisation_id, reference in zip(items, organisation_ids, references,
                                                strict=True):
        submitted_at = item.submitted_at or now
        new_rows.append(Application(
            round=row["id"], organisation=organisation_id, reference=reference,
            **item.columns(), state=State.SUBMITTED.value, submitted_at=submitted_at,
            late_by_seconds=_late_by(row, submitted_at), created_at=now, updated_at=now))
    ids: list[int] = []
    for start in range(0, len(new_rows), BATCH):
        inserted = await Application.insert(*new_rows[start:start + BATCH]).returning(
            Application.id)
        ids.extend(r["id"] for r in inserted)
    events = []
    for application_id, item, application in zip(ids, items, new_rows, strict=True):
        events.append(audit.NewEvent("application.registered", "application", application_id,
                                     after={"round": row["id"],
                                            "reference": application.reference,
                                            "organisation": item.organisation.name,
                                            "requested": item.requested,
                                            "submitted_at": application.submitted_at}))
        if application.late_by_seconds:
            events.append(audit.NewEvent("application.late", "application", application_id,
                                         after={"closes_at": row["closes_at"],
                                                "submitted_at": application.submitted_at,
                                                "late_by_seconds": application.late_by_seconds}))
    await audit.record_many(actor, events)
    return ids


async def _known_applicants(round_id: int) -> dict[tuple[str, str], str]:
    rows = await Application.select(
        Application.reference, Application.organisation.country,
        Application.organisation.registration_number).where(
        (Application.round == round_id) & (Application.state != State.WITHDRAWN.value))
    return {(r["organisation.country"], r["organisation.registration_number"]): r["reference"]
            for r in rows}


async def register_application(principal: Principal, round_id: int,
                               form: Mapping[str, Any]) -> int:
    """An application received by the authority, registered by an officer: submitted."""
    async with transaction():
        row = await access.round_row(principal, round_id, run=True)
        await _require_accepting(row)
        zone = (await _authority(row["authority"]))["timezone"]
        data = validate_application(form, zone)
        key = (data.organisation.country, data.organisation.registration_number)
        known = await _known_applicants(round_id)
        if key in known:
            raise ValidationFailed([Problem(
                N_("{name} has already applied in this round ({ref})"),
                {"name": data.organisation.name, "ref": known[key]}, "registration_number")])
        [application_id] = await _store_applications(principal, row, [data])
        return application_id


@dataclass(frozen=True)
class ImportPreview:
    rows: tuple[ParsedRow, ...]
    problems: tuple[Problem, ...]

    @property
    def good(self) -> int:
        return sum(1 for r in self.rows if r.data is not None)


async def preview_import(principal: Principal, round_id: int, filename: str,
                         data: bytes) -> ImportPreview:
    """Every row checked; nothing is stored (the callers that store lock the round first)."""
    row = await access.round_row(principal, round_id, run=True, lock=False)
    await _require_accepting(row)
    zone = (await _authority(row["authority"]))["timezone"]
    parsed = parse_rows(read_rows(filename, data), zone, await _known_applicants(round_id))
    return ImportPreview(tuple(parsed), tuple(p for r in parsed for p in r.problems))


async def import_applications(principal: Principal, round_id: int, filename: str,
                              data: bytes) -> list[int]:
    """Every row stored, or (when any row is bad) none: the refusal names each bad row."""
    async with transaction():
        await access.round_row(principal, round_id, run=True)
        preview = await preview_import(principal, round_id, filename, data)
        if preview.problems:
            raise ValidationFailed(capped(list(preview.problems)))
        if not preview.rows:
            raise DomainError(N_("The file has no applications"))
        row = await _row(round_id)
        ids = await _store_applications(principal, row, [r.data for r in preview.rows
                                                         if r.data is not None])
        await audit.record(principal.as_actor(), "round.applications_imported",
                           "subsidy_round", round_id,
                           after={"file": filename, "applications": len(ids)})
        return ids


IMPORT_TYPE = f"{storage.APP_TYPE_PREFIX}subsidy-import"


async def upload_import(principal: Principal, round_id: int, filename: str,
                        data: bytes) -> tuple[ImportPreview, int | None]:
    """The preview of an upload; a file without problems is kept for the import (its id)."""
    async with transaction():
        await access.round_row(principal, round_id, run=True)
        preview = await preview_import(principal, round_id, filename, data)
        if preview.problems or not preview.rows:
            return preview, None
        info = await storage.store(principal.as_actor(), filename, IMPORT_TYPE, data)
        await audit.record(principal.as_actor(), "round.import_uploaded", "subsidy_round",
                           round_id, after={"file": info.id, "filename": info.filename,
                                            "rows": len(preview.rows)})
        return preview, info.id


async def uploaded_import(principal: Principal, file_id: int) -> None:
    """Not found unless ``file_id`` is a file kept by :func:`upload_import` for this user."""
    row = await StoredFile.select().where(StoredFile.id == file_id).first()
    if row is None or row["content_type"] != IMPORT_TYPE or (
            row["created_by"] != principal.as_actor().label):
        raise NotFound(N_("The uploaded file is no longer there; upload it again"))


async def import_uploaded(principal: Principal, round_id: int, file_id: int) -> list[int]:
    """Import a file kept by :func:`upload_import` (by the same user)."""
    await uploaded_import(principal, file_id)
    info, data = await storage.read(file_id)
    return await import_applications(principal, round_id, info.filename, data)


# --- reading applications -------------------------------------------------------------------


@dataclass(frozen=True)
class ApplicationView:
    id: int
    round_id: int
    reference: str
    organisation_id: int
    organisation: str
    country: str
    registration_number: str
    iban: str | None
    contact_name: str
    contact_email: str
    title: str
    requested: Decimal
    own_contribution: Decimal
    budget_lines: tuple[tuple[str, Decimal], ...]
    activity_plan: str
    target_group: str
    districts: str
    expected_participants: int
    state: State
    state_reason: str
    submitted_at: datetime | None
    late_by_seconds: int | None
    complete_at: datetime | None
    eligibility: Mapping[str, bool]
    granted: Decimal | None
    decided_at: datetime | None
    final_amount: Decimal | None
    reclaim: Decimal | None
    to_pay: Decimal | None
    settled_at: datetime | None


def _application_view(row: Mapping[str, Any], organisation: Mapping[str, Any],
                      ) -> ApplicationView:
    return ApplicationView(
        row["id"], row["round"], row["reference"], organisation["id"], organisation["name"],
        organisation["country"], organisation["registration_number"], organisation["iban"],
        row["contact_name"], row["contact_email"], row["title"], row["requested"],
        row["own_contribution"],
        tuple((b["description"], Decimal(b["amount"])) for b in json.loads(
            row["budget_lines"] or "[]")),
        row["activity_plan"], row["target_group"], row["districts"],
        row["expected_participants"], State(row["state"]), row["state_reason"],
        row["submitted_at"], row["late_by_seconds"], row["complete_at"],
        json.loads(row["eligibility"] or "{}"), row["granted"], row["decided_at"],
        row["final_amount"], row["reclaim"], row["to_pay"], row["settled_at"])


async def get_application(principal: Principal, application_id: int) -> ApplicationView:
    row, _ = await access.application_row(principal, application_id)
    return _application_view(row, await organisations.get_organisation(row["organisation"]))


@dataclass(frozen=True)
class ListedApplication:
    id: int
    reference: str
    organisation: str
    requested: Decimal
    state: State
    submitted_at: datetime | None
    late: bool
    complete_at: datetime | None
    proposed: Decimal | None
    granted: Decimal | None


@dataclass(frozen=True)
class ApplicationPage:
    items: list[ListedApplication]
    total: int
    counts: Mapping[str, int]  # per state, when asked for
    page: int


async def list_applications(principal: Principal, round_id: int, *, state: str = "",
                            text: str = "", page: int = 1, limit: int = 50,
                            counts: bool = False) -> ApplicationPage:
    """One page (the last one when ``page`` is past the end); ``counts``: per state too."""
    await access.round_row(principal, round_id)
    where = Application.round == round_id
    if state:
        where &= Application.state == state
    if text:
        where &= contains(Application.organisation.name, text) | (
            Application.reference == text.strip())
    total = await Application.count().where(where)
    page = max(1, min(page, -(-total // limit) if limit else 1))
    offset = (page - 1) * limit
    rows = [] if not limit else await Application.select(
        Application.id, Application.reference, Application.organisation.name,
        Application.requested, Application.state, Application.submitted_at,
        Application.late_by_seconds, Application.complete_at, Application.granted,
    ).where(where).order_by(Application.reference).offset(offset).limit(limit)
    proposed = {}
    if rows:
        proposed = {r["application"]: r["proposed"] for r in await AllocationLine.select(
            AllocationLine.application, AllocationLine.proposed).where(
            AllocationLine.application.is_in([r["id"] for r in rows]))}
    per_state = {} if not counts else {r["state"]: r["count"] for r in await raw(
        "SELECT state, COUNT(*) AS count FROM subsidies_application WHERE round = {} "
        "GROUP BY state", round_id)}
    return ApplicationPage([ListedApplication(
        r["id"], r["reference"], r["organisation.name"], r["requested"], State(r["state"]),
        r["submitted_at"], bool(r["late_by_seconds"]), r["complete_at"], proposed.get(r["id"]),
        r["granted"]) for r in rows], total, per_state, page)


async def history(principal: Principal, application_id: int) -> list[dict[str, Any]]:
    await access.application_row(principal, application_id)
    return await audit.history("application", application_id)


# --- the life cycle -------------------------------------------------------------------------


async def _transition(principal: Principal, row: Mapping[str, Any], target: State,
                      action: Action, extra: Mapping[str, Any] | None = None,
                      note: Mapping[str, Any] | None = None) -> None:
    now = clock.now()
    values = {"state": target.value, "updated_at": now, **(extra or {})}
    await Application.update(values).where(Application.id == row["id"])
    await audit.record(principal.as_actor(), f"application.{action.value}", "application",
                       row["id"], before={"state": row["state"]},
                       after={"state": target.value,
                              **{k: v for k, v in (extra or {}).items() if k != "updated_at"},
                              **(note or {})})


async def _step(row: Mapping[str, Any], action: Action, *, outcome: State | None = None,
                reason: str = "") -> State:
    """:func:`lifecycle.step` from the application's state; refused because of that state,
    the refusal names who put the application in it, and when."""
    state = State(row["state"])
    try:
        return step(state, action, outcome=outcome, reason=reason)
    except Refused as refusal:
        if state in TRANSITIONS[action][0]:  # refused for what it lacks, not its state
            raise
        raise await audit.conflict(refusal, "application", row["id"],
                                   about={"state": state.value}) from None


STEP_ACTIONS = (Action.ASK_INFORMATION, Action.COMPLETE, Action.WITHDRAW, Action.CLOSE)


async def act(principal: Principal, application_id: int, action: Action | str,
              reason: str = "") -> State:
    """Ask for information, mark complete, withdraw, close. Any other value is refused (422)
    naming the steps taken here."""
    allowed = {a.value: a for a in STEP_ACTIONS}
    if str(action) not in allowed:
        raise ValidationFailed([Problem(N_("{value} is not one of {allowed}"),
                                        {"value": str(action)[:40],
                                         "allowed": ", ".join(allowed)}, "action")])
    action = allowed[str(action)]
    async with transaction():
        row, _ = await access.application_row(principal, application_id, run=True)
        target = await _step(row, action, reason=reason)
        extra: dict[str, Any] = {"state_reason": reason.strip()}
        if action is Action.COMPLETE:
            extra["complete_at"] = clock.now()
        await _transition(principal, row, target, action, extra)
        if action is Action.WITHDRAW:
            await AllocationLine.delete().where(AllocationLine.application == application_id)
        return target


async def complete_many(principal: Principal, round_id: int,
                        application_ids: Sequence[int]) -> int:
    """Mark several submitted applications complete at once (the moment is now)."""
    async with transaction():
        await access.round_row(principal, round_id, run=True)
        rows = await _rows_in_round(round_id, application_ids)
        for row in rows:
            target = await _step(row, Action.COMPLETE)
            await _transition(principal, row, target, Action.COMPLETE,
                              {"complete_at": clock.now()})
        return len(rows)


async def _rows_in_round(round_id: int, application_ids: Sequence[int]) -> list[dict[str, Any]]:
    if not application_ids:
        raise DomainError(N_("Choose at least one application"))
    rows = await Application.select().where(
        (Application.round == round_id) & Application.id.is_in(list(application_ids))
    ).order_by(Application.id)
    if len(rows) != len(set(application_ids)):
        raise NotFound(N_("An application chosen is not part of this round"))
    return rows


async def mark_eligibility(principal: Principal, application_id: int,
                           passed: Sequence[str], note: str = "") -> State:
    """Each of the round's eligibility criteria passed (named in ``passed``) or failed; one
    failed criterion makes the application ineligible, with the failed ones as its reasons."""
    async with transaction():
        row, round_ = await access.application_row(principal, application_id, run=True)
        criteria = [c for c in round_["eligibility_criteria"].splitlines() if c]
        unknown = sorted(set(passed) - set(criteria))
        if unknown:
            raise ValidationFailed([Problem(N_("{criterion} is not a criterion of this round"),
                                            {"criterion": c}, "passed") for c in unknown])
        results = {c: c in passed for c in criteria}
        failed = [c for c, ok in results.items() if not ok]
        action = Action.MARK_INELIGIBLE if failed else Action.MARK_ELIGIBLE
        reason = "; ".join(failed + ([note.strip()] if note.strip() else []))
        target = await _step(row, action, reason=reason)
        await _transition(principal, row, target, action, {
            "eligibility": json.dumps(results), "state_reason": reason},
            note={"eligibility": results})
        if failed:
            await AllocationLine.delete().where(AllocationLine.application == application_id)
        return target


async def mark_eligible_many(principal: Principal, round_id: int,
                             application_ids: Sequence[int]) -> int:
    """Several complete applications meeting every eligibility criterion."""
    async with transaction():
        round_ = await access.round_row(principal, round_id, run=True)
        criteria = [c for c in round_["eligibility_criteria"].splitlines() if c]
        for row in await _rows_in_round(round_id, application_ids):
            target = await _step(row, Action.MARK_ELIGIBLE)
            await _transition(principal, row, target, Action.MARK_ELIGIBLE, {
                "eligibility": json.dumps(dict.fromkeys(criteria, True)), "state_reason": ""})
        return len(application_ids)


# --- review through the scoring engine ------------------------------------------------------


async def start_review(principal: Principal, round_id: int) -> int:
    """The round's evaluation (created the first time) with every eligible application as a
    subject; those applications are then under review. Returns the evaluation's id."""
    async with transaction():
        row = await access.round_row(principal, round_id, run=True)
        view = await _view(row)
        evaluation_id = row["evaluation_id"]
        if evaluation_id is None:
            evaluation = await scoring.create_evaluation(principal, scoring.EvaluationSpec(
                title=view.title, authority_id=view.authority_id, currency=view.currency,
                owner_ref=owner_ref(round_id), owner_url=round_url(round_id),
                lottery_seed=view.lottery_seed))
            evaluation_id = evaluation.id
            await SubsidyRound.update({SubsidyRound.evaluation_id: evaluation_id}).where(
                SubsidyRound.id == round_id)
            await audit.record(principal.as_actor(), "round.review_started", "subsidy_round",
                               round_id, after={"evaluation": evaluation_id})
        eligible = await Application.select(
            Application.id, Application.state, Application.organisation.name).where(
            (Application.round == round_id) & (Application.state == State.ELIGIBLE.value)
        ).order_by(Application.id)
        if not eligible:
            raise DomainError(N_("No eligible application is waiting for review"))
        await scoring.register_subjects(principal, evaluation_id, [
            {"ref": subject_ref(r["id"]), "name": r["organisation.name"]} for r in eligible])
        now = clock.now()
        ids = [r["id"] for r in eligible]
        for start in range(0, len(ids), BATCH):
            await Application.update({Application.state: State.UNDER_REVIEW.value,
                                      Application.updated_at: now}).where(
                Application.id.is_in(ids[start:start + BATCH]))
        await audit.record_many(principal.as_actor(), [
            audit.NewEvent("application.start_review", "application", r["id"],
                           before={"state": r["state"]},
                           after={"state": State.UNDER_REVIEW.value,
                                  "evaluation": evaluation_id}) for r in eligible])
        return evaluation_id


# --- allocation -----------------------------------------------------------------------------


async def _insert_rows(table: type[Table], columns: Sequence[str],
                       rows: Sequence[Sequence[Any]]) -> None:
    """Insert many rows in the current transaction with one prepared statement, without a
    table instance per row (which costs more than the database's work at 10,000 rows).
    Values go through the same driver adapters as Piccolo's own inserts."""
    current = engine().current_transaction.get()
    assert current is not None, "bulk inserts belong to the use case's transaction"
    names = ", ".join(f'"{column}"' for column in columns)
    marks = ", ".join("?" if is_sqlite() else f"${n}" for n in range(1, len(columns) + 1))
    sql = f'INSERT INTO "{table._meta.tablename}" ({names}) VALUES ({marks})'  # noqa: S608
    if rows:
        await current.connection.executemany(sql, rows)


def _reasons_json(line: Line) -> str:
    return json.dumps([{"message": p.message, "params": dict(p.params)} for p in line.reasons],
                      default=str)


def reasons_of(text: str) -> tuple[Problem, ...]:
    return tuple(Problem(r["message"], r["params"]) for r in json.loads(text or "[]"))


async def _candidates(principal: Principal, view: RoundView) -> list[Candidate]:
    rows = await Application.select(Application.id, Application.requested,
                                    Application.complete_at, Application.state).where(
        (Application.round == view.id)
        & Application.state.is_in([s.value for s in RUNNING]))
    if not rows:
        raise DomainError(N_("No eligible application to allocate to"))
    ranks: dict[str, tuple[int | None, Decimal | None]] = {}
    if view.method is Method.RANKING or view.minimum_score is not None:
        if view.evaluation_id is None:
            raise DomainError(N_("Start the review first: the allocation needs the ranking"))
        if any(r["state"] == State.ELIGIBLE.value for r in rows):
            raise DomainError(N_("Some eligible applications are not under review yet; add "
                                 "them to the review first"))
        ranking = await scoring.ranking(principal, view.evaluation_id)
        ranks = {s.ref: (s.rank, s.total) for s in ranking.subjects if not s.excluded}
    return [Candidate(subject_ref(r["id"]), r["requested"],
                      *ranks.get(subject_ref(r["id"]), (None, None)), r["complete_at"])
            for r in rows]


def _allocation_summary(result: Allocation) -> dict[str, Any]:
    return {"method": result.method.value, "ceiling": str(result.ceiling),
            "total": str(result.total), "rest": str(result.rest),
            "rounding_rest": str(result.rounding_rest),
            "share": None if result.share is None else str(result.share),
            "seed": result.seed,
            "lottery_day": result.lottery_day.isoformat() if result.lottery_day else None,
            "draw": list(result.draw)}


async def propose_allocation(principal: Principal, round_id: int) -> dict[str, Any]:
    """Compute the allocation over the eligible applications and put it on record as the
    proposal (replacing an earlier one, adjustments included)."""
    async with transaction():
        row = await access.round_row(principal, round_id, run=True)
        view = await _view(row)
        if view.phase in (RoundPhase.DRAFT, RoundPhase.DECIDED):
            raise await _round_changed(DomainError(N_(
                "An allocation is proposed for an open or closed round that has not been "
                "decided")), row, "round.decided")
        candidates = await _candidates(principal, view)
        result = allocate(candidates, view.rules())
        scores = {c.ref: (c.rank, c.score) for c in candidates}
        await AllocationLine.delete().where(AllocationLine.round == round_id)
        lines = [(round_id, SubjectRef.parse(line.ref).id, line.position, scores[line.ref][0],
                  scores[line.ref][1], line.requested, line.granted, _reasons_json(line), False)
                 for line in result.lines]
        await _insert_rows(AllocationLine, ("round", "application", "position", "rank",
                                            "score", "requested", "proposed", "reasons",
                                            "adjusted"), lines)
        summary = _allocation_summary(result)
        now = clock.now()
        await SubsidyRound.update({SubsidyRound.allocation: json.dumps(summary),
                                   SubsidyRound.allocated_at: now}).where(
            SubsidyRound.id == round_id)
        await audit.record(principal.as_actor(), "round.allocation_proposed", "subsidy_round",
                           round_id, after={**summary, "applications": len(lines)})
        return summary


@dataclass(frozen=True)
class ProposedLine:
    application_id: int
    reference: str
    organisation: str
    position: int | None
    rank: int | None
    score: Decimal | None
    requested: Decimal
    proposed: Decimal
    reasons: tuple[Problem, ...]
    adjusted: bool
    state: State

    @property
    def outcome(self) -> str:
        return outcome_of(self.requested, self.proposed).value


@dataclass(frozen=True)
class AllocationView:
    round: RoundView
    summary: Mapping[str, Any]
    lines: list[ProposedLine]
    total: Decimal


async def allocation(principal: Principal, round_id: int) -> AllocationView:
    row = await access.round_row(principal, round_id)
    rows = await AllocationLine.select(
        AllocationLine.all_columns(), AllocationLine.application.reference,
        AllocationLine.application.organisation.name, AllocationLine.application.state,
    ).where(AllocationLine.round == round_id).order_by(AllocationLine.id)
    lines = [ProposedLine(
        r["application"], r["application.reference"], r["application.organisation.name"],
        r["position"], r["rank"], r["score"], r["requested"], r["proposed"],
        reasons_of(r["reasons"]), r["adjusted"], State(r["application.state"]))
        for r in rows]
    return AllocationView(await _view(row), json.loads(row["allocation"] or "{}"), lines,
                          sum((line.proposed for line in lines), ZERO))


async def adjust_line(principal: Principal, round_id: int, application_id: int,
                      amount: Decimal | str, reason: str) -> None:
    """The officer changes one proposed amount, with a reason; the total stays under the
    ceiling and no amount exceeds its request or the maximum."""
    problems = ProblemCollector()
    value = amount if isinstance(amount, Decimal) else read_amount(
        problems, {"amount": amount}, "amount")
    problems.raise_if_any()
    assert value is not None
    async with transaction():
        row = await access.round_row(principal, round_id, run=True)
        view = await _view(row)
        if view.phase is RoundPhase.DECIDED:
            raise await _round_changed(DomainError(N_("The round has been decided")), row,
                                       "round.decided")
        stored = await AllocationLine.select().where(AllocationLine.round == round_id)
        if not stored:
            raise DomainError(N_("Propose an allocation first"))
        current = Allocation(
            method=view.method, ceiling=view.ceiling, lines=tuple(
                Line(subject_ref(r["application"]), r["requested"], r["proposed"],
                     r["position"], reasons_of(r["reasons"])) for r in stored),
            total=sum((r["proposed"] for r in stored), ZERO), rest=ZERO,
            seed=view.lottery_seed)
        ref = subject_ref(application_id)
        changed = adjust(current, {ref: Adjustment(value, reason)}, view.maximum_per_applicant)
        line = changed.line(ref)
        before = current.line(ref).granted
        await AllocationLine.update({AllocationLine.proposed: line.granted,
                                     AllocationLine.reasons: _reasons_json(line),
                                     AllocationLine.adjusted: True}).where(
            (AllocationLine.round == round_id) & (AllocationLine.application == application_id))
        await audit.record(principal.as_actor(), "application.allocation_adjusted",
                           "application", application_id, before={"proposed": before},
                           after={"proposed": line.granted, "reason": reason.strip()})


async def decide(principal: Principal, round_id: int) -> dict[str, int]:
    """Decide every proposed line: granted, partly granted or refused; grants get their payment
    schedule and report due dates. The round is then decided."""
    async with transaction():
        row = await access.round_row(principal, round_id, run=True)
        view = await _view(row)
        if view.phase is RoundPhase.DECIDED:
            raise await _round_changed(DomainError(N_("The round has already been decided")),
                                       row, "round.decided")
        if (view.method is not Method.FIRST_COME and view.phase is RoundPhase.OPEN
                and clock.now() < view.closes_at):
            raise DomainError(N_("The application window is still open until {moment}"),
                              moment=utc_to_local(view.closes_at, view.zone).strftime(
                                  "%Y-%m-%d %H:%M"))
        stored = await AllocationLine.select().where(AllocationLine.round == round_id)
        if not stored:
            raise DomainError(N_("Propose an allocation first"))
        total = sum((r["proposed"] for r in stored), ZERO)
        if total > view.ceiling:
            raise DomainError(N_("The allocation exceeds the ceiling"))
        states = {r["id"]: r for r in await Application.select(
            Application.id, Application.state).where(Application.id.is_in(
                [r["application"] for r in stored]))}
        waiting = await Application.count().where(
            (Application.round == round_id) & Application.state.is_in(
                [s.value for s in (State.SUBMITTED, State.INCOMPLETE, State.COMPLETE)]))
        if waiting:
            raise DomainError(N_("{count} applications still wait for completeness or "
                                 "eligibility"), count=waiting)
        now = clock.now()
        today = utc_to_local(now, view.zone).date()
        counts = {State.GRANTED: 0, State.PARTLY_GRANTED: 0, State.REFUSED: 0}
        payments: list[tuple[Any, ...]] = []
        reports: list[tuple[Any, ...]] = []
        events: list[audit.NewEvent] = []
        by_target: dict[tuple[State, Decimal], list[int]] = {}
        for line in stored:
            application_id = line["application"]
            outcome = State(outcome_of(line["requested"], line["proposed"]).value)
            target = await _step(states[application_id], Action.DECIDE, outcome=outcome)
            counts[target] += 1
            by_target.setdefault((target, line["proposed"]), []).append(application_id)
            for instalment in payment_schedule(line["proposed"], today, view.period_start,
                                               view.period_end, view.advance_share,
                                               view.instalments, view.instalment_dates):
                payments.append((application_id, instalment.kind, instalment.due_on,
                                 instalment.amount, "scheduled"))
            if target is not State.REFUSED:
                due_reports = reports_due(line["proposed"], view.tiers, view.period_start,
                                          view.period_end, view.yearly_reports)
                require_reports_ahead(due_reports, today)
                reports.extend((application_id, due.kind.value, due.due_on, due.final)
                               for due in due_reports)
            events.append(audit.NewEvent(
                "application.decide", "application", application_id,
                before={"state": states[application_id]["state"]},
                after={"state": target.value, "granted": line["proposed"],
                       "reasons": json.loads(line["reasons"])}))
        for (target, amount), ids in by_target.items():
            for start in range(0, len(ids), BATCH):
                await Application.update({
                    Application.state: target.value, Application.granted: amount,
                    Application.decided_at: now, Application.updated_at: now,
                }).where(Application.id.is_in(ids[start:start + BATCH]))
        await _insert_rows(Payment, ("application", "kind", "due_on", "amount", "status"),
                           payments)
        await _insert_rows(Report, ("application", "kind", "due_on", "final"), reports)
        await SubsidyRound.update({SubsidyRound.phase: RoundPhase.DECIDED.value,
                                   SubsidyRound.decided_at: now}).where(
            SubsidyRound.id == round_id)
        result = {state.value: count for state, count in counts.items()}
        events.append(audit.NewEvent("round.decided", "subsidy_round", round_id,
                                     after={**result, "total": total}))
        await audit.record_many(principal.as_actor(), events)
        return result


# --- files ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class FileView:
    id: int
    filename: str
    size: int
    created_at: datetime


async def attach_file(principal: Principal, application_id: int, filename: str,
                      content_type: str, data: bytes) -> int:
    """A file sent with the application (budget, activity plan, statutes)."""
    async with transaction():
        await access.application_row(principal, application_id, run=True)
        info = await storage.store(principal.as_actor(), filename, content_type, data)
        await ApplicationFile(application=application_id, file=info.id,
                              created_at=clock.now()).save()
        await audit.record(principal.as_actor(), "application.file_added", "application",
                           application_id, after={"file": info.id, "filename": info.filename,
                                                  "sha256": info.sha256})
        return info.id


async def files(principal: Principal, application_id: int) -> list[FileView]:
    await access.application_row(principal, application_id)
    rows = await ApplicationFile.select(
        ApplicationFile.file, ApplicationFile.file.filename, ApplicationFile.file.size,
        ApplicationFile.created_at).where(ApplicationFile.application == application_id
                                          ).order_by(ApplicationFile.id)
    return [FileView(r["file"], r["file.filename"], r["file.size"], r["created_at"])
            for r in rows]


async def read_file(principal: Principal, application_id: int, file_id: int,
                    ) -> tuple[storage.FileInfo, AsyncIterator[bytes]]:
    await access.application_row(principal, application_id)
    if not await ApplicationFile.exists().where(
            (ApplicationFile.application == application_id) & (ApplicationFile.file == file_id)):
        raise NotFound(N_("File {id} does not exist"), id=file_id)
    return await storage.stream(file_id)


async def set_regulation_document(principal: Principal, round_id: int, filename: str,
                                  content_type: str, data: bytes) -> int:
    async with transaction():
        row = await access.round_row(principal, round_id, run=True)
        info = await storage.store(principal.as_actor(), filename, content_type, data)
        await SubsidyRound.update({SubsidyRound.regulation_document: info.id}).where(
            SubsidyRound.id == round_id)
        await audit.record(principal.as_actor(), "round.regulation_document", "subsidy_round",
                           round_id, before={"file": row["regulation_document"]},
                           after={"file": info.id, "filename": info.filename})
        return info.id


async def regulation_document(principal: Principal, round_id: int,
                              ) -> tuple[storage.FileInfo, AsyncIterator[bytes]]:
    row = await access.round_row(principal, round_id)
    if row["regulation_document"] is None:
        raise NotFound(N_("The round has no regulation document"))
    return await storage.stream(row["regulation_document"])


# --- payments and settlement ----------------------------------------------------------------


@dataclass(frozen=True)
class PaymentView:
    id: int
    application_id: int
    reference: str
    organisation: str
    kind: str
    due_on: date
    amount: Decimal
    status: str
    paid_at: datetime | None


async def payments(principal: Principal, round_id: int, *, application_id: int | None = None,
                   status: str = "") -> list[PaymentView]:
    await access.round_row(principal, round_id)
    where = Payment.application.round == round_id
    if application_id is not None:
        where &= Payment.application == application_id
    if status:
        where &= Payment.status == status
    rows = await Payment.select(
        Payment.all_columns(), Payment.application.reference,
        Payment.application.organisation.name).where(where).order_by(
        Payment.due_on, Payment.id)
    return [PaymentView(r["id"], r["application"], r["application.reference"],
                        r["application.organisation.name"], r["kind"], r["due_on"],
                        r["amount"], r["status"], r["paid_at"]) for r in rows]


PAYMENT_STEPS = {"approved": "scheduled", "paid": "approved"}


async def set_payment_status(principal: Principal, payment_id: int, status: str) -> None:
    """scheduled → approved → paid; the first payment made moves a grant to advance paid."""
    if status not in PAYMENT_STEPS:
        raise ValidationFailed([Problem(N_("{value} is not one of {allowed}"),
                                        {"value": status, "allowed": "approved, paid"},
                                        "status")])
    async with transaction():
        payment = await Payment.select().where(Payment.id == payment_id).first()
        if payment is None:
            raise NotFound(N_("Payment {id} does not exist"), id=payment_id)
        try:
            application, _ = await access.application_row(principal, payment["application"],
                                                          run=True)
        except NotFound:
            raise NotFound(N_("Payment {id} does not exist"), id=payment_id) from None
        # read again under the application's lock: another officer may have just moved it
        payment = await Payment.select().where(Payment.id == payment_id).first()
        if payment is None:
            raise NotFound(N_("Payment {id} does not exist"), id=payment_id)
        if payment["status"] != PAYMENT_STEPS[status]:
            raise await audit.conflict(Refused(
                N_("A payment that is {current} cannot become {status}"),
                translated=("current", "status"), current=PAYMENT_STATUS_LABELS[payment["status"]],
                status=PAYMENT_STATUS_LABELS[status]), "application", application["id"],
                actions=("payment.approved", "payment.paid"), about={"payment": payment_id})
        now = clock.now()
        column = Payment.approved_at if status == "approved" else Payment.paid_at
        await Payment.update({Payment.status: status, column: now}).where(
            Payment.id == payment_id)
        await audit.record(principal.as_actor(), f"payment.{status}", "application",
                           application["id"], before={"payment": payment_id,
                                                      "status": payment["status"]},
                           after={"payment": payment_id, "status": status,
                                  "amount": payment["amount"], "due_on": payment["due_on"]})
        if status == "paid" and State(application["state"]) in (State.GRANTED,
                                                                 State.PARTLY_GRANTED):
            target = await _step(application, Action.PAY_ADVANCE)
            await _transition(principal, application, target, Action.PAY_ADVANCE,
                              note={"payment": payment_id})


SETTLEMENT_REASONS_LIMIT = 4000


async def settle_application(principal: Principal, application_id: int,
                             final_amount: Decimal | str, reasons: str = "",
                             ) -> dict[str, Decimal]:
    """The final amount (at most the grant); payments not yet made are dropped, and what is
    still owed becomes one settlement payment, or the overpayment is to be reclaimed.
    ``reasons``: why the final amount is lower than the grant, one per line, for the
    settlement decision (Awb 3:46)."""
    problems = ProblemCollector()
    value = final_amount if isinstance(final_amount, Decimal) else read_amount(
        problems, {"final_amount": final_amount}, "final_amount")
    why = tuple(line.strip() for line in reasons.splitlines() if line.strip())
    if sum(len(line) for line in why) > SETTLEMENT_REASONS_LIMIT:
        problems.add("reasons", N_("At most {limit} characters"),
                     limit=SETTLEMENT_REASONS_LIMIT)
    problems.raise_if_any()
    assert value is not None
    async with transaction():
        row, round_ = await access.application_row(principal, application_id, run=True)
        target = await _step(row, Action.SETTLE)
        paid = sum((r["amount"] for r in await Payment.select(Payment.amount).where(
            (Payment.application == application_id) & (Payment.status == "paid"))), ZERO)
        result = settle(row["granted"] or ZERO, value, paid)
        await Payment.delete().where((Payment.application == application_id)
                                     & (Payment.status != "paid"))
        now = clock.now()
        if result.to_pay > 0:
            zone = (await _authority(round_["authority"]))["timezone"]
            await Payment(application=application_id, kind="settlement",
                          due_on=utc_to_local(now, zone).date(), amount=result.to_pay).save()
        await _transition(principal, row, target, Action.SETTLE, {
            "final_amount": result.final, "reclaim": result.reclaim, "to_pay": result.to_pay,
            "settled_at": now}, note={"paid": paid, "granted": result.granted,
                                      "reasons": list(why)})
        await letters.write_settlement(principal.as_actor(), application_id, result.granted,
                                       result.final, paid, why)
        return {"final": result.final, "paid": paid, "reclaim": result.reclaim,
                "to_pay": result.to_pay}


@dataclass(frozen=True)
class ReportView:
    id: int
    kind: str
    due_on: date
    final: bool
    received_at: datetime | None


async def reports(principal: Principal, application_id: int) -> list[ReportView]:
    await access.application_row(principal, application_id)
    rows = await Report.select().where(Report.application == application_id).order_by(
        Report.due_on)
    return [ReportView(r["id"], r["kind"], r["due_on"], r["final"], r["received_at"])
            for r in rows]

