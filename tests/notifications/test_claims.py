"""Outbox claims: one message at a time, named after the sending process. A sender killed
mid-send leaves only the message it was sending claimed, and a restarted sender releases the
claims of senders that stopped at once; a long run never has its messages claimed twice."""

import asyncio
import os
import signal
import sys
import time

from common import clock
from common.clock import FixedClock, use_clock
from common.identity import Actor
from notifications import sender, service
from notifications.domain import MESSAGE_BUDGET, OutgoingMessage
from notifications.tables import OutboxMessage
from tests.support.browser import ROOT

ACTOR = Actor(None, "test")
SENDER = """
import asyncio, sys
from config.settings import SmtpSettings
from notifications.sender import send_due
smtp = SmtpSettings(host="127.0.0.1", port=int(sys.argv[1]), username=None, password=None,
                    sender="tenderdesk@utrecht.example", security="none")
asyncio.run(send_due(smtp))
"""


async def queue(count: int) -> list[int]:
    return [
        await service.enqueue(
            ACTOR,
            OutgoingMessage(
                kind="notice",
                recipient=f"olga{n}@utrecht.nl",
                language="nl",
                subject=f"Bericht {n}",
                body="Tekst.\n",
            ),
        )
        for n in range(count)
    ]


async def statuses() -> dict[int, tuple[str, str]]:
    return {
        m["id"]: (m["status"], m["claimed_by"])
        for m in await OutboxMessage.select(
            OutboxMessage.id, OutboxMessage.status, OutboxMessage.claimed_by
        )
    }


async def test_a_sender_killed_mid_send_leaves_one_claim_which_a_restart_releases_at_once(
    db, hung_smtp_server
):
    ids = await queue(5)
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-c", SENDER, str(hung_smtp_server.settings.port), cwd=ROOT
    )
    try:
        ends = time.monotonic() + 30
        while not any(status == "sending" for status, _ in (await statuses()).values()):
            assert time.monotonic() < ends and process.returncode is None, "nothing claimed"
            await asyncio.sleep(0.1)
    finally:
        process.send_signal(signal.SIGKILL)
        await process.wait()

    found = await statuses()
    claimed = [i for i, (status, _) in found.items() if status == "sending"]
    assert claimed == [ids[0]], "only the message being sent is claimed"
    assert found[ids[0]][1].split(":")[1] == str(process.pid), "the claim names its sender"
    assert all(found[i] == ("queued", "") for i in ids[1:])

    assert await service.release_dead_claims(clock.now()) == 1, "released at once, no timeout"
    assert all(status == "queued" for status, _ in (await statuses()).values())
    assert (await service.claim_next(clock.now())).id == ids[0], "and due now"


async def test_a_live_senders_claim_is_kept(db):
    [message_id] = await queue(1)
    assert (
        await service.claim_next(clock.now(), f"{os.uname().nodename}:1:init")
    ).id == message_id  # pid 1 runs
    assert await service.release_dead_claims(clock.now()) == 0
    assert (await statuses())[message_id][0] == "sending"


async def test_two_senders_over_a_long_run_never_get_the_same_message(db, smtp_server):
    first, second, third = await queue(3)
    with use_clock(FixedClock(clock.now())) as travel:
        assert (await service.claim_next(travel.now(), "a:1:x")).id == first
        travel.advance(MESSAGE_BUDGET)  # the longest a sender spends on one message
        assert (await service.claim_next(travel.now(), "b:2:y")).id == second
        await service.mark_sent(first, travel.now(), "a:1:x")
        assert (await service.claim_next(travel.now(), "a:1:x")).id == third
        travel.advance(MESSAGE_BUDGET)
        await service.mark_sent(second, travel.now(), "b:2:y")
        assert await service.claim_next(travel.now(), "b:2:y") is None
        await service.mark_sent(third, travel.now(), "a:1:x")
    rows = await OutboxMessage.select(OutboxMessage.status, OutboxMessage.attempts)
    assert [(r["status"], r["attempts"]) for r in rows] == [("sent", 1)] * 3
    assert await sender.send_due(smtp_server.settings) == sender.SendSummary()
