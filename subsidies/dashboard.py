"""Dashboard panels of subsidy rounds: an officer's rounds in every phase with what needs doing,
and finance's payments due."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from common import clock
from common.errors import Problem
from common.i18n import N_
from common.identity import Principal, Role
from common.localtime import utc_to_local
from subsidies import service
from subsidies.domain import PAYMENT_KIND_LABELS, PAYMENT_STATUS_LABELS, PHASE_LABELS, RoundPhase
from subsidies.lifecycle import State
from subsidies.tables import Application, Payment
from subsidies.work import needs_doing
from web.dashboard import Panel

PHASE_ORDER = (RoundPhase.CLOSED, RoundPhase.OPEN, RoundPhase.DRAFT, RoundPhase.DECIDED)
SHOWN = 8  # rows per panel


@dataclass(frozen=True)
class RoundWork:
    id: int
    title: str
    phase: RoundPhase
    applications: int
    steps: list[Problem]


@dataclass(frozen=True)
class PaymentDue:
    id: int
    round_id: int
    round: str
    application_id: int
    reference: str
    organisation: str
    kind: str
    status: str
    due_on: date
    amount: Decimal
    currency: str
    overdue: bool


def _today(zone: str) -> date:
    return utc_to_local(clock.now(), zone).date()


async def _states(round_ids: list[int]) -> dict[int, dict[State, int]]:
    rows = await Application.select(Application.round, Application.state).where(
        Application.round.is_in(round_ids or [0]) & (Application.state != State.DRAFT.value)
    )
    found: dict[int, dict[State, int]] = {}
    for row in rows:
        counts = found.setdefault(row["round"], {})
        counts[State(row["state"])] = counts.get(State(row["state"]), 0) + 1
    return found


async def _due_counts(round_ids: list[int], zones: dict[int, str]) -> dict[int, int]:
    rows = await Payment.select(Payment.application.round, Payment.due_on).where(
        Payment.application.round.is_in(round_ids or [0]) & (Payment.status == "scheduled")
    )
    found: dict[int, int] = {}
    for row in rows:
        round_id = row["application.round"]
        if row["due_on"] <= _today(zones[round_id]):
            found[round_id] = found.get(round_id, 0) + 1
    return found


async def officer_rounds(principal: Principal) -> Panel | None:
    """The officer's rounds, those still running first, each with what it needs now."""
    if principal.role is not Role.OFFICER:
        return None
    summaries = [s.round for s in await service.list_rounds(principal)]
    ids = [r.id for r in summaries]
    states = await _states(ids)
    due = await _due_counts(ids, {r.id: r.zone for r in summaries})
    rounds = [
        RoundWork(
            r.id,
            r.title,
            r.phase,
            sum(states.get(r.id, {}).values()),
            needs_doing(
                r.phase, states.get(r.id, {}), due.get(r.id, 0), r.evaluation_id is not None
            ),
        )
        for r in sorted(summaries, key=lambda r: PHASE_ORDER.index(r.phase))
    ]
    waiting = [r for r in rounds if r.steps or r.phase is not RoundPhase.DECIDED]
    return Panel(
        N_("Your subsidy rounds"),
        "subsidies/_panel_rounds.html",
        {"rounds": waiting[:SHOWN], "more": len(waiting) - SHOWN, "phase_labels": PHASE_LABELS},
    )


async def payments_due(principal: Principal) -> Panel | None:
    """Finance's next payments not yet made, the earliest first, overdue ones marked."""
    if principal.role is not Role.FINANCE:
        return None
    rounds = {r.round.id: r.round for r in await service.list_rounds(principal)}
    rows = (
        await Payment.select(
            Payment.all_columns(),
            Payment.application.round,
            Payment.application.reference,
            Payment.application.organisation.name,
        )
        .where(Payment.application.round.is_in(list(rounds) or [0]) & (Payment.status != "paid"))
        .order_by(Payment.due_on)
        .order_by(Payment.id)
        .limit(SHOWN + 1)
    )
    due = [
        PaymentDue(
            r["id"],
            r["application.round"],
            rounds[r["application.round"]].title,
            r["application"],
            r["application.reference"],
            r["application.organisation.name"],
            r["kind"],
            r["status"],
            r["due_on"],
            r["amount"],
            rounds[r["application.round"]].currency,
            r["due_on"] < _today(rounds[r["application.round"]].zone),
        )
        for r in rows
    ]
    return Panel(
        N_("Payments due"),
        "subsidies/_panel_payments.html",
        {
            "payments": due[:SHOWN],
            "more": len(due) > SHOWN,
            "kind_labels": PAYMENT_KIND_LABELS,
            "status_labels": PAYMENT_STATUS_LABELS,
        },
    )
