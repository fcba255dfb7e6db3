"""Every release, record and package from the demo data validates against the official OCDS
1.1.5 schemas (offline), its codes are in the codelists, and nothing sealed is in it. Runs on
both databases (DATABASE_URL)."""

from __future__ import annotations

import io
import json

from config import demo
from opendata.ocds import packages, service
from opendata.ocds.export import export_releases
from tenders.tables import Bid, Tender
from tests.opendata.validation import RELEASE, RELEASE_PACKAGE, codelist_problems, problems
from tests.support.cli import tenderdesk


async def test_the_demo_data_publishes_valid_ocds(client, db, tmp_path) -> None:
    await demo.load()
    histories = await service.histories()
    published = await Tender.select(Tender.reference).where(Tender.published_at.is_not_null())
    assert {h.reference for h in histories} == {r["reference"] for r in published}
    every = service.all_releases(histories)
    assert len(every) >= 2 * len(histories)
    for release in every:
        assert problems(RELEASE, release) == [], release["id"]
        assert codelist_problems(release) == [], release["id"]

    # The package the endpoint serves, page by page, and the export.
    response = await client.get("/open-data/ocds/releases.json?per_page=100")
    assert response.status_code == 200
    package = response.json()
    assert problems(RELEASE_PACKAGE, package) == []
    assert [r["id"] for r in package["releases"]] == [r["id"] for r in every][:100]
    buffer = io.BytesIO()
    assert await export_releases(buffer) == len(every)
    exported = json.loads(buffer.getvalue())
    assert problems(RELEASE_PACKAGE, exported) == []
    assert exported["releases"] == json.loads(json.dumps(every))
    # The command line writes the same package.
    target = tmp_path / "ocds.json"
    done = tenderdesk("export", "ocds", "-o", str(target))
    assert done.returncode == 0, done.stderr
    assert f"({len(every)} items)" in done.stdout
    assert json.loads(target.read_text())["releases"] == exported["releases"]

    # Each tender's record package: its releases and the compiled release, valid too.
    for history in histories:
        ocid = f"{service.options().prefix}-{history.reference}"
        response = await client.get(f"/open-data/ocds/records/{ocid}.json")
        assert response.status_code == 200, ocid
        record = response.json()["records"][0]
        assert record["ocid"] == ocid
        assert problems(RELEASE, record["compiledRelease"]) == []
        assert codelist_problems(record["compiledRelease"]) == []
        for release in record["releases"]:
            assert problems(RELEASE, release) == []
        assert record["compiledRelease"] == packages.compiled(record["releases"])


async def test_no_losing_price_and_no_price_before_the_award(client, db) -> None:
    await demo.load()
    every = service.all_releases(await service.histories())
    bids = await Bid.select(Bid.winner, Bid.organisation.name, Bid.tender.reference)
    won = {(b["tender.reference"], b["organisation.name"]) for b in bids if b["winner"]}
    lost = {(b["tender.reference"], b["organisation.name"]) for b in bids} - won
    assert lost
    by_tender: dict[str, str] = {}
    for release in every:
        by_tender[release["tender"]["id"]] = by_tender.get(release["tender"]["id"], "") + (
            json.dumps(release, ensure_ascii=False)
        )
    for reference, name in lost:
        assert name not in by_tender.get(reference, ""), (reference, name)
    for release in every:
        awarded = any(a["status"] == "active" for a in release.get("awards", []))
        if not awarded:
            assert all("value" not in a for a in release.get("awards", []))
            assert "contracts" not in release
