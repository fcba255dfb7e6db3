"""Dutch: "Geachte mevrouw Jansen,", "Geachte heer De Vries," (a surname that begins with a
particle takes a capital when no initials or first name precede it), "Geachte Alex de Vries,"
(neutral), "Geachte heer, mevrouw," (no one known); "t.a.v. de heer J. de Vries"."""

from __future__ import annotations

from typing import TYPE_CHECKING

from documents.letters.salutations import attention_in, greeting_in
from organisations.domain import FormOfAddress

if TYPE_CHECKING:
    from documents.letters.kinds import Addressee


def _capital(surname: str) -> str:
    return surname[:1].upper() + surname[1:]


def greeting(addressee: Addressee) -> str:
    return greeting_in(
        addressee,
        "Geachte",
        {FormOfAddress.MS: "mevrouw", FormOfAddress.MR: "heer"},
        "Geachte heer, mevrouw,",
        _capital,
    )


def attention(addressee: Addressee) -> str:
    return attention_in(addressee, {FormOfAddress.MS: "mevrouw", FormOfAddress.MR: "de heer"})
