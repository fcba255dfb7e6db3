"""After the award intent: objections (which suspend the definitive award) and the contracts
with the winners."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime
from typing import Any

from audit import service as audit
from common import clock
from common.errors import DomainError, NotFound, ProblemCollector
from common.i18n import N_
from common.identity import Principal
from config.database import transaction
from tenders import access
from tenders.access import as_reader
from tenders.bids import bid_row, parse_price
from tenders.domain import require_reason
from tenders.procedures import Phase
from tenders.service import for_change, get_lot_row
from tenders.tables import (
    Contract,
    Objection,
)

# --- objections -------------------------------------------------------------------------------


async def record_objection(
    principal: Principal,
    tender_id: int,
    objector: str,
    grounds: str,
    lot_id: int | None = None,
    received_at: datetime | None = None,
) -> int:
    """An objection against the award intent; it suspends the definitive award until it is
    resolved."""
    problems = ProblemCollector()
    objector, grounds = (objector or "").strip(), (grounds or "").strip()
    if not objector:
        problems.add("objector", N_("Say who objects"))
    if not grounds:
        problems.add("grounds", N_("Give the grounds of the objection"))
    problems.raise_if_any()
    async with transaction():
        tender = await for_change(principal, tender_id)
        if tender.phase is not Phase.AWARD_INTENT:
            raise await access.moved(
                DomainError(N_("Objections are recorded against an award intent")), tender
            )
        if lot_id is not None:
            await get_lot_row(tender_id, lot_id)
        row = Objection(
            tender=tender_id,
            lot=lot_id,
            objector=objector[:300],
            received_at=received_at or clock.now(),
            grounds=grounds,
        )
        await row.save()
        await audit.record(
            principal.as_actor(),
            "objection.recorded",
            "tender",
            tender_id,
            after={"objection": row.id, "objector": objector, "lot": lot_id},
        )
    return int(row.id)


async def resolve_objection(
    principal: Principal, tender_id: int, objection_id: int, resolution: str
) -> None:
    text = require_reason(resolution)
    async with transaction():
        tender = await for_change(principal, tender_id)
        row = (
            await Objection.select()
            .where((Objection.id == objection_id) & (Objection.tender == tender_id))
            .first()
        )
        if row is None:
            raise NotFound(N_("Objection {id} does not exist"), id=objection_id)
        if row["resolved_at"] is not None:
            raise await access.changed(
                DomainError(N_("This objection has already been resolved")),
                tender,
                "objection.resolved",
                objection=objection_id,
            )
        await Objection.update(
            {Objection.resolved_at: clock.now(), Objection.resolution: text}
        ).where(Objection.id == objection_id)
        await audit.record(
            principal.as_actor(),
            "objection.resolved",
            "tender",
            tender_id,
            after={"objection": objection_id, "resolution": text},
        )


async def objections(principal: Principal, tender_id: int) -> list[dict[str, Any]]:
    await as_reader(principal, tender_id)
    return (
        await Objection.select(Objection.all_columns(), Objection.lot.title)
        .where(Objection.tender == tender_id)
        .order_by(Objection.received_at)
    )


# --- contracts --------------------------------------------------------------------------------


def _contract_dates(form: Mapping[str, Any], problems: ProblemCollector) -> dict[str, date | None]:
    found: dict[str, date | None] = {}
    for name in ("start", "end", "signed_on"):
        raw = str(form.get(name) or "").strip()
        found[name] = None
        if not raw:
            problems.add(name, N_("A date is required"))
            continue
        try:
            found[name] = date.fromisoformat(raw)
        except ValueError:
            problems.add(name, N_("{value} is not a date"), value=raw)
    start, end = found["start"], found["end"]
    if start and end and end <= start:
        problems.add("end", N_("The contract ends after it starts"))
    return found


async def record_contract(
    principal: Principal, tender_id: int, bid_id: int, form: Mapping[str, Any]
) -> int:
    """A contract with a winner: value, start, end, signed date."""
    problems = ProblemCollector()
    value = None
    try:
        value = parse_price(form.get("value"))
    except DomainError as exc:
        problems.add("value", exc.problem.message, **exc.problem.params)
    dates = _contract_dates(form, problems)
    problems.raise_if_any()
    async with transaction():
        tender = await for_change(principal, tender_id)
        if tender.phase is not Phase.AWARDED:
            raise await access.moved(
                DomainError(N_("Contracts are recorded after the definitive award")), tender
            )
        bid = await bid_row(tender_id, bid_id)
        if not bid["winner"]:
            raise DomainError(N_("{name} did not win this lot"), name=bid["organisation.name"])
        if await Contract.exists().where(Contract.bid == bid_id):
            raise await access.changed(
                DomainError(
                    N_("The contract with {name} is already recorded"),
                    name=bid["organisation.name"],
                ),
                tender,
                "contract.recorded",
                bid=bid_id,
            )
        row = Contract(
            tender=tender_id,
            lot=bid["lot"],
            bid=bid_id,
            organisation=bid["organisation"],
            value=value,
            currency=tender.row["currency"],
            **dates,
        )
        await row.save()
        await audit.record(
            principal.as_actor(),
            "contract.recorded",
            "tender",
            tender_id,
            after={
                "contract": row.id,
                "bid": bid_id,
                "value": value,
                "currency": tender.row["currency"],
                **dates,
            },
        )
    return int(row.id)


async def contracts(principal: Principal, tender_id: int) -> list[dict[str, Any]]:
    await as_reader(principal, tender_id)
    return (
        await Contract.select(
            Contract.all_columns(),
            Contract.organisation.name,
            Contract.lot.number,
            Contract.lot.title,
        )
        .where(Contract.tender == tender_id)
        .order_by(Contract.lot.number)
    )
