"""The scoring engine's use cases, and the contract tenders and subsidies build on.

The engine scores *subjects* (opaque references such as ``"bid:45"`` or ``"application:7"``) on
a criteria tree, for an *evaluation* (a tender lot, a selection phase, a subsidy round). It
knows nothing about tenders or subsidies. Every change is one transaction with its audit events;
refusals are ``common.errors`` exceptions (``ValidationFailed`` naming each field or row,
``DomainError`` for a rule, ``NotFound`` for what the principal may not know of, ``Forbidden``).

Contract for owning contexts (all take the caller's ``Principal``; plain data in, dataclasses
out):

``create_evaluation(principal, spec) -> EvaluationView``
    ``spec``: :class:`EvaluationSpec` or a mapping with ``title``, ``authority_id``,
    ``currency``, ``owner_ref`` ("tender:12/lot:3"), ``owner_url`` ("/tenders/12/lots/3"),
    options ``blind``, ``two_envelope``, ``aggregation`` ("mean" | "median"), ``spread_limit``
    (percent of a scale's top), ``winners``, ``total_points``, ``min_total_quality``,
    ``lottery_seed`` (generated when empty). The principal must be an officer of the authority;
    its officers lead the evaluation, administrators see all.
``evaluations_of(principal, owner_ref, prefix=False) -> list[EvaluationView]``
    The evaluations an owner created ("tender:12/" with ``prefix=True``: all its lots).
``get_evaluation(principal, evaluation_id) -> EvaluationView``
    ``.links`` (:class:`Links`): the pages to link to: overview, criteria, assignments,
    consensus, ranking; evaluators: declarations, sheet. ``links(evaluation_id)`` gives the same
    without a database round trip.
``replace_criteria(principal, evaluation_id, items) -> list[Criterion]``
    The whole tree as nested mappings (``children``), before scoring starts.
``register_subjects(principal, evaluation_id, subjects) -> list[SubjectView]``
    Add or update by ``ref``: ``name``, ``code`` (blind code; generated when empty).
``set_prices(principal, evaluation_id, {ref: price or None})``
    Prices may come after bid opening; with two envelopes they stay sealed (hidden from
    everyone, also in the audit log) until quality is final and two officers open them.
``approve_price_opening(principal, evaluation_id) -> PriceOpening``
    Two envelopes: the four-eyes opening of the sealed prices once quality is final; the
    first officer approves, a second, different one opens (``scoring.envelope`` is the rule).
``exclude_subject(principal, evaluation_id, ref, reason)``
    A withdrawn bid: kept on record, out of the ranking.
``status(principal, evaluation_id) -> EvaluationStatus``
    Phase, criteria frozen, quality final, complete (ranking confirmed), what blocks the next
    step.
``ranking(principal, evaluation_id, explain=()) -> Ranking``
    Once quality is final: per subject total, rank, knock-out reasons, per-criterion breakdown
    (points, formula, inputs, explanation; with ``explain`` = refs or ``None`` for all: every
    individual score with its justification and the consensus with its justification),
    winners, lottery draws with the seed, rank-reversal report. See ``scoring.results``.
``confirm_ranking(principal, evaluation_id) -> Ranking``
    Puts the ranking, its lottery and reversals on record; the evaluation is then complete.
``can_view_subject(principal, evaluation_id, ref) -> bool``
    For owners serving a subject's documents: evaluators only after declaring no conflict.

Each part of the work has a module of its own (see the package); this module names every use
case, so that callers import ``scoring.service`` alone.
"""

from __future__ import annotations

from scoring.access import (
    EvaluationView,
    Links,
)
from scoring.results import (
    Ranking,
)
from scoring.service.assignments import (
    AssignmentView,
    assign,
    assignments,
    evaluator_choices,
    reopen_sheet,
    unassign,
)
from scoring.service.consensus import (
    Matrix,
    SubjectScores,
    clear_consensus,
    consensus_matrix,
    consensus_texts,
    record_consensus,
    score_lines,
    subject_scores,
)
from scoring.service.criteria_tree import (
    Readiness,
    add_criterion,
    criteria,
    criteria_readiness,
    delete_criterion,
    freeze_criteria,
    reopen_criteria,
    replace_criteria,
    update_criterion,
)
from scoring.service.evaluations import (
    EvaluationSpec,
    EvaluationStatus,
    SettingsSpec,
    SubjectView,
    can_view_subject,
    create_evaluation,
    evaluations_of,
    exclude_subject,
    get_evaluation,
    links,
    list_evaluations,
    list_subjects,
    register_subjects,
    set_prices,
    update_settings,
)
from scoring.service.outcome import (
    NoticeView,
    PriceOpening,
    approve_price_opening,
    confirm_ranking,
    finalise_quality,
    notices,
    ranking,
    status,
)
from scoring.service.scores_due import set_scores_due, zone_of

__all__ = [
    "AssignmentView",
    "EvaluationSpec",
    "EvaluationStatus",
    "EvaluationView",
    "Links",
    "Matrix",
    "NoticeView",
    "PriceOpening",
    "Ranking",
    "Readiness",
    "SettingsSpec",
    "SubjectScores",
    "SubjectView",
    "add_criterion",
    "approve_price_opening",
    "assign",
    "assignments",
    "can_view_subject",
    "clear_consensus",
    "confirm_ranking",
    "consensus_matrix",
    "consensus_texts",
    "create_evaluation",
    "criteria",
    "criteria_readiness",
    "delete_criterion",
    "evaluations_of",
    "evaluator_choices",
    "exclude_subject",
    "finalise_quality",
    "freeze_criteria",
    "get_evaluation",
    "links",
    "list_evaluations",
    "list_subjects",
    "notices",
    "ranking",
    "record_consensus",
    "register_subjects",
    "reopen_criteria",
    "reopen_sheet",
    "replace_criteria",
    "score_lines",
    "set_prices",
    "set_scores_due",
    "status",
    "subject_scores",
    "unassign",
    "update_criterion",
    "update_settings",
    "zone_of",
]
