"""A sample letter as an authority of another country writes it: the Dutch sample of the kind
with that authority as sender, its addressee and reference, and the fields its country's
letters fill differently (:mod:`documents.letters.samples_sv`, :mod:`documents.letters.samples_pl`).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping
from datetime import date

from documents.letters.kinds import Addressee, Letter, LetterKind, Sender

Fields = Callable[[LetterKind, date], Mapping[str, object]]
Writer = Callable[[Letter, LetterKind, date], Letter]


def local_sample(sender: Sender, addressee: Addressee, reference: str, fields: Fields) -> Writer:
    """A writer of ``base`` (the sample of ``kind`` dated ``day``) as ``sender`` writes it to
    ``addressee``: ``fields(kind, day)`` replaces what the country's letter says differently
    (an addressee there replaces ``addressee``)."""

    def write(base: Letter, kind: LetterKind, day: date) -> Letter:
        changes = {"sender": sender, "addressee": addressee, "reference": reference}
        return dataclasses.replace(base, **(changes | dict(fields(kind, day))))  # type: ignore[arg-type]

    return write
