"""References to another context's objects, as scoring, letters and documents carry them.

Scoring knows its subjects (a bid, a candidate, an application) only by a text reference
(``bid:12``) that it treats as opaque; the context that made the reference reads it back with
:meth:`SubjectRef.parse` instead of splitting the text by hand. Pure Python.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class SubjectRef:
    kind: str  # "bid", "candidate", "application"
    id: int

    def __str__(self) -> str:
        return f"{self.kind}:{self.id}"

    @classmethod
    def parse(cls, text: str) -> SubjectRef:
        """``bid:12`` as ``SubjectRef("bid", 12)``; ValueError when it is not such a reference."""
        kind, _, number = text.partition(":")
        if not kind or not number.isdigit():
            raise ValueError(f"not a subject reference: {text!r}")
        return cls(kind, int(number))
