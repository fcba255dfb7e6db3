"""A tender's phase changes: by the officer's step, and by the deadlines (the sweep)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from audit import service as audit
from common import clock
from common.deadlines import AppliedStep, deadline_changes
from common.errors import DomainError
from common.identity import Actor, Principal
from config.database import transaction, update_rows
from tenders import access
from tenders.access import TenderRef, as_officer
from tenders.domain import (
    PeriodWarning,
    above_thresholds,
    check_minimum_periods,
    require_reason,
    standstill_end,
)
from tenders.machine import (
    Action,
    TenderFacts,
    due_transitions,
    missing,
    target,
)
from tenders.procedures import (
    PROCEDURE_TYPES,
    Phase,
)
from tenders.service.base import TICKER, refuse
from tenders.tables import Tender


async def _move(
    actor: Actor,
    tender: TenderRef,
    action: Action,
    target: Phase,
    now: datetime,
    extra: Mapping[str, Any] | None = None,
    details: Mapping[str, Any] | None = None,
) -> None:
    values = {
        "phase": target.value,
        "phase_changed_at": now,
        "phase_due_at": None,
        "updated_at": now,
        **(extra or {}),
    }
    await Tender.update(values).where(Tender.id == tender.id)
    await audit.record(
        actor,
        f"tender.{action.value}",
        "tender",
        tender.id,
        before={"phase": tender.phase.value},
        after={"phase": target.value, **(extra or {}), **(details or {})},
    )


async def transition(
    principal: Principal,
    tender_id: int,
    action: Action,
    extra: Mapping[str, Any] | None = None,
    details: Mapping[str, Any] | None = None,
) -> TenderRef:
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
    await _move(principal.as_actor(), tender, action, _target(action, facts), now, extra, details)
    return tender


def _target(action: Action, facts: TenderFacts) -> Phase:
    found = target(action, facts)
    assert found is not None
    return found


async def publish(principal: Principal, tender_id: int) -> list[PeriodWarning]:
    """Publish a draft; returns the minimum-period warnings (they do not stop it)."""
    async with transaction():
        now = clock.now()
        tender = await transition(principal, tender_id, Action.PUBLISH, extra={"published_at": now})
        warnings = check_minimum_periods(
            PROCEDURE_TYPES[tender.row["procedure"]],
            access.deadlines_of(tender.row),
            now,
            tender.zone,
            tender.row["electronic_submission"],
            country=tender.country,
        )
        if warnings:
            await audit.record(
                principal.as_actor(),
                "tender.period_warnings",
                "tender",
                tender_id,
                after={
                    "warnings": [
                        {
                            "deadline": w.deadline.value,
                            "days": w.days_given,
                            "minimum": w.days_required,
                            "rule": w.rule,
                        }
                        for w in warnings
                    ]
                },
            )
    deadline_changes.changed(tender.key)
    return warnings


async def cancel(principal: Principal, tender_id: int, reason: Any) -> None:
    text = require_reason(reason)
    async with transaction():
        tender = await transition(
            principal, tender_id, Action.CANCEL, extra={"closed_reason": text}
        )
    deadline_changes.changed(tender.key)


async def declare_unsuccessful(principal: Principal, tender_id: int, reason: Any) -> None:
    text = require_reason(reason)
    async with transaction():
        tender = await transition(
            principal, tender_id, Action.DECLARE_UNSUCCESSFUL, extra={"closed_reason": text}
        )
    deadline_changes.changed(tender.key)


async def start_standstill(
    principal: Principal, tender_id: int, sent_at: datetime, electronic: bool = True
) -> tuple[TenderRef, datetime]:
    """Record that the award decisions went out at ``sent_at`` and start the standstill, in the
    caller's transaction; returns the tender and the standstill's end. Only
    :func:`tenders.letters.send_award_decisions` calls it: it sends the letters in the same
    transaction, with the end written in them (``electronic``: whether every decision goes
    out electronically)."""
    tender = await for_change(principal, tender_id)
    above = await reaches_thresholds(tender)
    ends = standstill_end(
        sent_at, tender.standstill_days, tender.zone, tender.country, electronic, above
    )
    await transition(
        principal,
        tender_id,
        Action.SEND_AWARD_DECISIONS,
        extra={"decisions_sent_at": sent_at, "standstill_ends_at": ends},
        details={
            "standstill_days": tender.standstill_days,
            "electronic": electronic,
            "above_thresholds": above,
        },
    )
    return tender, ends


async def reaches_thresholds(tender: TenderRef) -> bool:
    """Whether the tender reaches the EU threshold for its kind of contract (its estimated
    value, else its lots' together), which in Poland sets the standstill and review periods."""
    lots = await access.lots_of(tender.id)
    return above_thresholds(tender.country, tender.row, [lot["estimated_value"] for lot in lots])


async def award(principal: Principal, tender_id: int) -> None:
    """The definitive award: after the standstill, with no objection open."""
    async with transaction():
        tender = await transition(
            principal, tender_id, Action.AWARD, extra={"awarded_at": clock.now()}
        )
    deadline_changes.changed(tender.key)


async def conclude_contracts(principal: Principal, tender_id: int) -> None:
    async with transaction():
        await transition(principal, tender_id, Action.CONCLUDE_CONTRACTS)


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
            moved.update(
                r["id"]
                for r in await Tender.update(
                    {
                        Tender.phase: final.value,
                        Tender.phase_changed_at: now,
                        Tender.updated_at: now,
                    }
                )
                .where(Tender.id.is_in(ids[start : start + 500]) & (Tender.phase == source.value))
                .returning(Tender.id)
            )
    # The moment each move was due beside the moment it was applied (``now``).
    await update_rows(
        Tender._meta.tablename,
        "id",
        ["phase_due_at"],
        [(due[-1].due_at, tender.id) for tender, due in plans if tender.id in moved],
    )
    done: list[DueMoves] = []
    for tender, due in plans:
        if tender.id not in moved:
            continue
        applied, events = [], []
        for step in due:
            late = (now - step.due_at).total_seconds()
            details = (
                {"due_at": step.due_at, "late_by_seconds": round(late)}
                if late >= 60
                else {"due_at": step.due_at}
            )
            events.append(
                audit.NewEvent(
                    f"tender.{step.action.value}",
                    "tender",
                    tender.id,
                    before={"phase": step.source.value},
                    after={"phase": step.target.value, **details},
                )
            )
            applied.append(AppliedStep(tender.key, step.action.value, step.due_at, now))
        done.append(DueMoves(tender, applied, events, due[-1].target))
    return done


async def apply_due_many(actor: Actor, tender_ids: Sequence[int], now: datetime) -> list[DueMoves]:
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
    return [
        step for moves in await apply_due_many(actor, [tender_id], now) for step in moves.applied
    ]


async def for_change(principal: Principal, tender_id: int) -> TenderRef:
    """The tender for an officer's change, with whatever deadline step is due applied first
    (so that nobody waits for the scheduler: the selection opens at the requests deadline),
    its row locked until the caller's transaction ends (:func:`access.as_officer`)."""
    await apply_due(TICKER, tender_id, clock.now())
    return await as_officer(principal, tender_id)
