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
"""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime, timedelta

from accounts.domain import Principal
from accounts.service import load_principal
from accounts.tables import User
from common import clock
from scoring import service as scoring
from scoring import sheets
from subsidies import letters, service
from subsidies.tables import SubsidyRound

OFFICER = "officer@tenderdesk.example"
DANISH_OFFICER = "officer.dk@tenderdesk.example"
EVALUATOR = "evaluator@tenderdesk.example"

HEADERS = ["Organisation", "Country", "Registration number", "IBAN", "Contact name",
           "Contact email", "Title", "Requested", "Own contribution", "Activity plan",
           "Target group", "Districts", "Expected participants", "Submitted at",
           "Contact form of address"]

UTRECHT_ORGANISATIONS = [
    "InteraktContour", "Buurthuis de Paraplu", "Al Amal", "Abrona", "De Wilg", "WIJ3.0",
    "Mantelzorg Match Utrecht", "Bijzonder Vrijwilligers", "Netwerk Informele Zorg Utrecht",
    "Stichting Sociaal Makelaars Utrecht", "Buurtteam Overvecht Sociaal", "Stichting Al Amal "
    "Ouderen", "Humanitas Utrecht", "Vrijwilligers Centrale Utrecht", "Stichting Dagbesteding "
    "Zuilen", "Ouderenwerk Kanaleneiland", "Stichting Welzijn Leidsche Rijn", "Wijkcentrum "
    "Hoograven", "Stichting Ontmoeting Lunetten", "Alzheimer Café Utrecht", "Stichting "
    "Mantelzorg Utrecht-Oost", "Odensehuis Utrecht", "Buurtkamer Zuilen", "Stichting Present "
    "Utrecht", "Tussenvoorziening Dagactiviteiten", "Stichting Kwartiermaken", "Moviera "
    "Ontmoeting", "Stichting Wandelmaatjes Utrecht", "Huiskamer Tuindorp", "Stichting "
    "Buurtpension", "Inloophuis De Pauluskerk", "Stichting Senioren Vleuten-De Meern", "Cliënt "
    "en Mantelzorg Utrecht-West", "Stichting Samen Eten Ondiep", "Repaircafé Ouderenwerk", "De "
    "Kas Dagbesteding", "Stichting Jong Mantelzorg Utrecht", "Buurtsportcoach Ontmoeting", "Lief "
    "en Leed Overvecht", "Stichting Tuinen van de Wijk", "Atelier Sociaal Werk", "Stichting "
    "Beweegmaatjes",
]
DISTRICTS = ["Overvecht", "Zuilen", "Kanaleneiland", "Leidsche Rijn", "Vleuten-De Meern",
             "Noordoost", "Oost", "Binnenstad", "Zuid", "Zuidwest", "West", "Noordwest"]

DANISH_APPLICANTS = [
    ("Vesthimmerlands Kommune", "29189587", "1400000", "Borger før opgave: selvvisitering i "
     "hjemmeplejen, med borgerens egne mål først"),
    ("Rebild Kommune (illustrativ)", "29189595", "1150000", "Selvvisitering til praktisk "
     "hjælp"),
    ("Mariagerfjord Kommune (illustrativ)", "29189609", "980000", "Borgerstyret "
     "hverdagsrehabilitering"),
    ("Jammerbugt Kommune (illustrativ)", "29189617", "1250000", "Digital selvvisitering i "
     "ældreplejen"),
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


async def load(authorities: dict[str, int]) -> None:
    officer = await _principal(OFFICER)
    evaluator = await _principal(EVALUATOR)
    if officer is None or evaluator is None:
        return
    await _utrecht(officer, evaluator, authorities["Gemeente Utrecht"])
    await _danish_pool(await _principal(DANISH_OFFICER) or officer,
                       authorities["Socialstyrelsen"])
    await _first_come(officer, authorities["Gemeente Utrecht"])


def _kvk(number: int) -> str:
    return f"{40000000 + number * 7919:08d}"


async def _utrecht(officer: Principal, evaluator: Principal, authority_id: int) -> None:
    title = "Sociale Prestatie en Dagondersteuning 2021"
    if await _exists(title):
        return
    view = await service.create_round(officer, {
        "title": title, "authority_id": authority_id,
        "regulation_name": "Nadere regel Sociale Prestatie en Dagondersteuning",
        "regulation_reference": "Wmo 2020, hoofdstuk 2.2", "service_types": "day_support",
        "basis_regulation": "Nadere regel Sociale Prestatie en Dagondersteuning",
        "basis_articles": "4",
        "budget_line": "6.1.2 Wmo dagbesteding",
        "opens_at": "2020-09-01T09:00", "closes_at": "2020-10-01T12:00",
        "ceiling": "1250000", "currency": "EUR", "method": "ranking",
        "remainder": "grant_remainder", "lottery_seed": "utrecht-spd-2021",
        "eligibility_criteria": "Vrij toegankelijke activiteiten in de wijk\n"
                                "Voor ouderen of mensen met een fysieke of psychische beperking\n"
                                "Activiteiten in de gemeente Utrecht",
        "minimum_score": "55", "maximum_per_applicant": "60000",
        "period_start": "2021-01-01", "period_end": "2021-12-31", "advance_share": "80",
        "instalments": "yearly"})
    await service.open_round(officer, view.id)
    rows = []
    for number, name in enumerate(UTRECHT_ORGANISATIONS):
        requested = 22000 + (number * 7331) % 38000
        rows.append([name, "NL", _kvk(number), "", "Karin van Dijk" if number == 0 else "",
                     f"subsidie{number}@example.org", "Ontmoeting en dagondersteuning in de wijk",
                     f"{requested}.00", f"{(number * 911) % 6000}.00",
                     "Wekelijkse vrij toegankelijke activiteiten: ontmoeting, bewegen, samen "
                     "eten en ondersteuning van mantelzorgers.",
                     "Ouderen en mensen met een beperking, en hun mantelzorgers",
                     DISTRICTS[number % len(DISTRICTS)], str(25 + (number * 37) % 160),
                     f"2020-09-{2 + number % 27:02d} {9 + number % 8:02d}:15",
                     "mevrouw" if number == 0 else ""])
    ids = await service.import_applications(officer, view.id, "aanvraagportaal-2021.csv",
                                            _csv(rows))
    await service.complete_many(officer, view.id, ids)
    criteria = [c for c in (await service.get_round(officer, view.id)).eligibility_criteria]
    await service.mark_eligibility(officer, ids[-1], criteria[:2],
                                   "Activiteiten vinden buiten Utrecht plaats")
    await service.mark_eligibility(officer, ids[-2], [criteria[0], criteria[2]],
                                   "Algemeen welzijnsaanbod; hoort in de sociale basis")
    await service.mark_eligible_many(officer, view.id, ids[:-2])
    evaluation_id = await service.start_review(officer, view.id)
    await scoring.replace_criteria(officer, evaluation_id, [
        {"name": "Bereik en toegankelijkheid", "kind": "quality", "weight": "50",
         "scale_type": "range", "scale_min": "0", "scale_max": "10", "scale_step": "1"},
        {"name": "Samenwerking in de wijk", "kind": "quality", "weight": "50",
         "scale_type": "range", "scale_min": "0", "scale_max": "10", "scale_step": "1"}])
    await scoring.assign(officer, evaluation_id, evaluator.id)
    await scoring.freeze_criteria(officer, evaluation_id)
    subjects = await scoring.list_subjects(officer, evaluation_id)
    await sheets.declare(evaluator, evaluation_id, {s.id: ("none", "") for s in subjects})
    tree = await scoring.criteria(officer, evaluation_id)
    for index, subject in enumerate(subjects):
        marks = (3, 4) if index in (5, 17, 29) else (5 + (index * 7) % 6, 6 + (index * 3) % 5)
        await sheets.save_scores(evaluator, evaluation_id, subject.code, {
            criterion.id: (str(mark), "Onderbouwd in het activiteitenplan")
            for criterion, mark in zip(tree.criteria, marks, strict=True)})
    await sheets.submit_sheet(evaluator, evaluation_id)
    await scoring.finalise_quality(officer, evaluation_id)
    await scoring.confirm_ranking(officer, evaluation_id)
    await service.propose_allocation(officer, view.id)
    # Decided in time for its 2021 grant period: a decision now would ask for reports due
    # before it, which is refused.
    with clock.use_clock(clock.FixedClock(datetime(2020, 11, 16, 9, 0, tzinfo=UTC))):
        await service.decide(officer, view.id)
    for payment in await service.payments(officer, view.id):
        if payment.kind == "advance":
            await service.set_payment_status(officer, payment.id, "approved")
            await service.set_payment_status(officer, payment.id, "paid")


async def _danish_pool(officer: Principal, authority_id: int) -> None:
    title = "Pulje til forsøg med selvvisitering i ældreplejen"
    if await _exists(title):
        return
    view = await service.create_round(officer, {
        "title": title, "authority_id": authority_id,
        "regulation_name": "Puljeopslag: forsøg med selvvisitering i ældreplejen",
        "regulation_reference": "Socialstyrelsen 2022", "service_types": "household_help",
        "budget_line": "§ 15.75.23 Pulje til selvvisitering i ældreplejen",
        "opens_at": "2022-06-01T09:00", "closes_at": "2022-08-15T12:00",
        "ceiling": "10000000", "currency": "DKK", "method": "pro_rata",
        "eligibility_criteria": "Kommunal ansøger\nForsøg i hjemmeplejen for ældre",
        "period_start": "2022-11-01", "period_end": "2025-12-31", "advance_share": "0",
        "instalments": "yearly", "yearly_reports": "on", "tiers": "-;financial;4"})
    await service.open_round(officer, view.id)
    rows = [[name, "DK", number, "DK5000400440116243" if number == "29189587" else "",
             "Projektleder", "projekt@example.dk", plan.split(":")[0], amount, "0", plan,
             "Ældre borgere i hjemmeplejen", "", "120", f"2022-08-{1 + i:02d} 10:00"]
            for i, (name, number, amount, plan) in enumerate(DANISH_APPLICANTS)]
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
    await service.set_payment_status(officer, first.id, "approved")
    await service.set_payment_status(officer, first.id, "paid")


async def _first_come(officer: Principal, authority_id: int) -> None:
    title = "Initiatieven mantelzorgondersteuning 2022 (op volgorde van binnenkomst)"
    if await _exists(title):
        return
    view = await service.create_round(officer, {
        "title": title, "authority_id": authority_id,
        "regulation_name": "Subsidieregeling initiatieven informele zorg",
        "service_types": "respite_care", "budget_line": "6.71 Mantelzorgondersteuning",
        "opens_at": "2022-02-01T09:00",
        "closes_at": "2022-03-31T17:00", "ceiling": "60000", "currency": "EUR",
        "method": "first_come", "remainder": "skip", "lottery_seed": "utrecht-fcfs-2022",
        "eligibility_criteria": "Initiatief voor mantelzorgers in Utrecht",
        "maximum_per_applicant": "7500", "period_start": "2022-04-01",
        "period_end": "2022-12-31", "advance_share": "100", "instalments": "yearly"})
    await service.open_round(officer, view.id)
    names = UTRECHT_ORGANISATIONS[6:20]
    rows = [[name, "NL", _kvk(100 + i), "", "", "", "Mantelzorgcafé en respijt",
             f"{4000 + (i * 1733) % 4500}.00", "0", "Ontmoeting en respijt voor mantelzorgers",
             "Mantelzorgers", DISTRICTS[i % len(DISTRICTS)], "30",
             f"2022-02-{1 + i // 2:02d} 10:00"] for i, name in enumerate(names)]
    with clock.use_clock(clock.FixedClock(datetime(2022, 2, 1, 8, 0, tzinfo=UTC))):
        ids = await service.import_applications(officer, view.id, "initiatieven.csv",
                                                _csv(rows))
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
