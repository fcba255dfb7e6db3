"""An application as the applicant makes it in the portal: the form, the window, the files.
Pure Python.

The applicant fills in the round's form (the fields of :class:`subsidies.applications.
ApplicationData` but the organisation, which is the applicant's own), declares each of the
round's eligibility criteria, and lists its budget: rows of description and amount, the
activity's costs. A draft may be saved at any time and may lack anything, but what it holds
must be readable (an amount is an amount). Submitting asks everything: the required fields
(:func:`subsidies.lifecycle.missing_for_submission` names them too), every declaration, at
least one budget row, and the rows adding up to the requested amount plus the own
contribution (the grant and the applicant together pay the costs), the requested amount not
above the round's maximum per applicant.

The window: a submission is accepted from the moment the round opens up to and including the
moment it closes (``opens_at <= now <= closes_at``, the server's clock, as an officer's
registration counts a late application: :func:`subsidies.service.applications._late_by`);
a second later it is refused with the closing moment and the moment of the attempt.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from enum import StrEnum
from typing import Any

from common import fields
from common.errors import DomainError, Moment, ProblemCollector
from common.i18n import N_
from common.localtime import utc_to_local
from common.money import read_amount
from subsidies.applications import BudgetLine, budget_json, read_participants
from subsidies.lifecycle import missing_for_submission

ZERO = Decimal("0.00")
MAX_BUDGET_ROWS = 50
TEXT_LIMITS = {"title": 300, "target_group": 300, "districts": 500, "contact_name": 200}
ACTIVITY_PLAN_LIMIT = 20_000
# Files an applicant sends: kinds a reader opens, no larger than this, checked before storing.
MAX_FILE_BYTES = 10 * 1024 * 1024
FILE_EXTENSIONS = ("pdf", "doc", "docx", "odt", "xls", "xlsx", "ods", "csv", "txt", "png", "jpg")


class FilePurpose(StrEnum):
    ATTACHMENT = "attachment"  # sent with the application
    REPORT = "report"  # a report's file (activity or financial)
    SETTLEMENT = "settlement"  # the settlement request


FILE_PURPOSE_LABELS = {
    FilePurpose.ATTACHMENT: N_("Attachment"),
    FilePurpose.REPORT: N_("Report"),
    FilePurpose.SETTLEMENT: N_("Settlement request"),
}


@dataclass(frozen=True)
class ApplicantForm:
    title: str
    contact_name: str
    contact_email: str
    requested: Decimal | None
    own_contribution: Decimal
    budget_lines: tuple[BudgetLine, ...]
    activity_plan: str
    target_group: str
    districts: str
    expected_participants: int
    declared: tuple[str, ...]  # the eligibility criteria declared, as the round words them

    def columns(self) -> dict[str, Any]:
        """The application's stored fields (a draft without an amount keeps 0.00)."""
        return {
            "title": self.title,
            "contact_name": self.contact_name,
            "contact_email": self.contact_email,
            "requested": self.requested if self.requested is not None else ZERO,
            "own_contribution": self.own_contribution,
            "budget_lines": budget_json(self.budget_lines),
            "activity_plan": self.activity_plan,
            "target_group": self.target_group,
            "districts": self.districts,
            "expected_participants": self.expected_participants,
            "eligibility": json.dumps({criterion: True for criterion in self.declared}),
        }

    @property
    def budget_total(self) -> Decimal:
        return sum((b.amount for b in self.budget_lines), ZERO)


def _as_list(value: Any) -> list[str]:
    if value is None:
        return []
    if isinstance(value, list | tuple):
        return [str(v) for v in value]
    return [str(value)]


def read_budget_rows(
    problems: ProblemCollector, descriptions: Any, amounts: Any
) -> tuple[BudgetLine, ...]:
    """The rows of the budget table (``budget_description``/``budget_amount``, row by row);
    empty rows are left out; a problem names its row (``budget_lines.3``)."""
    texts, values = _as_list(descriptions), _as_list(amounts)
    rows = max(len(texts), len(values))
    if rows > MAX_BUDGET_ROWS:
        problems.add("budget_lines", N_("At most {limit} budget rows"), limit=MAX_BUDGET_ROWS)
        return ()
    lines: list[BudgetLine] = []
    for index in range(rows):
        text = texts[index].strip() if index < len(texts) else ""
        raw = values[index].strip() if index < len(values) else ""
        if not text and not raw:
            continue
        location = f"budget_lines.{index + 1}"
        inner = ProblemCollector()
        amount = read_amount(inner, {"amount": raw}, "amount")
        if not text:
            problems.add(location, N_("Budget row {number} has no description"), number=index + 1)
        elif len(text) > 300:
            problems.add(location, N_("At most {limit} characters"), limit=300)
        if amount is None:
            problems.add(
                location, N_("Budget row {number} has no amount such as 1250.00"), number=index + 1
            )
        elif amount < 0:
            problems.add(location, N_("Budget row {number} is below 0.00"), number=index + 1)
        if text and amount is not None and amount >= 0 and len(text) <= 300:
            lines.append(BudgetLine(text, amount))
    return tuple(lines)


