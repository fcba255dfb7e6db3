"""The subsidy rounds' JSON API under /api/v1/subsidies: the same use cases as the pages.

Reasons in the allocation come as ``{"message", "params", "location"}`` with the message in the
caller's language.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from litestar import Controller, Request, get, post, put
from litestar.params import FromPath, FromQuery, JSONBody
from litestar.response import Response
from litestar.status_codes import HTTP_201_CREATED, HTTP_202_ACCEPTED, HTTP_204_NO_CONTENT

from jobs import service as jobs
from jobs.controllers import JobOut, accepted
from scoring import service as scoring
from scoring.access import Links
from scoring.api import localise
from subsidies import jobs as subsidy_jobs
from subsidies import letters, service
from subsidies.controllers import PER_PAGE, READERS, download, letters_zip
from subsidies.letters import LetterView
from subsidies.lifecycle import State
from subsidies.service import (
    AllocationView,
    ApplicationView,
    Budget,
    ListedApplication,
    PaymentView,
    RoundSummary,
    RoundView,
)
from web.guards import OFFICER, me
from web.pagination import page_number

BASE = "/api/v1/subsidies"


@dataclass
class TierIn:
    up_to: Decimal | None
    kind: str  # none | activity | financial
    months: int = 3


@dataclass
class RoundIn:
    """A round's settings; moments are UTC (or local to the authority without an offset)."""

    title: str
    authority_id: int
    opens_at: datetime
    closes_at: datetime
    ceiling: Decimal
    currency: str
    method: str  # ranking | first_come | pro_rata
    period_start: date
    period_end: date
    remainder: str = "grant_remainder"  # grant_remainder | skip | stop
    lottery_seed: str = ""
    regulation_name: str = ""
    regulation_reference: str = ""
    basis_regulation: str = ""  # the legal basis decisions cite: the regulation
    basis_articles: str = ""  # and its article(s): "4", "4 en 5", "2.3, eerste lid"
    service_types: list[str] = field(default_factory=list)
    budget_line: str = ""
    eligibility_criteria: list[str] = field(default_factory=list)
    minimum_score: Decimal | None = None
    maximum_per_applicant: Decimal | None = None
    advance_share: Decimal = Decimal(0)
    instalments: str = "yearly"  # yearly | dates
    instalment_dates: list[date] = field(default_factory=list)
    yearly_reports: bool = False
    tiers: list[TierIn] = field(default_factory=list)
    acceptance_required: bool = False  # the applicant accepts the grant in the portal

    def form(self) -> dict[str, Any]:
        values = asdict(self)
        values["instalment_dates"] = ",".join(d.isoformat() for d in self.instalment_dates)
        values["tiers"] = "\n".join(
            f"{'-' if t.up_to is None else t.up_to};{t.kind};{t.months}" for t in self.tiers
        )
        values["yearly_reports"] = "on" if self.yearly_reports else ""
        values["acceptance_required"] = "on" if self.acceptance_required else ""
        return {k: ("" if v is None else v) for k, v in values.items()}


@dataclass
class RoundOut:
    round: RoundView
    budget: Budget


@dataclass
class ApplicationIn:
    name: str
    country: str
    registration_number: str
    requested: Decimal
    activity_plan: str
    target_group: str
    iban: str = ""
    address: str = ""
    contact_name: str = ""
    contact_form_of_address: str = ""  # ms | mr | neutral | "" (not known)
    contact_surname: str = ""  # after mevrouw / heer; taken from contact_name when empty
    natural_person: bool = False  # a sole trader: open data leaves its name out
    contact_email: str = ""
    phone: str = ""
    title: str = ""
    own_contribution: Decimal | None = None
    budget_lines: str = ""  # lines "description; amount"
    districts: str = ""
    expected_participants: int = 0
    submitted_at: datetime | None = None


@dataclass
class ApplicationList:
    items: list[ListedApplication]
    total: int
    page: int
    per_page: int
    counts: dict[str, int]


@dataclass
class StepIn:
    action: str  # ask_information | complete | withdraw | close
    reason: str = ""


@dataclass
class EligibilityIn:
    passed: list[str]  # the round's criteria that are met
    note: str = ""


@dataclass
class AdjustIn:
    amount: Decimal
    reason: str


@dataclass
class StatusIn:
    status: str  # approved | paid


@dataclass
class SettlementIn:
    final_amount: Decimal
    reasons: str = ""  # why less than the grant, one per line: the settlement decision says it


@dataclass
class OpenDataIn:
    withheld: bool  # true: keep the round's grants out of the open data (360Giving)
    reason: str = ""  # required when withheld


@dataclass
class ReviewOut:
    evaluation_id: int
    links: Links


