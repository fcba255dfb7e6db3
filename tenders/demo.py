"""Demo tenders from the source documents, spread over the phases (safe to repeat).

- Utrecht, household help ("Hulp bij het huishouden"): competitive dialogue with three district
  lots; seven candidates of whom five are shortlisted; dialogue, questions, bids, evaluation
  and award intent, its standstill period running.
- Utrecht, day support for the elderly ("Dagbegeleiding voor ouderen"): one lot, thirteen
  winners, contracted.
- Wrocław Functional Area: respite care and personal assistance, social-services light
  regime, a joint procurement of fifteen municipalities with shares, in PLN; bids sealed. Run by
  the Polish officer, in Polish.
- Wrocław Functional Area, personal assistance (asystencja osobista): an open procedure of the
  fifteen municipalities played through to the award decisions: one offer rejected, the notice
  of the choice of the most advantageous offer sent in Polish (every offer's points, the
  standstill of Pzp art. 264, the odwołanie to the KIO) and its standstill running.
- Botkyrka: the earlier review of its elderly care, awarded to Ramboll with the Swedish letters
  sent three days ago (the avtalsspärr of LOU 20 kap. runs); and the review of the needs
  assessment and housing support (SEK), bids opened; one lot being scored, the other's quality
  scores final. Run by the Swedish officer, in Swedish.
- Utrecht, respite care: a draft, its criteria being set.

The procedures are played through the services on a clock set in the past, so every step is
checked and audited as it would be live. Registration numbers pass their check digits but are
illustrative.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

from stdnum import luhn
from stdnum.pl import regon

from accounts.service import load_principal
from accounts.tables import User
from common.clock import FixedClock, use_clock
from common.identity import Principal
from common.localtime import utc_to_local
from common.refs import SubjectRef
from scoring import service as scoring
from scoring import sheets
from tenders import bids, contracting, letters, openings, procurement, service
from tenders.tables import Tender

QUALITY = [
    {
        "name": "Plan of approach",
        "kind": "quality",
        "weight": "40",
        "scale_type": "range",
        "scale_min": "0",
        "scale_max": "10",
        "scale_step": "1",
    },
    {
        "name": "Cooperation with the district teams",
        "kind": "quality",
        "weight": "30",
        "scale_type": "range",
        "scale_min": "0",
        "scale_max": "10",
        "scale_step": "1",
    },
    {"name": "Price", "kind": "price", "weight": "30", "formula": "relative_lowest"},
]

# The same criteria as the Polish and the Swedish authorities write them.
QUALITY_PL = [
    {**QUALITY[0], "name": "Koncepcja realizacji usługi"},
    {**QUALITY[1], "name": "Współpraca z ośrodkami pomocy społecznej"},
    {**QUALITY[2], "name": "Cena"},
]
QUALITY_SV = [
    {**QUALITY[0], "name": "Genomförandeplan"},
    {**QUALITY[1], "name": "Samverkan med förvaltningen"},
    {**QUALITY[2], "name": "Pris"},
]
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
WROCLAW_SHARES = {
    "Gmina Wrocław": "48.00",
    "Gmina Długołęka": "6.00",
    "Gmina Kobierzyce": "6.00",
    "Gmina Kąty Wrocławskie": "5.00",
    "Gmina Siechnice": "5.00",
    "Gmina Miasto Oleśnica": "4.50",
    "Gmina Miasto Oława": "4.00",
    "Gmina Trzebnica": "3.50",
    "Gmina Oborniki Śląskie": "3.00",
    "Gmina Czernica": "3.00",
    "Gmina Jelcz-Laskowice": "3.00",
    "Gmina Miękinia": "2.50",
    "Gmina Sobótka": "2.00",
    "Gmina Wisznia Mała": "2.00",
    "Gmina Żórawina": "2.50",
}
WROCLAW_NGOS = [
    "Fundacja Aktywizacja",
    "Stowarzyszenie Na Rzecz Osób Niepełnosprawnych",
    "Fundacja Opieki Wytchnieniowej",
    "Caritas Archidiecezji Wrocławskiej",
]
# (name, address, contact person) of the providers of personal assistance.
WROCLAW_ASSISTANCE = [
    ("Fundacja „Razem dla Samodzielności”", "ul. Kościuszki 12\n50-038 Wrocław", "Jan Nowak"),
    ("Stowarzyszenie Asystentów Osobistych", "ul. Legnicka 55\n54-203 Wrocław", "Ewa Zielińska"),
    (
        "Spółdzielnia Socjalna „Pomocna Dłoń”",
        "ul. Rynek 4\n55-080 Kąty Wrocławskie",
        "Marek Lewandowski",
    ),
    (
        "Centrum Usług Opiekuńczych Sp. z o.o.",
        "ul. Wrocławska 20\n55-011 Siechnice",
        "Piotr Kamiński",
    ),
]
# Ramboll carried out the review (the source document); the others bid against it.
BOTKYRKA_CONSULTANTS = [
    "Ramboll Sverige AB",
    "Ensolution AB",
    "Public Partner AB",
    "Rådgivarna i Sverige AB",
]
# What the evaluators write, and the officer about the winning bid, in the tender's language.
JUSTIFICATIONS = {
    "nl": "Concreet, met voorbeelden uit de wijken",
    "pl": "Konkretnie, z przykładami z gmin",
    "sv": "Konkret, med exempel från förvaltningens verksamhet",
}
ADVANTAGES = {
    "nl": "De winnende inschrijving scoort het hoogst op het plan van aanpak: vaste begeleiders "
    "per wijk, een uitgewerkte inzet van vrijwilligers en de kortste reactietijd bij spoed.",
    "sv": "Det vinnande anbudet har den bästa genomförandeplanen: intervjuer med handläggare, "
    "utförare och brukare i varje verksamhet, en jämförelse med liknande kommuner och "
    "rekommendationer som nämnden kan följa upp.",
}


def _regon(seed: int) -> str:
    """A nine-digit REGON with a correct check digit."""
    body = f"{93000000 + seed * 7919:08d}"[:8]
    return body + regon.calc_check_digit(body)


def _orgnr(seed: int) -> str:
    """A Swedish organisation number (aktiebolag, 556...) with its Luhn check digit."""
    body = f"556{seed * 104729 % 1000000:06d}"
    return body + luhn.calc_check_digit(body)


def _local(moment: datetime, zone: str) -> str:
    return utc_to_local(moment, zone).strftime("%Y-%m-%dT%H:%M")


class Story:
    """Plays a procedure through the services on a clock that moves forward from the past."""

    def __init__(
        self,
        clock: FixedClock,
        officer: Principal,
        second: Principal,
        evaluators: list[Principal],
        language: str = "nl",
    ) -> None:
        self.clock = clock
        self.officer = officer
        self.second = second
        self.evaluators = evaluators
        self.justification = JUSTIFICATIONS[language]
        self.advantages = ADVANTAGES.get(language, ADVANTAGES["nl"])

    def at(self, days_ago: float, hour: int = 10) -> datetime:
        now = datetime.now(UTC).replace(minute=0, second=0, microsecond=0)
        moment = (now - timedelta(days=days_ago)).replace(hour=hour)
        self.clock.set(moment)
        return moment

    async def score_lot(
        self,
        tender_id: int,
        lot_id: int,
        marks: dict[int, tuple[int, int]],
        criteria: list[dict[str, Any]],
        confirm: bool = True,
        justification: str = "",
    ) -> int:
        """Every evaluator scores every bid of the lot; quality final, ranking confirmed
        (unless ``confirm`` is false: then the evaluation stays at "quality final")."""
        lot = await service.get_lot_row(tender_id, lot_id)
        evaluation_id = lot["evaluation_id"]
        tree = await scoring.criteria(self.officer, evaluation_id)
        if not tree.criteria:
            await scoring.replace_criteria(self.officer, evaluation_id, criteria)
        await scoring.freeze_criteria(self.officer, evaluation_id)
        subjects = {s.ref: s for s in await scoring.list_subjects(self.officer, evaluation_id)}
        ids = {c.name: c.id for c in (await scoring.criteria(self.officer, evaluation_id)).criteria}
        quality = [c["name"] for c in criteria if c["kind"] == "quality"]
        for offset, evaluator in enumerate(self.evaluators):
            await scoring.assign(self.officer, evaluation_id, evaluator.id)
            await sheets.declare(
                evaluator, evaluation_id, {s.id: ("none", "") for s in subjects.values()}
            )
            for bid_id, values in marks.items():
                scores = {
                    ids[name]: (
                        str(max(0, min(10, value + (offset % 2)))),
                        justification or self.justification,
                    )
                    for name, value in zip(quality, values, strict=False)
                }
                await sheets.save_scores(
                    evaluator, evaluation_id, subjects[f"bid:{bid_id}"].code, scores
                )
            await sheets.submit_sheet(evaluator, evaluation_id)
        await scoring.finalise_quality(self.officer, evaluation_id)
        if not confirm:
            return evaluation_id
        if (await scoring.get_evaluation(self.officer, evaluation_id)).options.two_envelope:
            await openings.approve_price_opening(self.officer, tender_id, lot_id)  # four eyes
            await openings.approve_price_opening(self.second, tender_id, lot_id)
        await scoring.confirm_ranking(self.officer, evaluation_id)
        return evaluation_id

    async def intend_best(self, tender_id: int, lot_id: int, advantages: str = "") -> None:
        lot = await service.get_lot_row(tender_id, lot_id)
        result = await scoring.ranking(self.officer, lot["evaluation_id"])
        best = [SubjectRef.parse(s.ref).id for s in result.subjects if s.winner]
        await bids.choose_award(
            self.officer, tender_id, lot_id, best, advantages=advantages or self.advantages
        )

    async def open_bids(self, tender_id: int) -> None:
        await openings.approve_opening(self.officer, tender_id)
        await openings.approve_opening(self.second, tender_id)


async def _principal(email: str) -> Principal:
    row = await User.select(User.id).where(User.email == email).first()
    assert row is not None, f"demo user {email} is missing"
    found = await load_principal(row["id"])
    assert found is not None
    return found


@contextmanager
def _travel() -> Iterator[FixedClock]:
    with use_clock(FixedClock(datetime.now(UTC))) as clock:
        yield clock  # type: ignore[misc]


async def load(
    authorities: dict[str, int], service_types: dict[str, int], progress: Callable[[str], None]
) -> list[int]:
    """Create the demo tenders that are missing; returns their ids."""
    officer = await _principal("officer@tenderdesk.example")
    second = await _principal("officer2@tenderdesk.example")
    utrecht_panel = [
        await _principal("evaluator@tenderdesk.example"),
        await _principal("evaluator2@tenderdesk.example"),
    ]
    polish = await _principal("officer.pl@tenderdesk.example")
    swedish = await _principal("officer.se@tenderdesk.example")
    loaders = [
        ("UTR-2021-HBH", _household_help, officer, utrecht_panel, "nl"),
        ("UTR-2020-DBO", _day_support, officer, utrecht_panel[:1], "nl"),
        ("WROF-2021-OW", _wroclaw, polish, [], "pl"),
        (
            "BOT-2018-GA",
            _botkyrka_elderly_care,
            swedish,
            [await _principal("evaluator5@tenderdesk.example")],
            "sv",
        ),
        (
            "WROF-2022-AO",
            _wroclaw_assistance,
            polish,
            [await _principal("evaluator4@tenderdesk.example")],
            "pl",
        ),
        (
            "BOT-2023-GL",
            _botkyrka,
            swedish,
            [await _principal("evaluator5@tenderdesk.example")],
            "sv",
        ),
        ("UTR-2027-RSP", _draft, officer, [], "nl"),
    ]
    ids = []
    for reference, loader, lead, panel, language in loaders:
        existing = await Tender.select(Tender.id).where(Tender.reference == reference).first()
        if existing is not None:
            ids.append(existing["id"])
            continue
        progress(f"Demo data: tender {reference} ...")
        with _travel() as clock:
            story = Story(clock, lead, second, panel, language)
            ids.append(await loader(story, reference, authorities, service_types))
    return ids


async def _household_help(
    story: Story, reference: str, authorities: dict[str, int], service_types: dict[str, int]
) -> int:
    zone = "Europe/Amsterdam"
    officer = story.officer
    start = story.at(160)
    next_year = start.year + 1
    tender_id = await service.create_tender(
        officer,
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
            "deadline_requests": _local(story.at(125, 12), zone),
            "deadline_questions": _local(story.at(60, 12), zone),
            "deadline_bids": _local(story.at(40, 12), zone),
        },
    )
    story.at(160)
    lots = [
        await service.add_lot(
            officer, tender_id, {"number": str(n), "title": title, "winners": "2"}
        )
        for n, title in enumerate(
            ("Noordwest en West", "Zuid en Zuidwest", "Oost en Noordoost", "Binnenstad"), start=1
        )
    ]
    inner_city = lots.pop()  # one bid, knocked out: the lot is declared unsuccessful
    for lot_id in [*lots, inner_city]:
        lot = await service.get_lot_row(tender_id, lot_id)
        await scoring.replace_criteria(officer, lot["evaluation_id"], QUALITY)
    await service.upload_document(
        officer,
        tender_id,
        "Selectieleidraad",
        "selectieleidraad.pdf",
        "application/pdf",
        b"%PDF-1.4 Selectieleidraad HbH v1",
    )
    await procurement.add_requirement(
        officer, tender_id, "exclusion", "No ground for exclusion (UEA part III)"
    )
    await procurement.add_requirement(
        officer, tender_id, "suitability", "Quality mark HKZ or ISO 9001"
    )
    await service.publish(officer, tender_id)
    story.at(150)
    await service.upload_document(
        officer,
        tender_id,
        "Selectieleidraad",
        "selectieleidraad.pdf",
        "application/pdf",
        b"%PDF-1.4 Selectieleidraad HbH v2",
    )
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
    story.at(110)
    first = await procurement.add_round(officer, tender_id, "Samenwerking met de buurtteams")
    for index, candidate_id in enumerate(candidates[:5]):
        story.at(108 - index)
        await procurement.record_session(
            officer,
            tender_id,
            first,
            {
                "candidate_id": str(candidate_id),
                "held_at": _local(story.at(108 - index), zone),
                "attendees": "Olga de Vries, Sanne Visser, two of the provider",
                "minutes": "Besproken: signalering en overdracht naar het buurtteam, "
                "inzet van vaste hulpen per wijk.",
            },
        )
    story.at(90)
    second_round = await procurement.add_round(officer, tender_id, "Tarief en kwaliteit")
    for index, candidate_id in enumerate(candidates[:5]):
        await procurement.record_session(
            officer,
            tender_id,
            second_round,
            {
                "candidate_id": str(candidate_id),
                "held_at": _local(story.at(88 - index), zone),
                "attendees": "Olga de Vries, contractmanager",
                "minutes": "Besproken: tariefopbouw, opleidingsniveau en cliënttevredenheid.",
            },
        )
    story.at(70)
    await procurement.close_dialogue(officer, tender_id)
    marks = [(8, 7), (7, 8), (6, 6), (9, 7), (7, 6)]
    prices = ["31.50", "32.75", "29.90", "33.40", "30.80"]  # hourly rates as bid prices
    bid_ids: dict[int, dict[int, tuple[int, int]]] = {lot: {} for lot in lots}
    for lot_number, lot_id in enumerate(lots):
        for index, (name, kvk) in enumerate(HOUSEHOLD_HELP_PROVIDERS[:5]):
            story.at(50 - index - lot_number)
            bid_id = await bids.register_bid(
                officer,
                tender_id,
                lot_id,
                {
                    "name": name,
                    "country": "NL",
                    "registration_number": kvk,
                    "price": str(Decimal(prices[index]) + lot_number),
                },
                [
                    (
                        f"inschrijving-{name.split()[0].lower()}-perceel-{lot_number + 1}.pdf",
                        "application/pdf",
                        f"%PDF-1.4 Inschrijving {name}".encode(),
                    )
                ],
            )
            bid_ids[lot_id][bid_id] = marks[(index + lot_number) % 5]
    name, kvk = HOUSEHOLD_HELP_PROVIDERS[4]
    lone_bid = await bids.register_bid(
        officer,
        tender_id,
        inner_city,
        {"name": name, "country": "NL", "registration_number": kvk, "price": "41.00"},
        [
            (
                "inschrijving-binnenstad.pdf",
                "application/pdf",
                f"%PDF-1.4 Inschrijving {name} Binnenstad".encode(),
            )
        ],
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


async def _day_support(
    story: Story, reference: str, authorities: dict[str, int], service_types: dict[str, int]
) -> int:
    zone = "Europe/Amsterdam"
    officer = story.officer
    start = story.at(400)
    tender_id = await service.create_tender(
        officer,
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
            "deadline_questions": _local(story.at(380, 12), zone),
            "deadline_bids": _local(story.at(360, 12), zone),
        },
    )
    story.at(400)
    lot_id = await service.add_lot(
        officer,
        tender_id,
        {"number": "1", "title": "Dagbegeleiding ouderen, hele stad", "winners": "13"},
    )
    lot = await service.get_lot_row(tender_id, lot_id)
    criteria = [QUALITY[0], {**QUALITY[2], "weight": "60"}]
    await scoring.replace_criteria(officer, lot["evaluation_id"], criteria)
    await service.publish(officer, tender_id)
    marks = {}
    for index, (name, kvk) in enumerate(DAY_SUPPORT_PROVIDERS):
        story.at(375 - index)
        bid_id = await bids.register_bid(
            officer,
            tender_id,
            lot_id,
            {
                "name": name,
                "country": "NL",
                "registration_number": kvk,
                "price": f"{1_350_000 + (index * 37_500) % 260_000}.00",
            },
            [(f"inschrijving-{index + 1}.pdf", "application/pdf", f"%PDF-1.4 {name}".encode())],
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


async def _wroclaw(
    story: Story, reference: str, authorities: dict[str, int], service_types: dict[str, int]
) -> int:
    zone = "Europe/Warsaw"
    officer = story.officer
    story.at(30)
    tender_id = await service.create_tender(
        officer,
        {
            "title": "Opieka wytchnieniowa i asystentura we Wrocławskim Obszarze Funkcjonalnym",
            "reference": reference,
            "procedure": "light_regime",
            "authority_id": authorities["Gmina Wrocław"],
            "service_type_id": service_types["respite_care"],
            "cpv_codes": "85312000-9, 85311200-4",
            "currency": "PLN",
            "estimated_value": "18400000.00",
            "two_envelope": "on",
            "budget_line": "852-85228 Usługi opiekuńcze",
            "description": "Wspólne zamówienie 15 gmin WrOF: opieka wytchnieniowa (dzienna, "
            "całodobowa, w domu i w ośrodku) oraz asystentura osobista, "
            "współfinansowane z RPO WD 2021-2027 i wkładów własnych gmin.",
            "deadline_questions": _local(story.at(-10, 12), zone),
            "deadline_bids": _local(story.at(-20, 12), zone),
        },
    )
    story.at(30)
    await service.set_authorities(
        officer, tender_id, {authorities[name]: share for name, share in WROCLAW_SHARES.items()}
    )
    lots = [
        await service.add_lot(
            officer, tender_id, {"number": str(n), "title": title, "winners": "3"}
        )
        for n, title in enumerate(("Opieka wytchnieniowa", "Asystentura osobista"), start=1)
    ]
    for lot_id in lots:
        lot = await service.get_lot_row(tender_id, lot_id)
        await scoring.replace_criteria(officer, lot["evaluation_id"], QUALITY_PL)
    await service.publish(officer, tender_id)
    for index, name in enumerate(WROCLAW_NGOS):
        story.at(20 - index * 3)
        await bids.register_bid(
            officer,
            tender_id,
            lots[index % 2],
            {
                "name": name,
                "country": "PL",
                "registration_number": _regon(index + 1),
                "price": f"{4_200_000 + index * 310_000}.00",
            },
            [("oferta.pdf", "application/pdf", f"%PDF-1.4 Oferta {name}".encode())],
            price_files=[
                (
                    "formularz-cenowy.pdf",
                    "application/pdf",
                    f"%PDF-1.4 Formularz cenowy {name}".encode(),
                )
            ],
        )
    await procurement.ask(
        officer, tender_id, WROCLAW_NGOS[0], "Czy wkład własny gmin obejmuje koszty transportu?"
    )
    return tender_id


async def _wroclaw_assistance(
    story: Story, reference: str, authorities: dict[str, int], service_types: dict[str, int]
) -> int:
    """The notice of the choice of the most advantageous offer (Pzp art. 253), sent three days
    ago: its ten-day standstill runs."""
    zone = "Europe/Warsaw"
    officer = story.officer
    start = story.at(75)
    tender_id = await service.create_tender(
        officer,
        {
            "title": "Asystencja osobista osób z niepełnosprawnościami we Wrocławskim Obszarze "
            "Funkcjonalnym",
            "reference": reference,
            "procedure": "open",
            "authority_id": authorities["Gmina Wrocław"],
            "service_type_id": service_types["personal_assistance"],
            "cpv_codes": "85311200-4",
            "currency": "PLN",
            "estimated_value": "6200000.00",
            "contract_start": f"{start.year + 1}-01-01",
            "contract_end": f"{start.year + 2}-12-31",
            "budget_line": "852-85295 Asystencja osobista",
            "description": "Usługi asystencji osobistej dla osób z niepełnosprawnościami w 15 "
            "gminach WrOF, współfinansowane z programu Fundusze Europejskie dla "
            "Dolnego Śląska 2021-2027 i z wkładów własnych gmin.",
            "deadline_questions": _local(story.at(45, 12), zone),
            "deadline_bids": _local(story.at(38, 12), zone),
        },
    )
    story.at(75)
    await service.set_authorities(
        officer, tender_id, {authorities[name]: share for name, share in WROCLAW_SHARES.items()}
    )
    lot_id = await service.add_lot(
        officer, tender_id, {"number": "1", "title": "Asystencja osobista w 15 gminach WrOF"}
    )
    lot = await service.get_lot_row(tender_id, lot_id)
    await scoring.replace_criteria(officer, lot["evaluation_id"], QUALITY_PL)
    await service.publish(officer, tender_id)
    story.at(60)
    question = await procurement.ask(
        officer,
        tender_id,
        WROCLAW_ASSISTANCE[1][0],
        "Czy asystent może świadczyć usługi w dwóch gminach?",
    )
    await procurement.answer(
        officer,
        tender_id,
        question,
        "Tak, pod warunkiem zachowania wymiaru godzin w każdej z nich.",
    )
    marks, rejected = {}, 0
    for index, (name, address, contact) in enumerate(WROCLAW_ASSISTANCE):
        story.at(50 - index)
        bid_id = await bids.register_bid(
            officer,
            tender_id,
            lot_id,
            {
                "name": name,
                "country": "PL",
                "registration_number": _regon(11 + index),
                "address": address,
                "contact_name": contact,
                "email": f"biuro{index + 1}@asystencja.example",
                "price": f"{5_650_000 + index * 215_000}.00",
            },
            [("oferta.pdf", "application/pdf", f"%PDF-1.4 Oferta {name}".encode())],
        )
        marks[bid_id] = ((8, 7), (7, 8), (6, 6), (5, 5))[index]
        rejected = bid_id
    story.at(37)
    await story.open_bids(tender_id)
    story.at(20)
    evaluation_id = await story.score_lot(
        tender_id,
        lot_id,
        marks,
        QUALITY_PL,
        confirm=False,
        justification="Konkretna koncepcja, z przykładami z gmin WrOF",
    )
    await bids.knock_out(
        officer,
        tender_id,
        rejected,
        "Oferta odrzucona na podstawie art. 226 ust. 1 pkt 5 Pzp: jej treść "
        "jest niezgodna z warunkami zamówienia (brak asystentów z wymaganym "
        "doświadczeniem).",
    )
    await scoring.confirm_ranking(officer, evaluation_id)
    await story.intend_best(
        tender_id,
        lot_id,
        advantages=(
            "Oferta najkorzystniejsza uzyskała najwięcej punktów za koncepcję realizacji usługi: "
            "stały asystent dla każdego uczestnika i dyżur w weekendy."
        ),
    )
    story.at(3, 9)
    await letters.send_award_decisions(officer, tender_id)
    return tender_id


async def _botkyrka(
    story: Story, reference: str, authorities: dict[str, int], service_types: dict[str, int]
) -> int:
    zone = "Europe/Stockholm"
    officer = story.officer
    story.at(70)
    tender_id = await service.create_tender(
        officer,
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
            "deadline_questions": _local(story.at(45, 12), zone),
            "deadline_bids": _local(story.at(35, 12), zone),
        },
    )
    story.at(70)
    lot_id = await service.add_lot(officer, tender_id, {"number": "1", "title": "Genomlysning"})
    # A second lot, scored already: its evaluation waits at "quality final".
    follow_up = await service.add_lot(officer, tender_id, {"number": "2", "title": "Uppföljning"})
    lot = await service.get_lot_row(tender_id, lot_id)
    for each in (lot_id, follow_up):
        row = await service.get_lot_row(tender_id, each)
        await scoring.replace_criteria(officer, row["evaluation_id"], QUALITY_SV)
    await service.publish(officer, tender_id)
    marks: dict[int, tuple[int, int]] = {}
    for index, name in enumerate(BOTKYRKA_CONSULTANTS):
        story.at(50 - index)
        await bids.register_bid(
            officer,
            tender_id,
            lot_id,
            {
                "name": name,
                "country": "SE",
                "registration_number": _orgnr(index + 1),
                "price": f"{780_000 + index * 65_000}.00",
            },
            [("anbud.pdf", "application/pdf", f"%PDF-1.4 Anbud {name}".encode())],
        )
        bid_id = await bids.register_bid(
            officer,
            tender_id,
            follow_up,
            {
                "name": name,
                "country": "SE",
                "registration_number": _orgnr(index + 1),
                "price": f"{240_000 + index * 15_000}.00",
            },
            [("anbud-uppfoljning.pdf", "application/pdf", f"%PDF-1.4 Anbud {name}".encode())],
        )
        marks[bid_id] = (7 + index % 3, 6 + index % 2)
    story.at(34)
    await story.open_bids(tender_id)
    story.at(30)
    await story.score_lot(tender_id, follow_up, marks, QUALITY_SV, confirm=False)
    evaluation_id = lot["evaluation_id"]
    await scoring.freeze_criteria(officer, evaluation_id)
    for evaluator in story.evaluators:
        await scoring.assign(officer, evaluation_id, evaluator.id)
    return tender_id


async def _botkyrka_elderly_care(
    story: Story, reference: str, authorities: dict[str, int], service_types: dict[str, int]
) -> int:
    """The review of äldreomsorgen the nämnd bought before (the source document): scored,
    awarded to Ramboll, the underrättelser om tilldelningsbeslut sent three days ago in Swedish;
    the avtalsspärr runs (15 days: the consultants have no e-mail address, so the letters go by
    post)."""
    zone = "Europe/Stockholm"
    officer = story.officer
    story.at(60)
    tender_id = await service.create_tender(
        officer,
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
            "deadline_questions": _local(story.at(40, 12), zone),
            "deadline_bids": _local(story.at(30, 12), zone),
        },
    )
    story.at(60)
    lot_id = await service.add_lot(
        officer, tender_id, {"number": "1", "title": "Genomlysning äldreomsorg"}
    )
    lot = await service.get_lot_row(tender_id, lot_id)
    await scoring.replace_criteria(officer, lot["evaluation_id"], QUALITY_SV)
    await service.publish(officer, tender_id)
    marks: dict[int, tuple[int, int]] = {}
    for index, name in enumerate(BOTKYRKA_CONSULTANTS):
        story.at(45 - index)
        bid_id = await bids.register_bid(
            officer,
            tender_id,
            lot_id,
            {
                "name": name,
                "country": "SE",
                "registration_number": _orgnr(index + 1),
                "price": f"{560_000 + index * 40_000}.00",
            },
            [("anbud.pdf", "application/pdf", f"%PDF-1.4 Anbud {name}".encode())],
        )
        marks[bid_id] = (9 - index, 8 - index % 2)
    story.at(29)
    await story.open_bids(tender_id)
    story.at(10)
    await story.score_lot(tender_id, lot_id, marks, QUALITY_SV)
    await story.intend_best(tender_id, lot_id)
    story.at(3)
    await letters.send_award_decisions(officer, tender_id)
    return tender_id


async def _draft(
    story: Story, reference: str, authorities: dict[str, int], service_types: dict[str, int]
) -> int:
    """A tender still being drafted: one lot, its criteria being set."""
    zone = "Europe/Amsterdam"
    officer = story.officer
    story.at(3)
    tender_id = await service.create_tender(
        officer,
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
            "deadline_questions": _local(story.at(-30, 12), zone),
            "deadline_bids": _local(story.at(-45, 12), zone),
        },
    )
    story.at(3)
    lot_id = await service.add_lot(officer, tender_id, {"number": "1", "title": "Respijt aan huis"})
    lot = await service.get_lot_row(tender_id, lot_id)
    await scoring.replace_criteria(officer, lot["evaluation_id"], [{**QUALITY[0], "weight": "100"}])
    return tender_id
