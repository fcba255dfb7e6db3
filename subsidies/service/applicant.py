"""Applications as the applicant makes them (through the portal): draft, submit, accept the
grant, send reports and the settlement request. The rules are :mod:`subsidies.applicant`.

The caller names the applicant: the organisation it acts for and the actor (a portal account,
``portal:<email>``, never a back-office user); an application of another organisation answers
NotFound. Each use case is one transaction that locks the round and then the application (the
order every change of a round keeps) before it checks anything, so that a double submission
or two acceptances at once happen one after the other and the second is refused, naming the
first.

A draft is the organisation's alone: officers' lists and pages do not show it
(:func:`subsidies.access.application_row`) until it is submitted.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from audit import service as audit
from authorities.tables import Authority
from common import clock
from common.errors import DomainError, NotFound, Problem, ProblemCollector, ValidationFailed
from common.i18n import N_
from common.identity import Actor
from common.money import read_amount
from config.database import lock, lock_name, transaction
from documents import storage
from subsidies.applicant import (
    FILE_EXTENSIONS,
    MAX_FILE_BYTES,
    ApplicantForm,
    FilePurpose,
    TooLate,
    Window,
    check_window,
    read_applicant_form,
)
from subsidies.domain import RoundPhase
from subsidies.lifecycle import DECIDED, HOLDING_A_GRANT, TRANSITIONS, Action, State
from subsidies.service.applications import _next_references
from subsidies.service.review import checked_step
from subsidies.tables import Application, ApplicationFile, Payment, Report, SubsidyRound

# A grant the applicant still acts on: accepted, reported on, settled.
RUNNING_GRANT = HOLDING_A_GRANT - {State.SETTLED}


@dataclass(frozen=True)
class Applicant:
    organisation_id: int
    actor: Actor
    name: str = ""  # the person, for the contact's default
    email: str = ""


@dataclass(frozen=True)
class OpenRound:
    id: int
    title: str
    authority: str
    zone: str
    opens_at: datetime
    closes_at: datetime
    currency: str
    method: str
    maximum_per_applicant: Decimal | None
    eligibility_criteria: tuple[str, ...]
    regulation_name: str
    period_start: date
    period_end: date
    acceptance_required: bool
    phase: str


def _open_round(row: Mapping[str, Any]) -> OpenRound:
    return OpenRound(
        row["id"],
        row["title"],
        row["authority.name"],
        row["authority.timezone"],
        row["opens_at"],
        row["closes_at"],
        row["currency"],
        row["method"],
        row["maximum_per_applicant"],
        tuple(c for c in row["eligibility_criteria"].splitlines() if c.strip()),
        row["regulation_name"],
        row["period_start"],
        row["period_end"],
        row["acceptance_required"],
        row["phase"],
    )


_ROUND_COLUMNS = (
    SubsidyRound.all_columns(),
    SubsidyRound.authority.name,
    SubsidyRound.authority.timezone,
)


async def open_rounds() -> list[OpenRound]:
    """The rounds taking applications now (open, not yet closed), closing first first."""
    rows = await (
        SubsidyRound.select(*_ROUND_COLUMNS)
        .where(
            (SubsidyRound.phase == RoundPhase.OPEN.value) & (SubsidyRound.closes_at >= clock.now())
        )
        .order_by(SubsidyRound.closes_at)
    )
    return [_open_round(r) for r in rows]


async def round_for_applicant(round_id: int) -> OpenRound:
    """A round an applicant may know of: one that has opened (a draft round is NotFound)."""
    row = await (
        SubsidyRound.select(*_ROUND_COLUMNS)
        .where((SubsidyRound.id == round_id) & (SubsidyRound.phase != RoundPhase.DRAFT.value))
        .first()
    )
    if row is None:
        raise NotFound(N_("Subsidy round {id} does not exist"), id=round_id)
    return _open_round(row)


def _window(row: Mapping[str, Any], zone: str) -> Window:
    accepting = row["phase"] in (RoundPhase.OPEN.value, RoundPhase.CLOSED.value)
    return Window(row["opens_at"], row["closes_at"], zone, accepting)


async def _zone(authority_id: int) -> str:
    row = await Authority.select(Authority.timezone).where(Authority.id == authority_id).first()
    return row["timezone"] if row else "Europe/Amsterdam"


async def _own(
    applicant: Applicant, application_id: int, *, change: bool = False
) -> tuple[dict[str, Any], dict[str, Any]]:
    """The organisation's application and its round; with ``change`` both locked (round
    first) and read after the locks. Another organisation's answers NotFound."""
    if change:
        found = (
            await Application.select(Application.round, Application.organisation)
            .where(Application.id == application_id)
            .first()
        )
        if found is not None and found["organisation"] == applicant.organisation_id:
            await lock(SubsidyRound, found["round"])
            await lock(Application, application_id)
    row = await Application.select().where(Application.id == application_id).first()
    if row is None or row["organisation"] != applicant.organisation_id:
        raise NotFound(N_("Application {id} does not exist"), id=application_id)
    round_ = await SubsidyRound.select().where(SubsidyRound.id == row["round"]).first()
    assert round_ is not None
    return row, round_


