"""The demo rounds load (twice without duplicates) and tell the story of the source documents."""

import json
from datetime import date
from decimal import Decimal

from accounts.service import load_principal
from accounts.tables import User
from common import clock
from config import demo
from documents import storage
from documents.letters import service as letter_service
from documents.letters.kinds import LetterKind
from subsidies import letters
from subsidies.tables import Application, Payment, Report, SubsidyRound
from tests.documents.letters_support import docx_text


async def test_demo_rounds(db):
    await demo.load()
    await demo.load()
    rounds = {r["title"]: r for r in await SubsidyRound.select()}
    assert len(rounds) == 7
    # every phase of a round is there to be seen, around today
    phases = sorted(r["phase"] for r in rounds.values())
    assert phases == ["closed", "decided", "decided", "decided", "decided", "draft", "open"]
    now = clock.now()
    by_phase = {r["phase"]: r for r in rounds.values()}
    assert by_phase["draft"]["opens_at"] > now
    assert by_phase["open"]["opens_at"] < now < by_phase["open"]["closes_at"]
    assert by_phase["closed"]["closes_at"] < now and by_phase["closed"]["window_closed_at"]
    assert by_phase["draft"]["service_types"] == "day_support,respite_care"
    for phase in ("open", "closed"):
        states = {
            a["state"]
            for a in await Application.select(Application.state).where(
                Application.round == by_phase[phase]["id"]
            )
        }
        assert "submitted" in states and "complete" in states, phase
    utrecht = rounds["Sociale Prestatie en Dagondersteuning 2021"]
    states = [
        r["state"]
        for r in await Application.select(Application.state).where(
            Application.round == utrecht["id"]
        )
    ]
    granted = sum(1 for s in states if s in ("advance_paid", "granted", "partly_granted"))
    assert len(states) == 42 and states.count("ineligible") == 2
    assert 27 <= granted <= 33 and states.count("advance_paid") == granted
    total = sum(
        r["granted"]
        for r in await Application.select(Application.granted).where(
            Application.round == utrecht["id"]
        )
        if r["granted"]
    )
    assert total <= utrecht["ceiling"] == Decimal("1250000.00")

    pool = rounds["Pulje til forsøg med selvvisitering i ældreplejen"]
    vesthimmerland = (
        await Application.select()
        .where(
            (Application.round == pool["id"])
            & (Application.organisation.name == "Vesthimmerlands Kommune")
        )
        .first()
    )
    assert vesthimmerland["granted"] == Decimal("1400000.00")
    assert vesthimmerland["state"] == "advance_paid"
    payments = (
        await Payment.select(Payment.due_on, Payment.amount, Payment.status)
        .where(Payment.application == vesthimmerland["id"])
        .order_by(Payment.due_on)
    )
    assert [(p["due_on"], p["amount"], p["status"]) for p in payments] == [
        (date(2022, 11, 1), Decimal("350000.00"), "paid"),
        (date(2023, 1, 1), Decimal("350000.00"), "scheduled"),
        (date(2024, 1, 1), Decimal("350000.00"), "scheduled"),
        (date(2025, 1, 1), Decimal("350000.00"), "scheduled"),
    ]
    reports = (
        await Report.select(Report.due_on, Report.final)
        .where(Report.application == vesthimmerland["id"])
        .order_by(Report.due_on)
    )
    assert [r["final"] for r in reports] == [False, False, False, True]

    first_come = next(r for title, r in rounds.items() if "binnenkomst" in title)
    summary = json.loads(first_come["allocation"])
    assert summary["method"] == "first_come" and len(summary["draw"]) > 1
    assert summary["lottery_day"] == "2022-02-04"
    refused = await Application.count().where(
        (Application.round == first_come["id"]) & (Application.state == "refused")
    )
    assert refused >= 1


async def test_the_danish_pool_wrote_its_tilsagn_in_danish_under_danish_law(db):
    await demo.load()
    pool = (
        await SubsidyRound.select()
        .where(SubsidyRound.title == "Pulje til forsøg med selvvisitering i ældreplejen")
        .first()
    )
    sent = await letter_service.sent_letters("round", pool["id"])
    [letter] = [s for s in sent if s.addressee == "Vesthimmerlands Kommune"]
    assert letter.kind is LetterKind.GRANT
    _, data = await storage.read(letter.file_id)
    text = docx_text(data)
    assert "Tilsagn om tilskud – Pulje til forsøg med selvvisitering i ældreplejen" in text
    assert (
        "Vi giver jer tilsagn om et tilskud på 1.400.000,00 kr. for perioden 1. november "
        "2022 til og med 31. december 2025."
    ) in text
    assert "Afgørelsen kan ikke påklages til en anden administrativ myndighed" in text
    assert "Postadresse: Edisonsvej 1, 5000 Odense C" in text and "Dato: 3. oktober 2022" in text


async def test_the_polish_call_for_proposals_tells_its_result_in_polish(db):
    await demo.load()
    call = (
        await SubsidyRound.select()
        .where(SubsidyRound.title == "Otwarty konkurs ofert: opieka wytchnieniowa 2023")
        .first()
    )
    assert call["currency"] == "PLN"
    states = sorted(
        r["state"]
        for r in await Application.select(Application.state).where(Application.round == call["id"])
    )
    assert states.count("ineligible") == 1 and "refused" in states
    assert states.count("granted") + states.count("partly_granted") >= 3
    user = await User.select(User.id).where(User.email == "officer.pl@tenderdesk.example").first()
    officer = await load_principal(user["id"])
    sent = await letters.round_letters(officer, call["id"])
    assert {s.kind for s in sent} == {LetterKind.GRANT, LetterKind.REFUSAL}
    for letter in sent:
        _, data = await letters.read_round_letter(officer, call["id"], letter.file_id)
        text = docx_text(data)
        assert "Informacja o wyniku otwartego konkursu ofert" in text
        assert "nie stosuje się trybu odwoławczego (art. 15 ust. 2j u.d.p.p.)" in text
        # Sent on Friday 2 December 2022: thirty days end on Sunday 1 January 2023, a
        # holiday, and run to Monday 2 January.
        assert "tj. do dnia 2 stycznia 2023" in text
        assert " zł" in text and "€" not in text and "Awb" not in text
