from datetime import UTC, datetime, timedelta

import pytest

from accounts.domain import (
    LOCKOUT_PERIOD,
    LoginState,
    Principal,
    Role,
    after_failed_login,
    validate_user,
)
from common.errors import ValidationFailed

NOW = datetime(2026, 11, 23, 10, tzinfo=UTC)


def test_the_fifth_failure_locks_for_fifteen_minutes():
    state = LoginState(0, None)
    for attempt in range(1, 5):
        state = after_failed_login(state, NOW)
        assert state == LoginState(attempt, None)
    state = after_failed_login(state, NOW)
    assert state.locked_until == NOW + timedelta(minutes=15)
    assert state.is_locked(NOW + LOCKOUT_PERIOD - timedelta(seconds=1))
    assert not state.is_locked(NOW + LOCKOUT_PERIOD)


def test_after_a_lock_runs_out_the_count_starts_afresh():
    locked = LoginState(5, NOW)
    assert after_failed_login(locked, NOW + timedelta(seconds=1)) == LoginState(1, None)


def test_principal_sees_its_own_authorities_and_admins_see_all():
    officer = Principal(1, "o@x.nl", "O", Role.OFFICER, "nl", frozenset({3}))
    admin = Principal(2, "a@x.nl", "A", Role.ADMIN, "en", frozenset())
    assert officer.can_see_authority(3) and not officer.can_see_authority(4)
    assert admin.can_see_authority(4)
    assert officer.can_see_any([4, 3]) and not officer.can_see_any([4])


def test_user_validation_reports_every_problem_with_its_field():
    with pytest.raises(ValidationFailed) as caught:
        validate_user({"email": "not-an-email", "name": " ", "role": "king", "language": "fr",
                       "authority_ids": ["x", "99"]}, known_authorities={1})
    fields = sorted({problem.location for problem in caught.value.problems})
    assert fields == ["authority_ids", "email", "language", "name", "role"]
    assert len(caught.value.for_location("authority_ids")) == 2


def test_user_validation_normalises():
    data = validate_user({"email": " Olga@Utrecht.NL ", "name": "Olga", "role": "officer",
                          "language": "nl", "authority_ids": ["1", "1"]}, known_authorities={1})
    assert data.email == "olga@utrecht.nl"
    assert data.authority_ids == frozenset({1})
    assert data.role is Role.OFFICER
