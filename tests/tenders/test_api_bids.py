"""Registering a bid with its documents through the API: base64 files in the JSON body, both
envelopes, every bad file named, nothing stored on a refusal, and the schema saying so."""

import base64
from datetime import UTC, datetime

from documents import storage
from documents.tables import StoredFile
from organisations.tables import Organisation
from tenders import service
from tenders.tables import Bid, BidFile
from tests.support.http import sign_in
from tests.tenders.conftest import KVK, bidder

PLAN = b"%PDF-1.4 quality plan of Zorg Plus"
PRICES = b"PK\x03\x04 price sheet of Zorg Plus"


def encoded(filename: str, content_type: str, data: bytes) -> dict:
    return {
        "filename": filename,
        "content_type": content_type,
        "content_base64": base64.b64encode(data).decode(),
    }


def body(lot_id: int, **extra) -> dict:
    return {
        **bidder(0),
        "email": "offertes@zorgplus.example",
        "lot_id": lot_id,
        "price": "123456.78",
        "files": [encoded("plan.pdf", "application/pdf", PLAN)],
        "price_files": [
            encoded(
                "prijsblad.xlsx",
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                PRICES,
            )
        ],
        **extra,
    }


async def test_the_api_registers_a_bid_with_its_files(world, client):
    world.clock.set(datetime.now(UTC).replace(microsecond=0))
    tender_id = await world.tender(two_envelope="on")
    await service.publish(world.officer, tender_id)
    [lot_id] = await world.lot_ids(tender_id)
    await sign_in(client, world.officer.email)
    url = f"/api/v1/tenders/{tender_id}/bids"

    # Refusals name the file and the field; nothing is stored.
    for broken, location, message in (
        ({"files": []}, "files", "Attach the bid's documents"),
        (
            {
                "files": [
                    {
                        **encoded("plan.pdf", "application/pdf", PLAN),
                        "content_base64": "not base64!",
                    }
                ]
            },
            "files[0].content_base64",
            "The file plan.pdf is not base64",
        ),
        (
            {"price_files": [encoded("p.xlsx", "text html", PRICES)]},
            "price_files[0].content_type",
            "text html is not a media type such as application/pdf",
        ),
    ):
        refused = await client.post(url, json=body(lot_id, **broken))
        assert refused.status_code == 422, refused.text
        assert [(p["location"], p["message"]) for p in refused.json()["problems"]] == [
            (location, message)
        ]
    assert await Bid.count() == 0 and await StoredFile.count() == 0

    created = await client.post(url, json={**body(lot_id), "paper_reason": "Per post ontvangen"})
    assert created.status_code == 201, created.text
    bid = created.json()
    assert bid["sealed"] and bid["price_sealed"] and bid["price"] is None
    # Marked as registered by the officer, with the reason, not as submitted in the portal.
    assert bid["paper_reason"] == "Per post ontvangen" and bid["submitted_by"] == ""
    assert bid["registered_by"] == world.officer.as_actor().label
    assert bid["files"] == [] and bid["file_count"] == 2 and bid["sealed_files"] == 2
    stored = {
        r["envelope"]: r["file"] for r in await BidFile.select().where(BidFile.bid == bid["id"])
    }
    # Stored sealed (encrypted, named "sealed") until the opening: see test_sealing_flow.
    info, data = await storage.read(stored["quality"])
    assert info.filename == "sealed" and PLAN not in data and len(data) > len(PLAN)
    info, data = await storage.read(stored["price"])
    assert info.filename == "sealed" and PRICES not in data
    # A second bid of the same organisation on the lot is refused with the rule's message.
    again = await client.post(url, json=body(lot_id))
    assert again.status_code == 409 and "already has a bid" in again.json()["detail"]


async def test_the_schema_documents_the_json_body_and_the_base64_files(client, db):
    schema = (await client.get("/schema/openapi.json")).json()
    operation = schema["paths"]["/api/v1/tenders/{tender_id}/bids"]["post"]
    assert list(operation["requestBody"]["content"]) == ["application/json"]
    assert "base64" in operation["description"]
    components = schema["components"]["schemas"]
    file_in = components["FileIn"]["properties"]
    assert file_in["content_base64"]["contentEncoding"] == "base64"
    assert set(components["BidIn"]["properties"]) >= {"files", "price_files", "price", "lot_id"}


async def test_the_api_registers_a_sole_trader_as_a_natural_person(world, client):
    world.clock.set(datetime.now(UTC).replace(microsecond=0))
    tender_id = await world.tender()
    await service.publish(world.officer, tender_id)
    [lot_id] = await world.lot_ids(tender_id)
    await sign_in(client, world.officer.email)
    created = await client.post(
        f"/api/v1/tenders/{tender_id}/bids", json=body(lot_id, natural_person=True)
    )
    assert created.status_code == 201, created.text
    organisation = (
        await Organisation.select(Organisation.natural_person)
        .where(Organisation.registration_number == KVK[0])
        .first()
    )
    assert organisation["natural_person"] is True
