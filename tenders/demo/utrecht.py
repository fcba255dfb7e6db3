"""The Utrecht demo tenders: household help (a competitive dialogue with four district lots,
at its award intent), day support for the elderly (thirteen winners, contracted) and respite
care (a draft)."""

from __future__ import annotations

from decimal import Decimal

from common.identity import Principal
from common.localtime import utc_to_local
from tenders import bids, contracting, letters, procurement, service
from tenders.demo.story import QUALITY, Story, form_time

HOUSEHOLD_HELP_PROVIDERS = [
    ("Axion Continu", "30210930"),
    ("Careyn", "24381301"),
    ("Tzorg", "34237578"),
    ("Vivent Thuishulp", "17094017"),
    ("Zorgspectrum Thuiszorg", "30181446"),
    ("Buurtzorg Huishoudelijke Hulp", "08220963"),
    ("Thuishulp Utrecht", "61480436"),
]
DAY_SUPPORT_PROVIDERS = [
    ("Abrona", "30174493"),
    ("Al Amal", "30208567"),
    ("De Wilg", "30211762"),
    ("WIJ3.0", "61945714"),
    ("Axion Continu", "30210930"),
    ("Careyn", "24381301"),
    ("Zorgspectrum Thuiszorg", "30181446"),
    ("Vivium Zorggroep", "32096317"),
    ("Stichting Tussenvoorziening", "41180983"),
    ("Lister", "41183124"),
    ("Altrecht", "30211037"),
    ("Amaris Zorggroep", "32082457"),
    ("Reinaerde", "30160424"),
    ("Stichting Boogh", "30206287"),
    ("Odion", "41238302"),
]


async def _selection_guide(story: Story, tender_id: int, version: int) -> None:
    await service.upload_document(
        story.officer,
        tender_id,
        "Selectieleidraad",
        "selectieleidraad.pdf",
        "application/pdf",
        f"%PDF-1.4 Selectieleidraad HbH v{version}".encode(),
    )


