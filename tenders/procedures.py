"""Procedure types as configuration: which phases each has and its legal minimum periods.

One state machine (``tenders.machine``) serves every type; a type only says which of the phases
it passes through and which minimum periods apply to its deadlines. Pure Python.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from common.i18n import N_


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
class MinimumPeriod:
    """A legal minimum: ``days`` between ``start`` (publication or invitation) and ``deadline``.

    ``rule`` names the provision, so that a warning can say which rule it is about.
    """

    deadline: Deadline
    days: int
    rule: str
    from_invitation: bool = False  # counted from the invitation to tender, not publication


@dataclass(frozen=True)
class ProcedureType:
    code: str
    label: str
    phases: tuple[Phase, ...]
    minimum_periods: tuple[MinimumPeriod, ...] = ()
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

    def minimum(self, deadline: Deadline, electronic: bool) -> MinimumPeriod | None:
        found = [p for p in self.minimum_periods if p.deadline is deadline]
        if not found:
            return None
        if deadline is Deadline.BIDS and electronic and len(found) > 1:
            return found[1]
        return found[0]


OPEN_TAIL = (Phase.TENDERING, Phase.OPENING, Phase.EVALUATION, Phase.AWARD_INTENT,
             Phase.AWARDED, Phase.CONTRACTED)

OPEN = ProcedureType(
    "open", N_("Open procedure"), (Phase.DRAFT, *OPEN_TAIL),
    (MinimumPeriod(Deadline.BIDS, 35, N_("Directive 2014/24/EU art. 27(1), Aanbestedingswet "
                                        "2012 art. 2.71: 35 days for bids")),
     MinimumPeriod(Deadline.BIDS, 30, N_("Directive 2014/24/EU art. 27(4), Aanbestedingswet "
                                        "2012 art. 2.71: 30 days for bids submitted "
                                        "electronically"))),
)
RESTRICTED = ProcedureType(
    "restricted", N_("Restricted procedure"),
    (Phase.DRAFT, Phase.PUBLISHED, Phase.SELECTION, *OPEN_TAIL),
    (MinimumPeriod(Deadline.REQUESTS, 30, N_("Directive 2014/24/EU art. 28(1), Aanbestedingswet "
                                            "2012 art. 2.74: 30 days for requests to "
                                            "participate")),
     MinimumPeriod(Deadline.BIDS, 30, N_("Directive 2014/24/EU art. 28(2), Aanbestedingswet "
                                        "2012 art. 2.75: 30 days for bids after the "
                                        "invitation"), from_invitation=True)),
)
COMPETITIVE_DIALOGUE = ProcedureType(
    "competitive_dialogue", N_("Competitive dialogue"),
    (Phase.DRAFT, Phase.PUBLISHED, Phase.SELECTION, Phase.DIALOGUE, *OPEN_TAIL),
    (MinimumPeriod(Deadline.REQUESTS, 30, N_("Directive 2014/24/EU art. 30(1), Aanbestedingswet "
                                            "2012 art. 2.80: 30 days for requests to "
                                            "participate")),),
)
NEGOTIATION = ProcedureType(
    "negotiation", N_("Competitive procedure with negotiation"),
    (Phase.DRAFT, Phase.PUBLISHED, Phase.SELECTION, Phase.DIALOGUE, *OPEN_TAIL),
    (MinimumPeriod(Deadline.REQUESTS, 30, N_("Directive 2014/24/EU art. 29(1), Aanbestedingswet "
                                            "2012 art. 2.78: 30 days for requests to "
                                            "participate")),
     MinimumPeriod(Deadline.BIDS, 30, N_("Directive 2014/24/EU art. 29(1), Aanbestedingswet "
                                        "2012 art. 2.78: 30 days for initial bids after the "
                                        "invitation"), from_invitation=True)),
)
# Social and other specific services (Directive 2014/24/EU art. 74-76): no fixed minimum periods;
# the authority sets reasonable ones.
LIGHT_REGIME = ProcedureType(
    "light_regime", N_("Social services light regime"), (Phase.DRAFT, *OPEN_TAIL),
)
# Open house: every provider meeting the terms is admitted; nobody is ranked, so there is no
# award intent and no standstill.
OPEN_HOUSE = ProcedureType(
    "open_house", N_("Open house"),
    (Phase.DRAFT, Phase.TENDERING, Phase.OPENING, Phase.EVALUATION, Phase.AWARDED,
     Phase.CONTRACTED),
    ranked=False,
)

PROCEDURE_TYPES: dict[str, ProcedureType] = {
    t.code: t for t in (OPEN, RESTRICTED, COMPETITIVE_DIALOGUE, NEGOTIATION, LIGHT_REGIME,
                        OPEN_HOUSE)
}

# The EU threshold for social and other specific services (art. 4(d)), in euro.
LIGHT_REGIME_THRESHOLD_EUR = 750_000
