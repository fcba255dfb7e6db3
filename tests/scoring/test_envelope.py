"""The envelope rule, exhaustively: every combination of facts, both envelopes."""

from itertools import product

import pytest

from common.errors import DomainError
from scoring.envelope import (
    BEFORE_OPENING,
    PRICES_SEALED,
    WITHDRAWN,
    Envelope,
    EnvelopeFacts,
    PriceOpeningStep,
    check_envelope_setting,
    is_sealed,
    price_opening_step,
    price_sealed,
    sealed_reason,
)


def expected(facts: EnvelopeFacts, envelope: Envelope) -> str | None:
    """The rule as the issue states it, written independently of the module."""
    if facts.withdrawn:
        return WITHDRAWN  # never opened, never readable
    if not facts.bids_opened:
        return BEFORE_OPENING  # nothing before the four-eyes opening
    if envelope is Envelope.QUALITY or not facts.two_envelope:
        return None  # one envelope: the opening opens everything
    return None if facts.prices_opened else PRICES_SEALED


@pytest.mark.parametrize(
    ("opened", "two", "prices", "withdrawn", "envelope"),
    list(product((False, True), (False, True), (False, True), (False, True), list(Envelope))),
)
def test_every_combination_of_facts(opened, two, prices, withdrawn, envelope):
    facts = EnvelopeFacts(
        bids_opened=opened, two_envelope=two, prices_opened=prices, withdrawn=withdrawn
    )
    assert sealed_reason(facts, envelope) == expected(facts, envelope)
    assert is_sealed(facts, envelope) is (expected(facts, envelope) is not None)


def test_the_price_of_a_two_envelope_bid_opens_only_with_the_price_opening():
    at_opening = EnvelopeFacts(bids_opened=True, two_envelope=True)
    assert price_sealed(at_opening) and not is_sealed(at_opening, Envelope.QUALITY)
    assert not price_sealed(EnvelopeFacts(bids_opened=True, two_envelope=True, prices_opened=True))
    assert not price_sealed(EnvelopeFacts(bids_opened=True, two_envelope=False))
    assert price_sealed(
        EnvelopeFacts(bids_opened=True, two_envelope=True, prices_opened=True, withdrawn=True)
    )


def step(**facts):
    base = {
        "two_envelope": True,
        "quality_final": True,
        "prices_opened": False,
        "approved_by": None,
        "officer_id": 7,
    }
    return price_opening_step(**{**base, **facts})


def test_the_price_opening_needs_quality_final_and_two_different_officers():
    assert step() is PriceOpeningStep.APPROVE
    assert step(approved_by=3) is PriceOpeningStep.OPEN
    with pytest.raises(DomainError, match="a second, different officer must confirm"):
        step(approved_by=7)
    with pytest.raises(DomainError, match="once quality is final"):
        step(quality_final=False)
    with pytest.raises(DomainError, match="already been opened"):
        step(prices_opened=True, approved_by=3)
    with pytest.raises(DomainError, match="one envelope"):
        step(two_envelope=False)


def test_prices_received_sealed_keep_two_envelopes():
    with pytest.raises(DomainError, match="keeps two envelopes"):
        check_envelope_setting(True, False, holds_sealed_prices=True)
    check_envelope_setting(True, False, holds_sealed_prices=False)  # no price came in yet
    check_envelope_setting(False, True, holds_sealed_prices=False)
    check_envelope_setting(True, True, holds_sealed_prices=True)


def test_an_owned_evaluation_takes_its_envelopes_from_its_owner():
    for before, after in ((True, False), (False, True)):
        with pytest.raises(DomainError, match="set by its owner, tender:4:lot:9"):
            check_envelope_setting(before, after, False, owner_ref="tender:4:lot:9")
        check_envelope_setting(before, after, False, owner_ref="tender:4:lot:9", by_owner=True)
    check_envelope_setting(True, True, False, owner_ref="tender:4:lot:9")  # unchanged
    with pytest.raises(DomainError, match="keeps two envelopes"):
        check_envelope_setting(True, False, True, owner_ref="tender:4:lot:9", by_owner=True)
