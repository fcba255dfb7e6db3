"""Public tender pages without login, and each organisation's inbox with audited downloads."""

from __future__ import annotations

from audit.tables import AuditEvent
from organisations.tables import Organisation
from tests.portal.conftest import DOCX, Scene
from tests.portal.support import portal_sign_in
from tests.support.http import text_of


async def test_published_tenders_are_public_drafts_are_not(scene: Scene, client) -> None:
    listing = await client.get("/portal/tenders")
    assert listing.status_code == 200
    text = text_of(listing.text)
    assert "Hulp bij het huishouden 2022" in text
    assert "Geheim concept" not in text
    # Deadlines in the authority's local time: 40 days after 2 March 10:00 in Amsterdam
    # is 11 April, 11:00 summer time (09:00 UTC).
    assert "11:00" in text

    page = await client.get(f"/portal/tenders/{scene.tender_id}")
    assert page.status_code == 200
    text = text_of(page.text)
    assert "District 1" in text and "Bestek" in text
    assert "Mag een combinatie inschrijven?" in text and "Ja, als combinatie." in text
    assert "Zorg Plus" not in text  # the asker stays anonymous; bidders are not shown
    assert "Thuishulp" not in text

    document = await client.get(f"/portal/tenders/{scene.tender_id}/documents/{scene.document_id}")
    assert document.status_code == 200
    assert document.content == b"%PDF-1.4 bestek"
    assert "bestek.pdf" in document.headers["content-disposition"]


async def test_nothing_unpublished_or_private_is_served(scene: Scene, client) -> None:
    assert (await client.get(f"/portal/tenders/{scene.draft_id}")).status_code == 404
    for tender_id, document_id in [
        (scene.draft_id, scene.draft_document_id),
        (scene.tender_id, scene.draft_document_id),  # another tender's document
        (scene.tender_id, scene.letters["a"]),  # a letter's file id is no document id
    ]:
        response = await client.get(f"/portal/tenders/{tender_id}/documents/{document_id}")
        assert response.status_code == 404, (tender_id, document_id)
    # Letters need a signed-in member of the addressee.
    response = await client.get(f"/portal/inbox/letters/{scene.letters['a']}")
    assert response.status_code == 303
    assert response.headers["location"].startswith("/portal/login")


async def test_each_organisation_reads_only_its_own_letters(scene: Scene, client_factory) -> None:
    async with client_factory() as anna, client_factory() as carl:
        await portal_sign_in(anna, scene.emails["a"])
        await portal_sign_in(carl, scene.emails["b"])
        inbox = text_of((await anna.get("/portal/inbox")).text)
        assert "afwijzing-zorg-plus.docx" in inbox
        assert "Rejection (award decision)" in inbox
        assert "gunningsvoornemen-thuishulp-west.docx" not in inbox
        assert "Ja, als combinatie." in inbox  # the clarification notice of its tender
        other = text_of((await carl.get("/portal/inbox")).text)
        assert "gunningsvoornemen-thuishulp-west.docx" in other
        assert "afwijzing-zorg-plus.docx" not in other

        own = await anna.get(f"/portal/inbox/letters/{scene.letters['a']}")
        assert own.status_code == 200 and own.content == DOCX + b" for A"
        assert (await anna.get(f"/portal/inbox/letters/{scene.letters['b']}")).status_code == 404
        assert (await carl.get(f"/portal/inbox/letters/{scene.letters['a']}")).status_code == 404
    downloads = await AuditEvent.select(
        AuditEvent.actor, AuditEvent.object_id, AuditEvent.after
    ).where(AuditEvent.action == "portal.letter_downloaded")
    assert len(downloads) == 1
    assert downloads[0]["actor"] == f"portal:{scene.emails['a']}"
    assert downloads[0]["object_id"] == str(scene.organisations["a"])
    assert str(scene.letters["a"]) in downloads[0]["after"]


async def test_the_organisation_page_shows_only_its_own_people(
    scene: Scene, client_factory
) -> None:
    async with client_factory() as anna:
        await portal_sign_in(anna, scene.emails["a"])
        page = text_of((await anna.get("/portal/organisation")).text)
    assert scene.emails["a"] in page and scene.emails["b"] not in page
    names = {row["id"]: row["name"] for row in await Organisation.select()}
    assert names[scene.organisations["a"]] in page
    assert names[scene.organisations["b"]] not in page