class RoundsApi(Controller):
    path = BASE
    tags = ["subsidies"]

    @get("/rounds", guards=[READERS], name="api_subsidies_rounds")
    async def rounds(self, request: Request) -> list[RoundSummary]:
        return await service.list_rounds(me(request))

    @post(
        "/rounds", guards=[OFFICER], status_code=HTTP_201_CREATED, name="api_subsidies_round_create"
    )
    async def create(self, request: Request, data: JSONBody[RoundIn]) -> RoundView:
        return await service.create_round(me(request), data.form())

    @get("/rounds/{round_id:int}", guards=[READERS], name="api_subsidies_round")
    async def round(self, request: Request, round_id: FromPath[int]) -> RoundOut:
        view = await service.get_round(me(request), round_id)
        return RoundOut(view, await service.budget(round_id, view.ceiling))

    @put("/rounds/{round_id:int}", guards=[OFFICER], name="api_subsidies_round_update")
    async def update(
        self, request: Request, round_id: FromPath[int], data: JSONBody[RoundIn]
    ) -> RoundView:
        """Refused (422) for the method, ceiling, currency, remainder policy and seed once the
        round is open."""
        return await service.update_round(me(request), round_id, data.form())

    @post("/rounds/{round_id:int}/open", guards=[OFFICER], name="api_subsidies_round_open")
    async def open(self, request: Request, round_id: FromPath[int]) -> RoundView:
        return await service.open_round(me(request), round_id)

    @post("/rounds/{round_id:int}/review", guards=[OFFICER], name="api_subsidies_round_review")
    async def review(self, request: Request, round_id: FromPath[int]) -> ReviewOut:
        """The eligible applications become subjects of the round's evaluation."""
        evaluation_id = await service.start_review(me(request), round_id)
        return ReviewOut(evaluation_id, scoring.links(evaluation_id))

    @post(
        "/rounds/{round_id:int}/allocation", guards=[OFFICER], name="api_subsidies_round_allocate"
    )
    async def allocate(self, request: Request, round_id: FromPath[int]) -> AllocationView:
        await service.propose_allocation(me(request), round_id)
        return localise(await service.allocation(me(request), round_id))

    @get(
        "/rounds/{round_id:int}/allocation", guards=[READERS], name="api_subsidies_round_allocation"
    )
    async def allocation(self, request: Request, round_id: FromPath[int]) -> AllocationView:
        return localise(await service.allocation(me(request), round_id))

    @put(
        "/rounds/{round_id:int}/allocation/{application_id:int}",
        guards=[OFFICER],
        name="api_subsidies_round_adjust",
    )
    async def adjust(
        self,
        request: Request,
        round_id: FromPath[int],
        application_id: FromPath[int],
        data: JSONBody[AdjustIn],
    ) -> AllocationView:
        await service.adjust_line(me(request), round_id, application_id, data.amount, data.reason)
        return localise(await service.allocation(me(request), round_id))

    @post("/rounds/{round_id:int}/decision", guards=[OFFICER], name="api_subsidies_round_decide")
    async def decide(self, request: Request, round_id: FromPath[int]) -> dict[str, int]:
        return await service.decide(me(request), round_id)

    @post(
        "/rounds/{round_id:int}/open-data", guards=[OFFICER], name="api_subsidies_round_open_data"
    )
    async def open_data(
        self, request: Request, round_id: FromPath[int], data: JSONBody[OpenDataIn]
    ) -> RoundView:
        """Keep the round's grants out of the open data (a reason is required) or publish them
        again; audited."""
        await service.set_open_data(
            me(request), round_id, withheld=data.withheld, reason=data.reason
        )
        return await service.get_round(me(request), round_id)

    @get("/rounds/{round_id:int}/payments", guards=[READERS], name="api_subsidies_round_payments")
    async def payments(
        self, request: Request, round_id: FromPath[int], status: FromQuery[str] = ""
    ) -> list[PaymentView]:
        return await service.payments(me(request), round_id, status=status)

    @put(
        "/payments/{payment_id:int}",
        guards=[OFFICER],
        status_code=HTTP_204_NO_CONTENT,
        name="api_subsidies_payment",
    )
    async def payment(
        self, request: Request, payment_id: FromPath[int], data: JSONBody[StatusIn]
    ) -> None:
        await service.set_payment_status(me(request), payment_id, data.status)


