"""Demo subsidy rounds from the source documents (safe to load again: existing rounds are kept).

- Utrecht's "Sociale Prestatie en Dagondersteuning 2021": EUR, ranking, 42 applications from
  informal-care and welfare organisations (names after those in Utrecht's informal-care network;
  registration numbers illustrative), two ineligible, reviewed on two criteria, about thirty
  granted under the ceiling, advances paid.
- Socialstyrelsen's pool for self-assessment trials in elderly home care: DKK, Vesthimmerland's
  "Borger før opgave" (DKK 1.4 m, 2022-11-01 to 2025-12-31), yearly instalments and status
  reports; the first instalment paid.
- An Utrecht first-come-first-served round for informal-care initiatives that ran out of
  budget, with a lottery among those complete on that day.
- Utrecht rounds around today in the phases before a decision: one in draft (its window still
  ahead), one open (applications coming in, some checked) and one closed (its window passed
  last week, applications waiting to be checked).
- Gmina Wrocław's open call for proposals (otwarty konkurs ofert) for respite care by NGOs, in
  PLN, run by the Polish officer and scored by the Polish evaluator: one offer formally
  rejected, one below the minimum score, the rest granted under the ceiling until it ran out;
  the results in Polish under the act on public benefit activity (no appeal; an agreement).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

from stdnum.pl import nip

from accounts.service import load_principal
from accounts.tables import User
from common import clock
from common.identity import Principal
from common.localtime import utc_to_local
from scoring import service as scoring
from scoring import sheets
from subsidies import letters, service
from subsidies.deadlines import ROUND_KEY, SOURCE
from subsidies.tables import SubsidyRound

OFFICER = "officer@tenderdesk.example"
DANISH_OFFICER = "officer.dk@tenderdesk.example"
POLISH_OFFICER = "officer.pl@tenderdesk.example"
EVALUATOR = "evaluator@tenderdesk.example"
POLISH_EVALUATOR = "evaluator4@tenderdesk.example"

HEADERS = [
    "Organisation",
    "Country",
    "Registration number",
    "IBAN",
    "Contact name",
    "Contact email",
    "Title",
    "Requested",
    "Own contribution",
    "Activity plan",
    "Target group",
    "Districts",
    "Expected participants",
    "Submitted at",
    "Contact form of address",
]

UTRECHT_ORGANISATIONS = [
    "InteraktContour",
    "Buurthuis de Paraplu",
    "Al Amal",
    "Abrona",
    "De Wilg",
    "WIJ3.0",
    "Mantelzorg Match Utrecht",
    "Bijzonder Vrijwilligers",
    "Netwerk Informele Zorg Utrecht",
    "Stichting Sociaal Makelaars Utrecht",
    "Buurtteam Overvecht Sociaal",
    "Stichting Al Amal Ouderen",
    "Humanitas Utrecht",
    "Vrijwilligers Centrale Utrecht",
    "Stichting Dagbesteding Zuilen",
    "Ouderenwerk Kanaleneiland",
    "Stichting Welzijn Leidsche Rijn",
    "Wijkcentrum Hoograven",
    "Stichting Ontmoeting Lunetten",
    "Alzheimer Café Utrecht",
    "Stichting Mantelzorg Utrecht-Oost",
    "Odensehuis Utrecht",
    "Buurtkamer Zuilen",
    "Stichting Present Utrecht",
    "Tussenvoorziening Dagactiviteiten",
    "Stichting Kwartiermaken",
    "Moviera Ontmoeting",
    "Stichting Wandelmaatjes Utrecht",
    "Huiskamer Tuindorp",
    "Stichting Buurtpension",
    "Inloophuis De Pauluskerk",
    "Stichting Senioren Vleuten-De Meern",
    "Cliënt en Mantelzorg Utrecht-West",
    "Stichting Samen Eten Ondiep",
    "Repaircafé Ouderenwerk",
    "De Kas Dagbesteding",
    "Stichting Jong Mantelzorg Utrecht",
    "Buurtsportcoach Ontmoeting",
    "Lief en Leed Overvecht",
    "Stichting Tuinen van de Wijk",
    "Atelier Sociaal Werk",
    "Stichting Beweegmaatjes",
]
DISTRICTS = [
    "Overvecht",
    "Zuilen",
    "Kanaleneiland",
    "Leidsche Rijn",
    "Vleuten-De Meern",
    "Noordoost",
    "Oost",
    "Binnenstad",
    "Zuid",
    "Zuidwest",
    "West",
    "Noordwest",
]

DANISH_APPLICANTS = [
    (
        "Vesthimmerlands Kommune",
        "29189587",
        "1400000",
        "Borger før opgave: selvvisitering i hjemmeplejen, med borgerens egne mål først",
    ),
    ("Rebild Kommune (illustrativ)", "29189595", "1150000", "Selvvisitering til praktisk hjælp"),
    (
        "Mariagerfjord Kommune (illustrativ)",
        "29189609",
        "980000",
        "Borgerstyret hverdagsrehabilitering",
    ),
    (
        "Jammerbugt Kommune (illustrativ)",
        "29189617",
        "1250000",
        "Digital selvvisitering i ældreplejen",
    ),
    ("Brønderslev Kommune (illustrativ)", "29189625", "760000", "Selvvisitering med pårørende"),
]


def _csv(rows: list[list[str]]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(HEADERS)
    writer.writerows(rows)
    return out.getvalue().encode()


async def _principal(email: str) -> Principal | None:
    row = await User.select(User.id).where(User.email == email).first()
    return await load_principal(row["id"]) if row else None


async def _exists(title: str) -> bool:
    return await SubsidyRound.exists().where(SubsidyRound.title == title)


async def _opened_round(officer: Principal, fields: dict[str, Any]) -> Any:
    """The round created and opened; None when one of its title is there already."""
    if await _exists(fields["title"]):
        return None
    view = await service.create_round(officer, fields)
    await service.open_round(officer, view.id)
    return view


async def _paid(officer: Principal, payment_id: int) -> None:
    await service.set_payment_status(officer, payment_id, "approved")
    await service.set_payment_status(officer, payment_id, "paid")


async def load(authorities: dict[str, int]) -> None:
    officer = await _principal(OFFICER)
    evaluator = await _principal(EVALUATOR)
    if officer is None or evaluator is None:
        return
    await _utrecht(officer, evaluator, authorities["Gemeente Utrecht"])
    await _danish_pool(await _principal(DANISH_OFFICER) or officer, authorities["Socialstyrelsen"])
    await _first_come(officer, authorities["Gemeente Utrecht"])
    await _current(officer, authorities["Gemeente Utrecht"])
    polish, polish_evaluator = (
        await _principal(POLISH_OFFICER),
        await _principal(POLISH_EVALUATOR),
    )
    if polish is not None and polish_evaluator is not None:
        await _wroclaw_call(polish, polish_evaluator, authorities["Gmina Wrocław"])


async def _review(
    officer: Principal,
    evaluator: Principal,
    round_id: int,
    criteria: tuple[str, str],
    marks_of: Callable[[int], tuple[int, int]],
    justification: str,
) -> None:
    """The round's review by one evaluator on two quality criteria of equal weight (0-10),
    the marks of the n-th application from ``marks_of``; quality final, ranking confirmed."""
    evaluation_id = await service.start_review(officer, round_id)
    await scoring.replace_criteria(
        officer,
        evaluation_id,
        [
            {
                "name": name,
                "kind": "quality",
                "weight": "50",
                "scale_type": "range",
                "scale_min": "0",
                "scale_max": "10",
                "scale_step": "1",
            }
            for name in criteria
        ],
    )
    await scoring.assign(officer, evaluation_id, evaluator.id)
    await scoring.freeze_criteria(officer, evaluation_id)
    subjects = await scoring.list_subjects(officer, evaluation_id)
    await sheets.declare(evaluator, evaluation_id, {s.id: ("none", "") for s in subjects})
    tree = await scoring.criteria(officer, evaluation_id)
    for index, subject in enumerate(subjects):
        await sheets.save_scores(
            evaluator,
            evaluation_id,
            subject.code,
            {
                criterion.id: (str(mark), justification)
                for criterion, mark in zip(tree.criteria, marks_of(index), strict=True)
            },
        )
    await sheets.submit_sheet(evaluator, evaluation_id)
    await scoring.finalise_quality(officer, evaluation_id)
    await scoring.confirm_ranking(officer, evaluation_id)


def _kvk(number: int) -> str:
    return f"{40000000 + number * 7919:08d}"


async def _utrecht(officer: Principal, evaluator: Principal, authority_id: int) -> None:
    title = "Sociale Prestatie en Dagondersteuning 2021"
    view = await _opened_round(
        officer,
        {
            "title": title,
            "authority_id": authority_id,
            "regulation_name": "Nadere regel Sociale Prestatie en Dagondersteuning",
            "regulation_reference": "Wmo 2020, hoofdstuk 2.2",
            "service_types": "day_support",
            "basis_regulation": "Nadere regel Sociale Prestatie en Dagondersteuning",
            "basis_articles": "4",
            "budget_line": "6.1.2 Wmo dagbesteding",
            "opens_at": "2020-09-01T09:00",
            "closes_at": "2020-10-01T12:00",
            "ceiling": "1250000",
            "currency": "EUR",
            "method": "ranking",
            "remainder": "grant_remainder",
            "lottery_seed": "utrecht-spd-2021",
            "eligibility_criteria": "Vrij toegankelijke activiteiten in de wijk\n"
            "Voor ouderen of mensen met een fysieke of psychische beperking\n"
            "Activiteiten in de gemeente Utrecht",
            "minimum_score": "55",
            "maximum_per_applicant": "60000",
            "period_start": "2021-01-01",
            "period_end": "2021-12-31",
            "advance_share": "80",
            "instalments": "yearly",
        },
    )
    if view is None:
        return
    rows = []
    for number, name in enumerate(UTRECHT_ORGANISATIONS):
        requested = 22000 + (number * 7331) % 38000
        rows.append(
            [
                name,
                "NL",
                _kvk(number),
                "",
                "Karin van Dijk" if number == 0 else "",
                f"subsidie{number}@example.org",
                "Ontmoeting en dagondersteuning in de wijk",
                f"{requested}.00",
                f"{(number * 911) % 6000}.00",
                "Wekelijkse vrij toegankelijke activiteiten: ontmoeting, bewegen, samen "
                "eten en ondersteuning van mantelzorgers.",
                "Ouderen en mensen met een beperking, en hun mantelzorgers",
                DISTRICTS[number % len(DISTRICTS)],
                str(25 + (number * 37) % 160),
                f"2020-09-{2 + number % 27:02d} {9 + number % 8:02d}:15",
                "mevrouw" if number == 0 else "",
            ]
        )
    ids = await service.import_applications(
        officer, view.id, "aanvraagportaal-2021.csv", _csv(rows)
    )
    await service.complete_many(officer, view.id, ids)
    criteria = [c for c in (await service.get_round(officer, view.id)).eligibility_criteria]
    await service.mark_eligibility(
        officer, ids[-1], criteria[:2], "Activiteiten vinden buiten Utrecht plaats"
    )
    await service.mark_eligibility(
        officer,
        ids[-2],
        [criteria[0], criteria[2]],
        "Algemeen welzijnsaanbod; hoort in de sociale basis",
    )
    await service.mark_eligible_many(officer, view.id, ids[:-2])
    await _review(
        officer,
        evaluator,
        view.id,
        ("Bereik en toegankelijkheid", "Samenwerking in de wijk"),
        lambda index: (
            (3, 4) if index in (5, 17, 29) else (5 + (index * 7) % 6, 6 + (index * 3) % 5)
        ),
        "Onderbouwd in het activiteitenplan",
    )
    await service.propose_allocation(officer, view.id)
    # Decided in time for its 2021 grant period: a decision now would ask for reports due
    # before it, which is refused.
    with clock.use_clock(clock.FixedClock(datetime(2020, 11, 16, 9, 0, tzinfo=UTC))):
        await service.decide(officer, view.id)
    for payment in await service.payments(officer, view.id):
        if payment.kind == "advance":
            await _paid(officer, payment.id)


async def _danish_pool(officer: Principal, authority_id: int) -> None:
    title = "Pulje til forsøg med selvvisitering i ældreplejen"
    view = await _opened_round(
        officer,
        {
            "title": title,
            "authority_id": authority_id,
            "regulation_name": "Puljeopslag: forsøg med selvvisitering i ældreplejen",
            "regulation_reference": "Socialstyrelsen 2022",
            "service_types": "household_help",
            "budget_line": "§ 15.75.23 Pulje til selvvisitering i ældreplejen",
            "opens_at": "2022-06-01T09:00",
            "closes_at": "2022-08-15T12:00",
            "ceiling": "10000000",
            "currency": "DKK",
            "method": "pro_rata",
            "eligibility_criteria": "Kommunal ansøger\nForsøg i hjemmeplejen for ældre",
            "period_start": "2022-11-01",
            "period_end": "2025-12-31",
            "advance_share": "0",
            "instalments": "yearly",
            "yearly_reports": "on",
            "tiers": "-;financial;4",
        },
    )
    if view is None:
        return
    rows = [
        [
            name,
            "DK",
            number,
            "DK5000400440116243" if number == "29189587" else "",
            "Projektleder",
            "projekt@example.dk",
            plan.split(":")[0],
            amount,
            "0",
            plan,
            "Ældre borgere i hjemmeplejen",
            "",
            "120",
            f"2022-08-{1 + i:02d} 10:00",
        ]
        for i, (name, number, amount, plan) in enumerate(DANISH_APPLICANTS)
    ]
    ids = await service.import_applications(officer, view.id, "ansoegninger.csv", _csv(rows))
    await service.complete_many(officer, view.id, ids)
    await service.mark_eligible_many(officer, view.id, ids)
    with clock.use_clock(clock.FixedClock(datetime(2022, 10, 3, 9, 0, tzinfo=UTC))):
        await service.propose_allocation(officer, view.id)
        await service.decide(officer, view.id)
        # The tilsagn letters, in Danish under Danish law (forvaltningsloven, no appeal).
        await letters.send_decision_letters(officer, view.id)
    vesthimmerland = ids[0]
    first = (await service.payments(officer, view.id, application_id=vesthimmerland))[0]
    await _paid(officer, first.id)


async def _first_come(officer: Principal, authority_id: int) -> None:
    title = "Initiatieven mantelzorgondersteuning 2022 (op volgorde van binnenkomst)"
    view = await _opened_round(
        officer,
        {
            "title": title,
            "authority_id": authority_id,
            "regulation_name": "Subsidieregeling initiatieven informele zorg",
            "service_types": "respite_care",
            "budget_line": "6.71 Mantelzorgondersteuning",
            "opens_at": "2022-02-01T09:00",
            "closes_at": "2022-03-31T17:00",
            "ceiling": "60000",
            "currency": "EUR",
            "method": "first_come",
            "remainder": "skip",
            "lottery_seed": "utrecht-fcfs-2022",
            "eligibility_criteria": "Initiatief voor mantelzorgers in Utrecht",
            "maximum_per_applicant": "7500",
            "period_start": "2022-04-01",
            "period_end": "2022-12-31",
            "advance_share": "100",
            "instalments": "yearly",
        },
    )
    if view is None:
        return
    names = UTRECHT_ORGANISATIONS[6:20]
    rows = [
        [
            name,
            "NL",
            _kvk(100 + i),
            "",
            "",
            "",
            "Mantelzorgcafé en respijt",
            f"{4000 + (i * 1733) % 4500}.00",
            "0",
            "Ontmoeting en respijt voor mantelzorgers",
            "Mantelzorgers",
            DISTRICTS[i % len(DISTRICTS)],
            "30",
            f"2022-02-{1 + i // 2:02d} 10:00",
        ]
        for i, name in enumerate(names)
    ]
    with clock.use_clock(clock.FixedClock(datetime(2022, 2, 1, 8, 0, tzinfo=UTC))):
        ids = await service.import_applications(officer, view.id, "initiatieven.csv", _csv(rows))
    # Completeness checked day by day; on 4 February four applications became complete
    # together, and the budget ran out that day.
    moment = datetime(2022, 2, 1, 9, 0, tzinfo=UTC)
    for index, application_id in enumerate(ids):
        day = index // 2 if index < 8 else 3 + (index - 8) // 4
        with clock.use_clock(clock.FixedClock(moment + timedelta(days=day, minutes=index))):
            await service.act(officer, application_id, "complete")
    await service.mark_eligible_many(officer, view.id, ids)
    with clock.use_clock(clock.FixedClock(datetime(2022, 2, 10, 9, 0, tzinfo=UTC))):
        await service.propose_allocation(officer, view.id)
        await service.decide(officer, view.id)


ZONE = "Europe/Amsterdam"


def _local(days: int, hour: int = 12) -> str:
    """A wall-clock moment in Utrecht ``days`` from today, as a form gives it."""
    today = utc_to_local(clock.now(), ZONE).date()
    return f"{today + timedelta(days=days):%Y-%m-%d}T{hour:02d}:00"


def _current_round(title: str, opens: int, closes: int, **settings: Any) -> dict[str, Any]:
    year = utc_to_local(clock.now(), ZONE).year
    return {
        "title": title,
        "regulation_name": "Subsidieregeling ontmoeting en ondersteuning",
        "regulation_reference": f"Wmo {year}, hoofdstuk 2.3",
        "budget_line": "6.1.4 Ontmoeting",
        "opens_at": _local(opens, 9),
        "closes_at": _local(closes, 17),
        "currency": "EUR",
        "method": "ranking",
        "remainder": "skip",
        "minimum_score": "50",
        "eligibility_criteria": "Vrij toegankelijke activiteiten in de wijk\n"
        "Activiteiten in de gemeente Utrecht",
        "maximum_per_applicant": "15000",
        "period_start": f"{year + 1}-01-01",
        "period_end": f"{year + 1}-12-31",
        "advance_share": "80",
        "instalments": "yearly",
        **settings,
    }


async def _applications(
    officer: Principal, round_id: int, names: list[str], first_day: int
) -> list[int]:
    rows = [
        [
            name,
            "NL",
            _kvk(200 + round_id * 10 + i),
            "",
            "",
            f"info{i}@example.org",
            "Ontmoeting in de wijk",
            f"{5000 + (i * 1911) % 9000}.00",
            "0",
            "Wekelijkse ontmoeting en samen eten",
            "Ouderen in de wijk",
            DISTRICTS[i % len(DISTRICTS)],
            "40",
            _local(first_day + i, 10).replace("T", " "),
        ]
        for i, name in enumerate(names)
    ]
    return await service.import_applications(officer, round_id, "aanvragen.csv", _csv(rows))


async def _current(officer: Principal, authority_id: int) -> None:
    """Rounds in draft, open and closed, dated around today."""
    year = utc_to_local(clock.now(), ZONE).year
    draft = f"Buurtinitiatieven ontmoeting {year + 1}"
    if not await _exists(draft):
        await service.create_round(
            officer,
            {
                **_current_round(
                    draft, 60, 90, ceiling="400000", service_types=["day_support", "respite_care"]
                ),
                "authority_id": authority_id,
            },
        )
    opened = f"Respijt en logeeropvang {year}"
    view = await _opened_round(
        officer,
        {
            **_current_round(
                opened,
                -14,
                21,
                ceiling="250000",
                service_types=["respite_care"],
                acceptance_required="on",  # grants accepted by the applicants in the portal
            ),
            "authority_id": authority_id,
        },
    )
    if view is not None:
        ids = await _applications(officer, view.id, UTRECHT_ORGANISATIONS[20:26], -12)
        await service.complete_many(officer, view.id, ids[:2])
    closed = f"Zomeractiviteiten ouderen {year}"
    view = await _opened_round(
        officer,
        {
            **_current_round(closed, -45, -7, ceiling="180000", service_types=["day_support"]),
            "authority_id": authority_id,
        },
    )
    if view is not None:
        ids = await _applications(officer, view.id, UTRECHT_ORGANISATIONS[26:34], -40)
        await service.complete_many(officer, view.id, ids[:5])
        await service.mark_eligible_many(officer, view.id, ids[:3])
        await SOURCE.tick(clock.now(), f"{ROUND_KEY}{view.id}")  # the window closes


# (name, requested PLN, the offer's task) of the NGOs answering Wrocław's call for proposals.
WROCLAW_NGOS = [
    ("Fundacja Opieki Wytchnieniowej „Oddech”", 160000, "Dzienny pobyt wytchnieniowy"),
    (
        "Stowarzyszenie Rodzin Osób z Niepełnosprawnościami",
        140000,
        "Opieka wytchnieniowa w domu opiekuna",
    ),
    ("Caritas Archidiecezji Wrocławskiej", 150000, "Całodobowy pobyt wytchnieniowy"),
    ("Fundacja Aktywizacja", 90000, "Wsparcie psychologiczne dla opiekunów"),
    (
        "Polski Komitet Pomocy Społecznej – Zarząd Wojewódzki",
        120000,
        "Opieka wytchnieniowa dla seniorów",
    ),
    ("Fundacja „Razem dla Samodzielności”", 110000, "Weekendowe pobyty wytchnieniowe"),
    ("Stowarzyszenie „Dom Otwarty”", 80000, "Wytchnienie w ośrodku dziennym"),
]


def _nip(number: int) -> str:
    """A ten-digit NIP that passes its check (illustrative): the first from the seed whose
    weighted sum leaves a check digit."""
    start = 897100000 + number * 7331
    return next(
        f"{body:09d}{digit}"
        for body in range(start, start + 20)
        for digit in range(10)
        if nip.is_valid(f"{body:09d}{digit}")
    )


async def _wroclaw_call(officer: Principal, evaluator: Principal, authority_id: int) -> None:
    title = "Otwarty konkurs ofert: opieka wytchnieniowa 2023"
    view = await _opened_round(
        officer,
        {
            "title": title,
            "authority_id": authority_id,
            "regulation_name": "Program współpracy Gminy Wrocław z organizacjami pozarządowymi "
            "na 2023 rok",
            "regulation_reference": "art. 11 ust. 1 pkt 1 i art. 13 ustawy o działalności pożytku "
            "publicznego i o wolontariacie",
            "service_types": "respite_care",
            "budget_line": "852-85228 Usługi opiekuńcze",
            "opens_at": "2022-10-03T09:00",
            "closes_at": "2022-10-28T15:00",
            "ceiling": "600000",
            "currency": "PLN",
            "method": "ranking",
            "remainder": "grant_remainder",
            "lottery_seed": "wroclaw-ow-2023",
            "eligibility_criteria": "Organizacja pozarządowa lub podmiot z art. 3 ust. 3 ustawy\n"
            "Oferta na wzorze z rozporządzenia\n"
            "Zadanie realizowane na terenie Gminy Wrocław",
            "minimum_score": "55",
            "maximum_per_applicant": "160000",
            "period_start": "2023-01-01",
            "period_end": "2023-12-31",
            "advance_share": "100",
            "instalments": "yearly",
        },
    )
    if view is None:
        return
    rows = [
        [
            name,
            "PL",
            _nip(number),
            "",
            "Koordynator projektu",
            f"oferta{number}@ngo.example",
            task,
            f"{requested}.00",
            f"{requested // 10}.00",
            f"{task}: wsparcie opiekunów osób z niepełnosprawnościami we Wrocławiu.",
            "Opiekunowie osób z niepełnosprawnościami",
            "Wrocław",
            str(20 + number * 5),
            f"2022-10-{10 + number:02d} 10:00",
        ]
        for number, (name, requested, task) in enumerate(WROCLAW_NGOS)
    ]
    ids = await service.import_applications(officer, view.id, "oferty-konkurs-2023.csv", _csv(rows))
    await service.complete_many(officer, view.id, ids)
    criteria = [c for c in (await service.get_round(officer, view.id)).eligibility_criteria]
    await service.mark_eligibility(
        officer, ids[-1], criteria[:2], "Zadanie realizowane poza Gminą Wrocław"
    )
    await service.mark_eligible_many(officer, view.id, ids[:-1])
    await _review(
        officer,
        evaluator,
        view.id,
        ("Możliwość realizacji zadania", "Jakość wykonania i kwalifikacje osób"),
        lambda index: (4, 4) if index == 3 else (9 - index % 4, 8 - index % 3),
        "Ocena zgodna z art. 15 ust. 1 ustawy: opis zadania, kalkulacja kosztów i "
        "kwalifikacje kadry",
    )
    await service.propose_allocation(officer, view.id)
    with clock.use_clock(clock.FixedClock(datetime(2022, 12, 2, 9, 0, tzinfo=UTC))):
        await service.decide(officer, view.id)
        await letters.send_decision_letters(officer, view.id)
