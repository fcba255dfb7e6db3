"""Jobs: queued once, claimed by one instance, progress, refusals, retries, take-over."""

import asyncio
from datetime import timedelta

import pytest

from common import clock
from common.errors import DomainError
from common.i18n import N_
from common.identity import Role
from common.instance import HOST
from config.database import raw, transaction
from jobs import service
from jobs.domain import JobState, Message
from jobs.service import LostClaim, NewJob
from jobs.tables import Job
from tests.support.http import sign_in


def new(key=None, kind="test.work", **payload):
    return NewJob(
        kind,
        payload,
        Message(N_("Importing the applications of round {round}"), {"round": 7}),
        "/subsidies",
        key,
    )


async def test_queued_once_claimed_oldest_first_and_shown_to_its_owner_only(make_user):
    owner, other = await make_user(Role.OFFICER), await make_user(Role.OFFICER)
    admin = await make_user(Role.ADMIN)
    first = await service.queue(owner, new("round:1"))
    assert await service.queue(owner, new("round:1")) == first  # the same work: the same job
    second = await service.queue(owner, new("round:2"))
    view = await service.status(owner, first)
    assert (view.state, view.percent, view.title.params) == (JobState.QUEUED, None, {"round": 7})
    assert (await service.status(admin, first)).id == first
    with pytest.raises(Exception, match="does not exist"):
        await service.status(other, first)

    claimed = await service.claim("instance-a")
    assert claimed["id"] == first and claimed["attempts"] == 1
    assert (await service.claim("instance-b"))["id"] == second
    assert await service.claim("instance-c") is None


async def test_a_handler_finishes_in_its_own_transaction_with_progress(make_user):
    owner = await make_user(Role.OFFICER)
    job_id = await service.queue(owner, new("k", rows=3))
    seen = []

    async def work(job):
        assert (await job.principal()).id == owner.id
        for n in range(1, job.payload["rows"] + 1):
            job.progress(n, job.payload["rows"])
        async with transaction():
            await raw("UPDATE jobs_job SET return_url = {} WHERE id = {}", "/done", job.id)
            await job.finish(Message(N_("{count} applications have been imported."), {"count": 3}))
        seen.append(job.attempt)

    assert await service.run_next({"test.work": work}, "instance-a") == job_id
    view = await service.status(owner, job_id)
    assert (view.state, view.done, view.total, view.percent) == (JobState.DONE, 3, 3, 100)
    assert view.summary.params == {"count": 3} and view.return_url == "/done" and seen == [1]
    # Done: the same work may be queued again.
    assert await service.queue(owner, new("k")) != job_id


async def test_a_refusal_fails_at_once_an_error_is_retried_then_fails(make_user):
    owner = await make_user(Role.OFFICER)
    refused = await service.queue(owner, new(kind="test.refused"))
    broken = await service.queue(owner, new(kind="test.broken"))

    async def refuse(job):
        raise DomainError(N_("The decision letters of this round have already been sent"))

    async def crash(job):
        async with transaction():
            await raw("UPDATE jobs_job SET return_url = 'half' WHERE id = {}", job.id)
            raise RuntimeError("disk full")

    handlers = {"test.refused": refuse, "test.broken": crash}
    await service.run_next(handlers, "a")
    view = await service.status(owner, refused)
    assert view.state is JobState.FAILED and view.attempts == 1
    assert view.error.text == "The decision letters of this round have already been sent"
    await service.run_next(handlers, "a")
    view = await service.status(owner, broken)
    assert view.state is JobState.QUEUED and view.attempts == 1
    assert view.error.params == {"error": "RuntimeError"} and view.return_url == "/subsidies"
    for _ in range(2):  # due again at once, for the test
        await Job.update({Job.run_after: clock.now()}).where(Job.id == broken)
        await service.run_next(handlers, "a")
    view = await service.status(owner, broken)
    assert view.state is JobState.FAILED and view.attempts == 3
    assert await Job.select(Job.active_key).where(Job.id == broken).first() == {"active_key": None}


