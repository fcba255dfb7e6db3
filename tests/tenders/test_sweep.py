"""The sweep applies many tenders' due steps in chunks, exactly as one tender at a time would.

Two identical sets of tenders of mixed phases (open tenders taking bids, restricted ones taking
requests to participate, ones whose standstill period ends, and some not due yet): the first
set goes through the scheduler's one-tender path (``tick(now, key)``, as a date job runs it),
the second through one sweep in small chunks. Both must write the same audit events in the same
order, every due step once, in deadline order, and a second sweep nothing.
"""

import asyncio
import json
from datetime import datetime, timedelta

from audit import service as audit
from audit.tables import AuditEvent
from config.app import DEADLINE_SOURCES
from config.scheduler import Scheduler
from config.settings import load_settings
from notifications.tables import OutboxMessage
from scoring import service as scoring
from tenders import deadlines, service
from tenders.deadlines import DEADLINES
from tenders.tables import Tender
from tests.tenders.conftest import START, TREE, local

DUE = START + timedelta(days=40)
KINDS = ("open",) * 14 + ("restricted",) * 12 + ("standstill",) * 4  # 30 due per set


def due_at(index: int) -> datetime:
    """Deadlines 37 minutes apart, the kinds interleaved (each set in the same order)."""
    return DUE + timedelta(minutes=37 * ((index * 7) % len(KINDS)))


async def make_tender(world, label: str, index: int, kind: str, moment: datetime) -> int:
    form = {
        "title": f"Tender {index}",
        "reference": f"{label}-{index}",
        "deadline_questions": local(START + timedelta(days=20)),
    }
    if kind == "restricted":
        form |= {
            "procedure": "restricted",
            "max_candidates": "5",
            "deadline_requests": local(moment),
            "deadline_bids": local(moment + timedelta(days=30)),
        }
    else:
        form |= {"deadline_bids": local(moment)}
    tender_id = await service.create_tender(world.officer, world.form(**form))
    lot_id = await service.add_lot(world.officer, tender_id, {"number": "1", "title": "District"})
    await scoring.replace_criteria(
        world.officer, (await service.get_lot_row(tender_id, lot_id))["evaluation_id"], TREE
    )
    await service.publish(world.officer, tender_id)
    if kind == "standstill":  # a shortcut: the award decisions went out, the period ends
        await Tender.update(
            {Tender.phase: "award_intent", Tender.standstill_ends_at: moment}
        ).where(Tender.id == tender_id)
    return tender_id


async def make_set(world, label: str) -> list[int]:
    ids = [await make_tender(world, label, i, kind, due_at(i)) for i, kind in enumerate(KINDS)]
    for extra in range(2):  # not due yet at the sweep
        ids.append(
            await make_tender(world, label, len(KINDS) + extra, "open", DUE + timedelta(days=20))
        )
    return ids


async def events_after(seq: int, tender_ids: list[int]) -> list[tuple]:
    """The events after ``seq``, with each tender named by its place in its set and mail by
    its kind (its id differs between the sets)."""
    place = {str(tender_id): n for n, tender_id in enumerate(tender_ids)}
    rows = await AuditEvent.select().where(AuditEvent.seq > seq).order_by(AuditEvent.seq)
    return [
        (
            r["action"],
            r["object_type"],
            place[r["object_id"]] if r["object_type"] == "tender" else "-",
            r["before"],
            r["after"],
        )
        for r in rows
    ]


async def last_seq() -> int:
    row = await AuditEvent.select(AuditEvent.seq).order_by(AuditEvent.seq, ascending=False).first()
    return row["seq"] if row else 0


async def phases(tender_ids: list[int]) -> list[str]:
    rows = {
        r["id"]: r["phase"]
        for r in await Tender.select(Tender.id, Tender.phase).where(Tender.id.is_in(tender_ids))
    }
    return [rows[i] for i in tender_ids]


async def test_one_sweep_applies_many_tenders_once_in_order_as_one_by_one(world, monkeypatch):
    one_by_one = await make_set(world, "A")
    swept = await make_set(world, "B")
    now = DUE + timedelta(minutes=37 * len(KINDS), hours=2)
    world.clock.set(now)
    order = sorted(range(len(KINDS)), key=due_at)

    start = await last_seq()
    for n in order:
        await DEADLINES.tick(now, f"tender:{one_by_one[n]}")
    expected = await events_after(start, one_by_one)

    monkeypatch.setattr(deadlines, "CHUNK", 7)  # chunks cut through the 30 due tenders
    scheduler = Scheduler(load_settings(), DEADLINE_SOURCES)
    middle = await last_seq()
    report = await scheduler.sweep()
    assert await events_after(middle, swept) == expected

    moving = [n for n in order if KINDS[n] != "standstill"]
    assert [a.key for a in report.applied] == [f"tender:{swept[n]}" for n in moving], (
        "each due step once, in deadline order; the first set has nothing left"
    )
    assert [a.step for a in report.applied] == [
        "close_bids" if KINDS[n] == "open" else "close_requests" for n in moving
    ]
    assert all(
        a.due_at == due_at(n) and a.late_by_seconds >= 3600
        for a, n in zip(report.applied, moving, strict=True)
    )
    assert [(e[0], e[2]) for e in expected if e[1] == "tender"] == [
        (f"tender.{a.step}", n) for a, n in zip(report.applied, moving, strict=True)
    ]
    assert all(json.loads(e[4])["late_by_seconds"] >= 3600 for e in expected if e[1] == "tender"), (
        "audited as late, with the delay"
    )

    want = {"open": "opening", "restricted": "selection", "standstill": "award_intent"}
    for ids in (one_by_one, swept):
        assert await phases(ids) == [want[k] for k in KINDS] + ["tendering", "tendering"]
    mails = await OutboxMessage.select(OutboxMessage.subject, OutboxMessage.object_id).where(
        OutboxMessage.kind == "tenders.deadline"
    )
    assert len(mails) == 2 * len(KINDS), "the lead officer is told once per step and standstill"
    assert {m["object_id"] for m in mails} == {str(i) for i in one_by_one[:30] + swept[:30]}

    done = await last_seq()
    again = await scheduler.sweep()
    assert again.applied == [] and await last_seq() == done, "a second sweep applies nothing"
    assert (await audit.verify()).intact


async def test_two_sweeps_at_once_apply_each_step_once(world):
    """Two callers (the sweep and an officer's action, or two hosts a moment apart) may read
    the same due tenders; the guarded update lets only one of them apply each step."""
    ids = [await make_tender(world, "C", i, "open", due_at(i)) for i in range(6)]
    now = DUE + timedelta(days=1)
    world.clock.set(now)
    start = await last_seq()
    first, second = await asyncio.gather(
        service.apply_due_many(service.TICKER, ids, now),
        service.apply_due_many(service.TICKER, ids, now),
    )
    assert sorted(m.tender.id for m in first + second) == ids
    assert await phases(ids) == ["opening"] * 6
    assert [e[:3] for e in await events_after(start, ids)] == [
        ("tender.close_bids", "tender", n) for n in range(6)
    ]
    assert await service.apply_due(service.TICKER, ids[0], now) == []
