"""A Polish authority's award decisions: the standstill and the odwołanie follow the tender's
value against the EU threshold for its kind of contract (Pzp art. 264 ust. 1 or 308 ust. 2,
art. 515 ust. 1), counted by the Kodeks cywilny (art. 111, 115). Sent Tuesday 1 December 2026:
5 days end on Sunday 6 December and run to Monday 7; 10 days end on Friday 11 December."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest

from authorities.tables import Authority
from documents import storage
from documents.letters.kinds import LetterKind
from organisations.tables import Organisation
from tenders import letters
from tenders.tables import Tender
from tests.documents.letters_support import docx_text
from tests.tenders.conftest import World
from tests.tenders.test_letters import _ranked

PZP = "ustawy z dnia 11 września 2019 r. – Prawo zamówień publicznych"


async def _decisions(world: World, value: str, everyone_by_email: bool = True):
    await Authority.update(
        {
            Authority.country: "PL",
            Authority.language: "pl",
            Authority.timezone: "Europe/Warsaw",
            Authority.registration_number: "8961010000",
            Authority.standstill_days: 5,  # the new default: the shortest the Pzp allows
        }
    ).where(Authority.id == world.authority["id"])
    tender_id, _ = await _ranked(world)  # Thuishulp West has no e-mail address
    # Supplies and services (CPV 98513310-8): the threshold is 1 024 799 zł.
    await Tender.update({Tender.currency: "PLN", Tender.estimated_value: Decimal(value)}).where(
        Tender.id == tender_id
    )
    if everyone_by_email:
        await Organisation.update({Organisation.email: "biuro@thuishulp.example"}).where(
            Organisation.name == "Thuishulp West"
        )
    return await letters.send_award_decisions(
        world.officer, tender_id, datetime(2026, 12, 1, 10, 0, tzinfo=UTC)
    )


async def _rejection(sent) -> str:
    found = next(s for s in sent.letters if s.kind is LetterKind.REJECTION)
    return docx_text((await storage.read(found.file_id))[1])


@pytest.mark.parametrize(
    ("value", "by_email", "last", "standstill", "odwolanie", "last_text"),
    [
        ("500000", True, date(2026, 12, 7), "art. 308 ust. 2", "pkt 2 lit. a", "7 grudnia"),
        ("500000", False, date(2026, 12, 11), "art. 308 ust. 2", "pkt 2 lit. b", "11 grudnia"),
        ("2000000", True, date(2026, 12, 11), "art. 264 ust. 1", "pkt 1 lit. a", "11 grudnia"),
        ("2000000", False, date(2026, 12, 16), "art. 264 ust. 1", "pkt 1 lit. b", "16 grudnia"),
    ],
)
async def test_the_polish_standstill_follows_the_value_and_the_means_of_sending(
    world, value, by_email, last, standstill, odwolanie, last_text
):
    sent = await _decisions(world, value, by_email)
    assert sent.standstill_last_day == last
    text = await _rejection(sent)
    assert f"Zgodnie z {standstill} {PZP}" in text
    assert f"Termin ten upływa w dniu {last_text} 2026." in text
    assert f"art. 515 ust. 1 {odwolanie} {PZP}, tj. najpóźniej w dniu {last_text} 2026" in text
