"""The tender pages and the API through the app, for each role, sealed bids included.

The app runs on the real clock, so these tenders are set up 60 days in the past: their bid
deadline (40 days after publication) has passed when the pages are used.
"""

from datetime import UTC, datetime, timedelta

from audit.tables import AuditEvent
from scoring import service as scoring
from tenders import bids, service
from tenders.tables import Tender
from tests.support.http import post_form, text_of
from tests.tenders.conftest import TREE, clock_days_ago, local

PAGES = ("", "/lots", "/bids", "/opening", "/evaluation", "/award", "/contracts", "/questions")


fixed_clock = clock_days_ago(60)  # published in the past: its deadlines have passed


async def sealed_tender(world) -> tuple[int, int, int]:
    """Published 60 days ago, one bid received; the deadline passed 20 days ago."""
    tender_id = await world.tender()
    await service.publish(world.officer, tender_id)
    [lot_id] = await world.lot_ids(tender_id)
    bid_id = await world.bid(tender_id, lot_id, 0, "987654.32")
    world.clock.set(datetime.now(UTC))
    return tender_id, lot_id, bid_id


async def test_the_officer_creates_a_tender_through_the_pages(world, login):
    world.clock.set(datetime.now(UTC))
    officer = await login(world.officer)
    form = await officer.get("/tenders/new")
    assert form.status_code == 200 and "New tender" in text_of(form.text)
    assert '<label class="utrecht-form-label" for="f-budget_line"' in form.text
    refused = await post_form(
        officer,
        "/tenders",
        {**world.form(), "title": "", "cpv_codes": "12345678-1", "budget_line": "6" * 101},
    )
    assert refused.status_code == 422
    text = text_of(refused.text)
    assert "A title is required" in text and "there is no division 12" in text
    assert "The budget line is longer than 100 characters" in text
    assert await Tender.count() == 0
    created = await post_form(
        officer, "/tenders", {**world.form(), "budget_line": "6.1.3 Wmo hulp"}
    )
    assert created.status_code == 303
    page = await officer.get(created.headers["location"])
    text = text_of(page.text)
    assert page.text.count("<h1") == 1
    assert "Hulp bij het huishouden 2022" in text and "Not possible yet:" in text
    assert "Publish: Add at least one lot" in text
    tender_id = int(created.headers["location"].rsplit("/", 1)[1])
    assert "Budget line 6.1.3 Wmo hulp" in text
    row = await Tender.select(Tender.electronic_submission, Tender.budget_line).first()
    assert row["electronic_submission"] is False  # the box was not ticked
    assert row["budget_line"] == "6.1.3 Wmo hulp"
    # Publishing without a lot: refused, with the message at the top of the tender page.
    response = await post_form(
        officer,
        f"/tenders/{tender_id}/actions/publish",
        {"confirm": "yes"},
        headers={"referer": f"/tenders/{tender_id}"},
    )
    assert response.status_code == 303
    page = await officer.get(response.headers["location"])
    assert "Add at least one lot" in text_of(page.text.split('id="messages"')[1][:600])
    added = await post_form(
        officer, f"/tenders/{tender_id}/lots", {"number": "1", "title": "Noordoost", "winners": "1"}
    )
    assert added.status_code == 303
    page = text_of((await officer.get(f"/tenders/{tender_id}")).text)
    assert "Publish: Lot 1. Noordoost has no award criteria" in page
    [lot] = await service.lots(world.officer, tender_id)
    await scoring.replace_criteria(world.officer, lot["evaluation_id"], TREE)
    # Without the confirmation box ticked nothing happens, and the page says why.
    unconfirmed = await post_form(
        officer,
        f"/tenders/{tender_id}/actions/publish",
        headers={"referer": f"/tenders/{tender_id}"},
    )
    assert unconfirmed.status_code == 303
    page = text_of((await officer.get(unconfirmed.headers["location"])).text)
    assert "Nothing was done: tick the box to confirm this step" in page
    assert (await Tender.select(Tender.phase).first())["phase"] == "draft"
    published = await post_form(
        officer, f"/tenders/{tender_id}/actions/publish", {"confirm": "yes"}
    )
    assert published.status_code == 303
    page = text_of((await officer.get(f"/tenders/{tender_id}")).text)
    assert "current: Tendering" in page and "Then, automatically: Close bidding." in page
    # 40 days with electronic submission off: shorter than the 35? No: 40 ≥ 35, no warning.
    assert "Shorter than the legal minimum" not in page


async def test_every_page_renders_for_officers_admins_and_finance(world, login):
    tender_id, lot_id, _ = await sealed_tender(world)
    for who in (world.officer, world.admin, world.finance):
        client = await login(who)
        for suffix in (*PAGES, f"/lots/{lot_id}"):
            response = await client.get(f"/tenders/{tender_id}{suffix}")
            assert response.status_code == 200, (who.role, suffix, response.text[:300])
            assert response.text.count("<h1") == 1
        listing = await client.get("/tenders?phase=tendering&q=huishouden")
        assert "Hulp bij het huishouden 2022" in text_of(listing.text)
    stranger = await login(world.stranger)
    assert (await stranger.get(f"/tenders/{tender_id}")).status_code == 404
    assert "No tenders match" in text_of((await stranger.get("/tenders")).text)
    evaluator = await login(world.evaluator)
    assert (await evaluator.get(f"/tenders/{tender_id}")).status_code == 403


