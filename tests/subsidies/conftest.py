"""A subsidy round as an officer sets it up, applications in a spreadsheet, review scores."""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import pytest
from openpyxl import Workbook

from common import clock
from common.identity import Principal
from scoring import service as scoring
from scoring import sheets
from subsidies import service
from subsidies.demo import HEADERS as DEMO_HEADERS

# The import template's columns, the form of address (optional) left out.
HEADERS = DEMO_HEADERS[:-1]

# Real check digits: IBANs from stdnum's examples, KvK numbers of eight digits.
APPLICANTS = [
    ("Stichting Mantelzorg Utrecht", "30123451", "NL91ABNA0417164300", "40000"),
    ("Buurtteam Overvecht", "30123452", "NL02ABNA0123456789", "35000"),
    ("Vrijwilligers Centrale Zuid", "30123453", "", "30000"),
    ("Stichting Dagbesteding Leidsche Rijn", "30123454", "", "10000"),
]


def row(name: str, number: str, iban: str, requested: str, **extra: Any) -> list[Any]:
    values = {
        "Organisation": name,
        "Country": "NL",
        "Registration number": number,
        "IBAN": iban,
        "Contact name": "A. de Vries",
        "Contact email": "info@example.org",
        "Title": f"Activiteiten {name}",
        "Requested": requested,
        "Own contribution": "1000",
        "Activity plan": "Wekelijkse ontmoetingen",
        "Target group": "Mantelzorgers",
        "Districts": "Overvecht",
        "Expected participants": "40",
        "Submitted at": "2020-09-15 10:00",
        **extra,
    }
    return [values[h] for h in HEADERS]


def xlsx(rows: Sequence[Sequence[Any]], headers: Sequence[str] = HEADERS) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(list(headers))
    for values in rows:
        sheet.append(list(values))
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def csv_bytes(rows: Sequence[Sequence[Any]], headers: Sequence[str] = HEADERS) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";")
    writer.writerow(headers)
    writer.writerows(rows)
    return out.getvalue().encode()


def round_form(authority_id: int, **extra: Any) -> dict[str, Any]:
    return {
        "title": "Sociale Prestatie en Dagondersteuning 2021",
        "authority_id": str(authority_id),
        "regulation_name": "Subsidieregeling Utrecht",
        "regulation_reference": "SPD-2021",
        "opens_at": "2020-09-01T09:00",
        "closes_at": "2020-10-01T12:00",
        "ceiling": "100000",
        "currency": "EUR",
        "method": "ranking",
        "remainder": "grant_remainder",
        "lottery_seed": "seed-2021",
        "eligibility_criteria": "Registered in the Netherlands\nActivities in Utrecht",
        "period_start": "2021-01-01",
        "period_end": "2021-12-31",
        "advance_share": "80",
        "instalments": "yearly",
        **extra,
    }


@dataclass
class Setup:
    officer: Principal
    evaluator: Principal
    authority_id: int
    round_id: int


SEPTEMBER = datetime(2020, 9, 20, 12, 0, tzinfo=UTC)
NOVEMBER = datetime(2020, 11, 2, 12, 0, tzinfo=UTC)


@pytest.fixture
def fixed_clock():
    moment = clock.FixedClock(SEPTEMBER)
    with clock.use_clock(moment):
        yield moment


@pytest.fixture
async def setup(make_user, make_authority, fixed_clock) -> Setup:
    authority = await make_authority("Gemeente Utrecht")
    officer = await make_user("officer", authorities=[authority["id"]])
    evaluator = await make_user("evaluator")
    created = await service.create_round(officer, round_form(authority["id"]))
    await service.open_round(officer, created.id)
    return Setup(officer, evaluator, authority["id"], created.id)


async def imported(s: Setup, applicants=APPLICANTS) -> dict[str, int]:
    """The applicants imported, complete and eligible: ids by organisation name."""
    ids = await service.import_applications(
        s.officer, s.round_id, "portal.xlsx", xlsx([row(*a) for a in applicants])
    )
    await service.complete_many(s.officer, s.round_id, ids)
    await service.mark_eligible_many(s.officer, s.round_id, ids)
    return dict(zip([a[0] for a in applicants], ids, strict=True))


async def review(s: Setup, marks: dict[int, str]) -> int:
    """Start the review and score every application on one criterion (0–10), final."""
    evaluation_id = await service.start_review(s.officer, s.round_id)
    await scoring.replace_criteria(
        s.officer,
        evaluation_id,
        [
            {
                "name": "Quality of the plan",
                "kind": "quality",
                "weight": "100",
                "scale_type": "range",
                "scale_min": "0",
                "scale_max": "10",
                "scale_step": "1",
            }
        ],
    )
    await scoring.assign(s.officer, evaluation_id, s.evaluator.id)
    await scoring.freeze_criteria(s.officer, evaluation_id)
    subjects = {x.ref: x for x in await scoring.list_subjects(s.officer, evaluation_id)}
    await sheets.declare(
        s.evaluator, evaluation_id, {x.id: ("none", "") for x in subjects.values()}
    )
    [criterion] = (await scoring.criteria(s.officer, evaluation_id)).criteria
    for application_id, mark in marks.items():
        await sheets.save_scores(
            s.evaluator,
            evaluation_id,
            subjects[f"application:{application_id}"].code,
            {criterion.id: (mark, "Clear plan")},
        )
    await sheets.submit_sheet(s.evaluator, evaluation_id)
    await scoring.finalise_quality(s.officer, evaluation_id)
    return evaluation_id


async def decided_and_advance_paid(s: Setup, ids: dict[str, int], fixed_clock: Any) -> int:
    """The proposal decided in November and the first applicant's advance paid; its id."""
    await service.propose_allocation(s.officer, s.round_id)
    fixed_clock.set(NOVEMBER)
    await service.decide(s.officer, s.round_id)
    first = ids["Stichting Mantelzorg Utrecht"]
    [advance, _] = await service.payments(s.officer, s.round_id, application_id=first)
    await service.set_payment_status(s.officer, advance.id, "approved")
    await service.set_payment_status(s.officer, advance.id, "paid")
    return first
