"""The scheduler runs in one process only; a survivor takes over; its mail job sends due mail."""

import asyncio

from common.identity import Actor
from config import scheduler as scheduler_module
from config.scheduler import Scheduler, leadership_for
from config.settings import load_settings
from notifications import service as outbox
from notifications.domain import OutgoingMessage
from notifications.tables import OutboxMessage


async def test_only_one_holder_of_the_leadership_at_a_time(db):
    settings = load_settings()
    first, second = leadership_for(settings), leadership_for(settings)
    try:
        assert await first.acquire()
        assert await first.acquire(), "holding it already counts"
        assert not await second.acquire()
        await first.release()
        assert await second.acquire()
    finally:
        await first.release()
        await second.release()


async def test_a_survivor_takes_over_when_the_leader_stops(db, monkeypatch):
    monkeypatch.setattr(scheduler_module, "LEADERSHIP_RETRY_SECONDS", 0.05)
    settings = load_settings()
    one, two = Scheduler(settings, []), Scheduler(settings, [])
    await one.start()
    await two.start()
    try:
        for _ in range(100):
            if one.is_leader or two.is_leader:
                break
            await asyncio.sleep(0.05)
        assert one.is_leader != two.is_leader, "exactly one leads"
        leader, survivor = (one, two) if one.is_leader else (two, one)
        await leader.stop()
        for _ in range(100):
            if survivor.is_leader:
                break
            await asyncio.sleep(0.05)
        assert survivor.is_leader
    finally:
        await one.stop()
        await two.stop()


async def test_the_mail_job_sends_the_mail_that_is_due(db, smtp_server):
    settings = load_settings()
    settings = type(settings)(**{**settings.__dict__, "smtp": smtp_server.settings})
    await outbox.enqueue(
        Actor(None, "test"),
        OutgoingMessage(
            kind="notice",
            recipient="olga@utrecht.nl",
            language="nl",
            subject="Termijn verstreken",
            body="De inschrijvingstermijn is verstreken.\n",
        ),
    )
    assert await Scheduler(settings, []).send_mail() == 1
    assert (await OutboxMessage.select(OutboxMessage.status).first())["status"] == "sent"
    assert smtp_server.mailbox.received[0]["Subject"] == "Termijn verstreken"