async def start(applicant: Applicant, round_id: int) -> int:
    """A draft for the organisation in an open round, or the application it already has
    there (an organisation applies once per round)."""
    async with transaction():
        await lock(SubsidyRound, round_id)
        round_ = await round_for_applicant(round_id)
        row = await SubsidyRound.select().where(SubsidyRound.id == round_id).first()
        assert row is not None
        await lock_name(f"subsidy-applicant:{round_id}:{applicant.organisation_id}")
        existing = await _existing(round_id, applicant.organisation_id)
        if existing is not None:
            return existing
        check_window(_window(row, round_.zone), clock.now())
        now = clock.now()
        [reference] = await _next_references(round_id, 1)
        application = Application(
            round=round_id,
            organisation=applicant.organisation_id,
            reference=reference,
            contact_name=applicant.name[:200],
            contact_email=applicant.email[:254],
            requested=Decimal("0.00"),
            state=State.DRAFT.value,
            created_at=now,
            updated_at=now,
        )
        await application.save()
        await audit.record(
            applicant.actor,
            "application.drafted",
            "application",
            application.id,
            after={"round": round_id, "reference": reference},
        )
        return int(application.id)


async def _existing(round_id: int, organisation_id: int, other_than: int | None = None):
    query = Application.select(Application.id).where(
        (Application.round == round_id)
        & (Application.organisation == organisation_id)
        & (Application.state != State.WITHDRAWN.value)
    )
    if other_than is not None:
        query = query.where(Application.id != other_than)
    row = await query.order_by(Application.id).first()
    return None if row is None else int(row["id"])


def _criteria(round_: Mapping[str, Any]) -> tuple[str, ...]:
    return tuple(c for c in round_["eligibility_criteria"].splitlines() if c.strip())


async def _still_draft(row: Mapping[str, Any]) -> None:
    if row["state"] != State.DRAFT.value:
        raise await audit.conflict(
            DomainError(N_("The application has been submitted; it can no longer be changed")),
            "application",
            row["id"],
            actions=("application.submit",),
        )


async def save_draft(applicant: Applicant, application_id: int, form: Mapping[str, Any]) -> None:
    """Keep what the form holds (it may be incomplete, never unreadable)."""
    async with transaction():
        row, round_ = await _own(applicant, application_id, change=True)
        await _still_draft(row)
        data = read_applicant_form(form, _criteria(round_), submitting=False)
        await _write(applicant, row, data, "application.draft_saved")


async def _write(
    applicant: Applicant,
    row: Mapping[str, Any],
    data: ApplicantForm,
    action: str,
    extra: Mapping[str, Any] | None = None,
) -> None:
    columns = {**data.columns(), "updated_at": clock.now(), **(extra or {})}
    await Application.update(columns).where(Application.id == row["id"])
    after = {k: v for k, v in columns.items() if k not in ("updated_at", "budget_lines")}
    after["budget_lines"] = json.loads(columns["budget_lines"])
    await audit.record(applicant.actor, action, "application", row["id"], after=after)


async def submit(applicant: Applicant, application_id: int, form: Mapping[str, Any]) -> datetime:
    """Save the form and submit it, if it is complete and the round still takes it; the
    moment of receipt is the server's clock when the request arrived (microseconds, UTC).
    A refused late attempt is audited with its moment; nothing of the form is kept then."""
    moment = clock.now()
    try:
        async with transaction():
            row, round_ = await _own(applicant, application_id, change=True)
            await _still_draft(row)
            check_window(_window(round_, await _zone(round_["authority"])), moment)
            data = read_applicant_form(
                form,
                _criteria(round_),
                submitting=True,
                maximum=round_["maximum_per_applicant"],
            )
            other = await _existing(row["round"], applicant.organisation_id, row["id"])
            if other is not None:
                raise DomainError(N_("Your organisation has already applied in this round"))
            target = await checked_step({**row, **data.columns()}, Action.SUBMIT)
            await _write(
                applicant,
                row,
                data,
                "application.submit",
                {
                    "state": target.value,
                    "submitted_at": moment,
                    "submitted_by": applicant.actor.label,
                    "late_by_seconds": None,
                },
            )
            return moment
    except TooLate as late:  # refused: on record all the same, with its moment
        async with transaction():
            await audit.record(
                applicant.actor,
                "application.submission_refused",
                "application",
                application_id,
                after={"attempted_at": moment, "late_by_seconds": late.seconds},
            )
        raise


