"""Letters and the evaluation report from the scoring engine's ranking.

The ranking (``scoring.service.ranking(principal, evaluation_id, explain=None)``) carries every
subject's points per criterion with the justifications. Here it becomes an award intent for
each winner and an art. 2.130 rejection for every other bidder (their scores beside the
winner's, per criterion), and the evaluation report. The caller adds what only it knows: the
addressees by subject ref, the dates, the standstill period and its own wording of the
winning bid's advantages.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from common.errors import DomainError, Problem
from common.i18n import N_
from common.jurisdictions import jurisdiction_for
from documents.letters.kinds import (
    Addressee,
    AwardIntent,
    CriterionComparison,
    CriterionPoints,
    CriterionScore,
    Letter,
    Money,
    OfferScores,
    Procedure,
    Rejection,
    SelectionOutcome,
    Sender,
)
from documents.letters.present import money, number
from documents.letters.reports import (
    EvaluationReport,
    ReportCell,
    ReportCriterion,
    ReportScore,
    ReportSubject,
)
from scoring.criteria import FORMULA_LABELS, KIND_LABELS, Formula, Kind, Scale, Tree
from scoring.results import CriterionResult, RankedSubjectData, Ranking
from web.i18n import translations

METHOD_LABELS = {
    "points": N_("highest total of points"),
    "value_based": N_("lowest fictitious price (price minus the value of quality)"),
    "price_per_quality": N_("lowest price per quality point"),
}
AGGREGATION_LABELS = {"mean": N_("mean"), "median": N_("median")}


@dataclass(frozen=True)
class AwardSetting:
    """What the tender adds to the ranking for the letters of one lot."""

    sender: Sender
    procedure: Procedure
    date: date
    reference: str
    standstill_days: int
    standstill_end: date
    objection: str = ""
    next_steps: tuple[str, ...] = ()
    winner_advantages: tuple[str, ...] = ()  # the officer's words on the winning bid
    reasons: Mapping[str, tuple[str, ...]] = field(default_factory=dict)  # extra, per ref
    # The authority awards to other bids than the highest-ranked (its reason is in ``reasons``).
    deviates: bool = False
    # The case the law's periods depend on: every decision sent electronically, the contract
    # at or above the EU thresholds (Poland).
    electronic: bool = True
    above_thresholds: bool = True


def plain(value: Decimal) -> Decimal:
    """A weight or a scale's bound as people write it: 25, not 25.00 (PostgreSQL keeps the
    column's scale, SQLite does not)."""
    if value == value.to_integral_value():
        return value.quantize(Decimal(1))
    return value.normalize()


def _gettext(language: str) -> Callable[[str], str]:
    return translations(language).gettext


# The parameters of a price criterion's explanation that are amounts of money.
PRICE_PARAMS = frozenset({"price", "low", "high", "value"})


def justification(
    result: CriterionResult,
    translate: Callable[[str], str],
    language: str = "en",
    currency: str = "",
) -> str:
    """What a letter quotes for one criterion: the consensus text, else the evaluators' own
    words (without their names), else how the points were worked out, its prices and points
    in the letter's notation ("€ 1.350.000,00", "51,35"), not the computation's."""
    if result.kind in (Kind.QUALITY.value, Kind.PASS_FAIL.value):
        if result.consensus_justification:
            return result.consensus_justification
        texts = list(
            dict.fromkeys(line.justification for line in result.individual if line.justification)
        )
        if texts:
            return " / ".join(texts)
    params = dict(result.explanation.params)
    for name, raw in params.items():
        try:
            figure = Decimal(str(raw))
        except ArithmeticError:
            continue
        params[name] = (
            money(Money(figure, currency), language)
            if currency and name in PRICE_PARAMS
            else number(figure, language)
        )
    return Problem(result.explanation.message, params).text(translate)


def _explainer(language: str, currency: str) -> Callable[[CriterionResult], str]:
    translate = _gettext(language)
    return lambda result: justification(result, translate, language, currency)


def _criterion_scores(
    subject: RankedSubjectData, explain: Callable[[CriterionResult], str]
) -> tuple[CriterionScore, ...]:
    return tuple(
        CriterionScore(r.name, plain(r.weight), r.value, r.points, explain(r))
        for r in subject.criteria
    )  # type: ignore[attr-defined]


