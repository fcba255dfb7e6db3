"""The open-data endpoints answer without sign-in, page and filter by ``since``, and never show a
tender an officer marked "not published" (a form on the tender page, with a reason, audited)."""

from __future__ import annotations

from audit.tables import AuditEvent
from common.identity import Role
from config import demo
from opendata.ocds import service
from tenders.tables import Tender
from tests.support.http import post_form, sign_in, text_of

RELEASES = "/open-data/ocds/releases.json"


async def _all_pages(client, query: str = "") -> list[dict]:
    found: list[dict] = []
    url = f"{RELEASES}?per_page=5{query}"
    while url:
        response = await client.get(url.replace("http://127.0.0.1:8000", ""))
        assert response.status_code == 200
        package = response.json()
        assert len(package["releases"]) <= 5
        found += package["releases"]
        url = package.get("links", {}).get("next")
    return found


async def test_open_data_is_public_paged_and_leaves_out_withheld_tenders(
    client, db, make_user
) -> None:
    await demo.load()
    page = await client.get("/open-data")
    assert page.status_code == 200
    text = text_of(page.text)
    assert "/open-data/ocds/releases.json" in text and "/open-data/360giving/grants.json" in text
    assert "https://creativecommons.org/publicdomain/zero/1.0/" in text

    every = service.all_releases(await service.histories())
    assert len(every) > 10
    assert [r["id"] for r in await _all_pages(client)] == [r["id"] for r in every]
    since = every[10]["date"]
    later = await _all_pages(client, f"&since={since.replace('+', '%2B')}")
    assert later and [r["id"] for r in later] == [r["id"] for r in every if r["date"] >= since]
    bad = await client.get(f"{RELEASES}?since=yesterday")
    assert bad.status_code == 422

    # An officer of the lead authority withholds a published tender, with a reason.
    tender = await Tender.select().where(Tender.reference == "UTR-2020-DBO").first()
    ocid = f"{service.options().prefix}-UTR-2020-DBO"
    assert (await client.get(f"/open-data/ocds/records/{ocid}.json")).status_code == 200
    officer = await make_user(Role.OFFICER, authorities=[tender["lead_authority"]])
    await sign_in(client, officer.email)
    page = await client.get(f"/tenders/{tender['id']}")
    assert "Mark as not published in open data" in text_of(page.text)

    refused = await post_form(
        client, f"/tenders/{tender['id']}/open-data", {"withhold_reason": " "}
    )
    assert refused.status_code in (303, 409, 422)
    row = await Tender.select(Tender.open_data_withheld_at).where(Tender.id == tender["id"])
    assert row[0]["open_data_withheld_at"] is None

    reason = "Publishing the suppliers of this service endangers its clients"
    done = await post_form(
        client, f"/tenders/{tender['id']}/open-data", {"withhold_reason": reason}
    )
    assert done.status_code == 303
    row = await Tender.select().where(Tender.id == tender["id"]).first()
    assert row["open_data_withheld_reason"] == reason and row["open_data_withheld_at"]
    events = await AuditEvent.select().where(
        (AuditEvent.action == "tender.open_data_withheld")
        & (AuditEvent.object_id == str(tender["id"]))
    )
    assert len(events) == 1 and reason in events[0]["after"]
    assert reason in text_of((await client.get(f"/tenders/{tender['id']}")).text)

    await client.get("/logout")
    client.cookies.clear()
    assert all(r["ocid"] != ocid for r in await _all_pages(client))
    assert (await client.get(f"/open-data/ocds/records/{ocid}.json")).status_code == 404
    assert ocid not in (await client.get(f"{RELEASES}?per_page=100")).text

    # Published again: the whole history is back.
    await sign_in(client, officer.email)
    again = await post_form(client, f"/tenders/{tender['id']}/open-data", {"published": "1"})
    assert again.status_code == 303
    assert [r["id"] for r in await _all_pages(client)] == [r["id"] for r in every]


async def test_a_draft_and_an_unknown_ocid_answer_404(client, db) -> None:
    await demo.load()
    draft = await Tender.select().where(Tender.phase == "draft").first()
    prefix = service.options().prefix
    for name in (f"{prefix}-{draft['reference']}.json", f"{prefix}-nope.json", "x.json", "x"):
        response = await client.get(f"/open-data/ocds/records/{name}")
        assert response.status_code == 404, name
    assert draft["reference"] not in (await client.get(f"{RELEASES}?per_page=100")).text
