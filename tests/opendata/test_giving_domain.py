"""360Giving grants from plain rows: org-ids per country, natural persons, amounts, dates; and
the package they make validated against the 360Giving schema."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta, timezone
from decimal import Decimal

import pytest

from opendata.giving.domain import (
    INDIVIDUAL_NAME,
    GrantRow,
    NaturalPersons,
    Options,
    amount,
    grant,
    grants,
    is_natural_person,
    org_id,
    package_header,
    utc_iso,
)
from tests.opendata.giving_schema import problems

ROW = GrantRow(
    application_id=7,
    reference="SPD-2021-007",
    title="Mantelzorgcafé Overvecht",
    activity_plan="Weekly meetings for carers",
    requested=Decimal("42000.00"),
    awarded=Decimal("40000.50"),
    currency="EUR",
    decided_at=datetime(2020, 11, 2, 12, 0, tzinfo=UTC),
    round_id=3,
    round_title="Sociale Prestatie en Dagondersteuning 2021",
    period_start=date(2021, 1, 1),
    period_end=date(2021, 12, 31),
    authority_id=1,
    authority_name="Gemeente Utrecht",
    authority_country="NL",
    authority_registration="30280353",
    organisation_id=11,
    organisation_name="Stichting Mantelzorg Utrecht",
    organisation_country="NL",
    organisation_registration="30123451",
    modified=datetime(2020, 11, 3, 8, 0, tzinfo=UTC),
)
PSEUDONYMS = Options(natural_persons=NaturalPersons.PSEUDONYMISE, pseudonym_key=b"k" * 32)


@pytest.mark.parametrize(
    ("country", "number", "expected"),
    [
        ("NL", "30123451", "NL-KVK-30123451"),
        ("DK", "29189587", "DK-CVR-29189587"),
        ("PL", "5261040828", "PL-NIP-5261040828"),  # NIP: ten digits
        ("PL", "931934644", "PL-REGON-931934644"),  # REGON: nine digits
        ("PL", "12345678512347", "PL-REGON-12345678512347"),  # REGON: fourteen digits
        ("SE", "556036-0793", "SE-BLV-5560360793"),
        ("nl", "3012 3451", "NL-KVK-30123451"),
    ],
)
def test_org_id_per_country(country: str, number: str, expected: str) -> None:
    assert org_id(country, number) == expected


def test_a_number_that_fits_no_list_gets_the_publishers_own_identifier() -> None:
    assert org_id("NL", "123", prefix="360G-x") == "360G-x-ORG-NL-123"
    assert org_id("DE", "HRB 1234", prefix="360G-x") == "360G-x-ORG-DE-1234"
    assert org_id("NL", "", prefix="360G-x", fallback="11") == "360G-x-ORG-NL-11"


def test_a_swedish_personnummer_or_the_mark_makes_a_natural_person() -> None:
    def row(country: str, number: str, marked: bool = False) -> GrantRow:
        return replace(
            ROW,
            organisation_country=country,
            organisation_registration=number,
            organisation_natural_person=marked,
        )

    assert is_natural_person(row("SE", "811218-9876"))  # month 12: a person (enskild firma)
    assert not is_natural_person(row("SE", "556036-0793"))  # third digit 6: a legal person
    assert not is_natural_person(row("NL", "01123451"))
    assert is_natural_person(row("NL", "01123451", marked=True))  # an eenmanszaak


def test_a_dutch_sole_trader_with_a_kvk_number_is_omitted_or_pseudonymised() -> None:
    sole = replace(
        ROW,
        organisation_name="Jan de Vries Schilderwerken",
        organisation_country="NL",
        organisation_registration="01123451",
        organisation_natural_person=True,
    )
    assert grant(sole, Options(natural_persons=NaturalPersons.OMIT)) is None
    found = grant(sole, PSEUDONYMS)
    assert found is not None and "recipientOrganization" not in found
    assert "Jan de Vries" not in json.dumps(found) and "01123451" not in json.dumps(found)
    assert found["recipientIndividual"]["name"] == "Individual recipient"


def test_amounts_are_json_numbers() -> None:
    assert amount(Decimal("40000.00")) == 40000 and isinstance(amount(Decimal("40000.00")), int)
    assert amount(Decimal("1234.56")) == 1234.56
    assert amount(Decimal("0.10")) == 0.1


def test_moments_are_utc_with_offset() -> None:
    cet = timezone(timedelta(hours=1))
    assert utc_iso(datetime(2020, 11, 2, 13, 0, tzinfo=cet)) == "2020-11-02T12:00:00+00:00"


def test_a_grant_carries_what_360giving_asks() -> None:
    found = grant(ROW, Options(prefix="360G-td"))
    assert found is not None
    assert found["id"] == "360G-td-7"
    assert found["amountAwarded"] == 40000.5 and found["currency"] == "EUR"
    assert found["amountAppliedFor"] == 42000
    assert found["awardDate"] == "2020-11-02T12:00:00+00:00"
    assert found["dateModified"] == "2020-11-03T08:00:00+00:00"
    assert found["plannedDates"] == [{"startDate": "2021-01-01", "endDate": "2021-12-31"}]
    assert found["recipientOrganization"] == [
        {"id": "NL-KVK-30123451", "name": "Stichting Mantelzorg Utrecht", "addressCountry": "NL"}
    ]
    assert found["fundingOrganization"] == [{"id": "NL-KVK-30280353", "name": "Gemeente Utrecht"}]
    assert found["grantProgramme"] == [
        {"code": "round-3", "title": "Sociale Prestatie en Dagondersteuning 2021"}
    ]


def test_an_authority_without_a_number_is_named_by_the_publisher() -> None:
    found = grant(replace(ROW, authority_registration=""), Options(prefix="360G-td"))
    assert found is not None
    assert found["fundingOrganization"][0]["id"] == "360G-td-FUNDER-1"


def test_natural_persons_are_omitted_or_pseudonymised() -> None:
    person = replace(ROW, organisation_country="SE", organisation_registration="811218-9876")
    assert grant(person, Options(natural_persons=NaturalPersons.OMIT)) is None
    hidden = grant(person, PSEUDONYMS)
    assert hidden is not None and "recipientOrganization" not in hidden
    assert hidden["recipientIndividual"]["name"] == INDIVIDUAL_NAME
    assert "811218" not in str(hidden) and ROW.organisation_name not in str(hidden)
    # The same person is the same pseudonym in every grant (and another key, another one).
    again = grant(replace(person, application_id=8), PSEUDONYMS)
    assert again is not None
    assert again["recipientIndividual"]["id"] == hidden["recipientIndividual"]["id"]
    other = grant(person, replace(PSEUDONYMS, pseudonym_key=b"o" * 32))
    assert other is not None
    assert other["recipientIndividual"]["id"] != hidden["recipientIndividual"]["id"]


@pytest.mark.parametrize("currency", ["EUR", "DKK", "PLN", "SEK"])
def test_packages_validate_against_the_360giving_schema(currency: str) -> None:
    rows = [
        replace(ROW, currency=currency),
        replace(
            ROW,
            application_id=8,
            currency=currency,
            organisation_country="SE",
            organisation_registration="811218-9876",
        ),
    ]
    moment = datetime(2026, 12, 7, 9, 0, tzinfo=UTC)
    for options in (Options(), PSEUDONYMS):
        package = {
            **package_header(
                issued=moment,
                publisher="tenderdesk",
                license_url="https://creativecommons.org/licenses/by/4.0/",
                access_url="http://127.0.0.1:8000/open-data/360giving/grants.json",
            ),
            "grants": list(grants(rows, options)),
        }
        assert problems(package) == []


def test_the_validator_refuses_what_the_schema_refuses() -> None:
    found = grant(ROW, Options())
    assert found is not None
    bad = {
        "grants": [
            {**found, "amountAwarded": "40000.50"},
            {**found, "id": "2", "awardDate": "2 November 2020"},
            {**{k: v for k, v in found.items() if k != "fundingOrganization"}, "id": "3"},
        ]
    }
    found_problems = problems(bad)
    assert any("amountAwarded" in p for p in found_problems)
    assert any("awardDate" in p for p in found_problems)
    assert any(p.startswith("grants/2") for p in found_problems)
    assert problems({"grants": []})  # a package has at least one grant
