"""Allocation of a subsidy round's budget (its ceiling) over its applications. Pure Python.

Dutch Awb 4:25–4:27: the method is fixed before the round opens.

- ``ranking``: by the scoring engine's rank (total score, ties already drawn there), highest
  first, granting until the budget is used. The first application that does not fit is handled
  by the round's remainder policy: grant it what is left, skip to the next one that fits, or
  stop.
- ``first_come``: by the moment the application became complete. Those complete on the day the
  budget runs out are put in order by a lottery seeded with the round's seed; the seed and the
  draw are part of the result. The remainder policy applies from there on as under ranking.
- ``pro_rata``: every application gets the same share of what it asked (after the maximum per
  applicant), each share rounded down to the cent, so the total never exceeds the ceiling; the
  cents left by rounding are stated as the rounding rest.

Every line carries its reasons as translatable :class:`Problem` s ("place 31 in the ranking",
"ceiling reached"), which pages and letters join with "; ".
"""

from __future__ import annotations

import hashlib
import random
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime
from decimal import ROUND_DOWN, Decimal
from enum import StrEnum
from typing import Any
from zoneinfo import ZoneInfo

from common.errors import DomainError, Problem, ProblemCollector
from common.i18n import N_
from common.money import CENT

ZERO = Decimal("0.00")
# Reasons without parameters are shared: a round of ten thousand needs them thousands of times.
CEILING_REACHED = Problem(N_("ceiling reached"))
GRANTED_IN_FULL = Problem(N_("granted in full"))
GRANTED = Problem(N_("granted"))


class Method(StrEnum):
    RANKING = "ranking"
    FIRST_COME = "first_come"
    PRO_RATA = "pro_rata"


class Remainder(StrEnum):
    """What ranking (and first come, first served) does with the first application that does
    not fit in what is left of the budget."""

    GRANT_REMAINDER = "grant_remainder"
    SKIP = "skip"
    STOP = "stop"


class Outcome(StrEnum):
    GRANTED = "granted"
    PARTLY_GRANTED = "partly_granted"
    REFUSED = "refused"


METHOD_LABELS = {
    Method.RANKING: N_("Ranking by score"),
    Method.FIRST_COME: N_("First come, first served"),
    Method.PRO_RATA: N_("Pro rata"),
}
REMAINDER_LABELS = {
    Remainder.GRANT_REMAINDER: N_("Grant it what is left of the budget"),
    Remainder.SKIP: N_("Skip it and go on with the next one that fits"),
    Remainder.STOP: N_("Stop: refuse it and every one after it"),
}
OUTCOME_LABELS = {
    Outcome.GRANTED: N_("Granted"),
    Outcome.PARTLY_GRANTED: N_("Partly granted"),
    Outcome.REFUSED: N_("Refused"),
}


@dataclass(frozen=True)
class Candidate:
    """An eligible application as the allocation sees it."""

    ref: str
    requested: Decimal
    rank: int | None = None  # ranking: the scoring engine's place (None: knocked out)
    score: Decimal | None = None
    complete_at: datetime | None = None  # first come: when it became complete (UTC)


@dataclass(frozen=True)
class Rules:
    method: Method
    ceiling: Decimal
    maximum: Decimal | None = None  # per applicant
    minimum_score: Decimal | None = None
    remainder: Remainder = Remainder.GRANT_REMAINDER
    seed: str = ""
    zone: str = "Europe/Amsterdam"  # whose calendar day "the day the budget ran out" is


@dataclass(frozen=True)
class Line:
    ref: str
    requested: Decimal
    granted: Decimal
    position: int | None  # place in the order of granting (None: not in the race)
    reasons: tuple[Problem, ...]

    @property
    def outcome(self) -> Outcome:
        return outcome_of(self.requested, self.granted)