class ApplicationsApi(Controller):
    path = BASE
    tags = ["subsidies"]

    @get("/rounds/{round_id:int}/applications", guards=[READERS], name="api_subsidies_applications")
    async def applications(
        self,
        request: Request,
        round_id: FromPath[int],
        q: FromQuery[str] = "",
        page: FromQuery[str] = "1",
    ) -> ApplicationList:
        """50 per page; ``state`` filters by state, ``q`` by organisation or reference."""
        state = request.query_params.get("state", "")
        listing = await service.list_applications(
            me(request),
            round_id,
            state=state if state in {s.value for s in State} else "",
            text=q,
            page=page_number(page),
            limit=PER_PAGE,
            counts=True,
        )
        return ApplicationList(
            listing.items, listing.total, listing.page, PER_PAGE, dict(listing.counts)
        )

    @post(
        "/rounds/{round_id:int}/applications",
        guards=[OFFICER],
        status_code=HTTP_201_CREATED,
        name="api_subsidies_application_create",
    )
    async def register(
        self, request: Request, round_id: FromPath[int], data: JSONBody[ApplicationIn]
    ) -> ApplicationView:
        values = {k: ("" if v is None else v) for k, v in asdict(data).items()}
        values["submitted_at"] = data.submitted_at
        application_id = await service.register_application(me(request), round_id, values)
        return await service.get_application(me(request), application_id)

    @get("/applications/{application_id:int}", guards=[READERS], name="api_subsidies_application")
    async def application(
        self,
        request: Request,
        application_id: FromPath[int],
    ) -> ApplicationView:
        return await service.get_application(me(request), application_id)

    @get(
        "/applications/{application_id:int}/history",
        guards=[READERS],
        name="api_subsidies_application_history",
    )
    async def history(
        self,
        request: Request,
        application_id: FromPath[int],
    ) -> list[dict[str, Any]]:
        return await service.history(me(request), application_id)

    @post(
        "/applications/{application_id:int}/steps",
        guards=[OFFICER],
        name="api_subsidies_application_step",
    )
    async def step(
        self, request: Request, application_id: FromPath[int], data: JSONBody[StepIn]
    ) -> ApplicationView:
        """Ask for information (reason), mark complete, withdraw (reason), close."""
        await service.act(me(request), application_id, data.action, data.reason)
        return await service.get_application(me(request), application_id)

    @post(
        "/applications/{application_id:int}/eligibility",
        guards=[OFFICER],
        name="api_subsidies_application_eligibility",
    )
    async def eligibility(
        self, request: Request, application_id: FromPath[int], data: JSONBody[EligibilityIn]
    ) -> ApplicationView:
        await service.mark_eligibility(me(request), application_id, data.passed, data.note)
        return await service.get_application(me(request), application_id)

    @post(
        "/applications/{application_id:int}/settlement",
        guards=[OFFICER],
        name="api_subsidies_application_settle",
    )
    async def settle(
        self, request: Request, application_id: FromPath[int], data: JSONBody[SettlementIn]
    ) -> dict[str, Decimal]:
        return await service.settle_application(
            me(request), application_id, data.final_amount, data.reasons
        )


class LettersApi(Controller):
    """The letters sent in a round (decision and settlement letters) and its evaluation
    report: listed as JSON, each downloadable as .docx, all as one zip (``?pdf=true``: PDF,
    where LibreOffice is installed; 409 otherwise)."""

    path = BASE
    tags = ["subsidies"]

    @get("/rounds/{round_id:int}/letters", guards=[READERS], name="api_subsidies_round_letters")
    async def letters(self, request: Request, round_id: FromPath[int]) -> list[LetterView]:
        return await letters.round_letters(me(request), round_id)

    @post(
        "/rounds/{round_id:int}/letters",
        guards=[OFFICER],
        status_code=HTTP_202_ACCEPTED,
        name="api_subsidies_round_letters_send",
    )
    async def send(self, request: Request, round_id: FromPath[int]) -> Response[JobOut]:
        """Queue writing, recording and mailing the decision letters of a decided round
        (once): 202 with the job, whose ``status_url`` tells when they are sent."""
        job_id = await subsidy_jobs.queue_decision_letters(me(request), round_id)
        return accepted(await jobs.status(me(request), job_id))

    @get(
        "/rounds/{round_id:int}/letters.zip",
        guards=[READERS],
        name="api_subsidies_round_letters_zip",
    )
    async def zip(
        self, request: Request, round_id: FromPath[int], pdf: FromQuery[bool] = False
    ) -> Response:
        """The zip, streamed; with ``pdf=true`` 202 with the job that builds it (its
        ``result_url`` gives the file when it is done)."""
        if pdf:
            job_id = await subsidy_jobs.queue_pdf_zip(me(request), round_id)
            return accepted(await jobs.status(me(request), job_id))
        return await letters_zip(me(request), round_id, pdf)

    @get(
        "/rounds/{round_id:int}/letters/{file_id:int}",
        guards=[READERS],
        name="api_subsidies_round_letter",
    )
    async def letter(
        self, request: Request, round_id: FromPath[int], file_id: FromPath[int]
    ) -> Response[bytes]:
        return download(*await _named(letters.read_round_letter(me(request), round_id, file_id)))

    @get(
        "/rounds/{round_id:int}/evaluation-report.docx",
        guards=[READERS],
        name="api_subsidies_round_report",
    )
    async def report(self, request: Request, round_id: FromPath[int]) -> Response[bytes]:
        return download(*await letters.evaluation_report(me(request), round_id))

    @get(
        "/applications/{application_id:int}/letters",
        guards=[READERS],
        name="api_subsidies_application_letters",
    )
    async def application_letters(
        self,
        request: Request,
        application_id: FromPath[int],
    ) -> list[LetterView]:
        return await letters.application_letters(me(request), application_id)

    @get(
        "/applications/{application_id:int}/letters/{file_id:int}",
        guards=[READERS],
        name="api_subsidies_application_letter",
    )
    async def application_letter(
        self, request: Request, application_id: FromPath[int], file_id: FromPath[int]
    ) -> Response[bytes]:
        return download(
            *await _named(letters.read_application_letter(me(request), application_id, file_id))
        )


async def _named(reading: Any) -> tuple[str, bytes]:
    info, data = await reading
    return info.filename, data


CONTROLLERS = [RoundsApi, ApplicationsApi, LettersApi]