def scores_by_ref(ranking: Ranking, language: str) -> dict[str, tuple[CriterionScore, ...]]:
    """Every ranked subject's scores per criterion, each with its justification, by ref
    (for letters that give the addressee's own scores, e.g. a subsidy refused on rank)."""
    explain = _explainer(language, ranking.currency)
    return {s.ref: _criterion_scores(s, explain) for s in ranking.subjects if s.criteria}  # type: ignore[attr-defined]


def _comparisons(
    own: RankedSubjectData, winner: RankedSubjectData, explain: Callable[[CriterionResult], str]
) -> tuple[CriterionComparison, ...]:
    theirs = {r.criterion_id: r for r in winner.criteria}  # type: ignore[attr-defined]
    rows = []
    for mine in own.criteria:  # type: ignore[attr-defined]
        other = theirs.get(mine.criterion_id)
        rows.append(
            CriterionComparison(
                mine.name,
                plain(mine.weight),
                mine.value,
                mine.points,
                explain(mine),
                other.value if other else None,
                other.points if other else None,
                explain(other) if other else "",
            )
        )
    return tuple(rows)


def _advantages(rows: Sequence[CriterionComparison], language: str) -> list[str]:
    translate = _gettext(language)
    found = []
    for row in rows:
        if row.winner_points is not None and (
            row.own_points is None or row.winner_points > row.own_points
        ):
            found.append(
                translate(N_("{criterion}: {winner} points against {own} for your bid")).format(
                    criterion=row.criterion,
                    winner=number(row.winner_points, language),
                    own=number(row.own_points, language) if row.own_points is not None else "0",
                )
            )
    return found


def _exclusion(subject: RankedSubjectData, own: list[str]) -> list[str]:
    """Why an excluded subject was taken out: the reason the officer recorded when
    excluding it (the ranking gives an excluded subject no reasons of its own)."""
    return [*own, *([subject.excluded_reason] if subject.excluded_reason else [])]


def _reasons(subject: RankedSubjectData, winners: int, deviates: bool, language: str) -> list[str]:
    translate = _gettext(language)
    own = [problem.text(translate) for problem in subject.reasons]
    if subject.excluded:
        return [
            translate(N_("Your bid was excluded: {reason}")).format(reason=r)
            for r in _exclusion(subject, own)
        ]
    if subject.knocked_out:
        return [
            translate(N_("Your bid did not meet a minimum requirement: {reason}")).format(reason=r)
            for r in own
        ]
    if deviates:
        return [
            translate(
                N_(
                    "Your bid ranked {rank}. The contracting authority deviates from "
                    "the ranking for the reason below."
                )
            ).format(rank=subject.rank)
        ]
    message = (
        N_("Your bid ranked {rank}; the contract goes to the highest-ranked bid.")
        if winners == 1
        else N_("Your bid ranked {rank}; the contract goes to the {count} highest-ranked bids.")
    )
    return [translate(message).format(rank=subject.rank, count=winners)]


def _seat(addressee: Addressee) -> str:
    """Where a bidder is seated: the last line of its address (postcode and town)."""
    return addressee.address[-1] if addressee.address else ""


def every_offer(
    ranking: Ranking, addressees: Mapping[str, Addressee], language: str
) -> tuple[OfferScores, ...]:
    """Every offer with its points per criterion and in total, ranked ones first, and every
    rejected one with why (Pzp art. 253(1): the notice gives them all)."""
    translate = _gettext(language)
    found = []
    for s in sorted(ranking.subjects, key=lambda s: (s.rank is None, s.rank or 0)):
        addressee = addressees.get(s.ref)
        if addressee is None:  # withdrawn: no longer an offer
            continue
        rejected = s.rank is None
        found.append(
            OfferScores(
                addressee.name,
                _seat(addressee),
                s.rank,
                () if rejected else tuple(CriterionPoints(r.name, r.points) for r in s.criteria),  # type: ignore[attr-defined]
                None if rejected else s.total,
                s.winner,
                rejected,
                tuple(_exclusion(s, [p.text(translate) for p in s.reasons])) if rejected else (),
            )
        )
    return tuple(found)


