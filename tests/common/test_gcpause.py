"""Collection is paused for the block, nested pauses keep it off, and it comes back on."""

import gc

import pytest

from common.gcpause import paused_collection


def test_collection_pauses_and_resumes_even_after_an_error():
    assert gc.isenabled()
    with paused_collection():
        assert not gc.isenabled()
        with paused_collection():
            assert not gc.isenabled()
        assert not gc.isenabled(), "the outer pause still holds"
    assert gc.isenabled()
    with pytest.raises(RuntimeError), paused_collection():
        raise RuntimeError
    assert gc.isenabled()


def test_a_pause_leaves_collection_off_when_it_was_off():
    gc.disable()
    try:
        with paused_collection():
            pass
        assert not gc.isenabled()
    finally:
        gc.enable()