async def test_sealed_bids_stay_sealed_on_pages_api_and_downloads(world, login):
    tender_id, _, bid_id = await sealed_tender(world)
    [file_row] = await bids.BidFile.select()
    file_url = f"/tenders/{tender_id}/bids/{bid_id}/files/{file_row['file']}"
    for who in (world.officer, world.admin, world.finance):
        client = await login(who)
        page = (await client.get(f"/tenders/{tender_id}/bids")).text
        assert "987" not in text_of(page) and "bid-0.pdf" not in page
        assert "sealed" in text_of(page)
        refused = await client.get(file_url)
        assert refused.status_code == 409 and b"%PDF" not in refused.content
        api = await client.get(f"/api/v1/tenders/{tender_id}/bids")
        [listed] = api.json()
        assert listed["sealed"] is True and listed["price"] is None and listed["files"] == []
        api_file = await client.get(f"/api/v1{file_url}")
        assert api_file.status_code == 409
        assert api_file.json()["detail"] == "Bids are sealed until the opening"
    refusals = await AuditEvent.count().where(AuditEvent.action == "bid.sealed_access_refused")
    assert refusals == 6
    # One officer alone cannot open; the second one can, after the deadline.
    first = await login(world.officer)
    response = await post_form(first, f"/tenders/{tender_id}/actions/open_bids", {"confirm": "yes"})
    assert response.headers["location"] == f"/tenders/{tender_id}/opening"
    again = await first.post(f"/api/v1/tenders/{tender_id}/opening")
    assert again.status_code == 409 and "second, different officer" in again.json()["detail"]
    second = await login(world.second)
    opened = await second.post(f"/api/v1/tenders/{tender_id}/opening")
    assert opened.status_code == 200 and opened.json() == {"opened": True}
    page = text_of((await second.get(f"/tenders/{tender_id}/bids")).text)
    assert "€ 987.654,32" in page or "€987,654.32" in page
    download = await second.get(file_url)
    assert download.status_code == 200 and download.content.startswith(b"%PDF-1.4 bid")


async def test_the_api_runs_a_tender_and_answers_refusals_with_409(world, login):
    world.clock.set(datetime.now(UTC))
    client = await login(world.officer)
    now = datetime.now(UTC)
    body = {
        "title": "Dagbegeleiding ouderen",
        "reference": "UTR-DB-2020",
        "procedure": "open",
        "authority_id": world.authority["id"],
        "currency": "EUR",
        "service_type_id": world.service_type_id,
        "cpv_codes": ["85312100-0"],
        "budget_line": "6.1.2 Wmo dagbesteding",
        "deadline_questions": local(now + timedelta(days=20)),
        "deadline_bids": local(now + timedelta(days=36)),
    }
    created = await client.post("/api/v1/tenders", json=body)
    assert created.status_code == 201, created.text
    tender = created.json()
    assert tender["phase"] == "draft" and tender["time_zone"] == "Europe/Amsterdam"
    assert tender["budget_line"] == "6.1.2 Wmo dagbesteding"
    publish = next(a for a in tender["actions"] if a["action"] == "publish")
    assert publish["allowed"] is False
    assert publish["missing"][0]["message"] == "Add at least one lot"
    refused = await client.post(f"/api/v1/tenders/{tender['id']}/actions/publish")
    assert refused.status_code == 409 and refused.json()["detail"] == "Add at least one lot"
    lot = await client.post(
        f"/api/v1/tenders/{tender['id']}/lots", json={"number": 1, "title": "Stad", "winners": 13}
    )
    assert lot.status_code == 201 and lot.json()["winners"] == 13
    await scoring.replace_criteria(world.officer, lot.json()["evaluation_id"], TREE)
    published = await client.post(f"/api/v1/tenders/{tender['id']}/actions/publish")
    assert published.status_code == 200 and published.json()["phase"] == "tendering"
    assert published.json()["next_step"]["does"] == "Close bidding"
    bad = await client.post(
        f"/api/v1/tenders/{tender['id']}/bids",
        json={
            "name": "Zorg Plus",
            "country": "NL",
            "registration_number": "123",
            "lot_id": lot.json()["id"],
            "price": "10.00",
            "files": [],
        },
    )
    assert bad.status_code == 422
    assert {p["location"] for p in bad.json()["problems"]} == {"registration_number", "files"}
    listing = await client.get("/api/v1/tenders?phase=tendering")
    assert listing.json()["total"] == 1
    dutch = await client.get(f"/api/v1/tenders/{tender['id']}", headers={"accept-language": "nl"})
    assert dutch.status_code == 200


async def test_dutch_pages(world, login, make_user):
    tender_id, _, _ = await sealed_tender(world)
    dutch = await make_user("officer", authorities=[world.authority["id"]], language="nl")
    client = await login(dutch)
    text = text_of((await client.get(f"/tenders/{tender_id}")).text)
    assert "Volgende termijn" in text and "Openbare procedure" in text
    text = text_of((await client.get(f"/tenders/{tender_id}/bids")).text)
    assert "verzegeld" in text
