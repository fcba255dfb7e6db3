"""Polish: "Szanowna Pani," and "Szanowny Panie," (a Polish letter greets by the title alone,
not by the surname), "Szanowni Państwo," when no one is named or no form is known; "Pani Anna
Kowalska", "Pan Jan Nowak" where the address block names the contact."""

from __future__ import annotations

from typing import TYPE_CHECKING

from documents.letters.salutations import attention_in
from organisations.domain import FormOfAddress

if TYPE_CHECKING:
    from documents.letters.kinds import Addressee

GREETINGS = {FormOfAddress.MS: "Szanowna Pani,", FormOfAddress.MR: "Szanowny Panie,"}


def greeting(addressee: Addressee) -> str:
    form = FormOfAddress(addressee.form_of_address)
    return (
        GREETINGS.get(form, "Szanowni Państwo,")
        if addressee.contact_person or addressee.surname
        else "Szanowni Państwo,"
    )


def attention(addressee: Addressee) -> str:
    return attention_in(addressee, {FormOfAddress.MS: "Pani", FormOfAddress.MR: "Pan"})
