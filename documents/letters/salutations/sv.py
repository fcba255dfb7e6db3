"""Swedish: letters greet by name without titles, "Hej Karin Berg!", or "Hej!" when no contact
is known; the address block names the contact as written ("Att: Karin Berg")."""

from __future__ import annotations

from typing import TYPE_CHECKING

from documents.letters.salutations import attention_in
from organisations.domain import without_form_of_address

if TYPE_CHECKING:
    from documents.letters.kinds import Addressee


def greeting(addressee: Addressee) -> str:
    name = without_form_of_address(addressee.contact_person)
    return f"Hej {name}!" if name else "Hej!"


def attention(addressee: Addressee) -> str:
    return attention_in(addressee, {})
