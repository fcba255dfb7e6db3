"""An evaluation set up as an owning context would: officer, evaluators, criteria, subjects."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import pytest

from common.identity import Principal
from scoring import service, sheets
from tests.support.criteria import levelled, price, quality

QUALITY_TREE = [
    quality(
        "Plan of approach",
        "40",
        children=[
            levelled("Method", "25"),
            quality("Team", "15", scale_step="0.5", minimum="6"),
        ],
    ),
    {"name": "Certified", "kind": "pass_fail"},
    price("60"),
]


@dataclass
class Scenario:
    officer: Principal
    evaluators: list[Principal]
    evaluation_id: int
    authority_id: int

    async def finalise_and_price(self) -> None:
        """Quality final, and the bids priced 150,000 / 100,000 / 120,000 by their owner."""
        await service.finalise_quality(self.officer, self.evaluation_id)
        await service.set_prices(
            self.officer,
            self.evaluation_id,
            {"bid:1": "150000", "bid:2": "100000", "bid:3": "120000"},
            by_owner=True,
        )

    async def criteria(self) -> dict[str, int]:
        tree = await service.criteria(self.officer, self.evaluation_id)
        return {c.name: c.id for c in tree.criteria}

    async def subject_ids(self) -> dict[str, int]:
        return {s.ref: s.id for s in await service.list_subjects(self.officer, self.evaluation_id)}

    async def codes(self) -> dict[str, str]:
        return {
            s.ref: s.code for s in await service.list_subjects(self.officer, self.evaluation_id)
        }

    async def declare_all(
        self,
        evaluator: Principal,
        conflicts: dict[str, str] | None = None,
    ) -> None:
        ids = await self.subject_ids()
        conflicts = conflicts or {}
        await sheets.declare(
            evaluator,
            self.evaluation_id,
            {
                sid: (("conflict", conflicts[ref]) if ref in conflicts else ("none", ""))
                for ref, sid in ids.items()
            },
        )

    async def score(
        self,
        evaluator: Principal,
        ref: str,
        values: dict[str, Any],
        justification: str = "Well argued",
    ) -> None:
        ids = await self.criteria()
        codes = await self.codes()
        await sheets.save_scores(
            evaluator,
            self.evaluation_id,
            codes[ref],
            {ids[name]: (value, justification) for name, value in values.items()},
        )


async def make_scenario(
    make_user,
    make_authority,
    *,
    tree=QUALITY_TREE,
    subjects=(("bid:1", "Zorg Plus BV"), ("bid:2", "Thuishulp West"), ("bid:3", "Samen Sterk")),
    evaluators: int = 2,
    freeze: bool = True,
    **options: Any,
) -> Scenario:
    authority = await make_authority("Gemeente Utrecht")
    officer = await make_user("officer", authorities=[authority["id"]])
    people = [await make_user("evaluator") for _ in range(evaluators)]
    spec = {
        "title": "Household help, lot 1",
        "authority_id": authority["id"],
        "currency": "EUR",
        "owner_ref": "tender:12/lot:1",
        "owner_url": "/tenders/12/lots/1",
        "lottery_seed": "seed-1",
        "total_points": "100",
        **options,
    }
    evaluation = await service.create_evaluation(officer, spec)
    await service.replace_criteria(officer, evaluation.id, tree)
    await service.register_subjects(
        officer, evaluation.id, [{"ref": ref, "name": name} for ref, name in subjects]
    )
    for person in people:
        await service.assign(officer, evaluation.id, person.id)
    if freeze:
        await service.freeze_criteria(officer, evaluation.id)
    return Scenario(officer, people, evaluation.id, authority["id"])


@pytest.fixture
async def scenario(make_user, make_authority) -> Scenario:
    return await make_scenario(make_user, make_authority)


FULL_MARKS = {"Method": "8", "Team": "7", "Certified": "1"}


def price(value: str) -> Decimal:
    return Decimal(value)
