"""How a letter greets its addressee, in the letter's language.

One module per language, ``documents/letters/salutations/<language>.py``, with
``greeting(addressee)`` ("Geachte mevrouw Jansen,") and ``attention(addressee)`` (the contact
as the address block names them: "mevrouw A. Jansen"). They read the addressee's neutral fields
(``form_of_address``, ``surname``, ``contact_person``), so a new language is a new file. A
language without its module is greeted in English, as its letters are written until it has
templates of its own.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Mapping
from functools import cache
from types import ModuleType
from typing import TYPE_CHECKING

from organisations.domain import FormOfAddress, without_form_of_address

if TYPE_CHECKING:
    from documents.letters.kinds import Addressee

FALLBACK = "en"
WORDED = ("greeting", "attention")  # what each module words, as the addressee's fields


@cache
def _module(language: str) -> ModuleType | None:
    if not language.isalpha():
        return None
    try:
        return importlib.import_module(f"{__name__}.{language}")
    except ModuleNotFoundError:
        return None


def worded(addressee: Addressee, language: str) -> dict[str, str]:
    module = _module(language) or _module(FALLBACK)
    assert module is not None, "the fallback language has its salutations"
    return {name: getattr(module, name)(addressee) for name in WORDED}


def greeting_in(
    addressee: Addressee,
    dear: str,
    titles: Mapping[FormOfAddress, str],
    nobody: str,
    surname: Callable[[str], str] = str,
) -> str:
    """ "{dear} {title} {surname},", by the name in full when neutral, else ``nobody``: what
    most languages' ``greeting`` is, given their words."""
    form = FormOfAddress(addressee.form_of_address)
    if form in titles and addressee.surname:
        return f"{dear} {titles[form]} {surname(addressee.surname)},"
    if form is FormOfAddress.NEUTRAL and addressee.contact_person:
        return f"{dear} {without_form_of_address(addressee.contact_person)},"
    return nobody


def attention_in(addressee: Addressee, titles: Mapping[FormOfAddress, str]) -> str:
    """ "{title} {name as written}" ("mevrouw A. Jansen"), or the name as written."""
    name = without_form_of_address(addressee.contact_person)
    form = FormOfAddress(addressee.form_of_address)
    if not name or form not in titles:
        return addressee.contact_person
    return f"{titles[form]} {name}"
