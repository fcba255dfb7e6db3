from datetime import UTC, datetime, timedelta

import pytest

from accounts.domain import (
    ACCOUNT_THROTTLE,
    ADDRESS_THROTTLE,
    MIN_PASSWORD_SCORE,
    Throttle,
    ThrottlePolicy,
    check_password_strength,
    generate_password,
    password_score,
    validate_user,
)
from common.errors import ProblemCollector, ValidationFailed
from common.identity import Principal, Role

NOW = datetime(2026, 11, 23, 10, tzinfo=UTC)
POLICY = ThrottlePolicy(
    free_failures=3,
    base_delay=timedelta(seconds=2),
    max_delay=timedelta(seconds=60),
    forget_after=timedelta(hours=1),
)


def failures(count: int, at: datetime = NOW) -> Throttle:
    throttle = Throttle()
    for _ in range(count):
        throttle = throttle.after_failure(POLICY, at)
    return throttle


def test_free_failures_do_not_wait():
    assert failures(2).waits_until(POLICY, NOW) is None
    assert Throttle().waits_until(POLICY, NOW) is None


def test_each_further_failure_doubles_the_wait_up_to_the_cap():
    waits = [failures(n).waits_until(POLICY, NOW) - NOW for n in range(3, 10)]
    assert waits == [timedelta(seconds=s) for s in (2, 4, 8, 16, 32, 60, 60)]
    assert failures(3).waits_until(POLICY, NOW + timedelta(seconds=2)) is None
    huge = Throttle(10_000, NOW)
    assert huge.waits_until(POLICY, NOW) == NOW + timedelta(seconds=60)


def test_nothing_ever_locks_and_old_failures_are_forgotten():
    throttle = failures(50)
    assert throttle.waits_until(POLICY, NOW + timedelta(seconds=60)) is None
    later = throttle.after_failure(POLICY, NOW + POLICY.forget_after)
    assert later == Throttle(1, NOW + POLICY.forget_after)


def test_the_policies_slow_accounts_sooner_than_shared_addresses():
    assert ACCOUNT_THROTTLE.free_failures < ADDRESS_THROTTLE.free_failures
    assert ACCOUNT_THROTTLE.max_delay <= ADDRESS_THROTTLE.max_delay


@pytest.mark.parametrize(
    "password",
    [
        "aaaaaaaaaaaa",
        "password1234",
        "123456789012",
        "qwertyuiopas",
        "Welkom012345",
        "tenderdesk2026!",
        "olga.devries1",
    ],
)
def test_guessable_passwords_are_refused_with_a_clear_message(password):
    problems = ProblemCollector()
    check_password_strength(
        password, problems, "new_password", user_inputs=("olga.devries@utrecht.nl", "Olga de Vries")
    )
    assert [p.location for p in problems.problems] == ["new_password"]
    assert "too easy to guess" in problems.problems[0].message


@pytest.mark.parametrize(
    "password", ["correct horse battery staple", "a much longer one", "Kade 7 fietsbel groen wolk"]
)
def test_passphrases_pass(password):
    problems = ProblemCollector()
    check_password_strength(password, problems)
    assert problems.problems == []


def test_length_limits_come_first():
    for password, message in (("short", "at least"), ("x" * 1001, "at most")):
        problems = ProblemCollector()
        check_password_strength(password, problems)
        assert message in problems.problems[0].message


def test_generated_passwords_are_strong():
    assert all(password_score(generate_password()) >= MIN_PASSWORD_SCORE for _ in range(20))


def test_principal_sees_its_own_authorities_and_admins_see_all():
    officer = Principal(1, "o@x.nl", "O", Role.OFFICER, "nl", frozenset({3}))
    admin = Principal(2, "a@x.nl", "A", Role.ADMIN, "en", frozenset())
    assert officer.can_see_authority(3) and not officer.can_see_authority(4)
    assert admin.can_see_authority(4)
    assert officer.can_see_any([4, 3]) and not officer.can_see_any([4])


def test_user_validation_reports_every_problem_with_its_field():
    with pytest.raises(ValidationFailed) as caught:
        validate_user(
            {
                "email": "not-an-email",
                "name": " ",
                "role": "king",
                "language": "fr",
                "authority_ids": ["x", "99"],
            },
            known_authorities={1},
        )
    fields = sorted({problem.location for problem in caught.value.problems})
    assert fields == ["authority_ids", "email", "language", "name", "role"]
    assert len(caught.value.for_location("authority_ids")) == 2


def test_user_validation_normalises():
    data = validate_user(
        {
            "email": " Olga@Utrecht.NL ",
            "name": "Olga",
            "role": "officer",
            "language": "nl",
            "authority_ids": ["1", "1"],
        },
        known_authorities={1},
    )
    assert data.email == "olga@utrecht.nl"
    assert data.authority_ids == frozenset({1})
    assert data.role is Role.OFFICER
