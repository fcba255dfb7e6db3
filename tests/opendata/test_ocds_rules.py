"""The small rules around the releases: the settings, who counts as a natural person, the
org-id of a body, and what the pseudonymise setting publishes."""

from __future__ import annotations

import pytest

from config.settings import SettingsError, load_settings
from opendata.ocds.build import main_category, org_id
from opendata.ocds.model import Body
from opendata.ocds.service import options
from organisations.domain import is_personal_number as looks_like_a_person


def test_the_open_data_settings_have_documented_defaults_and_refuse_bad_values(tmp_path):
    base = {"TENDERDESK_DATA_DIR": str(tmp_path)}
    settings = load_settings(base)
    assert settings.ocid_prefix == "ocds-tdesk0"
    assert settings.open_data_natural_persons == "omit"
    assert settings.open_data_licence.startswith("https://creativecommons.org/")
    chosen = load_settings(
        {
            **base,
            "TENDERDESK_OCID_PREFIX": "ocds-abc123",
            "TENDERDESK_OPEN_DATA_NATURAL_PERSONS": "pseudonymise",
            "TENDERDESK_OPEN_DATA_LICENCE": "https://opendatacommons.org/licenses/pddl/1-0/",
        }
    )
    assert (chosen.ocid_prefix, chosen.open_data_natural_persons) == ("ocds-abc123", "pseudonymise")
    for name, value in (
        ("TENDERDESK_OCID_PREFIX", "tdesk0"),
        ("TENDERDESK_OCID_PREFIX", "ocds-toolongprefix"),
        ("TENDERDESK_OPEN_DATA_NATURAL_PERSONS", "publish"),
    ):
        with pytest.raises(SettingsError, match=name):
            load_settings({**base, name: value})


def test_a_swedish_personnummer_is_a_natural_person_an_organisationsnummer_is_not() -> None:
    assert looks_like_a_person("SE", "850101-1234")
    assert looks_like_a_person("SE", "198501011234")
    assert not looks_like_a_person("SE", "556000-0001")  # an aktiebolag
    assert not looks_like_a_person("NL", "85010112")  # a KvK number tells nothing


def test_org_ids_and_categories() -> None:
    assert org_id(Body(1, "Gemeente Utrecht", "NL", "30280353"))["scheme"] == "NL-KVK"
    assert org_id(Body(1, "Kommune", "dk", "29189919"))["scheme"] == "DK-CVR"
    assert org_id(Body(1, "AB", "SE", "5560000001"))["scheme"] == "SE-BLV"
    assert org_id(Body(1, "Sp. z o.o.", "PL", "0000123456"))["scheme"] == "PL-KRS"
    assert org_id(Body(1, "Gmina", "PL", "931934644"))["scheme"] == "PL-REGON"
    assert main_category(("45000000-7",)) == "works"
    assert main_category(("33000000-0",)) == "goods"
    assert main_category(("85312000-9",)) == "services"


def test_a_pseudonym_is_stable_and_does_not_give_the_person_away(tmp_path) -> None:
    settings = load_settings({"TENDERDESK_DATA_DIR": str(tmp_path)})
    person = Body(7, "Anna Svensson", "SE", "8501011234", natural_person=True)
    first = options(settings).pseudonym(person)
    assert first == options(settings).pseudonym(person)
    assert first.startswith("person-") and "Anna" not in first and "8501011234" not in first
    assert first != options(settings).pseudonym(Body(8, "Bo", "SE", "8501011235", True))
