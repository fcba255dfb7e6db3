"""Subsidy rounds: their settings and views, creating, changing, opening and listing them."""

from __future__ import annotations

import secrets
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from audit import service as audit
from audit.domain import changes
from authorities.service import list_service_types
from authorities.tables import Authority
from common import clock
from common.errors import DomainError, NotFound, Problem, ValidationFailed
from common.i18n import N_
from common.identity import Principal
from common.refs import SubjectRef
from config.database import raw, transaction
from subsidies import access
from subsidies.allocation import (
    Method,
    Remainder,
    Rules,
)
from subsidies.domain import (
    Instalments,
    RoundData,
    RoundPhase,
    RoundSettings,
    fixed_changes,
    tiers_from_json,
    validate_round,
)
from subsidies.lifecycle import HOLDING_A_GRANT, State
from subsidies.tables import (
    AllocationLine,
    Application,
    Payment,
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


@dataclass(frozen=True)
class Budget:
    ceiling: Decimal
    allocated: Decimal  # granted (decided) or, before the decision, proposed
    paid: Decimal
    proposed: bool  # True while the allocated figure is a proposal

    @property
    def allocated_percent(self) -> Decimal:
        return (
            ZERO
            if not self.ceiling
            else (self.allocated * 100 / self.ceiling).quantize(Decimal("0.1"))
        )

    @property
    def paid_percent(self) -> Decimal:
        return (
            ZERO if not self.ceiling else (self.paid * 100 / self.ceiling).quantize(Decimal("0.1"))
        )


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
    open_data_withheld: bool = False  # kept out of the open data (opendata.giving)
    open_data_reason: str = ""  # why

    @property
    def fixed(self) -> bool:
        return self.phase is not RoundPhase.DRAFT

    @property
    def tiers(self) -> tuple:
        return tiers_from_json(self.tiers_json)

    def rules(self) -> Rules:
        return Rules(
            self.method,
            self.ceiling,
            self.maximum_per_applicant,
            self.minimum_score,
            self.remainder,
            self.lottery_seed,
            self.zone,
        )


def _round_view(row: Mapping[str, Any], authority: Mapping[str, Any]) -> RoundView:
    return RoundView(
        id=row["id"],
        authority_id=row["authority"],
        authority=authority["name"],
        zone=authority["timezone"],
        title=row["title"],
        regulation_name=row["regulation_name"],
        regulation_reference=row["regulation_reference"],
        service_types=tuple(s for s in row["service_types"].split(",") if s),
        opens_at=row["opens_at"],
        closes_at=row["closes_at"],
        ceiling=row["ceiling"],
        currency=row["currency"],
        method=Method(row["method"]),
        remainder=Remainder(row["remainder"]),
        lottery_seed=row["lottery_seed"],
        eligibility_criteria=tuple(s for s in row["eligibility_criteria"].splitlines() if s),
        minimum_score=row["minimum_score"],
        maximum_per_applicant=row["maximum_per_applicant"],
        period_start=row["period_start"],
        period_end=row["period_end"],
        advance_share=row["advance_share"],
        instalments=Instalments(row["instalments"]),
        instalment_dates=tuple(
            date.fromisoformat(d) for d in row["instalment_dates"].split(",") if d
        ),
        yearly_reports=row["yearly_reports"],
        tiers_json=row["tiers"],
        phase=RoundPhase(row["phase"]),
        evaluation_id=row["evaluation_id"],
        allocated_at=row["allocated_at"],
        decided_at=row["decided_at"],
        created_at=row["created_at"],
        regulation_document=row["regulation_document"],
        budget_line=row["budget_line"],
        acceptance_required=row["acceptance_required"],
        window_closed_at=row["window_closed_at"],
        window_close_due_at=row["window_close_due_at"],
        basis_regulation=row["basis_regulation"],
        basis_articles=row["basis_articles"],
        open_data_withheld=row["open_data_withheld"],
        open_data_reason=row["open_data_reason"],
    )


async def round_changed(reason: DomainError, row: Mapping[str, Any], *actions: str) -> DomainError:
    """``reason`` naming who put the round in its state, and when (its latest event of
    ``actions``; see :func:`audit.service.conflict`)."""
    return await audit.conflict(reason, "subsidy_round", row["id"], actions=actions)


async def authority_row(authority_id: int) -> dict[str, Any]:
    row = await Authority.select().where(Authority.id == authority_id).first()
    if row is None:
        raise ValidationFailed(
            [Problem(N_("Authority {id} does not exist"), {"id": authority_id}, "authority_id")]
        )
    return row


async def view_of(row: Mapping[str, Any]) -> RoundView:
    return _round_view(row, await authority_row(row["authority"]))


async def _check_settings(
    principal: Principal, form: Mapping[str, Any], zone: str, kept: Sequence[str] = ()
) -> RoundData:
    """The settings checked; the service types among the active ones (or those the round
    already names: ``kept``)."""
    known = {t["code"] for t in await list_service_types(only_active=True)} | set(kept)
    data = validate_round(form, zone, known)
    if not access.may_run(principal, data.authority_id):
        raise ValidationFailed(
            [Problem(N_("You do not act for this authority"), {}, "authority_id")]
        )
    return data


async def _zone_for(form: Mapping[str, Any]) -> str:
    try:
        authority = (
            await Authority.select(Authority.timezone)
            .where(Authority.id == int(str(form.get("authority_id"))))
            .first()
        )
    except ValueError:
        authority = None
    return authority["timezone"] if authority else "Europe/Amsterdam"


async def create_round(principal: Principal, form: Mapping[str, Any]) -> RoundView:
    data = await _check_settings(principal, form, await _zone_for(form))
    settings = data.settings()
    settings["lottery_seed"] = data.lottery_seed or secrets.token_hex(8)
    async with transaction():
        await authority_row(data.authority_id)
        row = SubsidyRound(**settings, phase=RoundPhase.DRAFT.value, created_at=clock.now())
        await row.save()
        await audit.record(
            principal.as_actor(), "round.created", "subsidy_round", row.id, after=settings
        )
        return await view_of(await round_by_id(row.id))


async def round_by_id(round_id: int) -> dict[str, Any]:
    row = await SubsidyRound.select().where(SubsidyRound.id == round_id).first()
    if row is None:
        raise NotFound(N_("Subsidy round {id} does not exist"), id=round_id)
    return row


async def update_round(
    principal: Principal,
    round_id: int,
    form: Mapping[str, Any],
) -> RoundView:
    """Change the settings; once the round is open its method, ceiling, currency, remainder
    policy and lottery seed are fixed (Awb 4:25), and changing them is refused."""
    async with transaction():
        row = await access.round_row(principal, round_id, run=True)
        data = await _check_settings(
            principal,
            {**form, "authority_id": row["authority"]},
            (await authority_row(row["authority"]))["timezone"],
            row["service_types"].split(","),
        )
        wanted = data.settings()
        wanted["lottery_seed"] = data.lottery_seed or row["lottery_seed"]
        if row["phase"] != RoundPhase.DRAFT.value:
            fixed = fixed_changes(row, wanted)
            if fixed:
                raise ValidationFailed(
                    [
                        Problem(
                            N_(
                                "The round is open: its allocation method and ceiling can no "
                                "longer "
                                "change"
                            ),
                            {},
                            name,
                        )
                        for name in fixed
                    ]
                )
        before, after = changes({k: row[k] for k in wanted}, wanted)
        if after:
            await SubsidyRound.update(after).where(SubsidyRound.id == round_id)
            await audit.record(
                principal.as_actor(),
                "round.updated",
                "subsidy_round",
                round_id,
                before=before,
                after=after,
            )
        return await view_of(await round_by_id(round_id))


async def open_round(principal: Principal, round_id: int) -> RoundView:
    async with transaction():
        row = await access.round_row(principal, round_id, run=True)
        if row["phase"] != RoundPhase.DRAFT.value:
            raise await round_changed(
                DomainError(N_("The round is already open")), row, "round.opened"
            )
        now = clock.now()
        await SubsidyRound.update(
            {SubsidyRound.phase: RoundPhase.OPEN.value, SubsidyRound.opened_at: now}
        ).where(SubsidyRound.id == round_id)
        await audit.record(
            principal.as_actor(),
            "round.opened",
            "subsidy_round",
            round_id,
            after={
                "method": row["method"],
                "ceiling": row["ceiling"],
                "lottery_seed": row["lottery_seed"],
            },
        )
        return await view_of(await round_by_id(round_id))


async def get_round(principal: Principal, round_id: int) -> RoundView:
    return await view_of(await access.round_row(principal, round_id))


async def budget(round_id: int, ceiling: Decimal) -> Budget:
    """Money added up in Python (exact Decimals), never in SQL."""
    granted = await Application.select(Application.granted).where(
        (Application.round == round_id)
        & Application.state.is_in([s.value for s in HOLDING_A_GRANT])
    )
    if granted:
        allocated, proposed = sum((r["granted"] or ZERO for r in granted), ZERO), False
    else:
        lines = await AllocationLine.select(AllocationLine.proposed).where(
            AllocationLine.round == round_id
        )
        allocated, proposed = sum((r["proposed"] for r in lines), ZERO), bool(lines)
    paid = await Payment.select(Payment.amount).where(
        (Payment.application.round == round_id) & (Payment.status == "paid")
    )
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
    counts = {
        r["round"]: r["count"]
        for r in await raw(
            "SELECT round, COUNT(*) AS count FROM subsidies_application WHERE state <> {} "
            "GROUP BY round",
            State.DRAFT.value,
        )
    }
    return [
        RoundSummary(
            _round_view(row, authorities[row["authority"]]),
            await budget(row["id"], row["ceiling"]),
            counts.get(row["id"], 0),
        )
        for row in rows
    ]


async def authority_choices(principal: Principal) -> list[tuple[int, str]]:
    rows = (
        await Authority.select(Authority.id, Authority.name)
        .where(Authority.active.eq(True))
        .order_by(Authority.name)
    )
    return [(r["id"], r["name"]) for r in rows if access.may_run(principal, r["id"])]
