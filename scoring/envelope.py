"""The sealed envelopes of a bid: the one rule every read path of a price asks. Pure.

A bid comes in two envelopes: the *quality* envelope (the bid's documents) and the *price*
envelope (its price and its price documents). In a one-envelope procedure they are opened
together.

- Before the bid opening (two different officers, after the deadline) both are sealed, for
  every role, administrators included.
- A withdrawn bid is never opened: neither envelope, ever.
- One envelope: the bid opening opens both.
- Two envelopes: the bid opening opens the quality envelope only. The price envelope stays
  sealed while quality is scored, until quality is final *and* two different officers have
  opened the prices (a second four-eyes step, on record as "prices opened").

Sealed means unreadable everywhere: pages, the API, downloads, exports, letters, reports and the
details of audit events. The tenders context asks :func:`is_sealed` for its bids and files; the
scoring engine for its subjects and ranking (an engine subject exists only after a bid opening,
so the engine's facts have ``bids_opened=True``). Both keep the facts (when bids and prices were
opened); this module alone decides what they mean.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from common.errors import DomainError
from common.i18n import N_


class Envelope(StrEnum):
    QUALITY = "quality"
    PRICE = "price"


@dataclass(frozen=True)
class EnvelopeFacts:
    """What the rule looks at for one bid (or one evaluation subject)."""

    bids_opened: bool = True  # the four-eyes bid opening has taken place
    two_envelope: bool = False
    prices_opened: bool = False  # the four-eyes price opening has taken place (two envelopes)
    withdrawn: bool = False


BEFORE_OPENING = N_("Bids are sealed until the opening")
WITHDRAWN = N_("This bid was withdrawn: it is never opened")
PRICES_SEALED = N_("Prices stay sealed until quality is final and two officers open them")


def sealed_reason(facts: EnvelopeFacts, envelope: Envelope = Envelope.PRICE) -> str | None:
    """Why ``envelope`` of the bid is sealed (a message id), or None when it may be read."""
    if facts.withdrawn:
        return WITHDRAWN
    if not facts.bids_opened:
        return BEFORE_OPENING
    if envelope is Envelope.PRICE and facts.two_envelope and not facts.prices_opened:
        return PRICES_SEALED
    return None


def is_sealed(facts: EnvelopeFacts, envelope: Envelope = Envelope.PRICE) -> bool:
    return sealed_reason(facts, envelope) is not None


def price_sealed(facts: EnvelopeFacts) -> bool:
    return is_sealed(facts, Envelope.PRICE)


# --- the price opening (four eyes) --------------------------------------------------------


class PriceOpeningStep(StrEnum):
    APPROVE = "approve"  # the first officer's approval is recorded
    OPEN = "open"  # a second, different officer confirms: the prices open


def price_opening_step(
    *,
    two_envelope: bool,
    quality_final: bool,
    prices_opened: bool,
    approved_by: int | None,
    officer_id: int,
) -> PriceOpeningStep:
    """What ``officer_id`` asking to open the prices does, or the DomainError that refuses it."""
    if not two_envelope:
        raise DomainError(N_("This evaluation has one envelope: its prices open with the bids"))
    if prices_opened:
        raise DomainError(N_("The prices have already been opened"))
    if not quality_final:
        raise DomainError(N_("The prices are opened once quality is final"))
    if approved_by is None:
        return PriceOpeningStep.APPROVE
    if approved_by == officer_id:
        raise DomainError(
            N_(
                "You have already approved opening the prices; a second, "
                "different officer must confirm"
            )
        )
    return PriceOpeningStep.OPEN


def check_envelope_setting(
    two_envelope_before: bool,
    two_envelope_after: bool,
    holds_sealed_prices: bool,
    owner_ref: str = "",
    by_owner: bool = False,
) -> None:
    """Whether an evaluation's envelope setting may change: an evaluation owned by a procedure
    (a tender lot) takes it from its owner only, so that both ask this rule with the same
    facts; and prices received sealed stay sealed (one envelope cannot be chosen once they are
    in)."""
    if two_envelope_before == two_envelope_after:
        return
    if owner_ref and not by_owner:
        raise DomainError(
            N_("The envelopes of this evaluation are set by its owner, {owner}"), owner=owner_ref
        )
    if two_envelope_before and holds_sealed_prices:
        raise DomainError(
            N_("Sealed prices have been received; the evaluation keeps two envelopes")
        )