async def household_help(
    story: Story, reference: str, authorities: dict[str, int], service_types: dict[str, int]
) -> int:
    zone = "Europe/Amsterdam"
    officer = story.officer
    start = story.at(160)
    next_year = start.year + 1
    tender_id = await story.create_tender(
        160,
        zone,
        {
            "title": "Hulp bij het huishouden",
            "reference": reference,
            "procedure": "competitive_dialogue",
            "authority_id": authorities["Gemeente Utrecht"],
            "service_type_id": service_types["household_help"],
            "cpv_codes": "98513310-8, 85312000-9",
            "currency": "EUR",
            "estimated_value": "54000000.00",
            "max_candidates": "5",
            "contract_start": f"{next_year}-01-01",
            "contract_end": f"{next_year + 3}-12-31",
            "extension_options": "Twice by two years",
            "budget_line": "6.1.3 Wmo hulp bij het huishouden",
            "description": "Nieuwe contracten voor hulp bij het huishouden, op basis van de door "
            "de gemeenteraad vastgestelde Visie toekomst Hulp bij het Huishouden.",
        },
        deadline_requests=125,
        deadline_questions=60,
        deadline_bids=40,
    )
    lots = [
        await story.add_lot(tender_id, n, title, QUALITY, winners="2")
        for n, title in enumerate(
            ("Noordwest en West", "Zuid en Zuidwest", "Oost en Noordoost", "Binnenstad"), start=1
        )
    ]
    inner_city = lots.pop()  # one bid, knocked out: the lot is declared unsuccessful
    await _selection_guide(story, tender_id, 1)
    await procurement.add_requirement(
        officer, tender_id, "exclusion", "No ground for exclusion (UEA part III)"
    )
    await procurement.add_requirement(
        officer, tender_id, "suitability", "Quality mark HKZ or ISO 9001"
    )
    await service.publish(officer, tender_id)
    story.at(150)
    await _selection_guide(story, tender_id, 2)
    question = await procurement.ask(
        officer, tender_id, "Tzorg", "Mogen wij op meer dan één perceel inschrijven?"
    )
    await procurement.answer(
        officer,
        tender_id,
        question,
        "Ja, op elk perceel; per perceel worden twee aanbieders gegund.",
    )
    candidates = []
    for index, (name, kvk) in enumerate(HOUSEHOLD_HELP_PROVIDERS):
        story.at(140 - index)
        candidates.append(
            await procurement.register_candidate(
                officer,
                tender_id,
                {
                    "name": name,
                    "country": "NL",
                    "registration_number": kvk,
                    "contact_name": "Afdeling contractmanagement",
                    "email": f"inkoop@{name.split()[0].lower()}.example",
                },
            )
        )
    story.at(124)
    await _select(officer, tender_id, candidates)
    await _dialogue(story, tender_id, candidates[:5], zone)
    marks = [(8, 7), (7, 8), (6, 6), (9, 7), (7, 6)]
    prices = ["31.50", "32.75", "29.90", "33.40", "30.80"]  # hourly rates as bid prices
    bid_ids: dict[int, dict[int, tuple[int, int]]] = {lot: {} for lot in lots}
    for lot_number, lot_id in enumerate(lots):
        for index, (name, kvk) in enumerate(HOUSEHOLD_HELP_PROVIDERS[:5]):
            story.at(50 - index - lot_number)
            bid_id = await story.bid(
                tender_id,
                lot_id,
                {"name": name, "country": "NL", "registration_number": kvk},
                str(Decimal(prices[index]) + lot_number),
                (
                    f"inschrijving-{name.split()[0].lower()}-perceel-{lot_number + 1}.pdf",
                    f"Inschrijving {name}",
                ),
            )
            bid_ids[lot_id][bid_id] = marks[(index + lot_number) % 5]
    name, kvk = HOUSEHOLD_HELP_PROVIDERS[4]
    lone_bid = await story.bid(
        tender_id,
        inner_city,
        {"name": name, "country": "NL", "registration_number": kvk},
        "41.00",
        ("inschrijving-binnenstad.pdf", f"Inschrijving {name} Binnenstad"),
    )
    story.at(39)
    await story.open_bids(tender_id)
    story.at(25)
    await bids.knock_out(
        officer,
        tender_id,
        lone_bid,
        "Het tarief ligt boven het maximumtarief van de aanbestedingsleidraad",
    )
    await letters.declare_lot_unsuccessful(
        officer,
        tender_id,
        inner_city,
        "Geen geldige inschrijving: de enige inschrijving is "
        "terzijde gelegd omdat het tarief boven het maximumtarief ligt.",
    )
    story.at(20)
    for lot_id in lots:
        await story.score_lot(tender_id, lot_id, bid_ids[lot_id], QUALITY)
        await story.intend_best(tender_id, lot_id)
    story.at(5, 9)
    await letters.send_award_decisions(officer, tender_id)
    story.at(2)
    await contracting.record_objection(
        officer,
        tender_id,
        HOUSEHOLD_HELP_PROVIDERS[2][0],
        "De prijsformule benadeelt lage tarieven.",
        lots[0],
    )
    return tender_id


async def _select(officer: Principal, tender_id: int, candidates: list[int]) -> None:
    """The preselection: every candidate meets the requirements; the best five go on."""
    requirements = await procurement.requirements(tender_id)
    for index, candidate_id in enumerate(candidates):
        await procurement.assess(
            officer,
            tender_id,
            candidate_id,
            {r["id"]: (True, "UEA and certificate checked") for r in requirements},
        )
        admit = index < 5
        await procurement.decide(
            officer,
            tender_id,
            candidate_id,
            admit,
            ""
            if admit
            else "Lower score on the selection criteria (references); not among the best five",
        )
    await procurement.complete_selection(officer, tender_id)


async def _dialogue(story: Story, tender_id: int, candidates: list[int], zone: str) -> None:
    """Two rounds of dialogue with the shortlisted candidates, then the dialogue closed."""
    officer = story.officer
    story.at(110)
    first = await procurement.add_round(officer, tender_id, "Samenwerking met de buurtteams")
    for index, candidate_id in enumerate(candidates):
        story.at(108 - index)
        await procurement.record_session(
            officer,
            tender_id,
            first,
            {
                "candidate_id": str(candidate_id),
                "held_at": form_time(story.at(108 - index), zone),
                "attendees": "Olga de Vries, Sanne Visser, two of the provider",
                "minutes": "Besproken: signalering en overdracht naar het buurtteam, "
                "inzet van vaste hulpen per wijk.",
            },
        )
    story.at(90)
    second_round = await procurement.add_round(officer, tender_id, "Tarief en kwaliteit")
    for index, candidate_id in enumerate(candidates):
        await procurement.record_session(
            officer,
            tender_id,
            second_round,
            {
                "candidate_id": str(candidate_id),
                "held_at": form_time(story.at(88 - index), zone),
                "attendees": "Olga de Vries, contractmanager",
                "minutes": "Besproken: tariefopbouw, opleidingsniveau en cliënttevredenheid.",
            },
        )
    story.at(70)
    await procurement.close_dialogue(officer, tender_id)


