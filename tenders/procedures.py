"""Procedure types as configuration: which phases each has and its legal minimum periods.

One state machine (``tenders.machine``) serves every type; a type only says which of the phases
it passes through. The minimum periods of its deadlines are the law of the lead authority's
country (``common.jurisdictions``). Pure Python.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from common.i18n import N_
from common.jurisdictions import MinimumPeriod, jurisdiction_for


class Phase(StrEnum):
    DRAFT = "draft"
    PUBLISHED = "published"
    SELECTION = "selection"
    DIALOGUE = "dialogue"
    TENDERING = "tendering"
    OPENING = "opening"
    EVALUATION = "evaluation"
    AWARD_INTENT = "award_intent"
    AWARDED = "awarded"
    CONTRACTED = "contracted"
    CANCELLED = "cancelled"
    UNSUCCESSFUL = "unsuccessful"


PHASE_LABELS: dict[Phase, str] = {
    Phase.DRAFT: N_("Draft"),
    Phase.PUBLISHED: N_("Published"),
    Phase.SELECTION: N_("Selection"),
    Phase.DIALOGUE: N_("Dialogue"),
    Phase.TENDERING: N_("Tendering"),
    Phase.OPENING: N_("Opening"),
    Phase.EVALUATION: N_("Evaluation"),
    Phase.AWARD_INTENT: N_("Award intent"),
    Phase.AWARDED: N_("Awarded"),
    Phase.CONTRACTED: N_("Contracted"),
    Phase.CANCELLED: N_("Cancelled"),
    Phase.UNSUCCESSFUL: N_("Unsuccessful"),
}

FINAL_PHASES = frozenset({Phase.CONTRACTED, Phase.CANCELLED, Phase.UNSUCCESSFUL})


class Deadline(StrEnum):
    """The deadlines an officer enters; each belongs to the phase it ends."""

    REQUESTS = "requests"  # requests to participate (ends "published")
    QUESTIONS = "questions"  # clarification questions (Nota van Inlichtingen)
    BIDS = "bids"  # bids (ends "tendering")


DEADLINE_LABELS: dict[Deadline, str] = {
    Deadline.REQUESTS: N_("Requests to participate"),
    Deadline.QUESTIONS: N_("Clarification questions"),
    Deadline.BIDS: N_("Bids"),
}


@dataclass(frozen=True)
class ProcedureType:
    code: str
    label: str
    phases: tuple[Phase, ...]
    ranked: bool = True  # open house admits everyone meeting the terms: no ranking

    def has(self, phase: Phase) -> bool:
        return phase in self.phases

    def next_phase(self, phase: Phase) -> Phase | None:
        """The phase after ``phase`` in this type, or None after the last."""
        if phase not in self.phases:
            return None
        index = self.phases.index(phase)
        return self.phases[index + 1] if index + 1 < len(self.phases) else None

    @property
    def selects(self) -> bool:
        return Phase.SELECTION in self.phases

    @property
    def required_deadlines(self) -> tuple[Deadline, ...]:
        needed = [Deadline.REQUESTS] if self.selects else []
        return (*needed, Deadline.QUESTIONS, Deadline.BIDS)

    def minimum(self, deadline: Deadline, electronic: bool, country: str) -> MinimumPeriod | None:
        """The legal minimum period for ``deadline`` in this type, in ``country`` (the lead
        authority's): its jurisdiction holds the numbers and the provisions they come from."""
        return jurisdiction_for(country).minimum_period(self.code, deadline.value, electronic)


OPEN_TAIL = (
    Phase.TENDERING,
    Phase.OPENING,
    Phase.EVALUATION,
    Phase.AWARD_INTENT,
    Phase.AWARDED,
    Phase.CONTRACTED,
)

OPEN = ProcedureType(
    "open",
    N_("Open procedure"),
    (Phase.DRAFT, *OPEN_TAIL),
)
RESTRICTED = ProcedureType(
    "restricted",
    N_("Restricted procedure"),
    (Phase.DRAFT, Phase.PUBLISHED, Phase.SELECTION, *OPEN_TAIL),
)
COMPETITIVE_DIALOGUE = ProcedureType(
    "competitive_dialogue",
    N_("Competitive dialogue"),
    (Phase.DRAFT, Phase.PUBLISHED, Phase.SELECTION, Phase.DIALOGUE, *OPEN_TAIL),
)
NEGOTIATION = ProcedureType(
    "negotiation",
    N_("Competitive procedure with negotiation"),
    (Phase.DRAFT, Phase.PUBLISHED, Phase.SELECTION, Phase.DIALOGUE, *OPEN_TAIL),
)
# Social and other specific services (Directive 2014/24/EU art. 74-76): no fixed minimum periods;
# the authority sets reasonable ones.
LIGHT_REGIME = ProcedureType(
    "light_regime",
    N_("Social services light regime"),
    (Phase.DRAFT, *OPEN_TAIL),
)
# Open house: every provider meeting the terms is admitted; nobody is ranked, so there is no
# award intent and no standstill.
OPEN_HOUSE = ProcedureType(
    "open_house",
    N_("Open house"),
    (
        Phase.DRAFT,
        Phase.TENDERING,
        Phase.OPENING,
        Phase.EVALUATION,
        Phase.AWARDED,
        Phase.CONTRACTED,
    ),
    ranked=False,
)

PROCEDURE_TYPES: dict[str, ProcedureType] = {
    t.code: t
    for t in (OPEN, RESTRICTED, COMPETITIVE_DIALOGUE, NEGOTIATION, LIGHT_REGIME, OPEN_HOUSE)
}
