"""A newcomer can walk each country of the demo in its own language."""

import pytest

from accounts.tables import User
from authorities.tables import Authority
from common.jurisdictions import jurisdiction_for
from common.localtime import utc_to_local
from config import demo
from documents import storage
from documents.letters import service as letters
from documents.letters.kinds import LetterKind
from documents.letters.present import day
from tenders.tables import Lot, Tender
from tests.documents.letters_support import docx_text
from tests.support.http import sign_in, text_of

COUNTRIES = [
    # officer, their language's words, what they find and in which list
    (
        "officer.dk@tenderdesk.example",
        "da",
        ["Tilskudsrunder", "Log ud"],
        "/subsidies",
        "Pulje til forsøg med selvvisitering i ældreplejen",
    ),
    (
        "officer.pl@tenderdesk.example",
        "pl",
        ["Postępowania", "Wyloguj się"],
        "/tenders",
        "Opieka wytchnieniowa i asystentura we Wrocławskim Obszarze Funkcjonalnym",
    ),
    (
        "officer.se@tenderdesk.example",
        "sv",
        ["Upphandlingar", "Logga ut"],
        "/tenders",
        "Genomlysning av myndighetsutövning och boendestöd",
    ),
]


@pytest.mark.parametrize(("email", "language", "words", "path", "title"), COUNTRIES)
async def test_each_country_has_an_officer_working_in_its_language(
    client, db, email, language, words, path, title
):
    passwords = await demo.load()
    user = await User.select(User.language).where(User.email == email).first()
    assert user["language"] == language
    await sign_in(client, email, passwords[email])
    page = text_of((await client.get(path)).text)
    assert title in page
    for word in words:
        assert word in page, word


async def test_botkyrka_sent_its_underrattelser_in_swedish_under_lou(db):
    """The newcomer finds Botkyrka's earlier review awarded: the letters are Swedish, cite LOU
    and end the avtalsspärr on the day the Swedish calendar gives."""
    await demo.load()
    authority = await Authority.select().where(Authority.name == "Botkyrka kommun").first()
    assert (authority["language"], authority["currency"], authority["standstill_days"]) == (
        "sv",
        "SEK",
        10,
    )
    tender = await Tender.select().where(Tender.reference == "BOT-2018-GA").first()
    lot = await Lot.select(Lot.id).where(Lot.tender == tender["id"]).first()
    sent = await letters.sent_letters("lot", lot["id"])
    assert {s.kind for s in sent} == {LetterKind.AWARD_INTENT, LetterKind.REJECTION}
    assert len(sent) == 4
    zone = authority["timezone"]
    sent_on = utc_to_local(sent[0].sent_at, zone).date()
    # The demo's consultants have no e-mail address: the underrättelser go by post, and the
    # avtalsspärr is 15 days (LOU 20 kap. 2 §).
    last = jurisdiction_for("SE").standstill_last_day(sent_on, electronic=False)
    end = day(last, "sv").replace("\xa0", " ")
    winner = next(s for s in sent if s.kind is LetterKind.AWARD_INTENT)
    assert winner.addressee == "Ramboll Sverige AB"
    for letter in sent:
        text = docx_text((await storage.read(letter.file_id))[1])
        assert "12 kap. 12 § lagen (2016:1145) om offentlig upphandling (LOU)" in text
        assert f"till och med {end}" in text and "15 dagar" in text
        assert "Vård- och omsorgsnämnden," in text and "Munkhättevägen 45" in text
        assert "Concrete" not in text and "De winnende" not in text
    rejection = next(s for s in sent if s.kind is LetterKind.REJECTION)
    text = docx_text((await storage.read(rejection.file_id))[1])
    assert "Konkret, med exempel från förvaltningens verksamhet" in text
    assert "Det vinnande anbudet har den bästa genomförandeplanen" in text
    assert "ansöka om överprövning hos förvaltningsrätten" in text
