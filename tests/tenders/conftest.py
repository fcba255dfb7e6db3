"""A tender set up as an officer would: authority, officers, service type, a fixed clock."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from audit.tables import AuditEvent
from authorities import service as authorities
from common.clock import FixedClock, use_clock
from common.identity import Principal
from common.localtime import utc_to_local
from scoring import service as scoring
from scoring import sheets
from tenders import bids, openings, procurement, service
from tests.support.criteria import price, quality
from tests.support.fixtures import SETUP


def bidder(index: int) -> dict[str, str]:
    """The name, country and KVK number of the demo bidder ``index``, for a bid's form."""
    return {"name": NAMES[index], "country": "NL", "registration_number": KVK[index]}


START = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)  # Monday 2 March 2026, 10:00 in Amsterdam
ZONE = "Europe/Amsterdam"
# The officer's description of the winning bid at the award intent (Aanbestedingswet 2.130).
ADVANTAGES = (
    "Het winnende plan zet vaste begeleiders per wijk in en heeft de kortste reactietijd bij spoed."
)
KVK = ["30280353", "41216593", "27124701", "33302047", "17096575", "24302856", "56297866"]
NAMES = [
    "Zorg Plus BV",
    "Thuishulp West",
    "Samen Sterk",
    "Huishoudhulp Utrecht",
    "Axion Continu",
    "Careyn",
    "Tzorg",
]
TREE = [quality("Quality plan", "60"), price("40")]
# Bid deadlines at 03:00 in Amsterdam on the days the clocks change (deadline_bids and
# deadline_questions as typed, the deadline in UTC, the zone's abbreviation at the deadline).
DST_DEADLINES = [
    # Spring forward: 02:00 CET becomes 03:00 CEST; the last second is 01:59:59 CET.
    ("2026-03-29T03:00", "2026-03-20T12:00", datetime(2026, 3, 29, 1, 0, tzinfo=UTC), "CEST"),
    # Fall back: 03:00 CEST becomes 02:00 CET; the last second is the second 02:59:59.
    ("2026-10-25T03:00", "2026-10-01T12:00", datetime(2026, 10, 25, 2, 0, tzinfo=UTC), "CET"),
]


def local(moment: datetime) -> str:
    """A UTC moment as the datetime-local value an officer types in Amsterdam."""
    return utc_to_local(moment, ZONE).strftime("%Y-%m-%dT%H:%M")


