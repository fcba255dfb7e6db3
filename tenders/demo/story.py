"""The demo's storyteller: plays a procedure through the services on a clock that moves
forward from the past, so that every step is checked and audited as it would be live."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from typing import Any

from accounts.service import load_principal
from accounts.tables import User
from common.clock import FixedClock, use_clock
from common.identity import Principal
from common.localtime import utc_to_local
from common.refs import SubjectRef
from scoring import service as scoring
from scoring import sheets
from tenders import bids, openings, service

# The criteria every demo tender scores on (a Dutch officer's wording).
QUALITY = [
    {
        "name": "Plan of approach",
        "kind": "quality",
        "weight": "40",
        "scale_type": "range",
        "scale_min": "0",
        "scale_max": "10",
        "scale_step": "1",
    },
    {
        "name": "Cooperation with the district teams",
        "kind": "quality",
        "weight": "30",
        "scale_type": "range",
        "scale_min": "0",
        "scale_max": "10",
        "scale_step": "1",
    },
    {"name": "Price", "kind": "price", "weight": "30", "formula": "relative_lowest"},
]

# The same criteria as the Polish and the Swedish authorities write them.
QUALITY_PL = [
    {**QUALITY[0], "name": "Koncepcja realizacji usługi"},
    {**QUALITY[1], "name": "Współpraca z ośrodkami pomocy społecznej"},
    {**QUALITY[2], "name": "Cena"},
]
QUALITY_SV = [
    {**QUALITY[0], "name": "Genomförandeplan"},
    {**QUALITY[1], "name": "Samverkan med förvaltningen"},
    {**QUALITY[2], "name": "Pris"},
]

# What the evaluators write, and the officer about the winning bid, in the tender's language.
JUSTIFICATIONS = {
    "nl": "Concreet, met voorbeelden uit de wijken",
    "pl": "Konkretnie, z przykładami z gmin",
    "sv": "Konkret, med exempel från förvaltningens verksamhet",
}
ADVANTAGES = {
    "nl": "De winnende inschrijving scoort het hoogst op het plan van aanpak: vaste begeleiders "
    "per wijk, een uitgewerkte inzet van vrijwilligers en de kortste reactietijd bij spoed.",
    "sv": "Det vinnande anbudet har den bästa genomförandeplanen: intervjuer med handläggare, "
    "utförare och brukare i varje verksamhet, en jämförelse med liknande kommuner och "
    "rekommendationer som nämnden kan följa upp.",
}


def form_time(moment: datetime, zone: str) -> str:
    """A UTC moment as a form takes it: wall-clock time in ``zone``."""
    return utc_to_local(moment, zone).strftime("%Y-%m-%dT%H:%M")


class Story:
    """Plays a procedure through the services on a clock that moves forward from the past."""

    def __init__(
        self,
        clock: FixedClock,
        officer: Principal,
        second: Principal,
        evaluators: list[Principal],
        language: str = "nl",
    ) -> None:
        self.clock = clock
        self.officer = officer
        self.second = second
        self.evaluators = evaluators
        self.justification = JUSTIFICATIONS[language]
        self.advantages = ADVANTAGES.get(language, ADVANTAGES["nl"])

    def at(self, days_ago: float, hour: int = 10) -> datetime:
        now = datetime.now(UTC).replace(minute=0, second=0, microsecond=0)
        moment = (now - timedelta(days=days_ago)).replace(hour=hour)
        self.clock.set(moment)
        return moment

    async def create_tender(
        self, days_ago: float, zone: str, fields: dict[str, str], **deadlines: float
    ) -> int:
        """Create the tender ``days_ago`` days ago; each deadline is a number of days ago, at
        noon in the authority's local time. The clock is left at ``days_ago``."""
        local = {name: form_time(self.at(days, 12), zone) for name, days in deadlines.items()}
        tender_id = await service.create_tender(self.officer, {**fields, **local})
        self.at(days_ago)
        return tender_id

    async def add_lot(
        self,
        tender_id: int,
        number: int,
        title: str,
        criteria: list[dict[str, Any]],
        **fields: str,
    ) -> int:
        """A lot, and the criteria its evaluation scores on."""
        lot_id = await service.add_lot(
            self.officer, tender_id, {"number": str(number), "title": title, **fields}
        )
        lot = await service.get_lot_row(tender_id, lot_id)
        await scoring.replace_criteria(self.officer, lot["evaluation_id"], criteria)
        return lot_id

    async def bid(
        self,
        tender_id: int,
        lot_id: int,
        bidder: dict[str, str],
        price: str,
        document: tuple[str, str],
        **files: Any,
    ) -> int:
        """A bid by ``bidder`` (name, country, registration number, ...) with one PDF
        (``document``: its file name and what it says)."""
        filename, text = document
        return await bids.register_bid(
            self.officer,
            tender_id,
            lot_id,
            {**bidder, "price": price},
            [(filename, "application/pdf", f"%PDF-1.4 {text}".encode())],
            **files,
        )

    async def score_lot(
        self,
        tender_id: int,
        lot_id: int,
        marks: dict[int, tuple[int, int]],
        criteria: list[dict[str, Any]],
        confirm: bool = True,
        justification: str = "",
    ) -> int:
        """Every evaluator scores every bid of the lot; quality final, ranking confirmed
        (unless ``confirm`` is false: then the evaluation stays at "quality final")."""
        lot = await service.get_lot_row(tender_id, lot_id)
        evaluation_id = lot["evaluation_id"]
        tree = await scoring.criteria(self.officer, evaluation_id)
        if not tree.criteria:
            await scoring.replace_criteria(self.officer, evaluation_id, criteria)
        await scoring.freeze_criteria(self.officer, evaluation_id)
        subjects = {s.ref: s for s in await scoring.list_subjects(self.officer, evaluation_id)}
        ids = {c.name: c.id for c in (await scoring.criteria(self.officer, evaluation_id)).criteria}
        quality = [c["name"] for c in criteria if c["kind"] == "quality"]
        for offset, evaluator in enumerate(self.evaluators):
            await scoring.assign(self.officer, evaluation_id, evaluator.id)
            await sheets.declare(
                evaluator, evaluation_id, {s.id: ("none", "") for s in subjects.values()}
            )
            for bid_id, values in marks.items():
                scores = {
                    ids[name]: (
                        str(max(0, min(10, value + (offset % 2)))),
                        justification or self.justification,
                    )
                    for name, value in zip(quality, values, strict=False)
                }
                await sheets.save_scores(
                    evaluator, evaluation_id, subjects[f"bid:{bid_id}"].code, scores
                )
            await sheets.submit_sheet(evaluator, evaluation_id)
        await scoring.finalise_quality(self.officer, evaluation_id)
        if not confirm:
            return evaluation_id
        if (await scoring.get_evaluation(self.officer, evaluation_id)).options.two_envelope:
            await openings.approve_price_opening(self.officer, tender_id, lot_id)  # four eyes
            await openings.approve_price_opening(self.second, tender_id, lot_id)
        await scoring.confirm_ranking(self.officer, evaluation_id)
        return evaluation_id

    async def intend_best(self, tender_id: int, lot_id: int, advantages: str = "") -> None:
        lot = await service.get_lot_row(tender_id, lot_id)
        result = await scoring.ranking(self.officer, lot["evaluation_id"])
        best = [SubjectRef.parse(s.ref).id for s in result.subjects if s.winner]
        await bids.choose_award(
            self.officer, tender_id, lot_id, best, advantages=advantages or self.advantages
        )

    async def open_bids(self, tender_id: int) -> None:
        await openings.approve_opening(self.officer, tender_id)
        await openings.approve_opening(self.second, tender_id)


async def principal(email: str) -> Principal:
    row = await User.select(User.id).where(User.email == email).first()
    assert row is not None, f"demo user {email} is missing"
    found = await load_principal(row["id"])
    assert found is not None
    return found


@contextmanager
def travel() -> Iterator[FixedClock]:
    with use_clock(FixedClock(datetime.now(UTC))) as clock:
        yield clock  # type: ignore[misc]
