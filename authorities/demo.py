"""Demo contracting authorities: those of the source documents.

Registration numbers pass their check digits; except Gemeente Utrecht's, Vesthimmerland's and
Wrocław's they are illustrative, not looked up.
"""

from __future__ import annotations

from authorities import service
from authorities.tables import Authority, ServiceType
from common.identity import Actor

WROCLAW_AREA = [
    ("Gmina Wrocław", "931934644"),
    ("Gmina Czernica", "930010004"),
    ("Gmina Długołęka", "930010375"),
    ("Gmina Jelcz-Laskowice", "930010748"),
    ("Gmina Kąty Wrocławskie", "930011110"),
    ("Gmina Kobierzyce", "930011481"),
    ("Gmina Miękinia", "930011854"),
    ("Gmina Oborniki Śląskie", "930012227"),
    ("Gmina Miasto Oleśnica", "930012598"),
    ("Gmina Miasto Oława", "930012960"),
    ("Gmina Siechnice", "930013333"),
    ("Gmina Sobótka", "930013706"),
    ("Gmina Trzebnica", "930014077"),
    ("Gmina Wisznia Mała", "930014440"),
    ("Gmina Żórawina", "930014812"),
]

# What the lead authority's Polish letters carry: letterhead, signature by authorisation of the
# mayor, where to write and where to repay.
WROCLAW_LETTERS = {
    "Gmina Wrocław": {
        "postal_address": "pl. Nowy Targ 1-8\n50-141 Wrocław",
        "visiting_address": "ul. Strzegomska 6\n53-611 Wrocław",
        "website": "https://bip.wroclaw.example",
        "complaint_desk": "zamowienia@wroclaw.example",
        "decision_body": "Prezydent Wrocławia",
        "signatory_name": "Katarzyna Wiśniewska",
        "signatory_function": "Dyrektor Wydziału Zamówień Publicznych",
        "iban": "PL61 1090 1014 0000 0712 1981 2874",
    }
}

DEMO_AUTHORITIES: list[dict[str, str]] = [
    {"name": "Gemeente Utrecht", "country": "NL", "registration_number": "30280353"},
    {
        "name": "Vesthimmerlands Kommune",
        "country": "DK",
        "registration_number": "29189587",
        "postal_address": "Himmerlandsgade 27\n9600 Aars",
        "website": "https://vesthimmerland.dk",
        "decision_body": "Sundhedsudvalget i Vesthimmerlands Kommune",
        "signatory_name": "Vibeke Vad Eriksen",
        "signatory_function": "Afdelingsleder, Bevilling Voksen/Ældre",
    },
    {
        "name": "Socialstyrelsen",
        "country": "DK",
        "registration_number": "26144205",
        "postal_address": "Edisonsvej 1\n5000 Odense C",
        "website": "https://www.sm.dk",
        "signatory_name": "Anne Kristensen",
        "signatory_function": "Puljeadministrator",
    },
    *(
        {
            "name": name,
            "country": "PL",
            "registration_number": number,
            **WROCLAW_LETTERS.get(name, {}),
        }
        for name, number in WROCLAW_AREA
    ),
    # Botkyrka writes its letters in Swedish, signed for the vård- och omsorgsnämnd that
    # ordered the review of Myndighet and boendestödet (the source document).
    {
        "name": "Botkyrka kommun",
        "country": "SE",
        "registration_number": "212000-0043",
        "postal_address": "Botkyrka kommun\n147 85 Tumba",
        "visiting_address": "Munkhättevägen 45\n147 85 Tumba",
        "website": "https://www.botkyrka.se",
        "complaint_desk": "upphandling@botkyrka.example",
        "decision_body": "Vård- och omsorgsnämnden",
    },
]


async def load(actor: Actor) -> dict[str, int]:
    """Create the demo authorities that are missing; returns every demo authority's id by name."""
    existing = {
        row["name"]: row["id"] for row in await Authority.select(Authority.id, Authority.name)
    }
    for form in DEMO_AUTHORITIES:
        if form["name"] not in existing:
            created = await service.create_authority(actor, form)
            existing[created["name"]] = created["id"]
    return {form["name"]: existing[form["name"]] for form in DEMO_AUTHORITIES}


DEMO_SERVICE_TYPES: list[dict[str, str]] = [
    {
        "code": "day_support",
        "name_en": "Day support",
        "name_nl": "Dagondersteuning",
        "name_da": "Dagtilbud",
        "name_pl": "Wsparcie dzienne",
        "name_sv": "Dagverksamhet",
    },
    {
        "code": "household_help",
        "name_en": "Household help",
        "name_nl": "Hulp bij het huishouden",
        "name_da": "Praktisk hjælp i hjemmet",
        "name_pl": "Pomoc w prowadzeniu gospodarstwa domowego",
        "name_sv": "Hemtjänst, serviceinsatser",
    },
    {
        "code": "respite_care",
        "name_en": "Respite care",
        "name_nl": "Respijtzorg",
        "name_da": "Aflastning",
        "name_pl": "Opieka wytchnieniowa",
        "name_sv": "Avlösning",
    },
    {
        "code": "personal_assistance",
        "name_en": "Personal assistance",
        "name_nl": "Persoonlijke assistentie",
        "name_da": "Personlig assistance",
        "name_pl": "Asystencja osobista",
        "name_sv": "Personlig assistans",
    },
    {
        "code": "individual_guidance",
        "name_en": "Individual guidance",
        "name_nl": "Individuele begeleiding",
        "name_da": "Socialpædagogisk støtte",
        "name_pl": "Wsparcie indywidualne",
        "name_sv": "Individuellt stöd",
    },
    {
        "code": "housing_support",
        "name_en": "Housing support",
        "name_nl": "Woonbegeleiding",
        "name_da": "Støtte i eget hjem",
        "name_pl": "Mieszkalnictwo wspomagane",
        "name_sv": "Boendestöd",
    },
]


async def load_service_types(actor: Actor) -> dict[str, int]:
    """Create the missing service types; returns every service type's id by code."""
    existing = {
        row["code"]: row["id"] for row in await ServiceType.select(ServiceType.id, ServiceType.code)
    }
    for form in DEMO_SERVICE_TYPES:
        if form["code"] not in existing:
            existing[form["code"]] = (await service.create_service_type(actor, form))["id"]
    return existing