@dataclass
class World:
    clock: FixedClock
    officer: Principal
    second: Principal
    evaluator: Principal
    admin: Principal
    finance: Principal
    stranger: Principal
    authority: dict
    service_type_id: int

    def form(self, **extra: Any) -> dict[str, Any]:
        days = 40
        return {
            "title": "Hulp bij het huishouden 2022",
            "reference": "UTR-HH-2022",
            "procedure": "open",
            "service_type_id": str(self.service_type_id),
            "cpv_codes": "98513310-8, 85312000-9",
            "currency": "EUR",
            "estimated_value": "48000000.00",
            "authority_id": str(self.authority["id"]),
            "deadline_questions": local(self.clock.now() + timedelta(days=days - 10)),
            "deadline_bids": local(self.clock.now() + timedelta(days=days)),
            **extra,
        }

    async def tender(self, lots: int = 1, winners: int = 1, **extra: Any) -> int:
        tender_id = await service.create_tender(self.officer, self.form(**extra))
        for number in range(1, lots + 1):
            lot_id = await service.add_lot(
                self.officer,
                tender_id,
                {"number": str(number), "title": f"District {number}", "winners": str(winners)},
            )
            lot = await service.get_lot_row(tender_id, lot_id)
            await scoring.replace_criteria(self.officer, lot["evaluation_id"], TREE)
        return tender_id

    async def lot_ids(self, tender_id: int) -> list[int]:
        return [lot["id"] for lot in await service.lots(self.officer, tender_id)]

    def travel(self, delta: timedelta) -> None:
        self.clock.advance(delta)

    async def bid(self, tender_id: int, lot_id: int, index: int, price: str = "100000") -> int:
        return await bids.register_bid(
            self.officer,
            tender_id,
            lot_id,
            {
                **bidder(index),
                "price": price,
            },
            [(f"bid-{index}.pdf", "application/pdf", b"%PDF-1.4 bid " + NAMES[index].encode())],
        )

    async def to_evaluation(
        self, tender_id: int, prices: dict[int, str] | None = None
    ) -> list[int]:
        """Publish, receive bids on the first lot, close, open with two officers."""
        await service.publish(self.officer, tender_id)
        [lot_id, *_] = await self.lot_ids(tender_id)
        prices = prices or {0: "150000", 1: "100000", 2: "120000"}
        ids = [await self.bid(tender_id, lot_id, i, p) for i, p in prices.items()]
        self.travel(timedelta(days=41))
        await openings.approve_opening(self.officer, tender_id)
        assert await openings.approve_opening(self.second, tender_id)
        return ids

    async def score_and_confirm(self, tender_id: int, marks: dict[int, str]) -> int:
        """Score the first lot's bids (bid id -> quality mark), finalise, open the prices
        (two envelopes: both officers), confirm."""
        [lot_id, *_] = await self.lot_ids(tender_id)
        evaluation_id = await self.score_quality(tender_id, lot_id, marks)
        if (await scoring.get_evaluation(self.officer, evaluation_id)).options.two_envelope:
            assert not await openings.approve_price_opening(self.officer, tender_id, lot_id)
            assert await openings.approve_price_opening(self.second, tender_id, lot_id)
        await scoring.confirm_ranking(self.officer, evaluation_id)
        return lot_id

    async def score_quality(self, tender_id: int, lot_id: int, marks: dict[int, str]) -> int:
        """The evaluator scores the lot's bids (bid id -> quality mark); quality is made
        final. Returns the lot's evaluation."""
        evaluation_id = (await service.get_lot_row(tender_id, lot_id))["evaluation_id"]
        await scoring.freeze_criteria(self.officer, evaluation_id)
        await scoring.assign(self.officer, evaluation_id, self.evaluator.id)
        subjects = {s.ref: s for s in await scoring.list_subjects(self.officer, evaluation_id)}
        await sheets.declare(
            self.evaluator, evaluation_id, {s.id: ("none", "") for s in subjects.values()}
        )
        criteria = {
            c.name: c.id for c in (await scoring.criteria(self.officer, evaluation_id)).criteria
        }
        for bid_id, mark in marks.items():
            await sheets.save_scores(
                self.evaluator,
                evaluation_id,
                subjects[f"bid:{bid_id}"].code,
                {criteria["Quality plan"]: (mark, "Clear plan")},
            )
        await sheets.submit_sheet(self.evaluator, evaluation_id)
        await scoring.finalise_quality(self.officer, evaluation_id)
        return evaluation_id


def clock_days_ago(days: int) -> Any:
    """A ``fixed_clock`` fixture for a module whose tests start ``days`` ago (their tender's
    deadlines have passed by now): ``fixed_clock = clock_days_ago(60)``."""

    @pytest.fixture
    def fixed_clock() -> Iterator[FixedClock]:
        past = datetime.now(UTC).replace(microsecond=0) - timedelta(days=days)
        with use_clock(FixedClock(past)) as clock:
            yield clock  # type: ignore[misc]

    return fixed_clock


@pytest.fixture
def fixed_clock() -> Iterator[FixedClock]:
    with use_clock(FixedClock(START)) as clock:
        yield clock  # type: ignore[misc]


@pytest.fixture
async def world(make_user, make_authority, fixed_clock) -> World:
    authority = await make_authority("Gemeente Utrecht", registration_number="30280353")
    other = await make_authority("Gemeente Zeist")
    service_type = await authorities.create_service_type(
        SETUP,
        {
            "code": "household_help",
            "name_en": "Household help",
            "name_nl": "Hulp bij het huishouden",
        },
    )
    return World(
        fixed_clock,
        await make_user("officer", authorities=[authority["id"]], name="Anna Inkoper"),
        await make_user("officer", authorities=[authority["id"]], name="Bart Tweede"),
        await make_user("evaluator"),
        await make_user("admin"),
        await make_user("finance", authorities=[authority["id"]]),
        await make_user("officer", authorities=[other["id"]]),
        authority,
        service_type["id"],
    )


async def events(action: str) -> list[dict]:
    return await AuditEvent.select().where(AuditEvent.action == action).order_by(AuditEvent.seq)


__all__ = ["NAMES", "START", "World", "events", "local", "procurement"]
