"""The scoring engine's tables. Foreign keys point within scoring or to shared contexts only.

Uniqueness across several columns (one score per sheet, subject and criterion; one subject per
reference and per code; ...) is enforced by unique indexes that a migration creates
(``scoring_2026_11_23t15_47_00_000000``), since Piccolo tables cannot declare them.
"""

from decimal import Decimal

from piccolo.columns import (
    Boolean,
    ForeignKey,
    Integer,
    Numeric,
    Text,
    Timestamptz,
    Varchar,
)
from piccolo.columns.base import OnDelete
from piccolo.table import Table

from accounts.tables import User
from authorities.tables import Authority


class Evaluation(Table, tablename="scoring_evaluation"):
    """One thing scored on one criteria tree: a tender lot, a selection phase, a subsidy round."""

    title = Varchar(length=200)
    authority = ForeignKey(references=Authority, on_delete=OnDelete.restrict, index=True)
    currency = Varchar(length=3)
    owner_ref = Varchar(length=200, index=True)
    owner_url = Varchar(length=500, default="")
    blind = Boolean(default=False)
    two_envelope = Boolean(default=False)
    aggregation = Varchar(length=10, default="mean")
    spread_limit = Numeric(digits=(6, 2), null=True, default=None)
    winners = Integer(default=1)
    total_points = Numeric(digits=(12, 2), default=Decimal(100))
    min_total_quality = Numeric(digits=(12, 2), null=True, default=None)
    lottery_seed = Varchar(length=64)
    criteria_version = Integer(default=1)
    criteria_frozen_at = Timestamptz(null=True, default=None)
    quality_final_at = Timestamptz(null=True, default=None)
    ranking_confirmed_at = Timestamptz(null=True, default=None)
    # Two envelopes: the first officer's approval of the price opening, and the opening itself
    # by a second, different officer (see scoring.envelope).
    price_opening_approved_by = ForeignKey(
        references=User, null=True, default=None, on_delete=OnDelete.set_null
    )
    price_opening_approved_at = Timestamptz(null=True, default=None)
    prices_opened_at = Timestamptz(null=True, default=None)
    scores_due_at = Timestamptz(null=True, default=None)  # when evaluators' scores are due
    created_at = Timestamptz()


class CriterionRow(Table, tablename="scoring_criterion"):
    evaluation = ForeignKey(references=Evaluation, on_delete=OnDelete.cascade, index=True)
    parent = ForeignKey(references="self", null=True, default=None, on_delete=OnDelete.cascade)
    position = Integer(default=0)
    name = Varchar(length=200)
    description = Text(default="")
    kind = Varchar(length=20)
    weight = Numeric(digits=(12, 2), default=Decimal(0))
    minimum = Numeric(digits=(12, 2), null=True, default=None)
    scale_min = Numeric(digits=(8, 2), null=True, default=None)
    scale_max = Numeric(digits=(8, 2), null=True, default=None)
    scale_step = Numeric(digits=(8, 2), null=True, default=None)
    levels = Text(default="")  # JSON: [{"value": "6", "label": "sufficient"}, ...]
    formula = Varchar(length=30, default="")
    low = Numeric(digits=(14, 2), null=True, default=None)
    high = Numeric(digits=(14, 2), null=True, default=None)


class Subject(Table, tablename="scoring_subject"):
    """A bid or an application as the engine knows it: an opaque reference, a name, a code."""

    evaluation = ForeignKey(references=Evaluation, on_delete=OnDelete.cascade, index=True)
    ref = Varchar(length=200)
    name = Varchar(length=300)
    code = Varchar(length=20)
    price = Numeric(digits=(14, 2), null=True, default=None)
    excluded_at = Timestamptz(null=True, default=None)
    excluded_reason = Text(default="")
    created_at = Timestamptz()


class Assignment(Table, tablename="scoring_assignment"):
    """An evaluator's sheet: all subjects or some, all scored criteria or some."""

    evaluation = ForeignKey(references=Evaluation, on_delete=OnDelete.cascade, index=True)
    evaluator = ForeignKey(references=User, on_delete=OnDelete.restrict, index=True)
    all_subjects = Boolean(default=True)
    all_criteria = Boolean(default=True)
    submitted_at = Timestamptz(null=True, default=None)
    created_at = Timestamptz()


class AssignmentSubject(Table, tablename="scoring_assignment_subject"):
    assignment = ForeignKey(references=Assignment, on_delete=OnDelete.cascade, index=True)
    subject = ForeignKey(references=Subject, on_delete=OnDelete.cascade)


class AssignmentCriterion(Table, tablename="scoring_assignment_criterion"):
    assignment = ForeignKey(references=Assignment, on_delete=OnDelete.cascade, index=True)
    criterion = ForeignKey(references=CriterionRow, on_delete=OnDelete.cascade)


class Declaration(Table, tablename="scoring_declaration"):
    """Conflict of interest or none, per evaluator and subject, before the subject is seen."""

    assignment = ForeignKey(references=Assignment, on_delete=OnDelete.cascade, index=True)
    subject = ForeignKey(references=Subject, on_delete=OnDelete.cascade)
    conflict = Boolean(default=False)
    note = Text(default="")
    declared_at = Timestamptz()


class Score(Table, tablename="scoring_score"):
    """One evaluator's score of one subject on one criterion; final once the sheet is submitted."""

    evaluation = ForeignKey(references=Evaluation, on_delete=OnDelete.cascade, index=True)
    assignment = ForeignKey(references=Assignment, on_delete=OnDelete.cascade)
    subject = ForeignKey(references=Subject, on_delete=OnDelete.cascade)
    criterion = ForeignKey(references=CriterionRow, on_delete=OnDelete.cascade)
    value = Numeric(digits=(8, 2), null=True, default=None)  # None: a draft with text only
    justification = Text(default="")
    updated_at = Timestamptz()


class Consensus(Table, tablename="scoring_consensus"):
    """The lead officer's score after the consensus meeting; individual scores stay beside it."""

    evaluation = ForeignKey(references=Evaluation, on_delete=OnDelete.cascade, index=True)
    subject = ForeignKey(references=Subject, on_delete=OnDelete.cascade)
    criterion = ForeignKey(references=CriterionRow, on_delete=OnDelete.cascade)
    value = Numeric(digits=(8, 2))
    justification = Text(default="")
    decided_by = ForeignKey(references=User, on_delete=OnDelete.restrict)
    decided_at = Timestamptz()


class Notice(Table, tablename="scoring_notice"):
    """Something the lead officers must know (a declared conflict); ``sent_at``: when it was
    handed to the mail outbox."""

    evaluation = ForeignKey(references=Evaluation, on_delete=OnDelete.cascade, index=True)
    kind = Varchar(length=40)
    subject = ForeignKey(references=Subject, null=True, default=None, on_delete=OnDelete.cascade)
    evaluator = ForeignKey(references=User, null=True, default=None, on_delete=OnDelete.restrict)
    note = Text(default="")
    created_at = Timestamptz()
    sent_at = Timestamptz(null=True, default=None)


TABLES = [
    Evaluation,
    CriterionRow,
    Subject,
    Assignment,
    AssignmentSubject,
    AssignmentCriterion,
    Declaration,
    Score,
    Consensus,
    Notice,
]
