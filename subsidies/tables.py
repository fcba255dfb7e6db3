"""Subsidy rounds' tables. Foreign keys point within subsidies or to shared contexts only.

Settings kept as text (service types, eligibility criteria, instalment dates, reporting tiers)
are read and written through :mod:`subsidies.domain`. Uniqueness over several columns (a
reference per round, one allocation line per application) is enforced by unique indexes that
a migration creates (``subsidies_2026_11_23t19_40_00_000000``).
"""

from decimal import Decimal

from piccolo.columns import (
    Boolean,
    Date,
    ForeignKey,
    Integer,
    Numeric,
    Text,
    Timestamptz,
    Varchar,
)
from piccolo.columns.base import OnDelete
from piccolo.table import Table

from authorities.tables import Authority
from documents.tables import StoredFile
from organisations.tables import Organisation

MONEY = (14, 2)


class SubsidyRound(Table, tablename="subsidies_round"):
    authority = ForeignKey(references=Authority, on_delete=OnDelete.restrict, index=True)
    title = Varchar(length=200)
    regulation_name = Varchar(length=300, default="")
    regulation_reference = Varchar(length=200, default="")
    # The legal basis the decisions cite: "artikel 4 van de Subsidieregeling dagbesteding 2027".
    basis_regulation = Varchar(length=300, default="")
    basis_articles = Varchar(length=100, default="")
    regulation_document = ForeignKey(
        references=StoredFile, null=True, default=None, on_delete=OnDelete.restrict
    )
    service_types = Text(default="")
    budget_line = Varchar(length=100, default="")  # finance's budget line, "6.1.2 Wmo dagbesteding"
    opens_at = Timestamptz()
    closes_at = Timestamptz()
    ceiling = Numeric(digits=MONEY)
    currency = Varchar(length=3)
    method = Varchar(length=20)
    remainder = Varchar(length=20, default="grant_remainder")
    lottery_seed = Varchar(length=64)
    eligibility_criteria = Text(default="")
    minimum_score = Numeric(digits=(12, 2), null=True, default=None)
    maximum_per_applicant = Numeric(digits=MONEY, null=True, default=None)
    period_start = Date()
    period_end = Date()
    advance_share = Numeric(digits=(5, 2), default=Decimal(0))
    instalments = Varchar(length=10, default="yearly")
    instalment_dates = Text(default="")
    yearly_reports = Boolean(default=False)
    tiers = Text(default="[]")
    phase = Varchar(length=10, default="draft", index=True)
    opened_at = Timestamptz(null=True, default=None)
    window_closed_at = Timestamptz(null=True, default=None)  # the tick that closed it
    # The deadline it closed at (window_closed_at is later when caught up after downtime).
    window_close_due_at = Timestamptz(null=True, default=None)
    evaluation_id = Integer(null=True, default=None)  # the scoring engine's evaluation
    allocated_at = Timestamptz(null=True, default=None)  # the proposal's moment
    allocation = Text(default="")  # the proposal's figures (JSON): method, seed, draw, rests
    decided_at = Timestamptz(null=True, default=None)
    created_at = Timestamptz()
    # An officer may keep a round out of the open data (360Giving), with the reason why.
    open_data_withheld = Boolean(default=False)
    open_data_reason = Text(default="")
    # The applicant accepts a grant before it is paid (the portal records who and when).
    acceptance_required = Boolean(default=False)