def award_letters(
    ranking: Ranking, addressees: Mapping[str, Addressee], setting: AwardSetting, language: str
) -> Iterator[tuple[str, Letter]]:
    """(ref, letter) for every subject in ``addressees``: an award intent to each winner, a
    rejection to every other, comparing its scores with the lowest-ranked winner's."""
    winners = [ranking.subject(ref) for ref in ranking.winners]
    if not winners:
        raise DomainError(N_("There is no winner: no award letters can be written"))
    benchmark = max(winners, key=lambda s: s.rank or 0)
    by_rank = [w.name for w in sorted(winners, key=lambda s: s.rank or 0)]
    names = ", ".join(by_rank)
    ranked = sum(1 for s in ranking.subjects if s.rank is not None)
    explain = _explainer(language, ranking.currency)
    every = jurisdiction_for(setting.sender.country).every_offers_scores
    common = {
        "sender": setting.sender,
        "date": setting.date,
        "reference": setting.reference,
        "procedure": setting.procedure,
        "standstill_days": setting.standstill_days,
        "standstill_end": setting.standstill_end,
        "electronic": setting.electronic,
        "above_thresholds": setting.above_thresholds,
        "offers": every_offer(ranking, addressees, language) if every else (),
    }
    for subject in ranking.subjects:
        addressee = addressees.get(subject.ref)
        if addressee is None:
            continue
        if subject.winner:
            yield (
                subject.ref,
                AwardIntent(
                    **common,
                    addressee=addressee,
                    rank=subject.rank or 1,
                    total=subject.total,
                    scores=_criterion_scores(subject, explain),
                    next_steps=setting.next_steps,
                    other_winners=tuple(
                        w.name
                        for w in sorted(winners, key=lambda s: s.rank or 0)
                        if w.ref != subject.ref
                    ),
                ),
            )
            continue
        rows = _comparisons(subject, benchmark, explain)
        yield (
            subject.ref,
            Rejection(
                **common,
                addressee=addressee,
                winner=names,
                rank=subject.rank,
                ranked_count=ranked,
                own_total=subject.total,
                winner_total=benchmark.total,
                reasons=(
                    *_reasons(subject, len(winners), setting.deviates, language),
                    *setting.reasons.get(subject.ref, ()),
                ),
                # Point differences only where both bids were scored: not for one taken out.
                winner_advantages=(
                    *setting.winner_advantages,
                    *(_advantages(rows, language) if subject.rank else ()),
                ),
                scores=rows,
                objection=setting.objection,
                winner_count=len(winners),
                benchmark=benchmark.name,
            ),
        )


@dataclass(frozen=True)
class SelectionSetting:
    """What the tender adds to the ranking of a preselection."""

    sender: Sender
    procedure: Procedure
    date: date
    reference: str
    selected: frozenset[str]  # the refs of the candidates on the shortlist
    next_steps: tuple[str, ...] = ()
    objection: str = ""
    reasons: Mapping[str, tuple[str, ...]] = field(default_factory=dict)  # extra, per ref
    above_thresholds: bool = True  # the contract's value against the EU thresholds


def _selection_reasons(subject: RankedSubjectData, language: str) -> list[str]:
    translate = _gettext(language)
    own = [problem.text(translate) for problem in subject.reasons]
    if subject.excluded or subject.knocked_out:
        return [
            translate(N_("Your request did not meet a requirement: {reason}")).format(reason=r)
            for r in _exclusion(subject, own)
        ]
    return [
        translate(
            N_("Your request ranked {rank}; the candidates ranked higher were selected.")
        ).format(rank=subject.rank)
    ]


def selection_letters(
    ranking: Ranking, addressees: Mapping[str, Addressee], setting: SelectionSetting, language: str
) -> Iterator[tuple[str, Letter]]:
    """(ref, letter) for every candidate in ``addressees``: selected or not, with the
    candidate's scores per criterion and, when not selected, why."""
    explain = _explainer(language, ranking.currency)
    lowest = min(
        (s.total for s in ranking.subjects if s.ref in setting.selected and s.total is not None),
        default=None,
    )
    for subject in ranking.subjects:
        addressee = addressees.get(subject.ref)
        if addressee is None:
            continue
        chosen = subject.ref in setting.selected
        reasons = (
            ()
            if chosen
            else (*_selection_reasons(subject, language), *setting.reasons.get(subject.ref, ()))
        )
        yield (
            subject.ref,
            SelectionOutcome(
                sender=setting.sender,
                addressee=addressee,
                date=setting.date,
                reference=setting.reference,
                procedure=setting.procedure,
                selected=chosen,
                reasons=reasons,
                scores=_criterion_scores(subject, explain),
                selected_count=len(setting.selected),
                total=subject.total,
                lowest_selected_total=lowest,
                next_steps=setting.next_steps,
                objection=setting.objection,
                above_thresholds=setting.above_thresholds,
            ),
        )