async def test_a_job_whose_instance_died_is_taken_over_and_the_old_claim_commits_nothing(make_user):
    owner = await make_user(Role.OFFICER)
    job_id = await service.queue(owner, new("once"))
    row = await service.claim("instance-died")
    dead = service.JobContext(row, "instance-died")
    assert await service.claim("instance-b") is None  # it beats: still running there
    await Job.update({Job.heartbeat_at: clock.now() - timedelta(minutes=5)}).where(Job.id == job_id)

    async def work(job):
        async with transaction():
            await raw("UPDATE jobs_job SET return_url = {} WHERE id = {}", job.instance, job.id)
            await job.finish()

    assert await service.run_next({"test.work": work}, "instance-b") == job_id
    view = await service.status(owner, job_id)
    assert view.state is JobState.DONE and view.attempts == 2
    assert view.return_url == "instance-b"
    # The instance that was thought dead wakes up: its work is rolled back, not committed.
    with pytest.raises(LostClaim):
        async with transaction():
            await raw("UPDATE jobs_job SET return_url = 'stale' WHERE id = {}", job_id)
            await dead.finish()
    assert (await service.status(owner, job_id)).return_url == "instance-b"


async def test_concurrent_claims_never_take_the_same_job(make_user):
    """On PostgreSQL: FOR UPDATE SKIP LOCKED; on SQLite the write lock serialises them."""
    owner = await make_user(Role.OFFICER)
    ids = [await service.queue(owner, new()) for _ in range(8)]
    claimed = await asyncio.gather(*[service.claim(f"i{n}") for n in range(10)])
    taken = [row["id"] for row in claimed if row is not None]
    assert sorted(taken) == ids


async def test_the_status_as_json_and_as_a_polling_fragment(client, make_user):
    owner = await make_user(Role.OFFICER)
    job_id = await service.queue(owner, new())
    await sign_in(client, owner.email)
    answer = await client.get(f"/api/v1/jobs/{job_id}")
    assert answer.status_code == 200
    found = answer.json()
    assert found["state"] == "queued" and found["state_label"] == "Waiting to start"
    assert found["title"] == "Importing the applications of round 7"
    assert found["result_url"] is None and found["status_url"] == f"/api/v1/jobs/{job_id}"
    fragment = await client.get(f"/jobs/{job_id}", headers={"hx-request": "true"})
    assert fragment.text.lstrip().startswith('<div id="job-status"')
    assert f'hx-get="/jobs/{job_id}"' in fragment.text and "<progress" in fragment.text
    assert (await client.get(f"/jobs/{job_id}/result")).status_code == 404


async def test_a_job_interrupted_by_a_stopping_instance_is_queued_again(make_user):
    owner = await make_user(Role.OFFICER)
    job_id = await service.queue(owner, new())
    started = asyncio.Event()

    async def long_work(job):
        started.set()
        await asyncio.sleep(60)

    running = asyncio.create_task(service.run_next({"test.work": long_work}, "stopping"))
    await started.wait()
    running.cancel()
    with pytest.raises(asyncio.CancelledError):
        await running
    view = await service.status(owner, job_id)
    assert view.state is JobState.QUEUED and view.attempts == 1
    assert (await service.claim("next"))["id"] == job_id


async def test_a_restarted_instance_takes_over_the_jobs_of_a_killed_one_at_once(make_user):
    owner = await make_user(Role.OFFICER)
    job_id = await service.queue(owner, new("killed"))
    gone = await asyncio.create_subprocess_exec("true")
    await gone.wait()  # a process of this host that no longer runs
    killed = f"{HOST}:{gone.pid}:abc123"
    assert (await service.claim(killed))["id"] == job_id
    alive = await service.queue(owner, new("alive"))
    assert (await service.claim(f"{HOST}:1:def456"))["id"] == alive  # pid 1 runs
    assert await service.claim("instance-b") is None, "both beat still"

    assert await service.release_dead_claims() == 1
    taken = await service.claim("instance-b")
    assert taken["id"] == job_id and taken["attempts"] == 2, "no wait for a stale heartbeat"
    assert await service.claim("instance-c") is None
