"""What the tender use cases share: the tender's URL and references, refusals in the authority's
time, the fields of a tender."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from authorities.tables import ServiceType
from common.errors import DomainError, Problem, ValidationFailed
from common.i18n import N_
from common.identity import Actor
from common.localtime import utc_to_local
from tenders.procedures import Phase

TICKER = Actor.system("deadline")
# Phases in which the periods still run (afterwards a warning about them helps nobody).
OPEN_FOR_BIDS = frozenset(
    {Phase.DRAFT, Phase.PUBLISHED, Phase.SELECTION, Phase.DIALOGUE, Phase.TENDERING}
)
TENDER_FIELDS = (
    "title",
    "reference",
    "description",
    "procedure",
    "service_type",
    "cpv_codes",
    "currency",
    "estimated_value",
    "contract_start",
    "contract_end",
    "extension_options",
    "max_candidates",
    "two_envelope",
    "electronic_submission",
    "budget_line",
)


def tender_url(tender_id: int) -> str:
    return f"/tenders/{tender_id}"


def lot_ref(tender_id: int, lot_id: int) -> str:
    return f"tender:{tender_id}:lot:{lot_id}"


def localise(problem: Problem, zone: str) -> Problem:
    """Moments in a problem's parameters as the authority's wall-clock time (naive: a page
    writes them in the reader's one format for moments)."""
    params = {
        k: utc_to_local(v, zone).replace(tzinfo=None) if isinstance(v, datetime) else v
        for k, v in problem.params.items()
    }
    return Problem(problem.message, params, problem.location)


def refuse(problems: list[Problem], zone: str) -> None:
    """Raise the first problem as a DomainError (HTTP 409) in the authority's time."""
    if problems:
        first = localise(problems[0], zone)
        raise DomainError(first.message, **first.params)


def row_data(data: Any) -> dict[str, Any]:
    values = data.as_dict()
    values["service_type"] = values.pop("service_type_id")
    return values


async def check_service_type(service_type_id: int | None) -> None:
    if service_type_id is not None and not await ServiceType.exists().where(
        ServiceType.id == service_type_id
    ):
        raise ValidationFailed([Problem(N_("Choose a service type"), {}, "service_type_id")])
