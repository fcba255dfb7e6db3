"""English (British usage, no full stop after Ms and Mr): "Dear Ms Jansen,", "Dear Mr de
Vries,", "Dear Alex de Vries," (neutral), "Dear Sir or Madam," (no one known)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from documents.letters.salutations import attention_in, greeting_in
from organisations.domain import FormOfAddress

if TYPE_CHECKING:
    from documents.letters.kinds import Addressee

TITLES = {FormOfAddress.MS: "Ms", FormOfAddress.MR: "Mr"}


def greeting(addressee: Addressee) -> str:
    return greeting_in(addressee, "Dear", TITLES, "Dear Sir or Madam,")


def attention(addressee: Addressee) -> str:
    return attention_in(addressee, TITLES)
