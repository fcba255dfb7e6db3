"""A refusal that names a change: who, what and when, written in the reader's language and the
authority's wall-clock time when it is rendered, and kept whole through a failed job."""

from __future__ import annotations

from datetime import UTC, datetime

from common.errors import Conflict, DomainError, Moment, Problem
from jobs.domain import Message
from web.i18n import gettext, language

CANCELLED = Problem(
    "{change} on {moment}",
    {
        "change": Problem(
            "{actor} cancelled tender {object}", {"actor": "Anna Inkoper", "object": 3}
        ),
        "moment": Moment(datetime(2026, 3, 2, 9, 0, tzinfo=UTC), "Europe/Amsterdam"),
    },
)
REFUSED = Conflict(CANCELLED, Problem("Your sheet has already been submitted"))


def _in(code: str, problem: Problem) -> str:
    with language(code):
        return problem.render(gettext)


def test_the_change_is_told_in_the_readers_language_and_local_time() -> None:
    assert _in("en", REFUSED.whole) == (
        "Your sheet has already been submitted (Anna Inkoper "
        "cancelled tender 3 on 2 Mar 2026, 10:00)"
    )
    assert _in("nl", REFUSED.whole) == (
        "Uw scoreformulier is al ingediend (Anna Inkoper heeft "
        "aanbesteding 3 ingetrokken op 2 mrt 2026, 10:00)"
    )
    assert _in("sv", CANCELLED).endswith("den 2 mars 2026 10:00")
    summer = Moment(datetime(2026, 7, 1, 9, 0, tzinfo=UTC), "Europe/Amsterdam")
    assert summer.text().endswith("11:00")  # daylight saving time
    assert str(REFUSED) == _in("en", REFUSED.whole)


def test_a_conflict_keeps_both_problems_for_the_api() -> None:
    assert REFUSED.problems == [CANCELLED, Problem("Your sheet has already been submitted")]
    assert REFUSED.whole.params["problem"] == REFUSED.problems[1]
    assert DomainError("Add at least one lot").whole == Problem("Add at least one lot")


def test_a_failed_jobs_message_keeps_the_change_whole() -> None:
    stored = Message(REFUSED.whole.message, REFUSED.whole.params).to_json()
    again = Message.from_json(stored)
    assert again is not None
    assert _in("nl", again.as_problem()) == _in("nl", REFUSED.whole)
