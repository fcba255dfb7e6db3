"""The allocation of a round's budget: proposing, adjusting and deciding it."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from piccolo.table import Table

from audit import service as audit
from common import clock
from common.errors import DomainError, Problem, ProblemCollector
from common.i18n import N_
from common.identity import Principal
from common.localtime import utc_to_local
from common.money import read_amount
from common.refs import SubjectRef
from config.database import engine, is_sqlite, transaction
from scoring import service as scoring
from subsidies import access
from subsidies.allocation import (
    Adjustment,
    Allocation,
    Candidate,
    Line,
    Method,
    adjust,
    allocate,
    outcome_of,
)
from subsidies.domain import (
    RoundPhase,
    payment_schedule,
    reports_due,
    require_reports_ahead,
)
from subsidies.lifecycle import Action, State
from subsidies.service.review import checked_step
from subsidies.service.rounds import (
    BATCH,
    RUNNING,
    ZERO,
    RoundView,
    round_changed,
    subject_ref,
    view_of,
)
from subsidies.tables import (
    AllocationLine,
    Application,
    Payment,
    Report,
    SubsidyRound,
)


async def _insert_rows(
    table: type[Table], columns: Sequence[str], rows: Sequence[Sequence[Any]]
) -> None:
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
    return json.dumps(
        [{"message": p.message, "params": dict(p.params)} for p in line.reasons], default=str
    )


def reasons_of(text: str) -> tuple[Problem, ...]:
    return tuple(Problem(r["message"], r["params"]) for r in json.loads(text or "[]"))


async def _candidates(principal: Principal, view: RoundView) -> list[Candidate]:
    rows = await Application.select(
        Application.id, Application.requested, Application.complete_at, Application.state
    ).where((Application.round == view.id) & Application.state.is_in([s.value for s in RUNNING]))
    if not rows:
        raise DomainError(N_("No eligible application to allocate to"))
    ranks: dict[str, tuple[int | None, Decimal | None]] = {}
    if view.method is Method.RANKING or view.minimum_score is not None:
        if view.evaluation_id is None:
            raise DomainError(N_("Start the review first: the allocation needs the ranking"))
        if any(r["state"] == State.ELIGIBLE.value for r in rows):
            raise DomainError(
                N_(
                    "Some eligible applications are not under review yet; add "
                    "them to the review first"
                )
            )
        ranking = await scoring.ranking(principal, view.evaluation_id)
        ranks = {s.ref: (s.rank, s.total) for s in ranking.subjects if not s.excluded}
    return [
        Candidate(
            subject_ref(r["id"]),
            r["requested"],
            *ranks.get(subject_ref(r["id"]), (None, None)),
            r["complete_at"],
        )
        for r in rows
    ]


def _allocation_summary(result: Allocation) -> dict[str, Any]:
    return {
        "method": result.method.value,
        "ceiling": str(result.ceiling),
        "total": str(result.total),
        "rest": str(result.rest),
        "rounding_rest": str(result.rounding_rest),
        "share": None if result.share is None else str(result.share),
        "seed": result.seed,
        "lottery_day": result.lottery_day.isoformat() if result.lottery_day else None,
        "draw": list(result.draw),
    }


async def propose_allocation(principal: Principal, round_id: int) -> dict[str, Any]:
    """Compute the allocation over the eligible applications and put it on record as the
    proposal (replacing an earlier one, adjustments included)."""
    async with transaction():
        row = await access.round_row(principal, round_id, run=True)
        view = await view_of(row)
        if view.phase in (RoundPhase.DRAFT, RoundPhase.DECIDED):
            raise await round_changed(
                DomainError(
                    N_(
                        "An allocation is proposed for an open or closed round that has not been "
                        "decided"
                    )
                ),
                row,
                "round.decided",
            )
        candidates = await _candidates(principal, view)
        result = allocate(candidates, view.rules())
        scores = {c.ref: (c.rank, c.score) for c in candidates}
        await AllocationLine.delete().where(AllocationLine.round == round_id)
        lines = [
            (
                round_id,
                SubjectRef.parse(line.ref).id,
                line.position,
                scores[line.ref][0],
                scores[line.ref][1],
                line.requested,
                line.granted,
                _reasons_json(line),
                False,
            )
            for line in result.lines
        ]
        await _insert_rows(
            AllocationLine,
            (
                "round",
                "application",
                "position",
                "rank",
                "score",
                "requested",
                "proposed",
                "reasons",
                "adjusted",
            ),
            lines,
        )
        summary = _allocation_summary(result)
        now = clock.now()
        await SubsidyRound.update(
            {SubsidyRound.allocation: json.dumps(summary), SubsidyRound.allocated_at: now}
        ).where(SubsidyRound.id == round_id)
        await audit.record(
            principal.as_actor(),
            "round.allocation_proposed",
            "subsidy_round",
            round_id,
            after={**summary, "applications": len(lines)},
        )
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
    rows = (
        await AllocationLine.select(
            AllocationLine.all_columns(),
            AllocationLine.application.reference,
            AllocationLine.application.organisation.name,
            AllocationLine.application.state,
        )
        .where(AllocationLine.round == round_id)
        .order_by(AllocationLine.id)
    )
    lines = [
        ProposedLine(
            r["application"],
            r["application.reference"],
            r["application.organisation.name"],
            r["position"],
            r["rank"],
            r["score"],
            r["requested"],
            r["proposed"],
            reasons_of(r["reasons"]),
            r["adjusted"],
            State(r["application.state"]),
        )
        for r in rows
    ]
    return AllocationView(
        await view_of(row),
        json.loads(row["allocation"] or "{}"),
        lines,
        sum((line.proposed for line in lines), ZERO),
    )


async def adjust_line(
    principal: Principal, round_id: int, application_id: int, amount: Decimal | str, reason: str
) -> None:
    """The officer changes one proposed amount, with a reason; the total stays under the
    ceiling and no amount exceeds its request or the maximum."""
    problems = ProblemCollector()
    value = (
        amount
        if isinstance(amount, Decimal)
        else read_amount(problems, {"amount": amount}, "amount")
    )
    problems.raise_if_any()
    assert value is not None
    async with transaction():
        row = await access.round_row(principal, round_id, run=True)
        view = await view_of(row)
        if view.phase is RoundPhase.DECIDED:
            raise await round_changed(
                DomainError(N_("The round has been decided")), row, "round.decided"
            )
        stored = await AllocationLine.select().where(AllocationLine.round == round_id)
        if not stored:
            raise DomainError(N_("Propose an allocation first"))
        current = Allocation(
            method=view.method,
            ceiling=view.ceiling,
            lines=tuple(
                Line(
                    subject_ref(r["application"]),
                    r["requested"],
                    r["proposed"],
                    r["position"],
                    reasons_of(r["reasons"]),
                )
                for r in stored
            ),
            total=sum((r["proposed"] for r in stored), ZERO),
            rest=ZERO,
            seed=view.lottery_seed,
        )
        ref = subject_ref(application_id)
        changed = adjust(current, {ref: Adjustment(value, reason)}, view.maximum_per_applicant)
        line = changed.line(ref)
        before = current.line(ref).granted
        await AllocationLine.update(
            {
                AllocationLine.proposed: line.granted,
                AllocationLine.reasons: _reasons_json(line),
                AllocationLine.adjusted: True,
            }
        ).where((AllocationLine.round == round_id) & (AllocationLine.application == application_id))
        await audit.record(
            principal.as_actor(),
            "application.allocation_adjusted",
            "application",
            application_id,
            before={"proposed": before},
            after={"proposed": line.granted, "reason": reason.strip()},
        )


async def decide(principal: Principal, round_id: int) -> dict[str, int]:
    """Decide every proposed line: granted, partly granted or refused; grants get their payment
    schedule and report due dates. The round is then decided."""
    async with transaction():
        row = await access.round_row(principal, round_id, run=True)
        view = await view_of(row)
        if view.phase is RoundPhase.DECIDED:
            raise await round_changed(
                DomainError(N_("The round has already been decided")), row, "round.decided"
            )
        if (
            view.method is not Method.FIRST_COME
            and view.phase is RoundPhase.OPEN
            and clock.now() < view.closes_at
        ):
            raise DomainError(
                N_("The application window is still open until {moment}"),
                moment=utc_to_local(view.closes_at, view.zone).replace(tzinfo=None),
            )
        stored = await AllocationLine.select().where(AllocationLine.round == round_id)
        if not stored:
            raise DomainError(N_("Propose an allocation first"))
        total = sum((r["proposed"] for r in stored), ZERO)
        if total > view.ceiling:
            raise DomainError(N_("The allocation exceeds the ceiling"))
        states = {
            r["id"]: r
            for r in await Application.select(Application.id, Application.state).where(
                Application.id.is_in([r["application"] for r in stored])
            )
        }
        waiting = await Application.count().where(
            (Application.round == round_id)
            & Application.state.is_in(
                [s.value for s in (State.SUBMITTED, State.INCOMPLETE, State.COMPLETE)]
            )
        )
        if waiting:
            raise DomainError(
                N_("{count} applications still wait for completeness or eligibility"), count=waiting
            )
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
            target = await checked_step(states[application_id], Action.DECIDE, outcome=outcome)
            counts[target] += 1
            by_target.setdefault((target, line["proposed"]), []).append(application_id)
            for instalment in payment_schedule(
                line["proposed"],
                today,
                view.period_start,
                view.period_end,
                view.advance_share,
                view.instalments,
                view.instalment_dates,
            ):
                payments.append(
                    (
                        application_id,
                        instalment.kind,
                        instalment.due_on,
                        instalment.amount,
                        "scheduled",
                    )
                )
            if target is not State.REFUSED:
                due_reports = reports_due(
                    line["proposed"],
                    view.tiers,
                    view.period_start,
                    view.period_end,
                    view.yearly_reports,
                )
                require_reports_ahead(due_reports, today)
                reports.extend(
                    (application_id, due.kind.value, due.due_on, due.final) for due in due_reports
                )
            events.append(
                audit.NewEvent(
                    "application.decide",
                    "application",
                    application_id,
                    before={"state": states[application_id]["state"]},
                    after={
                        "state": target.value,
                        "granted": line["proposed"],
                        "reasons": json.loads(line["reasons"]),
                    },
                )
            )
        for (target, amount), ids in by_target.items():
            for start in range(0, len(ids), BATCH):
                await Application.update(
                    {
                        Application.state: target.value,
                        Application.granted: amount,
                        Application.decided_at: now,
                        Application.updated_at: now,
                    }
                ).where(Application.id.is_in(ids[start : start + BATCH]))
        await _insert_rows(Payment, ("application", "kind", "due_on", "amount", "status"), payments)
        await _insert_rows(Report, ("application", "kind", "due_on", "final"), reports)
        await SubsidyRound.update(
            {SubsidyRound.phase: RoundPhase.DECIDED.value, SubsidyRound.decided_at: now}
        ).where(SubsidyRound.id == round_id)
        result = {state.value: count for state, count in counts.items()}
        events.append(
            audit.NewEvent(
                "round.decided", "subsidy_round", round_id, after={**result, "total": total}
            )
        )
        await audit.record_many(principal.as_actor(), events)
        return result
