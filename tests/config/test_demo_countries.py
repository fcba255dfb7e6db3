"""A newcomer can walk each country of the demo in its own language."""

import pytest

from accounts.tables import User
from config import demo
from tests.support.http import sign_in, text_of

COUNTRIES = [
    # officer, their language's words, what they find and in which list
    ("officer.dk@tenderdesk.example", "da", ["Tilskudsrunder", "Log ud"], "/subsidies",
     "Pulje til forsøg med selvvisitering i ældreplejen"),
    ("officer.pl@tenderdesk.example", "pl", ["Postępowania", "Wyloguj się"], "/tenders",
     "Opieka wytchnieniowa i asystentura we Wrocławskim Obszarze Funkcjonalnym"),
    ("officer.se@tenderdesk.example", "sv", ["Upphandlingar", "Logga ut"], "/tenders",
     "Genomlysning av myndighetsutövning och boendestöd"),
]


@pytest.mark.parametrize(("email", "language", "words", "path", "title"), COUNTRIES)
async def test_each_country_has_an_officer_working_in_its_language(
        client, db, email, language, words, path, title):
    passwords = await demo.load()
    user = await User.select(User.language).where(User.email == email).first()
    assert user["language"] == language
    await sign_in(client, email, passwords[email])
    page = text_of((await client.get(path)).text)
    assert title in page
    for word in words:
        assert word in page, word