def check_file(filename: str, data: bytes) -> None:
    """An applicant's file: a kind a reader opens, not empty, not too large (before storing)."""
    extension = filename.rsplit(".", 1)[-1].lower() if "." in filename else ""
    if extension not in FILE_EXTENSIONS:
        raise ValidationFailed(
            [
                Problem(
                    N_("Send a file of one of the kinds {allowed}"),
                    {"allowed": ", ".join(FILE_EXTENSIONS)},
                    "file",
                )
            ]
        )
    try:
        storage.check_size(filename, len(data), MAX_FILE_BYTES)
    except DomainError as exc:
        raise ValidationFailed([Problem(exc.problem.message, exc.problem.params, "file")]) from None


async def _store(
    applicant: Applicant,
    application_id: int,
    purpose: FilePurpose,
    filename: str,
    content_type: str,
    data: bytes,
) -> storage.FileInfo:
    info = await storage.store(applicant.actor, filename, content_type, data, MAX_FILE_BYTES)
    await ApplicationFile(
        application=application_id,
        file=info.id,
        created_at=clock.now(),
        purpose=purpose.value,
        added_by=applicant.actor.label,
    ).save()
    return info


async def attach(
    applicant: Applicant, application_id: int, filename: str, content_type: str, data: bytes
) -> int:
    """A file sent with a draft (statutes, a plan, a quotation)."""
    check_file(filename, data)
    async with transaction():
        row, _ = await _own(applicant, application_id, change=True)
        await _still_draft(row)
        info = await _store(
            applicant, application_id, FilePurpose.ATTACHMENT, filename, content_type, data
        )
        await audit.record(
            applicant.actor,
            "application.file_added",
            "application",
            application_id,
            after={"file": info.id, "filename": info.filename, "sha256": info.sha256},
        )
        return info.id


async def accept_grant(applicant: Applicant, application_id: int) -> datetime:
    """The applicant accepts its grant, once, where the round asks for it."""
    async with transaction():
        row, round_ = await _own(applicant, application_id, change=True)
        if not round_["acceptance_required"]:
            raise DomainError(N_("This round does not ask for the grant to be accepted"))
        if row["accepted_at"] is not None:
            raise await audit.conflict(
                DomainError(N_("The grant has already been accepted")),
                "application",
                application_id,
                actions=("application.accepted",),
            )
        if State(row["state"]) not in RUNNING_GRANT:
            raise DomainError(N_("Only a grant can be accepted"))
        now = clock.now()
        await Application.update(
            {
                Application.accepted_at: now,
                Application.accepted_by: applicant.actor.label,
                Application.updated_at: now,
            }
        ).where(Application.id == application_id)
        await audit.record(
            applicant.actor,
            "application.accepted",
            "application",
            application_id,
            after={"accepted_at": now, "granted": row["granted"]},
        )
        return now


async def send_report(
    applicant: Applicant,
    application_id: int,
    report_id: int,
    filename: str,
    content_type: str,
    data: bytes,
) -> None:
    """The file of a report that is due: stored, and the report marked received."""
    check_file(filename, data)
    async with transaction():
        row, _ = await _own(applicant, application_id, change=True)
        report = (
            await Report.select()
            .where((Report.id == report_id) & (Report.application == application_id))
            .first()
        )
        if report is None:
            raise NotFound(N_("There is no such report"))
        if report["received_at"] is not None:
            raise await audit.conflict(
                DomainError(N_("This report has already been received")),
                "application",
                application_id,
                actions=("report.received",),
                about={"report": report_id},
            )
        if State(row["state"]) not in RUNNING_GRANT:
            raise DomainError(N_("Reports are sent on a grant that is not yet settled"))
        info = await _store(
            applicant, application_id, FilePurpose.REPORT, filename, content_type, data
        )
        now = clock.now()
        await Report.update({Report.received_at: now, Report.file: info.id}).where(
            Report.id == report_id
        )
        await audit.record(
            applicant.actor,
            "report.received",
            "application",
            application_id,
            after={
                "report": report_id,
                "kind": report["kind"],
                "file": info.id,
                "filename": info.filename,
                "sha256": info.sha256,
                "received_at": now,
            },
        )


