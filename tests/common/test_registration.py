import pytest

from common.errors import DomainError
from common.registration import normalise_registration_number


@pytest.mark.parametrize(
    ("country", "number", "expected"),
    [
        ("NL", "3028 0353", "30280353"),
        ("DK", "29 18 95 87", "29189587"),
        ("PL", "931934644", "931934644"),  # REGON, 9 digits
        ("PL", "896-100-55-77", None),  # NIP with a bad check digit
        ("PL", "5260250274", "5260250274"),  # NIP
        ("SE", "2120000043", "212000-0043"),
        ("se", "212000-0043", "212000-0043"),
    ],
)
def test_valid_numbers_are_normalised(country, number, expected):
    if expected is None:
        with pytest.raises(DomainError):
            normalise_registration_number(country, number)
    else:
        assert normalise_registration_number(country, number) == expected


@pytest.mark.parametrize(
    ("country", "number", "message"),
    [
        ("NL", "1234567", "is not a valid KvK number"),
        ("NL", "1234567A", "is not a valid KvK number"),
        ("DK", "29189588", "check digit is wrong"),
        ("PL", "931934645", "check digit is wrong"),
        ("SE", "2120000044", "check digit is wrong"),
        ("DK", "", "A CVR number is required"),
        ("DE", "123", "Unknown country DE"),
    ],
)
def test_invalid_numbers_say_why(country, number, message):
    with pytest.raises(DomainError) as caught:
        normalise_registration_number(country, number)
    assert message in str(caught.value)