@dataclass(frozen=True, kw_only=True)
class Allocation:
    method: Method
    ceiling: Decimal
    lines: tuple[Line, ...]  # in the order of granting, then those out of the race
    total: Decimal
    rest: Decimal  # ceiling − total
    seed: str
    rounding_rest: Decimal = ZERO  # pro rata: the cents left by rounding every share down
    share: Decimal | None = None  # pro rata: the fraction of each request granted
    lottery_day: date | None = None  # first come: the day the budget ran out, in a draw
    draw: tuple[str, ...] = ()  # first come: the refs of that day in the order drawn

    @classmethod
    def of(
        cls, rules: Rules, granted: Sequence[Line], out: Sequence[Line], **method_details: Any
    ) -> Allocation:
        """The ``granted`` lines (then those ``out`` of the race) with their total and the
        rest of the ceiling; ``method_details``: what the method adds (the pro rata share,
        the lottery's day and draw)."""
        total = sum((line.granted for line in granted), ZERO)
        return cls(
            method=rules.method,
            ceiling=rules.ceiling,
            lines=(*granted, *out),
            total=total,
            rest=rules.ceiling - total,
            seed=rules.seed,
            **method_details,
        )

    def line(self, ref: str) -> Line:
        for line in self.lines:
            if line.ref == ref:
                return line
        raise KeyError(ref)

    @property
    def by_ref(self) -> dict[str, Line]:
        return {line.ref: line for line in self.lines}


def outcome_of(requested: Decimal, granted: Decimal) -> Outcome:
    if granted <= 0:
        return Outcome.REFUSED
    return Outcome.GRANTED if granted >= requested else Outcome.PARTLY_GRANTED


def reason_text(reasons: Iterable[Problem], translate: object = None) -> str:
    return "; ".join(problem.text(translate) for problem in reasons)


def _money(value: Decimal) -> str:
    return f"{value:,.2f}"


def _wanted(candidate: Candidate, rules: Rules) -> tuple[Decimal, tuple[Problem, ...]]:
    if rules.maximum is not None and candidate.requested > rules.maximum:
        return rules.maximum, (
            Problem(
                N_("capped at the maximum per applicant {maximum}"),
                {"maximum": _money(rules.maximum)},
            ),
        )
    return candidate.requested, ()


def _below_minimum(candidate: Candidate, rules: Rules) -> Problem | None:
    if rules.minimum_score is None or rules.method is Method.FIRST_COME:
        return None
    if candidate.score is None:
        return Problem(N_("no score"))
    if candidate.score < rules.minimum_score:
        return Problem(
            N_("score {score} is below the minimum {minimum}"),
            {"score": str(candidate.score), "minimum": str(rules.minimum_score)},
        )
    return None


def check_rules(rules: Rules) -> None:
    problems = ProblemCollector()
    if rules.ceiling < 0 or rules.ceiling != rules.ceiling.quantize(CENT):
        problems.add("ceiling", N_("The ceiling must be an amount of at least 0.00"))
    if rules.maximum is not None and rules.maximum <= 0:
        problems.add("maximum", N_("The maximum per applicant must be above 0.00"))
    problems.raise_if_any()


def allocate(candidates: Sequence[Candidate], rules: Rules) -> Allocation:
    """The proposed allocation: every candidate gets one line with its amount and reasons."""
    check_rules(rules)
    refs = [c.ref for c in candidates]
    if len(set(refs)) != len(refs):
        raise DomainError(N_("An application appears twice in the allocation"))
    if any(c.requested < 0 for c in candidates):
        raise DomainError(N_("A requested amount is negative"))
    out: list[Line] = []
    racing: list[Candidate] = []
    for candidate in candidates:
        problem = _below_minimum(candidate, rules)
        if problem is None and rules.method is Method.RANKING and candidate.rank is None:
            problem = Problem(N_("not ranked"))
        if problem is None and rules.method is Method.FIRST_COME and candidate.complete_at is None:
            problem = Problem(N_("not complete"))
        if problem is not None:
            out.append(Line(candidate.ref, candidate.requested, ZERO, None, (problem,)))
        else:
            racing.append(candidate)
    wants = {c.ref: _wanted(c, rules) for c in racing}
    if rules.method is Method.PRO_RATA:
        return _pro_rata(racing, out, rules, wants)
    if rules.method is Method.RANKING:
        ordered = sorted(racing, key=lambda c: (c.rank, c.ref))
        positions = [
            Problem(N_("place {position} in the ranking"), {"position": c.rank}) for c in ordered
        ]
        return Allocation.of(rules, _fill(ordered, positions, rules, wants), out)
    return _first_come(racing, out, rules, wants)


