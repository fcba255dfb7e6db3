"""A newcomer walks Poland end to end in the demo: the Wrocław Functional Area's joint tender for
personal assistance, its award decisions sent in Polish under Polish law."""

from __future__ import annotations

from accounts.service import load_principal
from accounts.tables import User
from common.jurisdictions import jurisdiction_for
from common.localtime import utc_to_local
from config import demo
from documents.letters.kinds import LetterKind
from tenders import letters
from tenders.tables import Tender
from tests.documents.letters_support import docx_text
from tests.support.http import sign_in, text_of


async def test_the_polish_tender_sends_its_notice_in_polish_with_every_offer(client, db):
    passwords = await demo.load()
    tender = await Tender.select().where(Tender.reference == "WROF-2022-AO").first()
    assert tender["phase"] == "award_intent" and tender["currency"] == "PLN"
    user = await User.select(User.id).where(User.email == "officer.pl@tenderdesk.example").first()
    officer = await load_principal(user["id"])
    sent = await letters.sent_letters(officer, tender["id"])
    assert sorted(s.kind for s in sent) == [LetterKind.AWARD_INTENT, *[LetterKind.REJECTION] * 3]
    sent_on = utc_to_local(tender["decisions_sent_at"], "Europe/Warsaw").date()
    last_day = jurisdiction_for("PL").standstill_last_day(sent_on, 10)
    for letter in sent:
        _, data = await letters.letter_file(officer, tender["id"], letter.file_id)
        text = docx_text(data)
        assert "Zawiadomienie o wyborze najkorzystniejszej oferty" in text
        assert "Prezes Krajowej Izby Odwoławczej" in text and "art. 264 ust. 1" in text
        assert f"Termin ten upływa w dniu {last_day.day} " in text
        assert "Prezydent Wrocławia," in text and "z upoważnienia" in text
        # Every offer with its points, the rejected one with its reasons (art. 253(1)).
        assert "Fundacja „Razem dla Samodzielności”" in text
        assert "Spółdzielnia Socjalna „Pomocna Dłoń”" in text
        assert (
            "Centrum Usług Opiekuńczych Sp. z o.o.: oferta odrzucona – uzasadnienie "
            "faktyczne i prawne (art. 253 ust. 1 pkt 2 Pzp):\nOferta odrzucona na podstawie "
            "art. 226 ust. 1 pkt 5 Pzp"
        ) in text
        assert "Concrete" not in text and "kort geding" not in text
        assert "standstill" not in text
    await sign_in(
        client, "officer.pl@tenderdesk.example", passwords["officer.pl@tenderdesk.example"]
    )
    page = text_of((await client.get(f"/tenders/{tender['id']}")).text)
    assert "Asystencja osobista osób z niepełnosprawnościami" in page
