"""Benchmark: one organisation's portal inbox among 100,000 audit events.

    .venv/bin/python bench/portal_inbox.py
    .venv/bin/python bench/portal_inbox.py --postgres postgresql://postgres@127.0.0.1:5432/test
    .venv/bin/python bench/portal_inbox.py --tenders 500 --events 20000   # a smaller run

The inbox reads an organisation's letters from the audit log (``letter.sent`` under the lots,
tenders and rounds of its bids, candidacies and applications) and its account's downloads.
Fills a fresh database with the open-data bench's tenders (two lots, two bids each, from 300
organisations, answered questions, moved deadlines), a letter per bid, and other events under
the same lots (scores, uploads) up to ``--events`` in all. Then prints, for the organisation
with the most bids, the inbox's items and its time (``portal.service.inbox.inbox``, the page's
whole read): p50 and p95 over 50 calls, with the index ``audit_event_object_action`` and, for
comparison, without it. Target: p95 ≤ 100 ms with the index.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.opendata import _AUDIT_COLUMNS, START, fill  # noqa: E402
from bench.support import bulk_insert, per_database  # noqa: E402

CALLS = 50
FILLERS = ("score.saved", "document.uploaded", "evaluation.assigned", "lot.updated")


def parse() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--tenders", type=int, default=2000)
    parser.add_argument("--events", type=int, default=100_000)
    parser.add_argument("--postgres", default=os.environ.get("BENCH_POSTGRES_URL"))
    parser.add_argument("--run-database", help=argparse.SUPPRESS)
    return parser.parse_args()


async def add_letters_and_noise(total: int) -> int:
    """A letter per bid (under its lot) and filler events under the lots until ``total``."""
    from config.database import raw

    bids = await raw("SELECT id, lot, winner FROM tenders_bid ORDER BY id")
    lots = [row["id"] for row in await raw("SELECT id FROM tenders_lot ORDER BY id")]
    last = (await raw("SELECT MAX(seq) AS seq FROM audit_event"))[0]["seq"] or 0
    existing = (await raw("SELECT COUNT(*) AS n FROM audit_event"))[0]["n"]
    rows: list[tuple] = []

    def add(action: str, object_type: str, object_id: int, after: dict) -> None:
        seq = last + len(rows) + 1
        at = START + timedelta(days=50, seconds=len(rows))
        rows.append(
            (seq, at, None, "bench", action, object_type, str(object_id), None,
             json.dumps(after), f"{seq - 1:064x}", f"{seq:064x}")
        )  # fmt: skip

    for n, bid in enumerate(bids):
        add(
            "letter.sent",
            "lot",
            bid["lot"],
            {
                "kind": "award_intent" if bid["winner"] else "rejection",
                "language": "nl",
                "addressee": "Zorgaanbieder",
                "ref": f"bid:{bid['id']}",
                "filename": f"brief-{bid['id']}.docx",
                "sha256": "0" * 64,
                "size": 20_000,
                "file_id": 1_000_000 + n,
                "sent_at": (START + timedelta(days=50)).isoformat(),
            },
        )
    n = 0
    while existing + len(rows) < total:
        lot = lots[n % len(lots)]
        add(FILLERS[n % len(FILLERS)], "lot", lot, {"n": n})
        n += 1
    await bulk_insert("audit_event", _AUDIT_COLUMNS, rows)
    return existing + len(rows)


async def timed(user) -> tuple[int, list[float]]:
    from portal.service.inbox import inbox

    for _ in range(10):  # warm: caches, the pool's connections, the planner's statistics
        items = await inbox(user)
    timings = []
    for _ in range(CALLS):
        started = time.perf_counter()
        await inbox(user)
        timings.append((time.perf_counter() - started) * 1000)
    timings.sort()
    return len(items), timings


def figures(timings: list[float]) -> dict[str, float]:
    return {
        "p50_ms": round(statistics.median(timings), 1),
        "p95_ms": round(timings[int(len(timings) * 0.95) - 1], 1),
    }


async def measure(tenders: int, events: int) -> dict[str, object]:
    from config.database import is_sqlite, open_pool, raw
    from portal.domain import MembershipStatus, OrgRole, PortalUser

    await open_pool()  # as the app does on PostgreSQL (nothing on SQLite)
    begun = time.perf_counter()
    await fill(tenders)
    total = await add_letters_and_noise(events)
    analyse = "ANALYZE" if is_sqlite() else "ANALYZE audit_event"
    await raw(analyse)
    setup = time.perf_counter() - begun
    [busiest] = await raw(
        "SELECT organisation, COUNT(*) AS bids FROM tenders_bid GROUP BY organisation"
        " ORDER BY COUNT(*) DESC, organisation LIMIT 1"
    )
    user = PortalUser(
        1,
        "bench@zorg.example",
        "Bench",
        "nl",
        organisation_id=busiest["organisation"],
        organisation_name="Zorgaanbieder",
        role=OrgRole.MEMBER,
        status=MembershipStatus.ACTIVE,
        membership_id=1,
    )
    items, indexed = await timed(user)
    await raw("DROP INDEX audit_event_object_action")
    await raw(analyse)
    _, unindexed = await timed(user)
    return {
        "engine": "SQLite" if is_sqlite() else "PostgreSQL",
        "audit_events": total,
        "letters": (await raw("SELECT COUNT(*) AS n FROM tenders_bid"))[0]["n"],
        "tenders": tenders,
        "organisation_bids": busiest["bids"],
        "inbox_items": items,
        "setup_s": round(setup, 1),
        "with_index": figures(indexed),
        "without_index": figures(unindexed),
    }


def main() -> None:
    args = parse()

    async def work() -> dict[str, object]:
        return await measure(args.tenders, args.events)

    for name, result in per_database(__file__, sys.argv[1:], args.postgres, work):
        if result is None:
            continue
        print(f"{name}: {json.dumps(result)}")


if __name__ == "__main__":
    main()
