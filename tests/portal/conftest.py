"""Two organisations with portal accounts, bids on one published tender and their letters."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

import pytest

from documents.letters.kinds import LetterKind
from documents.letters.service import GeneratedLetter, record_sent
from organisations.tables import Organisation
from portal.service import accounts as portal_accounts
from portal.tables import PortalAccount, PortalMembership
from tenders import procurement, service
from tests.portal.support import register_and_verify, rejection_to_zorg_plus
from tests.tenders.conftest import KVK, World, fixed_clock, world  # noqa: F401 - fixtures

DOCX = b"PK\x03\x04 a letter"


@dataclass
class Scene:
    world: World
    tender_id: int
    draft_id: int
    lot_id: int
    document_id: int
    draft_document_id: int
    bids: dict[str, int]  # "a" / "b" -> bid id
    organisations: dict[str, int]
    letters: dict[str, int]  # "a" / "b" -> the file id of its letter
    memberships: dict[str, int]
    emails: dict[str, str]


@pytest.fixture
async def scene(world: World, client_factory) -> Scene:  # noqa: F811 - the fixture above
    officer = world.officer
    tender_id = await world.tender(lots=1)
    document_id = await service.upload_document(
        officer, tender_id, "Bestek", "bestek.pdf", "application/pdf", b"%PDF-1.4 bestek"
    )
    draft_id = await world.tender(lots=1, reference="UTR-DRAFT", title="Geheim concept")
    draft_document_id = await service.upload_document(
        officer, draft_id, "Concept", "concept.pdf", "application/pdf", b"%PDF-1.4 concept"
    )
    await service.publish(officer, tender_id)
    [lot_id] = await world.lot_ids(tender_id)
    question_id = await procurement.ask(
        officer, tender_id, "Zorg Plus BV", "Mag een combinatie inschrijven?"
    )
    await procurement.answer(officer, tender_id, question_id, "Ja, als combinatie.")
    bids = {"a": await world.bid(tender_id, lot_id, 0), "b": await world.bid(tender_id, lot_id, 1)}
    world.travel(timedelta(minutes=1))
    sent = await record_sent(
        officer.as_actor(),
        "lot",
        lot_id,
        [
            rejection_to_zorg_plus(bids["a"], DOCX + b" for A"),
            GeneratedLetter(
                "gunningsvoornemen-thuishulp-west.docx",
                LetterKind.AWARD_INTENT,
                "nl",
                "Thuishulp West",
                f"bid:{bids['b']}",
                DOCX + b" for B",
            ),
        ],
    )
    emails = {"a": "anna@zorgplus.example", "b": "carl@thuishulp.example"}
    async with client_factory() as first, client_factory() as second:
        await register_and_verify(first, emails["a"], KVK[0], "Zorg Plus BV")
        await register_and_verify(second, emails["b"], KVK[1], "Thuishulp West")
    organisations, memberships = {}, {}
    for key, number in (("a", KVK[0]), ("b", KVK[1])):
        organisation = (
            await Organisation.select(Organisation.id)
            .where(Organisation.registration_number == number)
            .first()
        )
        account = (
            await PortalAccount.select(PortalAccount.id)
            .where(PortalAccount.email == emails[key])
            .first()
        )
        membership = (
            await PortalMembership.select(PortalMembership.id)
            .where(PortalMembership.account == account["id"])
            .first()
        )
        await portal_accounts.decide_as_officer(
            officer, organisation["id"], membership["id"], True, "signatory"
        )
        organisations[key], memberships[key] = organisation["id"], membership["id"]
    return Scene(
        world,
        tender_id,
        draft_id,
        lot_id,
        document_id,
        draft_document_id,
        bids,
        organisations,
        {"a": sent[0].file_id, "b": sent[1].file_id},
        memberships,
        emails,
    )
