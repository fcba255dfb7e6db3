"""Applications: submitting, importing and changing them, and reading them back."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from audit import service as audit
from common import clock
from common.errors import DomainError, NotFound, Problem, ValidationFailed
from common.i18n import N_
from common.identity import Principal
from config.database import contains, raw, transaction
from documents import storage
from documents.tables import StoredFile
from documents.xlsx_guard import capped
from organisations import service as organisations
from subsidies import access
from subsidies.applications import (
    ApplicationData,
    ParsedRow,
    parse_rows,
    read_rows,
    validate_application,
)
from subsidies.domain import (
    RoundPhase,
)
from subsidies.lifecycle import State
from subsidies.service.rounds import BATCH, authority_row, round_by_id, round_changed
from subsidies.tables import (
    AllocationLine,
    Application,
)


def _late_by(row: Mapping[str, Any], moment: datetime) -> int | None:
    late = (moment - row["closes_at"]).total_seconds()
    return int(late) if late > 0 else None


async def _require_accepting(row: Mapping[str, Any]) -> None:
    if row["phase"] == RoundPhase.DRAFT.value:
        raise DomainError(N_("The round is not open yet; open it to register applications"))
    if row["phase"] == RoundPhase.DECIDED.value:
        raise await round_changed(
            DomainError(N_("The round has been decided; no application can be added")),
            row,
            "round.decided",
        )


async def _next_references(round_id: int, count: int) -> list[str]:
    existing = await Application.count().where(Application.round == round_id)
    return [f"R{round_id}-{existing + n:04d}" for n in range(1, count + 1)]


async def _store_applications(
    principal: Principal, row: Mapping[str, Any], items: Sequence[ApplicationData]
) -> list[int]:
    actor = principal.as_actor()
    organisation_ids = await organisations.register_many(actor, [i.organisation for i in items])
    now = clock.now()
    references = await _next_references(row["id"], len(items))
    new_rows = []
    for item, organisation_id, reference in zip(items, organisation_ids, references, strict=True):
        submitted_at = item.submitted_at or now
        new_rows.append(
            Application(
                round=row["id"],
                organisation=organisation_id,
                reference=reference,
                **item.columns(),
                state=State.SUBMITTED.value,
                submitted_at=submitted_at,
                late_by_seconds=_late_by(row, submitted_at),
                created_at=now,
                updated_at=now,
            )
        )
    ids: list[int] = []
    for start in range(0, len(new_rows), BATCH):
        inserted = await Application.insert(*new_rows[start : start + BATCH]).returning(
            Application.id
        )
        ids.extend(r["id"] for r in inserted)
    events = []
    for application_id, item, application in zip(ids, items, new_rows, strict=True):
        events.append(
            audit.NewEvent(
                "application.registered",
                "application",
                application_id,
                after={
                    "round": row["id"],
                    "reference": application.reference,
                    "organisation": item.organisation.name,
                    "requested": item.requested,
                    "submitted_at": application.submitted_at,
                },
            )
        )
        if application.late_by_seconds:
            events.append(
                audit.NewEvent(
                    "application.late",
                    "application",
                    application_id,
                    after={
                        "closes_at": row["closes_at"],
                        "submitted_at": application.submitted_at,
                        "late_by_seconds": application.late_by_seconds,
                    },
                )
            )
    await audit.record_many(actor, events)
    return ids


async def _known_applicants(round_id: int) -> dict[tuple[str, str], str]:
    rows = await Application.select(
        Application.reference,
        Application.organisation.country,
        Application.organisation.registration_number,
    ).where(
        (Application.round == round_id)
        & Application.state.not_in([State.WITHDRAWN.value, State.DRAFT.value])
    )
    return {
        (r["organisation.country"], r["organisation.registration_number"]): r["reference"]
        for r in rows
    }


async def register_application(principal: Principal, round_id: int, form: Mapping[str, Any]) -> int:
    """An application received by the authority, registered by an officer: submitted."""
    async with transaction():
        row = await access.round_row(principal, round_id, run=True)
        await _require_accepting(row)
        zone = (await authority_row(row["authority"]))["timezone"]
        data = validate_application(form, zone)
        key = (data.organisation.country, data.organisation.registration_number)
        known = await _known_applicants(round_id)
        if key in known:
            raise ValidationFailed(
                [
                    Problem(
                        N_("{name} has already applied in this round ({ref})"),
                        {"name": data.organisation.name, "ref": known[key]},
                        "registration_number",
                    )
                ]
            )
        [application_id] = await _store_applications(principal, row, [data])
        return application_id


@dataclass(frozen=True)
class ImportPreview:
    rows: tuple[ParsedRow, ...]
    problems: tuple[Problem, ...]

    @property
    def good(self) -> int:
        return sum(1 for r in self.rows if r.data is not None)


async def preview_import(
    principal: Principal, round_id: int, filename: str, data: bytes
) -> ImportPreview:
    """Every row checked; nothing is stored (the callers that store lock the round first)."""
    row = await access.round_row(principal, round_id, run=True, lock=False)
    await _require_accepting(row)
    zone = (await authority_row(row["authority"]))["timezone"]
    parsed = parse_rows(read_rows(filename, data), zone, await _known_applicants(round_id))
    return ImportPreview(tuple(parsed), tuple(p for r in parsed for p in r.problems))


async def import_applications(
    principal: Principal, round_id: int, filename: str, data: bytes
) -> list[int]:
    """Every row stored, or (when any row is bad) none: the refusal names each bad row."""
    async with transaction():
        await access.round_row(principal, round_id, run=True)
        preview = await preview_import(principal, round_id, filename, data)
        if preview.problems:
            raise ValidationFailed(capped(list(preview.problems)))
        if not preview.rows:
            raise DomainError(N_("The file has no applications"))
        row = await round_by_id(round_id)
        ids = await _store_applications(
            principal, row, [r.data for r in preview.rows if r.data is not None]
        )
        await audit.record(
            principal.as_actor(),
            "round.applications_imported",
            "subsidy_round",
            round_id,
            after={"file": filename, "applications": len(ids)},
        )
        return ids


IMPORT_TYPE = f"{storage.APP_TYPE_PREFIX}subsidy-import"


async def upload_import(
    principal: Principal, round_id: int, filename: str, data: bytes
) -> tuple[ImportPreview, int | None]:
    """The preview of an upload; a file without problems is kept for the import (its id)."""
    async with transaction():
        await access.round_row(principal, round_id, run=True)
        preview = await preview_import(principal, round_id, filename, data)
        if preview.problems or not preview.rows:
            return preview, None
        info = await storage.store(principal.as_actor(), filename, IMPORT_TYPE, data)
        await audit.record(
            principal.as_actor(),
            "round.import_uploaded",
            "subsidy_round",
            round_id,
            after={"file": info.id, "filename": info.filename, "rows": len(preview.rows)},
        )
        return preview, info.id


async def uploaded_import(principal: Principal, file_id: int) -> None:
    """Not found unless ``file_id`` is a file kept by :func:`upload_import` for this user."""
    row = await StoredFile.select().where(StoredFile.id == file_id).first()
    if (
        row is None
        or row["content_type"] != IMPORT_TYPE
        or (row["created_by"] != principal.as_actor().label)
    ):
        raise NotFound(N_("The uploaded file is no longer there; upload it again"))


async def import_uploaded(principal: Principal, round_id: int, file_id: int) -> list[int]:
    """Import a file kept by :func:`upload_import` (by the same user)."""
    await uploaded_import(principal, file_id)
    info, data = await storage.read(file_id)
    return await import_applications(principal, round_id, info.filename, data)


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
    # Made in the portal: by whom (portal:<email>; "" when registered by an officer), the
    # grant accepted (when, by whom), the settlement requested (when, for how much).
    submitted_by: str = ""
    accepted_at: datetime | None = None
    accepted_by: str = ""
    settlement_requested_at: datetime | None = None
    settlement_requested: Decimal | None = None

    @property
    def via_portal(self) -> bool:
        return bool(self.submitted_by)


def _application_view(
    row: Mapping[str, Any],
    organisation: Mapping[str, Any],
) -> ApplicationView:
    return ApplicationView(
        row["id"],
        row["round"],
        row["reference"],
        organisation["id"],
        organisation["name"],
        organisation["country"],
        organisation["registration_number"],
        organisation["iban"],
        row["contact_name"],
        row["contact_email"],
        row["title"],
        row["requested"],
        row["own_contribution"],
        tuple(
            (b["description"], Decimal(b["amount"]))
            for b in json.loads(row["budget_lines"] or "[]")
        ),
        row["activity_plan"],
        row["target_group"],
        row["districts"],
        row["expected_participants"],
        State(row["state"]),
        row["state_reason"],
        row["submitted_at"],
        row["late_by_seconds"],
        row["complete_at"],
        json.loads(row["eligibility"] or "{}"),
        row["granted"],
        row["decided_at"],
        row["final_amount"],
        row["reclaim"],
        row["to_pay"],
        row["settled_at"],
        row["submitted_by"],
        row["accepted_at"],
        row["accepted_by"],
        row["settlement_requested_at"],
        row["settlement_requested"],
    )


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
    submitted_by: str = ""  # made in the portal by this account (portal:<email>)


@dataclass(frozen=True)
class ApplicationPage:
    items: list[ListedApplication]
    total: int
    counts: Mapping[str, int]  # per state, when asked for
    page: int


async def list_applications(
    principal: Principal,
    round_id: int,
    *,
    state: str = "",
    text: str = "",
    page: int = 1,
    limit: int = 50,
    counts: bool = False,
) -> ApplicationPage:
    """One page (the last one when ``page`` is past the end); ``counts``: per state too."""
    await access.round_row(principal, round_id)
    # A draft made in the portal is its organisation's until it is submitted.
    where = (Application.round == round_id) & (Application.state != State.DRAFT.value)
    if state:
        where &= Application.state == state
    if text:
        where &= contains(Application.organisation.name, text) | (
            Application.reference == text.strip()
        )
    total = await Application.count().where(where)
    page = max(1, min(page, -(-total // limit) if limit else 1))
    offset = (page - 1) * limit
    rows = (
        []
        if not limit
        else await Application.select(
            Application.id,
            Application.reference,
            Application.organisation.name,
            Application.requested,
            Application.state,
            Application.submitted_at,
            Application.late_by_seconds,
            Application.complete_at,
            Application.granted,
            Application.submitted_by,
        )
        .where(where)
        .order_by(Application.reference)
        .offset(offset)
        .limit(limit)
    )
    proposed = {}
    if rows:
        proposed = {
            r["application"]: r["proposed"]
            for r in await AllocationLine.select(
                AllocationLine.application, AllocationLine.proposed
            ).where(AllocationLine.application.is_in([r["id"] for r in rows]))
        }
    per_state = (
        {}
        if not counts
        else {
            r["state"]: r["count"]
            for r in await raw(
                "SELECT state, COUNT(*) AS count FROM subsidies_application WHERE round = {} "
                "AND state <> {} GROUP BY state",
                round_id,
                State.DRAFT.value,
            )
        }
    )
    return ApplicationPage(
        [
            ListedApplication(
                r["id"],
                r["reference"],
                r["organisation.name"],
                r["requested"],
                State(r["state"]),
                r["submitted_at"],
                bool(r["late_by_seconds"]),
                r["complete_at"],
                proposed.get(r["id"]),
                r["granted"],
                r["submitted_by"],
            )
            for r in rows
        ],
        total,
        per_state,
        page,
    )


async def history(principal: Principal, application_id: int) -> list[dict[str, Any]]:
    await access.application_row(principal, application_id)
    return await audit.history("application", application_id)
