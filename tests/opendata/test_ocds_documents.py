"""A tender document in the OCDS releases carries its absolute public download address, the
supplier portal's route that serves it without login."""

from __future__ import annotations

from config.settings import get_settings
from opendata.ocds import packages, service
from tenders import service as tenders
from tests.opendata.validation import RELEASE, problems


async def test_each_document_links_to_its_public_download(world, client):
    tender_id = await world.tender()
    first = await tenders.upload_document(
        world.officer, tender_id, "Bestek", "bestek.pdf", "application/pdf", b"%PDF-1.4 bestek"
    )
    await tenders.publish(world.officer, tender_id)
    second = await tenders.upload_document(
        world.officer, tender_id, "Nota", "nota.pdf", "application/pdf", b"%PDF-1.4 nota"
    )
    found = await service.tender_releases(f"{service.options().prefix}-UTR-HH-2022")
    for release in found:
        assert problems(RELEASE, release) == []
    documents = packages.compiled(found)["tender"]["documents"]
    base = get_settings().public_url
    assert {d["id"]: d["url"] for d in documents} == {
        f"document-{first}": f"{base}/portal/tenders/{tender_id}/documents/{first}",
        f"document-{second}": f"{base}/portal/tenders/{tender_id}/documents/{second}",
    }
    assert base.startswith("http")
    for document in documents:  # not signed in
        response = await client.get(document["url"].removeprefix(base))
        assert response.status_code == 200
        assert response.content.startswith(b"%PDF-1.4")
