from datetime import UTC, datetime, timedelta

import pytest

from common import clock
from common.clock import FixedClock, use_clock


def test_a_fixed_clock_stands_still_and_travels_on_request():
    moment = datetime(2026, 3, 1, 11, tzinfo=UTC)
    with use_clock(FixedClock(moment)) as fixed:
        assert clock.now() == moment
        fixed.advance(timedelta(minutes=15))
        assert clock.now() == moment + timedelta(minutes=15)
    assert clock.now() > moment + timedelta(days=200)  # back on the system clock


def test_a_fixed_clock_needs_a_zone():
    with pytest.raises(ValueError):
        FixedClock(datetime(2026, 3, 1, 11))