def _scale_text(scale: Scale | None, language: str) -> str:
    if scale is None:
        return ""
    if scale.levels:
        return ", ".join(
            f"{level.label} ({number(plain(level.value), language)})" for level in scale.levels
        )
    return f"{number(plain(scale.minimum), language)}–{number(plain(scale.maximum), language)}"


def report_criteria(tree: Tree, language: str) -> tuple[ReportCriterion, ...]:
    translate = _gettext(language)
    rows = []
    for c in tree.ordered():
        formula = ""
        if c.formula is not None:
            formula = translate(FORMULA_LABELS[Formula(c.formula)])
        rows.append(
            ReportCriterion(
                c.name,
                translate(KIND_LABELS[c.kind]),
                plain(c.weight),
                0 if c.parent_id is None else 1,
                _scale_text(c.effective_scale if c.kind is not Kind.PRICE else None, language),
                None if c.minimum is None else plain(c.minimum),
                formula,
            )
        )
    return tuple(rows)


def _cell(
    result: CriterionResult,
    translate: Callable[[str], str],
    evaluator_label: Callable[[int, str], str],
) -> ReportCell:
    return ReportCell(
        result.name,
        result.value,
        result.points,
        result.explanation.text(translate),
        result.spread,
        result.flagged,
        result.consensus,
        result.consensus_justification,
        tuple(
            ReportScore(
                evaluator_label(line.evaluator_id, line.evaluator),
                line.value,
                line.label or "",
                line.points,
                line.justification,
            )
            for line in result.individual
        ),
    )


def report_from_ranking(
    ranking: Ranking,
    tree: Tree,
    *,
    authority: str,
    procedure: Procedure,
    on: date,
    language: str,
    evaluator_codes: bool = False,
    decision: tuple[str, ...] = (),
    notes: tuple[str, ...] = (),
) -> EvaluationReport:
    """The evaluation report's data. ``evaluator_codes``: name evaluators "E1", "E2" ...
    instead of by name. Pass a ranking with every subject explained (``explain=None``)."""
    translate = _gettext(language)
    codes: dict[int, str] = {}
    names: dict[int, str] = {}

    def label(evaluator_id: int, name: str) -> str:
        names.setdefault(evaluator_id, name)
        if not evaluator_codes:
            return name
        return codes.setdefault(evaluator_id, f"E{len(codes) + 1}")

    subjects = tuple(
        ReportSubject(
            s.name,
            s.rank,
            s.total,
            s.quality,
            Money(s.price, ranking.currency) if s.price is not None else None,
            s.price_points,
            s.winner,
            s.knocked_out,
            s.excluded,
            tuple(_exclusion(s, [p.text(translate) for p in s.reasons])),
            tuple(_cell(r, translate, label) for r in s.criteria),
        )
        for s in ranking.subjects
    )
    by_ref = {s.ref: s.name for s in ranking.subjects}
    lottery = tuple(
        translate(
            N_(
                "Tied on {total} points: the seeded lottery ({seed}) put them in "
                "this order: {order}"
            )
        ).format(
            total=number(draw.total, language) if draw.total is not None else "–",
            seed=draw.seed,
            order=", ".join(by_ref.get(ref, ref) for ref in draw.refs),
        )
        for draw in ranking.lottery
    )
    reversals = tuple(
        translate(N_("Without {left_out}: {pairs}")).format(
            left_out=by_ref.get(r.left_out, r.left_out),
            pairs="; ".join(
                translate(N_("{second} would rank above {first}")).format(
                    first=by_ref.get(a, a), second=by_ref.get(b, b)
                )
                for a, b in r.pairs
            ),
        )
        for r in ranking.reversals
    )
    evaluators = tuple(codes[i] if evaluator_codes else names[i] for i in names)
    return EvaluationReport(
        authority=authority,
        procedure=procedure,
        date=on,
        method=translate(METHOD_LABELS.get(ranking.method, ranking.method)),
        aggregation=translate(AGGREGATION_LABELS["median" if _uses_median(ranking) else "mean"]),
        criteria=report_criteria(tree, language),
        evaluators=evaluators,
        subjects=subjects,
        lottery=lottery,
        reversal_checked=ranking.reversal_checked,
        reversals=reversals,
        decision=decision,
        notes=notes,
    )


def _uses_median(ranking: Ranking) -> bool:
    return any(r.formula == "median" for s in ranking.subjects for r in s.criteria)
