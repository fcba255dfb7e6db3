"""The Wrocław Functional Area's demo tenders, run by the Polish officer in Polish: respite care
and personal assistance procured jointly by fifteen municipalities (light regime, shares, PLN,
bids sealed), and personal assistance played through to the notice of the choice of the most
advantageous offer, its standstill running."""

from __future__ import annotations

from stdnum.pl import regon

from common.identity import Principal
from scoring import service as scoring
from tenders import bids, letters, procurement, service
from tenders.demo.story import QUALITY_PL, Story

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


def _regon(seed: int) -> str:
    """A nine-digit REGON with a correct check digit."""
    body = f"{93000000 + seed * 7919:08d}"[:8]
    return body + regon.calc_check_digit(body)


async def respite_care(
    story: Story, reference: str, authorities: dict[str, int], service_types: dict[str, int]
) -> int:
    officer = story.officer
    story.at(30)
    tender_id = await story.create_tender(
        30,
        "Europe/Warsaw",
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
        },
        deadline_questions=-10,
        deadline_bids=-20,
    )
    await _share(officer, tender_id, authorities)
    lots = [
        await story.add_lot(tender_id, n, title, QUALITY_PL, winners="3")
        for n, title in enumerate(("Opieka wytchnieniowa", "Asystentura osobista"), start=1)
    ]
    await service.publish(officer, tender_id)
    for index, name in enumerate(WROCLAW_NGOS):
        story.at(20 - index * 3)
        await story.bid(
            tender_id,
            lots[index % 2],
            {"name": name, "country": "PL", "registration_number": _regon(index + 1)},
            f"{4_200_000 + index * 310_000}.00",
            ("oferta.pdf", f"Oferta {name}"),
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


async def _share(officer: Principal, tender_id: int, authorities: dict[str, int]) -> None:
    """The fifteen municipalities procure together, each with its share."""
    await service.set_authorities(
        officer, tender_id, {authorities[name]: share for name, share in WROCLAW_SHARES.items()}
    )


async def personal_assistance(
    story: Story, reference: str, authorities: dict[str, int], service_types: dict[str, int]
) -> int:
    """The notice of the choice of the most advantageous offer (Pzp art. 253), sent three days
    ago: its ten-day standstill runs."""
    officer = story.officer
    start = story.at(75)
    tender_id = await story.create_tender(
        75,
        "Europe/Warsaw",
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
        },
        deadline_questions=45,
        deadline_bids=38,
    )
    await _share(officer, tender_id, authorities)
    lot_id = await story.add_lot(tender_id, 1, "Asystencja osobista w 15 gminach WrOF", QUALITY_PL)
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
        bid_id = await story.bid(
            tender_id,
            lot_id,
            {
                "name": name,
                "country": "PL",
                "registration_number": _regon(11 + index),
                "address": address,
                "contact_name": contact,
                "email": f"biuro{index + 1}@asystencja.example",
            },
            f"{5_650_000 + index * 215_000}.00",
            ("oferta.pdf", f"Oferta {name}"),
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
