"""Sending a round's decision letters twice at the same moment: one set of letters.

On PostgreSQL two requests (or two jobs) used to both find the letters unsent and both send
them: twice the letters, two ``round.letters_sent``. The round's row lock
(``subsidies.access.round_row``) is taken when the sending is queued and again in the job
before the letters are recorded; the second finds the job queued, or the letters sent.
"""

from __future__ import annotations

import asyncio

from audit.tables import AuditEvent
from common.errors import DomainError
from subsidies import letters
from tests.subsidies.test_letters import decided_round
from tests.support.http import sign_in
from tests.support.jobs import run_jobs

LETTERS = 5  # decided_round: five applicants with a decision


async def _count(action: str) -> int:
    return await AuditEvent.count().where(AuditEvent.action == action)


async def test_sending_twice_at_once_through_the_api_sends_once(
    setup, fixed_clock, make_user, parallel_client_factory
) -> None:
    s = setup
    await decided_round(s, fixed_clock)
    other = await make_user("officer", authorities=[s.authority_id])
    async with parallel_client_factory() as one, parallel_client_factory() as two:
        await sign_in(one, s.officer.email)
        await sign_in(two, other.email)
        url = f"/api/v1/subsidies/rounds/{s.round_id}/letters"
        answers = await asyncio.gather(one.post(url), two.post(url))
    assert sorted(a.status_code for a in answers) == [202, 409], [a.text for a in answers]
    [refused] = [a for a in answers if a.status_code == 409]
    sender = other if refused is answers[0] else s.officer
    assert sender.as_actor().label in refused.json()["detail"]
    assert len(await run_jobs()) == 1
    assert await _count("round.letters_sent") == 1
    assert await _count("letter.sent") == LETTERS


async def test_two_jobs_sending_at_once_record_one_set(setup, fixed_clock, make_user) -> None:
    """The job checks again under the lock: a second sender (a job queued after the first
    was claimed, a retry) is refused naming the first, and records nothing."""
    s = setup
    await decided_round(s, fixed_clock)
    other = await make_user("officer", authorities=[s.authority_id])
    results = await asyncio.gather(
        letters.send_decision_letters(s.officer, s.round_id),
        letters.send_decision_letters(other, s.round_id),
        return_exceptions=True,
    )
    [sent] = [r for r in results if isinstance(r, list)]
    [refused] = [r for r in results if isinstance(r, BaseException)]
    assert len(sent) == LETTERS
    assert isinstance(refused, DomainError), refused
    sender = s.officer if results[0] is sent else other
    assert f"{sender.name} sent the decision letters of subsidy round {s.round_id} on " in str(
        refused
    )
    assert await _count("round.letters_sent") == 1
    assert await _count("letter.sent") == LETTERS
