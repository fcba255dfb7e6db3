"""A Swedish authority's award decisions: the underrättelser in Swedish and the avtalsspärr of
LOU 20 kap. 1 §, ten days when every underrättelse goes out by e-mail, fifteen otherwise,
counted by lagen (1930:173)."""

from __future__ import annotations

from datetime import UTC, date, datetime

from authorities.tables import Authority
from documents import storage
from documents.letters.kinds import LetterKind
from organisations.tables import Organisation
from tenders import letters
from tenders.tables import Bid
from tests.documents.letters_support import docx_text
from tests.tenders.conftest import World
from tests.tenders.test_letters import _ranked


async def _swedish(world: World) -> None:
    await Authority.update(
        {
            Authority.country: "SE",
            Authority.language: "sv",
            Authority.timezone: "Europe/Stockholm",
            Authority.registration_number: "212000-0043",
            Authority.standstill_days: 10,
        }
    ).where(Authority.id == world.authority["id"])


async def _decisions(world: World, everyone_by_email: bool):
    await _swedish(world)
    tender_id, _ = await _ranked(world)  # Thuishulp West has no e-mail address
    if everyone_by_email:
        await Organisation.update({Organisation.email: "anbud@thuishulp.example"}).where(
            Organisation.name == "Thuishulp West"
        )
    # Sent Tuesday 1 December 2026 at 11:00 in Stockholm.
    return await letters.send_award_decisions(
        world.officer, tender_id, datetime(2026, 12, 1, 10, 0, tzinfo=UTC)
    )


async def _text(sent, kind: LetterKind) -> str:
    found = next(s for s in sent.letters if s.kind is kind)
    return docx_text((await storage.read(found.file_id))[1])


async def test_all_by_email_the_avtalssparr_is_ten_days(world):
    sent = await _decisions(world, everyone_by_email=True)
    assert sent.standstill_last_day == date(2026, 12, 11)
    text = await _text(sent, LetterKind.REJECTION)
    assert "avtalsspärren enligt 20 kap. 1 § LOU: 10 dagar" in text
    assert "Avtalsspärren löper till och med 11 december 2026." in text
    assert "enligt 12 kap. 12 § lagen (2016:1145) om offentlig upphandling (LOU)" in text
    assert "ansöka om överprövning hos förvaltningsrätten" in text


async def test_one_by_post_the_avtalssparr_is_fifteen_days_for_everyone(world):
    sent = await _decisions(world, everyone_by_email=False)
    # 1 December + 15 days: Wednesday 16 December 2026.
    assert sent.standstill_last_day == date(2026, 12, 16)
    for kind in (LetterKind.AWARD_INTENT, LetterKind.REJECTION):
        text = await _text(sent, kind)
        assert "15 dagar" in text and "16 december 2026" in text
        assert "11 december 2026" not in text


async def test_a_dutch_authority_keeps_its_twenty_days_whoever_lacks_an_email(world):
    tender_id, _ = await _ranked(world)
    assert await Bid.count().where(Bid.organisation.email == "") >= 1
    sent = await letters.send_award_decisions(
        world.officer, tender_id, datetime(2026, 12, 1, 10, 0, tzinfo=UTC)
    )
    assert sent.standstill_last_day == date(2026, 12, 21)  # 1 Dec + 20 = Mon 21 Dec