async def request_settlement(
    applicant: Applicant,
    application_id: int,
    amount: str,
    filename: str,
    content_type: str,
    data: bytes,
) -> None:
    """The settlement request: the amount the applicant asks the grant to be set at (what
    the activities cost the grant, at most the grant) and its file, once."""
    problems = ProblemCollector()
    value = read_amount(problems, {"amount": amount}, "amount")
    problems.raise_if_any()
    assert value is not None
    check_file(filename, data)
    async with transaction():
        row, _ = await _own(applicant, application_id, change=True)
        if row["settlement_requested_at"] is not None:
            raise await audit.conflict(
                DomainError(N_("The settlement has already been requested")),
                "application",
                application_id,
                actions=("application.settlement_requested",),
            )
        if State(row["state"]) not in TRANSITIONS[Action.SETTLE][0]:
            raise DomainError(N_("A settlement is requested for a grant that is not yet settled"))
        if value < 0 or value > (row["granted"] or Decimal(0)):
            raise ValidationFailed(
                [
                    Problem(
                        N_("The amount is between 0.00 and the grant, {granted}"),
                        {"granted": str(row["granted"])},
                        "amount",
                    )
                ]
            )
        info = await _store(
            applicant, application_id, FilePurpose.SETTLEMENT, filename, content_type, data
        )
        now = clock.now()
        await Application.update(
            {
                Application.settlement_requested_at: now,
                Application.settlement_requested: value,
                Application.updated_at: now,
            }
        ).where(Application.id == application_id)
        await audit.record(
            applicant.actor,
            "application.settlement_requested",
            "application",
            application_id,
            after={"amount": value, "file": info.id, "filename": info.filename},
        )


# -- reading ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class OwnApplication:
    row: dict[str, Any]
    round: OpenRound
    budget_lines: tuple[tuple[str, Decimal], ...]
    declared: tuple[str, ...]
    files: list[dict[str, Any]]
    reports: list[dict[str, Any]]
    payments: list[dict[str, Any]]

    @property
    def state(self) -> State:
        return State(self.row["state"])

    @property
    def editable(self) -> bool:
        return self.state is State.DRAFT

    @property
    def decided(self) -> bool:
        return (
            self.state in DECIDED
            or self.state in HOLDING_A_GRANT
            or self.state
            in (
                State.REFUSED,
                State.CLOSED,
            )
        )

    @property
    def may_accept(self) -> bool:
        return (
            self.round.acceptance_required
            and self.row["accepted_at"] is None
            and self.state in RUNNING_GRANT
        )

    @property
    def may_request_settlement(self) -> bool:
        return (
            self.row["settlement_requested_at"] is None
            and self.state in TRANSITIONS[Action.SETTLE][0]
        )

    @property
    def may_report(self) -> bool:
        return self.state in RUNNING_GRANT


async def own_application(applicant: Applicant, application_id: int) -> OwnApplication:
    row, _ = await _own(applicant, application_id)
    files = await (
        ApplicationFile.select(
            ApplicationFile.file,
            ApplicationFile.file.filename.as_alias("filename"),
            ApplicationFile.file.size.as_alias("size"),
            ApplicationFile.created_at,
            ApplicationFile.purpose,
        )
        .where(ApplicationFile.application == application_id)
        .order_by(ApplicationFile.id)
    )
    reports = await (
        Report.select(
            Report.id, Report.kind, Report.due_on, Report.final, Report.received_at, Report.file
        )
        .where(Report.application == application_id)
        .order_by(Report.due_on)
    )
    payments = await (
        Payment.select()
        .where(Payment.application == application_id)
        .order_by(Payment.due_on, Payment.id)
    )
    return OwnApplication(
        row,
        await round_for_applicant(row["round"]),
        tuple(
            (b["description"], Decimal(b["amount"]))
            for b in json.loads(row["budget_lines"] or "[]")
        ),
        tuple(k for k, v in json.loads(row["eligibility"] or "{}").items() if v),
        files,
        reports,
        payments,
    )


async def own_applications(applicant: Applicant) -> list[dict[str, Any]]:
    return await (
        Application.select(
            Application.id,
            Application.reference,
            Application.title,
            Application.state,
            Application.requested,
            Application.granted,
            Application.submitted_at,
            Application.round,
            Application.round.title.as_alias("round_title"),
            Application.round.currency.as_alias("currency"),
            Application.round.authority.timezone.as_alias("zone"),
        )
        .where(Application.organisation == applicant.organisation_id)
        .order_by(Application.id, ascending=False)
    )


async def own_file(
    applicant: Applicant, application_id: int, file_id: int
) -> tuple[storage.FileInfo, AsyncIterator[bytes]]:
    await _own(applicant, application_id)
    if not await ApplicationFile.exists().where(
        (ApplicationFile.application == application_id) & (ApplicationFile.file == file_id)
    ):
        raise NotFound(N_("File {id} does not exist"), id=file_id)
    return await storage.stream(file_id)