def _fill(
    ordered: Sequence[Candidate],
    positions: Sequence[Problem],
    rules: Rules,
    wants: Mapping[str, tuple[Decimal, tuple[Problem, ...]]],
) -> list[Line]:
    """Grant in order until the budget is used."""
    budget = rules.ceiling
    stopped = False
    lines: list[Line] = []
    for index, (candidate, position) in enumerate(zip(ordered, positions, strict=True)):
        wanted, notes = wants[candidate.ref]
        reasons = [position, *notes]
        granted = ZERO
        if stopped or budget <= 0:
            reasons.append(CEILING_REACHED)
        elif wanted <= budget:
            granted = wanted
            reasons.append(GRANTED if notes else GRANTED_IN_FULL)
        else:
            if rules.remainder is Remainder.GRANT_REMAINDER:
                granted = budget
                reasons.append(
                    Problem(
                        N_("granted what was left of the budget: {amount}"),
                        {"amount": _money(budget)},
                    )
                )
            elif rules.remainder is Remainder.SKIP:
                reasons.append(
                    Problem(
                        N_("does not fit in what is left of the budget: {amount}"),
                        {"amount": _money(budget)},
                    )
                )
            else:
                stopped = True
                reasons.append(CEILING_REACHED)
        budget -= granted
        lines.append(Line(candidate.ref, candidate.requested, granted, index + 1, tuple(reasons)))
    return lines


def lottery_order(refs: Iterable[str], seed: str) -> list[str]:
    """The refs in the order drawn: the same seed and the same refs give the same order."""
    ordered = sorted(refs)
    digest = hashlib.sha256(seed.encode()).digest()
    random.Random(digest).shuffle(ordered)  # noqa: S311 - a recorded draw, not a secret
    return ordered


def _first_come(
    racing: list[Candidate],
    out: list[Line],
    rules: Rules,
    wants: Mapping[str, tuple[Decimal, tuple[Problem, ...]]],
) -> Allocation:
    by_time = sorted(racing, key=lambda c: (c.complete_at, c.ref))
    zone = ZoneInfo(rules.zone)
    days: dict[date, list[Candidate]] = {}
    shown: dict[str, str] = {}
    for candidate in by_time:
        assert candidate.complete_at is not None
        local = candidate.complete_at.astimezone(zone)
        shown[candidate.ref] = local.replace(tzinfo=None).isoformat(" ", "seconds")
        days.setdefault(local.date(), []).append(candidate)
    ordered: list[Candidate] = []
    positions: list[Problem] = []
    budget = rules.ceiling
    lottery_day: date | None = None
    draw: tuple[str, ...] = ()
    ran_out = False
    for day, group in days.items():
        wanted = sum((wants[c.ref][0] for c in group), ZERO)
        lottery = not ran_out and wanted > budget and len(group) > 1
        ran_out = ran_out or wanted > budget
        if lottery:
            lottery_day = day
            draw = tuple(lottery_order([c.ref for c in group], rules.seed))
            index = {c.ref: c for c in group}
            for number, ref in enumerate(draw, 1):
                ordered.append(index[ref])
                positions.append(
                    Problem(
                        N_(
                            "complete on {day}, the day the budget ran out; drawn {number} of "
                            "{count} in the lottery"
                        ),
                        {"day": day.isoformat(), "number": number, "count": len(draw)},
                    )
                )
        else:
            for candidate in group:
                ordered.append(candidate)
                positions.append(
                    Problem(N_("complete at {moment}"), {"moment": shown[candidate.ref]})
                )
        budget -= wanted
    return Allocation.of(
        rules, _fill(ordered, positions, rules, wants), out, lottery_day=lottery_day, draw=draw
    )