async def day_support(
    story: Story, reference: str, authorities: dict[str, int], service_types: dict[str, int]
) -> int:
    zone = "Europe/Amsterdam"
    officer = story.officer
    start = story.at(400)
    tender_id = await story.create_tender(
        400,
        zone,
        {
            "title": "Dagbegeleiding voor ouderen",
            "reference": reference,
            "procedure": "open",
            "authority_id": authorities["Gemeente Utrecht"],
            "service_type_id": service_types["day_support"],
            "cpv_codes": "85312100-0",
            "currency": "EUR",
            "estimated_value": "21500000.00",
            "contract_start": f"{start.year + 1}-01-01",
            "contract_end": f"{start.year + 3}-12-31",
            "extension_options": "Once by two years",
            "budget_line": "6.1.2 Wmo dagbesteding",
            "description": "Groepsondersteuning voor ouderen, alleen toegankelijk met een "
            "indicatie "
            "via het buurtteam. Raamovereenkomst met dertien aanbieders.",
        },
        deadline_questions=380,
        deadline_bids=360,
    )
    criteria = [QUALITY[0], {**QUALITY[2], "weight": "60"}]
    lot_id = await story.add_lot(
        tender_id, 1, "Dagbegeleiding ouderen, hele stad", criteria, winners="13"
    )
    await service.publish(officer, tender_id)
    marks = {}
    for index, (name, kvk) in enumerate(DAY_SUPPORT_PROVIDERS):
        story.at(375 - index)
        bid_id = await story.bid(
            tender_id,
            lot_id,
            {"name": name, "country": "NL", "registration_number": kvk},
            f"{1_350_000 + (index * 37_500) % 260_000}.00",
            (f"inschrijving-{index + 1}.pdf", name),
        )
        marks[bid_id] = (9 - index % 5, 0)
    story.at(358)
    await story.open_bids(tender_id)
    story.at(340)
    await story.score_lot(tender_id, lot_id, marks, criteria)
    await story.intend_best(tender_id, lot_id)
    story.at(330)
    await letters.send_award_decisions(officer, tender_id)
    story.at(300)
    await service.award(officer, tender_id)
    story.at(290)
    for winner in await bids.winners(officer, tender_id):
        await contracting.record_contract(
            officer,
            tender_id,
            winner["id"],
            {
                "value": str(winner["price"]),
                "start": f"{start.year + 1}-01-01",
                "end": f"{start.year + 3}-12-31",
                "signed_on": utc_to_local(story.clock.now(), zone).date().isoformat(),
            },
        )
    await service.conclude_contracts(officer, tender_id)
    return tender_id


async def draft(
    story: Story, reference: str, authorities: dict[str, int], service_types: dict[str, int]
) -> int:
    """A tender still being drafted: one lot, its criteria being set."""
    story.at(3)
    tender_id = await story.create_tender(
        3,
        "Europe/Amsterdam",
        {
            "title": "Respijtzorg voor mantelzorgers",
            "reference": reference,
            "procedure": "open",
            "authority_id": authorities["Gemeente Utrecht"],
            "service_type_id": service_types["respite_care"],
            "cpv_codes": "85312000-9",
            "currency": "EUR",
            "estimated_value": "3200000.00",
            "description": "Kortdurend verblijf en respijt aan huis, zodat mantelzorgers op adem "
            "kunnen komen.",
        },
        deadline_questions=-30,
        deadline_bids=-45,
    )
    await story.add_lot(tender_id, 1, "Respijt aan huis", [{**QUALITY[0], "weight": "100"}])
    return tender_id
