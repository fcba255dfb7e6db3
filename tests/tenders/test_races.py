"""Two officers changing a tender's phase at the same moment, through the app.

On PostgreSQL both requests used to read the phase before either wrote it, and both
succeeded; the tender's row lock (``tenders.access.as_officer``) makes the second wait and
then refuse, with a message naming who changed the tender. On SQLite the transactions already
lock up front; the tests hold there as well.
"""

from __future__ import annotations

import asyncio
from datetime import timedelta

import pytest

from audit.tables import AuditEvent
from tenders import service
from tenders.tables import Tender
from tests.support.http import sign_in

ROUNDS = 4  # a race lost once in a while would pass a single try


async def _final_events(tender_id: int) -> list[str]:
    rows = await AuditEvent.select(AuditEvent.action).where(
        (AuditEvent.object_type == "tender")
        & (AuditEvent.object_id == str(tender_id))
        & AuditEvent.action.is_in(["tender.cancel", "tender.declare_unsuccessful"])
    )
    return [r["action"] for r in rows]


@pytest.mark.parametrize("second_action", ["cancel", "declare_unsuccessful"])
async def test_two_final_phase_changes_at_once_one_wins(
    world, parallel_client_factory, second_action: str
) -> None:
    """Both actions are open to both officers (bids closed, none received); the one who
    comes second is told who changed the tender, and one final phase change is recorded."""
    tenders = []
    for _ in range(ROUNDS):
        tender_id = await world.tender()
        await service.publish(world.officer, tender_id)
        tenders.append(tender_id)
    world.travel(timedelta(days=41))
    for tender_id in tenders:  # bids closed now, not by the first request (its lock)
        assert await service.apply_due(service.TICKER, tender_id, world.clock.now())
    outcomes = []
    async with parallel_client_factory() as anna, parallel_client_factory() as bart:
        await sign_in(anna, world.officer.email)
        await sign_in(bart, world.second.email)
        for tender_id in tenders:
            base = f"/api/v1/tenders/{tender_id}/actions"
            answers = await asyncio.gather(
                anna.post(f"{base}/cancel", json={"reason": "Budget withdrawn"}),
                bart.post(f"{base}/{second_action}", json={"reason": "No bids received"}),
            )
            outcomes.append((answers, await _final_events(tender_id)))
    for answers, recorded in outcomes:
        assert sorted(a.status_code for a in answers) == [200, 409], [a.text for a in answers]
        assert len(recorded) == 1
        [loser] = [a for a in answers if a.status_code == 409]
        winner = world.second if answers[0] is loser else world.officer
        assert f"{winner.name} cancelled tender" in loser.json()["detail"] or (
            f"{winner.name} declared tender" in loser.json()["detail"]
        )
    phases = {r["phase"] for r in await Tender.select(Tender.phase)}
    assert phases <= {"cancelled", "unsuccessful"}