def read_applicant_form(
    form: Mapping[str, Any],
    criteria: Sequence[str],
    *,
    submitting: bool,
    maximum: Decimal | None = None,
) -> ApplicantForm:
    """The form checked (every problem with its field). A draft (``submitting`` False) may
    lack anything; a submission needs what the module's docstring lists."""
    problems = ProblemCollector()
    values = {name: fields.text(form, name) for name in (*TEXT_LIMITS, "activity_plan")}
    for name, limit in TEXT_LIMITS.items():
        if len(values[name]) > limit:
            problems.add(name, N_("At most {limit} characters"), limit=limit)
    if len(values["activity_plan"]) > ACTIVITY_PLAN_LIMIT:
        problems.add("activity_plan", N_("At most {limit} characters"), limit=ACTIVITY_PLAN_LIMIT)
    email = fields.text(form, "contact_email").lower()
    if email and ("@" not in email or len(email) > 254 or " " in email):
        problems.add("contact_email", N_("{value} is not an email address"), value=email[:60])
    requested = read_amount(problems, form, "requested", required=False)
    if requested is not None and requested <= 0:
        problems.add("requested", N_("The requested amount must be above 0.00"))
    own = read_amount(problems, form, "own_contribution", required=False)
    if own is not None and own < 0:
        problems.add("own_contribution", N_("The own contribution cannot be below 0.00"))
    participants = read_participants(problems, form, "expected_participants")
    lines = read_budget_rows(problems, form.get("budget_description"), form.get("budget_amount"))
    chosen = set(_as_list(form.get("declarations")))
    declared = tuple(c for c in criteria if c in chosen)
    data = ApplicantForm(
        values["title"],
        values["contact_name"],
        email,
        requested,
        own if own is not None and own >= 0 else ZERO,
        lines,
        values["activity_plan"],
        values["target_group"],
        values["districts"],
        participants,
        declared,
    )
    if submitting:
        _check_complete(problems, data, criteria, maximum)
    problems.raise_if_any()
    return data


def _has(problems: ProblemCollector, location: str) -> bool:
    """A problem at ``location`` or one of its rows (``budget_lines.2``)."""
    return any(
        p.location == location or (p.location or "").startswith(location + ".")
        for p in problems.problems
    )


def _check_complete(
    problems: ProblemCollector,
    data: ApplicantForm,
    criteria: Sequence[str],
    maximum: Decimal | None,
) -> None:
    if not data.title:
        problems.add("title", N_("A title is required"))
    if not data.contact_name:
        problems.add("contact_name", N_("A contact person is required"))
    if not data.contact_email:
        problems.add("contact_email", N_("An email address is required"))
    lacking = missing_for_submission(
        {
            "organisation_id": 1,  # the applicant's own
            "requested": data.requested if data.requested is not None else ZERO,
            "activity_plan": data.activity_plan,
            "target_group": data.target_group,
        }
    )
    for field, label in (
        ("requested", N_("the requested amount")),
        ("activity_plan", N_("the activity plan")),
        ("target_group", N_("the target group")),
    ):
        if label in lacking and not _has(problems, field):
            problems.add(field, N_("This is required to submit"))
    for index, criterion in enumerate(criteria, 1):
        if criterion not in data.declared:
            problems.add(
                f"declarations.{index}",
                N_("Declare that the organisation meets this condition: {criterion}"),
                criterion=criterion,
            )
    if not data.budget_lines and not _has(problems, "budget_lines"):
        problems.add("budget_lines", N_("The budget needs at least one row"))
    elif data.requested is not None and not _has(problems, "budget_lines"):
        expected = data.requested + data.own_contribution
        if data.budget_total != expected:
            problems.add(
                "budget_lines",
                N_(
                    "The budget rows add up to {total}; the requested amount and the own "
                    "contribution together are {expected}"
                ),
                total=str(data.budget_total),
                expected=str(expected),
            )
    if maximum is not None and data.requested is not None and data.requested > maximum:
        problems.add(
            "requested",
            N_("The round grants at most {maximum} per applicant"),
            maximum=str(maximum),
        )


def complete_since(application: Mapping[str, Any], now: datetime) -> datetime:
    """The moment an application counts as complete (first come, first served goes by it):
    made in the portal and complete as submitted (no information asked), the moment of
    receipt, to the microsecond; otherwise the moment the officer finds it complete."""
    if (
        application.get("submitted_by")
        and application.get("state") == "submitted"
        and application.get("submitted_at") is not None
    ):
        return application["submitted_at"]
    return now


@dataclass(frozen=True)
class Window:
    opens_at: datetime
    closes_at: datetime
    zone: str
    accepting: bool  # the round is open (or closed by the clock only): not draft, not decided


def seconds_late(closes_at: datetime, moment: datetime) -> int:
    """Whole seconds after the close, rounded up (0.2 s late is 1 s late); 0 when on time."""
    late = (moment - closes_at).total_seconds()
    return math.ceil(late) if late > 0 else 0


class TooLate(DomainError):
    """A submission after the close: the refusal names both moments and the delay."""

    def __init__(self, window: Window, now: datetime) -> None:
        self.seconds = seconds_late(window.closes_at, now)
        closes = utc_to_local(window.closes_at, window.zone)
        arrived = utc_to_local(now, window.zone)
        super().__init__(
            N_(
                "The round closed at {closes} on {closes_day} ({zone}); your submission arrived "
                "at {moment} on {moment_day}, {seconds} seconds too late, and has not been "
                "accepted"
            ),
            closes=closes.strftime("%H:%M:%S"),
            closes_day=closes.date(),
            moment=arrived.strftime("%H:%M:%S.%f"),
            moment_day=arrived.date(),
            zone=window.zone,
            seconds=self.seconds,
        )


def check_window(window: Window, now: datetime) -> None:
    """Refuse a submission outside the window, naming the moments in the authority's zone."""
    if not window.accepting:
        raise DomainError(N_("This round does not take applications"))
    if now < window.opens_at:
        raise DomainError(
            N_("The round opens at {opens} ({zone})"),
            opens=Moment(window.opens_at, window.zone),
            zone=window.zone,
        )
    if now > window.closes_at:
        raise TooLate(window, now)
