"""Awards in the releases of a tender driven on the real database: a Dutch sole trader (a KVK
number says nothing, the organisation's mark does) is left out or pseudonymised, and the award
decisions of a tender cancelled afterwards end up cancelled in its compiled record."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import timedelta

from config.settings import get_settings
from opendata.ocds import packages, service
from organisations import service as organisations
from tenders import bids, letters
from tenders import service as tenders
from tenders.tables import Bid
from tests.opendata.validation import RELEASE, codelist_problems, problems
from tests.tenders.conftest import KVK, NAMES


async def _releases() -> list[dict]:
    return await service.tender_releases(f"{service.options().prefix}-UTR-HH-2022")


async def test_a_sole_trader_is_hidden_and_a_cancelled_award_decision_is_cancelled(world):
    tender_id = await world.tender()
    ids = await world.to_evaluation(tender_id)
    [lot_id] = await world.lot_ids(tender_id)
    await world.score_and_confirm(tender_id, {ids[0]: "9", ids[1]: "5", ids[2]: "8"})
    await bids.choose_award(world.officer, tender_id, lot_id, [ids[2]], advantages="Beste plan.")
    winner = await Bid.select(Bid.organisation).where(Bid.id == ids[2]).first()
    await organisations.set_natural_person(world.officer.as_actor(), winner["organisation"], True)
    await letters.send_award_decisions(world.officer, tender_id, world.clock.now())

    found = await _releases()
    intent = found[-1]
    assert intent["tag"] == ["award"]
    [award] = intent["awards"]
    assert award["id"] == f"award-{ids[2]}" and award["status"] == "pending"
    assert "suppliers" not in award  # omitted: the default
    text = json.dumps(found)
    assert NAMES[2] not in text and KVK[2] not in text

    pseudonymised = replace(get_settings(), open_data_natural_persons="pseudonymise")
    shown = service.all_releases(await service.histories([tender_id]), pseudonymised)
    [supplier] = shown[-1]["awards"][0]["suppliers"]
    assert supplier["id"].startswith("person-") and supplier["name"] == supplier["id"]
    assert NAMES[2] not in json.dumps(shown) and KVK[2] not in json.dumps(shown)

    world.travel(timedelta(days=3))
    await tenders.cancel(world.officer, tender_id, "The budget was withdrawn")
    found = await _releases()
    last = found[-1]
    assert last["tag"] == ["tenderCancellation"]
    assert last["awards"] == [{**award, "status": "cancelled"}]
    for release in found:
        assert problems(RELEASE, release) == [] and codelist_problems(release) == []
    record = packages.compiled(found)
    assert [(a["id"], a["status"]) for a in record["awards"]] == [(award["id"], "cancelled")]
    assert record["tender"]["status"] == "cancelled"
