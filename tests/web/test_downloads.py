"""Names of downloaded files survive the Content-Disposition header, whatever their letters."""

from __future__ import annotations

import re
from urllib.parse import unquote

import pytest

from web.downloads import content_disposition


def _saved_as(header: str) -> str:
    """The name a browser saves under: the UTF-8 name where given (RFC 6266 prefers it), else
    the plain one."""
    encoded = re.search(r"filename\*=UTF-8''([^;]+)$", header)
    if encoded:
        return unquote(encoded.group(1))
    return re.fullmatch(r'attachment; filename="([^"]*)"', header).group(1)


@pytest.mark.parametrize(
    "name",
    [
        "awards.csv",
        "Opis przedmiotu zamówienia – łódź.pdf",
        'Bestek "Zorg" 2027.docx',
        "Udbud ÆØÅ æøå.xlsx",
        "back\\slash.txt",
        "ĄĘŚŻŹĆŃŁ.txt",
    ],
)
def test_every_name_is_latin_1_safe_and_saved_as_itself(name):
    header = content_disposition(name)
    header.encode("latin-1")  # what the server can send
    assert header.startswith('attachment; filename="')
    assert _saved_as(header) == name


def test_a_plain_name_is_given_once():
    assert content_disposition("awards.csv") == 'attachment; filename="awards.csv"'


def test_a_name_without_any_ascii_letter_still_has_a_plain_fallback():
    assert content_disposition("łł").startswith('attachment; filename="download";')
