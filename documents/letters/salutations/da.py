"""Danish: letters greet by the full name, without a title and without a comma ("Kære Anne
Jensen"), as Danish authorities write; by the organisation's name when no contact is known. The
address block names the contact as written ("Att.: Anne Jensen")."""

from __future__ import annotations

from typing import TYPE_CHECKING

from organisations.domain import without_form_of_address

if TYPE_CHECKING:
    from documents.letters.kinds import Addressee


def greeting(addressee: Addressee) -> str:
    name = without_form_of_address(addressee.contact_person)
    return f"Kære {name or addressee.name}"


def attention(addressee: Addressee) -> str:
    return without_form_of_address(addressee.contact_person)