class Application(Table, tablename="subsidies_application"):
    round = ForeignKey(references=SubsidyRound, on_delete=OnDelete.restrict, index=True)
    organisation = ForeignKey(references=Organisation, on_delete=OnDelete.restrict, index=True)
    reference = Varchar(length=60, index=True)
    title = Varchar(length=300, default="")
    contact_name = Varchar(length=200, default="")
    contact_email = Varchar(length=254, default="")
    requested = Numeric(digits=MONEY)
    own_contribution = Numeric(digits=MONEY, default=Decimal(0))
    budget_lines = Text(default="[]")  # JSON: [{"description", "amount"}]
    activity_plan = Text(default="")
    target_group = Varchar(length=300, default="")
    districts = Varchar(length=500, default="")
    expected_participants = Integer(default=0)
    state = Varchar(length=20, index=True)
    state_reason = Text(default="")
    submitted_at = Timestamptz(null=True, default=None)
    late_by_seconds = Integer(null=True, default=None)
    complete_at = Timestamptz(null=True, default=None, index=True)
    eligibility = Text(default="")  # JSON: {criterion: true/false}
    granted = Numeric(digits=MONEY, null=True, default=None)
    decided_at = Timestamptz(null=True, default=None)
    final_amount = Numeric(digits=MONEY, null=True, default=None)
    reclaim = Numeric(digits=MONEY, null=True, default=None)
    to_pay = Numeric(digits=MONEY, null=True, default=None)
    settled_at = Timestamptz(null=True, default=None)
    created_at = Timestamptz()
    updated_at = Timestamptz()
    # Made in the portal by the applicant itself: who (``portal:<email>``; empty when an
    # officer registered or imported it). ``submitted_at`` is then the server's moment.
    submitted_by = Varchar(length=254, default="")
    accepted_at = Timestamptz(null=True, default=None)  # the grant accepted by the applicant
    accepted_by = Varchar(length=254, default="")
    # The applicant's settlement request: when, the amount it asks to be set, the file.
    settlement_requested_at = Timestamptz(null=True, default=None)
    settlement_requested = Numeric(digits=MONEY, null=True, default=None)


class AllocationLine(Table, tablename="subsidies_allocation_line"):
    """The proposed amount of one application, with its reasons and the officer's change."""

    round = ForeignKey(references=SubsidyRound, on_delete=OnDelete.cascade, index=True)
    application = ForeignKey(references=Application, on_delete=OnDelete.cascade, index=True)
    position = Integer(null=True, default=None)
    rank = Integer(null=True, default=None)
    score = Numeric(digits=(12, 2), null=True, default=None)
    requested = Numeric(digits=MONEY)
    proposed = Numeric(digits=MONEY)
    reasons = Text(default="[]")  # JSON: [{"message", "params"}]
    adjusted = Boolean(default=False)


class ApplicationFile(Table, tablename="subsidies_application_file"):
    application = ForeignKey(references=Application, on_delete=OnDelete.cascade, index=True)
    file = ForeignKey(references=StoredFile, on_delete=OnDelete.restrict)
    created_at = Timestamptz()
    # attachment (sent with the application), report (a report's file), settlement (the
    # settlement request's file): subsidies.applicant.FilePurpose
    purpose = Varchar(length=20, default="attachment")
    added_by = Varchar(length=254, default="")


class Payment(Table, tablename="subsidies_payment"):
    application = ForeignKey(references=Application, on_delete=OnDelete.cascade, index=True)
    kind = Varchar(length=12)  # advance | instalment
    due_on = Date()
    amount = Numeric(digits=MONEY)
    status = Varchar(length=10, default="scheduled")  # scheduled | approved | paid
    approved_at = Timestamptz(null=True, default=None)
    paid_at = Timestamptz(null=True, default=None)


class Report(Table, tablename="subsidies_report"):
    application = ForeignKey(references=Application, on_delete=OnDelete.cascade, index=True)
    kind = Varchar(length=12)
    due_on = Date(index=True)
    final = Boolean(default=True)
    received_at = Timestamptz(null=True, default=None)
    noticed_at = Timestamptz(null=True, default=None)  # the tick that marked it due
    # The report as uploaded by the applicant in the portal (None: received otherwise).
    file = ForeignKey(references=StoredFile, null=True, default=None, on_delete=OnDelete.restrict)


TABLES = [SubsidyRound, Application, AllocationLine, ApplicationFile, Payment, Report]
