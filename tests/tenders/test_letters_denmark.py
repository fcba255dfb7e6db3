"""A Danish authority's award decisions, sent through the tender: Danish letters under Danish
law, the standstill end counted by the Danish calendar (klagenævnsloven § 3, stk. 2)."""

from __future__ import annotations

from datetime import UTC, date, datetime

from authorities.tables import Authority
from documents import storage
from documents.letters.kinds import LetterKind
from organisations.tables import Organisation
from tenders import letters
from tests.documents.letters_support import docx_text
from tests.documents.test_letters_danish import foreign_words
from tests.tenders.test_letters import _ranked


async def test_a_danish_tender_sends_danish_letters_with_the_danish_standstill(world):
    await Authority.update(
        {
            Authority.country: "DK",
            Authority.language: "da",
            Authority.timezone: "Europe/Copenhagen",
            Authority.standstill_days: 10,
        }
    ).where(Authority.id == world.authority["id"])
    tender_id, _ = await _ranked(world)
    # Every bidder has an e-mail address: the decisions all go out electronically (10 days;
    # 15 when one goes by post).
    await Organisation.update({Organisation.email: "tilbud@thuishulp.example"}).where(
        Organisation.name == "Thuishulp West"
    )
    world.clock.set(datetime(2027, 3, 16, 10, 0, tzinfo=UTC))  # Tuesday 16 March 2027
    sent = await letters.send_award_decisions(world.officer, tender_id)
    # 10 days end on langfredag 26 March; Easter runs on to Tuesday 30 March.
    assert sent.standstill_last_day == date(2027, 3, 30)
    texts = {
        s.addressee: (s.kind, docx_text((await storage.read(s.file_id))[1])) for s in sent.letters
    }
    kind, award = texts["Samen Sterk"]
    assert kind is LetterKind.AWARD_INTENT
    assert "vi har besluttet at tildele jer kontrakten (udbudslovens § 171)" in award
    assert "Standstill-perioden udløber den 30. marts 2027." in award
    kind, rejection = texts["Thuishulp West"]
    assert kind is LetterKind.REJECTION
    assert "tildele kontrakten til Samen Sterk (udbudslovens § 171)" in rejection
    assert "I kan klage over tildelingsbeslutningen til Klagenævnet for Udbud" in rejection
    assert "senest den 30. marts 2027" in rejection
    for _, text in texts.values():
        body = text.split("Med venlig hilsen")[0]
        assert foreign_words(body) == set(), body