def _cents(amount: Decimal) -> int:
    return int(amount.scaleb(2))


def _pro_rata(
    racing: list[Candidate],
    out: list[Line],
    rules: Rules,
    wants: Mapping[str, tuple[Decimal, tuple[Problem, ...]]],
) -> Allocation:
    wanted = [(c, *wants[c.ref]) for c in sorted(racing, key=lambda c: c.ref)]
    asked = sum((amount for _, amount, _ in wanted), ZERO)
    lines: list[Line] = []
    if asked <= rules.ceiling:
        share = Decimal(1)
        for position, (candidate, amount, notes) in enumerate(wanted, 1):
            lines.append(
                Line(
                    candidate.ref,
                    candidate.requested,
                    amount,
                    position,
                    (*notes, Problem(N_("every request fits; granted in full"))),
                )
            )
    else:
        share = rules.ceiling / asked
        shown = str((share * 100).quantize(Decimal("0.0001"), rounding=ROUND_DOWN))
        # In whole cents: the share of each request rounded down exactly, by integer division.
        ceiling_cents, asked_cents = _cents(rules.ceiling), _cents(asked)
        for position, (candidate, amount, notes) in enumerate(wanted, 1):
            granted = Decimal(_cents(amount) * ceiling_cents // asked_cents).scaleb(-2)
            lines.append(
                Line(
                    candidate.ref,
                    candidate.requested,
                    granted,
                    position,
                    (
                        *notes,
                        Problem(
                            N_("pro rata: {percent}% of {amount}, rounded down to the cent"),
                            {"percent": shown, "amount": _money(amount)},
                        ),
                    ),
                )
            )
    allocation = Allocation.of(rules, lines, out, share=share)
    if asked <= rules.ceiling:
        return allocation
    return replace(allocation, rounding_rest=allocation.rest)


# --- the officer's adjustments -------------------------------------------------------------


@dataclass(frozen=True)
class Adjustment:
    amount: Decimal
    reason: str


def adjust(
    allocation: Allocation, adjustments: Mapping[str, Adjustment], maximum: Decimal | None = None
) -> Allocation:
    """The allocation with the officer's amounts; each one needs a reason, none may exceed its
    request or the maximum, and the total stays under the ceiling."""
    problems = ProblemCollector()
    lines = allocation.by_ref
    changed: dict[str, Line] = {}
    for ref, change in adjustments.items():
        line = lines.get(ref)
        if line is None:
            problems.add(ref, N_("{ref} is not part of this allocation"), ref=ref)
            continue
        if not change.reason.strip():
            problems.add(ref, N_("Give a reason for the change"))
        if change.amount < 0 or change.amount != change.amount.quantize(CENT):
            problems.add(
                ref, N_("{amount} is not an amount of at least 0.00"), amount=str(change.amount)
            )
        elif change.amount > line.requested:
            problems.add(
                ref,
                N_("{amount} is more than the {requested} asked"),
                amount=_money(change.amount),
                requested=_money(line.requested),
            )
        elif maximum is not None and change.amount > maximum:
            problems.add(
                ref,
                N_("{amount} is more than the maximum per applicant {maximum}"),
                amount=_money(change.amount),
                maximum=_money(maximum),
            )
        changed[ref] = replace(
            line,
            granted=change.amount,
            reasons=(
                *line.reasons,
                Problem(N_("changed by the officer: {reason}"), {"reason": change.reason.strip()}),
            ),
        )
    problems.raise_if_any()
    new_lines = tuple(changed.get(line.ref, line) for line in allocation.lines)
    total = sum((line.granted for line in new_lines), ZERO)
    if total > allocation.ceiling:
        raise DomainError(
            N_("The changes bring the total to {total}, above the ceiling {ceiling}"),
            total=_money(total),
            ceiling=_money(allocation.ceiling),
        )
    return replace(allocation, lines=new_lines, total=total, rest=allocation.ceiling - total)
