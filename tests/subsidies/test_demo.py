"""The demo rounds load (twice without duplicates) and tell the story of the source documents."""

import json
from datetime import date
from decimal import Decimal

from config import demo
from documents import storage
from documents.letters import service as letter_service
from documents.letters.kinds import LetterKind
from subsidies.tables import Application, Payment, Report, SubsidyRound
from tests.documents.letters_support import docx_text


async def test_demo_rounds(db):
    await demo.load()
    await demo.load()
    rounds = {r["title"]: r for r in await SubsidyRound.select()}
    assert len(rounds) == 3
    utrecht = rounds["Sociale Prestatie en Dagondersteuning 2021"]
    states = [r["state"] for r in await Application.select(Application.state).where(
        Application.round == utrecht["id"])]
    granted = sum(1 for s in states if s in ("advance_paid", "granted", "partly_granted"))
    assert len(states) == 42 and states.count("ineligible") == 2
    assert 27 <= granted <= 33 and states.count("advance_paid") == granted
    total = sum(r["granted"] for r in await Application.select(Application.granted).where(
        Application.round == utrecht["id"]) if r["granted"])
    assert total <= utrecht["ceiling"] == Decimal("1250000.00")

    pool = rounds["Pulje til forsøg med selvvisitering i ældreplejen"]
    vesthimmerland = await Application.select().where(
        (Application.round == pool["id"])
        & (Application.organisation.name == "Vesthimmerlands Kommune")).first()
    assert vesthimmerland["granted"] == Decimal("1400000.00")
    assert vesthimmerland["state"] == "advance_paid"
    payments = await Payment.select(Payment.due_on, Payment.amount, Payment.status).where(
        Payment.application == vesthimmerland["id"]).order_by(Payment.due_on)
    assert [(p["due_on"], p["amount"], p["status"]) for p in payments] == [
        (date(2022, 11, 1), Decimal("350000.00"), "paid"),
        (date(2023, 1, 1), Decimal("350000.00"), "scheduled"),
        (date(2024, 1, 1), Decimal("350000.00"), "scheduled"),
        (date(2025, 1, 1), Decimal("350000.00"), "scheduled")]
    reports = await Report.select(Report.due_on, Report.final).where(
        Report.application == vesthimmerland["id"]).order_by(Report.due_on)
    assert [r["final"] for r in reports] == [False, False, False, True]

    first_come = next(r for title, r in rounds.items() if "binnenkomst" in title)
    summary = json.loads(first_come["allocation"])
    assert summary["method"] == "first_come" and len(summary["draw"]) > 1
    assert summary["lottery_day"] == "2022-02-04"
    refused = await Application.count().where((Application.round == first_come["id"])
                                              & (Application.state == "refused"))
    assert refused >= 1


async def test_the_danish_pool_wrote_its_tilsagn_in_danish_under_danish_law(db):
    await demo.load()
    pool = await SubsidyRound.select().where(
        SubsidyRound.title == "Pulje til forsøg med selvvisitering i ældreplejen").first()
    sent = await letter_service.sent_letters("round", pool["id"])
    [letter] = [s for s in sent if s.addressee == "Vesthimmerlands Kommune"]
    assert letter.kind is LetterKind.GRANT
    _, data = await storage.read(letter.file_id)
    text = docx_text(data)
    assert "Tilsagn om tilskud – Pulje til forsøg med selvvisitering i ældreplejen" in text
    assert ("Vi giver jer tilsagn om et tilskud på 1.400.000,00 kr. for perioden 1. november "
            "2022 til og med 31. december 2025.") in text
    assert "Afgørelsen kan ikke påklages til en anden administrativ myndighed" in text
    assert "Postadresse: Edisonsvej 1, 5000 Odense C" in text and "Dato: 3. oktober 2022" in text
