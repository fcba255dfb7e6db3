import pytest

from authorities.domain import validate_authority
from common.errors import ValidationFailed


def test_country_defaults_fill_what_is_left_empty():
    data = validate_authority({"name": "Vesthimmerlands Kommune", "country": "dk",
                               "registration_number": "29189587"})
    assert (data.currency, data.timezone, data.language, data.standstill_days) == (
        "DKK", "Europe/Copenhagen", "da", 10)
    dutch = validate_authority({"name": "Gemeente Utrecht", "country": "NL",
                                "registration_number": "30280353"})
    assert dutch.standstill_days == 20


def test_every_problem_is_reported_with_its_field():
    with pytest.raises(ValidationFailed) as caught:
        validate_authority({"name": "", "country": "PL", "registration_number": "931934645",
                            "currency": "USD", "timezone": "Europe/Nowhere", "language": "de",
                            "standstill_days": "many"})
    problems = {p.location: p.render() for p in caught.value.problems}
    assert set(problems) == {"name", "registration_number", "currency", "timezone", "language",
                             "standstill_days"}
    assert "check digit is wrong" in problems["registration_number"]


def test_an_unknown_country_is_refused():
    with pytest.raises(ValidationFailed) as caught:
        validate_authority({"name": "Stadt Köln", "country": "DE", "registration_number": "1"})
    assert caught.value.for_location("country")
