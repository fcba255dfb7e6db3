import pytest

from authorities.domain import validate_authority
from common.errors import ValidationFailed


def test_country_defaults_fill_what_is_left_empty():
    data = validate_authority(
        {"name": "Vesthimmerlands Kommune", "country": "dk", "registration_number": "29189587"}
    )
    assert (data.currency, data.timezone, data.language, data.standstill_days) == (
        "DKK",
        "Europe/Copenhagen",
        "da",
        10,
    )
    dutch = validate_authority(
        {"name": "Gemeente Utrecht", "country": "NL", "registration_number": "30280353"}
    )
    assert dutch.standstill_days == 20


def test_every_problem_is_reported_with_its_field():
    with pytest.raises(ValidationFailed) as caught:
        validate_authority(
            {
                "name": "",
                "country": "PL",
                "registration_number": "931934645",
                "currency": "USD",
                "timezone": "Europe/Nowhere",
                "language": "de",
                "standstill_days": "many",
            }
        )
    problems = {p.location: p.render() for p in caught.value.problems}
    assert set(problems) == {
        "name",
        "registration_number",
        "currency",
        "timezone",
        "language",
        "standstill_days",
    }
    assert "check digit is wrong" in problems["registration_number"]


def test_an_unknown_country_is_refused():
    with pytest.raises(ValidationFailed) as caught:
        validate_authority({"name": "Stadt Köln", "country": "DE", "registration_number": "1"})
    assert caught.value.for_location("country")


def test_the_letter_settings_are_checked_and_tidied():
    data = validate_authority(
        {
            "name": "Gemeente Utrecht",
            "country": "NL",
            "registration_number": "30280353",
            "postal_address": " Postbus 16200\r\n\r\n3500 CE Utrecht ",
            "visiting_address": "Stadsplateau 1\n3521 AZ Utrecht",
            "website": "https://utrecht.nl",
            "complaint_desk": "klachten@utrecht.nl",
            "decision_body": "Het college van B&W",
            "signatory_name": "J. de Vries",
            "signatory_function": "Afdelingshoofd Inkoop",
            "iban": "nl91abna0417164300",
        }
    )
    assert data.postal_address == "Postbus 16200\n3500 CE Utrecht"
    assert data.iban == "NL91 ABNA 0417 1643 00"
    assert data.complaint_desk == "klachten@utrecht.nl"
    with pytest.raises(ValidationFailed) as caught:
        validate_authority(
            {
                "name": "Gemeente Utrecht",
                "country": "NL",
                "registration_number": "30280353",
                "website": "utrecht",
                "complaint_desk": "the desk",
                "iban": "NL91ABNA0417164301",
                "signatory_name": "x" * 201,
            }
        )
    problems = {p.location: p.render() for p in caught.value.problems}
    assert set(problems) == {"website", "complaint_desk", "iban", "signatory_name"}
    assert problems["iban"].endswith("NL91ABNA0417164301 is not a valid IBAN")
