"""The sealing rules (tenders.sealing), pure: what is sealed opens only with the tender's data
key, unwrapped by the master key it was wrapped with, in the place it was sealed for."""

from __future__ import annotations

import base64
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tenders import sealing
from tenders.sealing import DAMAGED, WRONG_KEY, MasterKey, SealBroken

MASTER = MasterKey.from_secret("the master key kept outside the database")
OTHER = MasterKey.from_secret("a key generated anew after the first was lost")
PRICE_AT = sealing.bid_context(7, 70, "price")
FILE_AT = sealing.bid_context(7, 70, "file:quality")


def _keys(tender_id: int = 7) -> tuple[str, bytes]:
    keys = sealing.new_tender_keys(MASTER, tender_id)
    return keys.public_key, sealing.unwrap(MASTER, keys.wrapped, keys.fingerprint, tender_id)


def test_a_price_and_a_file_open_with_the_tenders_data_key_only():
    public, private = _keys()
    sealed_price = sealing.seal_price(public, Decimal("123456.78"), PRICE_AT)
    sealed_file = sealing.seal_bytes(public, b"%PDF our quality plan", FILE_AT)
    assert "123456" not in sealed_price and "123456" not in base64.b64decode(sealed_price).hex()
    assert b"quality plan" not in sealed_file
    assert sealing.open_price(private, sealed_price, PRICE_AT) == Decimal("123456.78")
    assert sealing.open_bytes(private, sealed_file, FILE_AT) == b"%PDF our quality plan"
    _, another_tender = _keys(8)
    with pytest.raises(SealBroken) as refused:
        sealing.open_price(another_tender, sealed_price, PRICE_AT)
    assert refused.value.problem.message == DAMAGED


def test_sealing_twice_gives_different_ciphertext():
    public, _ = _keys()
    assert sealing.seal_price(public, Decimal(1), PRICE_AT) != sealing.seal_price(
        public, Decimal(1), PRICE_AT
    )


def test_a_lost_or_other_master_key_is_named_and_opens_nothing():
    keys = sealing.new_tender_keys(MASTER, 7)
    with pytest.raises(SealBroken) as refused:
        sealing.unwrap(OTHER, keys.wrapped, keys.fingerprint, 7)
    assert refused.value.problem.message == WRONG_KEY
    assert "TENDERDESK_SEALING_KEY" in str(refused.value)
    # Even with the fingerprint forged to match, the other key does not unwrap it.
    with pytest.raises(SealBroken) as refused:
        sealing.unwrap(OTHER, keys.wrapped, OTHER.fingerprint, 7)
    assert refused.value.problem.message == DAMAGED
    # Nor does the wrapped key of one tender pass for another's.
    with pytest.raises(SealBroken):
        sealing.unwrap(MASTER, keys.wrapped, keys.fingerprint, 8)


def test_ciphertext_moved_to_another_bid_or_envelope_or_changed_does_not_open():
    public, private = _keys()
    sealed = sealing.seal_bytes(public, b"price sheet", sealing.bid_context(7, 70, "file:price"))
    for context in (sealing.bid_context(7, 71, "file:price"), FILE_AT):
        with pytest.raises(SealBroken):
            sealing.open_bytes(private, sealed, context)
    flipped = sealed[:-1] + bytes([sealed[-1] ^ 1])
    for broken in (flipped, sealed[:20], b"", b"\x02" + sealed[1:]):
        with pytest.raises(SealBroken) as refused:
            sealing.open_bytes(private, broken, sealing.bid_context(7, 70, "file:price"))
        assert refused.value.problem.message == DAMAGED
    with pytest.raises(SealBroken):
        sealing.open_price(private, "not base64!", PRICE_AT)


def test_a_files_name_and_type_are_sealed_with_it():
    public, private = _keys()
    sealed = sealing.seal_name(public, "Plan van aanpak.pdf", "application/pdf", FILE_AT)
    assert "aanpak" not in sealed
    assert sealing.open_name(private, sealed, FILE_AT) == ("Plan van aanpak.pdf", "application/pdf")


def test_the_master_key_is_derived_and_fingerprinted_stably():
    again = MasterKey.from_secret("the master key kept outside the database")
    assert again == MASTER and MASTER.fingerprint != OTHER.fingerprint
    assert len(MASTER.key) == 32 and MASTER.fingerprint not in "the master key"
    with pytest.raises(ValueError):
        MasterKey.from_secret("")


@settings(max_examples=40, deadline=None)
@given(st.binary(max_size=5000), st.integers(min_value=1, max_value=10**6))
def test_whatever_is_sealed_opens_as_it_was(data, bid_id):
    public, private = _keys()
    context = sealing.bid_context(7, bid_id, "file:price")
    assert sealing.open_bytes(private, sealing.seal_bytes(public, data, context), context) == data
