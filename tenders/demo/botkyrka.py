"""Botkyrka's demo tenders, run by the Swedish officer in Swedish: the earlier review of its
elderly care, awarded to Ramboll with the letters sent three days ago (the avtalsspärr runs),
and the review of the needs assessment and housing support, bids opened, one lot being scored
and the other's quality scores final."""

from __future__ import annotations

from stdnum import luhn

from scoring import service as scoring
from tenders import letters, service
from tenders.demo.story import QUALITY_SV, Story

# Ramboll carried out the review (the source document); the others bid against it.
BOTKYRKA_CONSULTANTS = [
    "Ramboll Sverige AB",
    "Ensolution AB",
    "Public Partner AB",
    "Rådgivarna i Sverige AB",
]


def _orgnr(seed: int) -> str:
    """A Swedish organisation number (aktiebolag, 556...) with its Luhn check digit."""
    body = f"556{seed * 104729 % 1000000:06d}"
    return body + luhn.calc_check_digit(body)


def _consultant(index: int) -> dict[str, str]:
    name = BOTKYRKA_CONSULTANTS[index]
    return {"name": name, "country": "SE", "registration_number": _orgnr(index + 1)}


async def housing_support(
    story: Story, reference: str, authorities: dict[str, int], service_types: dict[str, int]
) -> int:
    officer = story.officer
    story.at(70)
    tender_id = await story.create_tender(
        70,
        "Europe/Stockholm",
        {
            "title": "Genomlysning av myndighetsutövning och boendestöd",
            "reference": reference,
            "procedure": "open",
            "authority_id": authorities["Botkyrka kommun"],
            "service_type_id": service_types["housing_support"],
            "cpv_codes": "79419000-4",
            "currency": "SEK",
            "estimated_value": "950000.00",
            "budget_line": "Vht 5 Stöd och service LSS",
            "description": "Extern genomlysning av vård- och omsorgsförvaltningens "
            "myndighetsutövning och boendestödet till personer med "
            "funktionsnedsättning, med rekommendationer till nämnden.",
        },
        deadline_questions=45,
        deadline_bids=35,
    )
    lot_id = await story.add_lot(tender_id, 1, "Genomlysning", QUALITY_SV)
    # A second lot, scored already: its evaluation waits at "quality final".
    follow_up = await story.add_lot(tender_id, 2, "Uppföljning", QUALITY_SV)
    await service.publish(officer, tender_id)
    marks: dict[int, tuple[int, int]] = {}
    for index, name in enumerate(BOTKYRKA_CONSULTANTS):
        story.at(50 - index)
        await story.bid(
            tender_id,
            lot_id,
            _consultant(index),
            f"{780_000 + index * 65_000}.00",
            ("anbud.pdf", f"Anbud {name}"),
        )
        bid_id = await story.bid(
            tender_id,
            follow_up,
            _consultant(index),
            f"{240_000 + index * 15_000}.00",
            ("anbud-uppfoljning.pdf", f"Anbud {name}"),
        )
        marks[bid_id] = (7 + index % 3, 6 + index % 2)
    story.at(34)
    await story.open_bids(tender_id)
    story.at(30)
    await story.score_lot(tender_id, follow_up, marks, QUALITY_SV, confirm=False)
    evaluation_id = (await service.get_lot_row(tender_id, lot_id))["evaluation_id"]
    await scoring.freeze_criteria(officer, evaluation_id)
    for evaluator in story.evaluators:
        await scoring.assign(officer, evaluation_id, evaluator.id)
    return tender_id


async def elderly_care(
    story: Story, reference: str, authorities: dict[str, int], service_types: dict[str, int]
) -> int:
    """The review of äldreomsorgen the nämnd bought before (the source document): scored,
    awarded to Ramboll, the underrättelser om tilldelningsbeslut sent three days ago in Swedish;
    the avtalsspärr runs (15 days: the consultants have no e-mail address, so the letters go by
    post)."""
    story.at(60)
    tender_id = await story.create_tender(
        60,
        "Europe/Stockholm",
        {
            "title": "Genomlysning av äldreomsorgen",
            "reference": reference,
            "procedure": "open",
            "authority_id": authorities["Botkyrka kommun"],
            "service_type_id": service_types["household_help"],
            "cpv_codes": "79419000-4",
            "currency": "SEK",
            "estimated_value": "650000.00",
            "budget_line": "Vht 5 Äldreomsorg",
            "description": "Extern genomlysning av äldreomsorgens hemtjänst och särskilda boenden, "
            "med rekommendationer till vård- och omsorgsnämnden.",
        },
        deadline_questions=40,
        deadline_bids=30,
    )
    lot_id = await story.add_lot(tender_id, 1, "Genomlysning äldreomsorg", QUALITY_SV)
    await service.publish(story.officer, tender_id)
    marks: dict[int, tuple[int, int]] = {}
    for index, name in enumerate(BOTKYRKA_CONSULTANTS):
        story.at(45 - index)
        bid_id = await story.bid(
            tender_id,
            lot_id,
            _consultant(index),
            f"{560_000 + index * 40_000}.00",
            ("anbud.pdf", f"Anbud {name}"),
        )
        marks[bid_id] = (9 - index, 8 - index % 2)
    story.at(29)
    await story.open_bids(tender_id)
    story.at(10)
    await story.score_lot(tender_id, lot_id, marks, QUALITY_SV)
    await story.intend_best(tender_id, lot_id)
    story.at(3)
    await letters.send_award_decisions(story.officer, tender_id)
    return tender_id
