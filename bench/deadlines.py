"""Benchmark: the scheduler over 10,000 open procedures.

6,000 tenders taking bids, 2,000 subsidy rounds taking applications and 2,000 evaluations
whose scores fall due, of which 1,000 (500 tenders, 250 rounds, 250 evaluations) are overdue,
as after a night of downtime.

    .venv/bin/python bench/deadlines.py
    .venv/bin/python bench/deadlines.py --postgres postgresql://postgres@127.0.0.1:5432/test
    .venv/bin/python bench/deadlines.py --scale 0.1     # a tenth of every size, for a quick look

Prints, on SQLite and (when a server URL is given) on PostgreSQL:
- start-up scheduling: reading every source's next deadline and placing APScheduler date jobs
  for those of the coming hour (``Scheduler.reschedule``), target ≤ 2 s;
- one sweep applying the 1,000 overdue deadlines (in deadline order, in chunks of procedures per
  transaction, audited as late, the lead officer mailed), then rescheduling, target ≤ 2 s;
- a second sweep, which applies nothing;
- the process's max RSS and, with ``--trace-memory``, the peak of Python memory traced during
  the sweep (tracing slows the sweep, so its time is then an upper bound).
"""

from __future__ import annotations

import argparse
import os
import sys
import time
import tracemalloc
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.support import bulk_insert, max_rss_mib, per_database

NOW = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)
SIZES = {"tenders": 6_000, "rounds": 2_000, "evaluations": 2_000}
OVERDUE = {"tenders": 500, "rounds": 250, "evaluations": 250}


def scaled(sizes: dict[str, int], scale: float) -> dict[str, int]:
    return {name: max(1, round(n * scale)) for name, n in sizes.items()}


SCALE = 1.0
TRACE = False


def parse() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--postgres", default=os.environ.get("BENCH_POSTGRES_URL"))
    parser.add_argument(
        "--scale",
        type=float,
        default=1.0,
        help="multiply every size by this (default 1: 10,000 / 1,000 overdue)",
    )
    parser.add_argument(
        "--trace-memory",
        action="store_true",
        help="trace the sweep's peak of Python memory (slows the sweep down)",
    )
    parser.add_argument("--run-database", help=argparse.SUPPRESS)
    return parser.parse_args()


def due(n: int, overdue: int) -> datetime:
    """The first ``overdue`` procedures fell due in the night; the others over the next months."""
    if n < overdue:
        return NOW - timedelta(hours=8) + timedelta(seconds=20 * n)
    return NOW + timedelta(hours=1 + n)


async def fill(sizes: dict[str, int], overdue: dict[str, int]) -> None:
    from accounts.tables import Membership, User
    from authorities import service as authorities
    from common.identity import Actor
    from config.database import raw

    actor = Actor.system("bench")
    authority = await authorities.create_authority(
        actor, {"name": "Gemeente Utrecht", "country": "NL", "registration_number": "30280353"}
    )
    officer = User(
        email="officer@bench.example",
        name="Officer",
        role="officer",
        password_hash="-",
        created_at=NOW,
    )
    await officer.save()
    await Membership(user=officer.id, authority=authority["id"]).save()
    evaluator = User(
        email="evaluator@bench.example",
        name="Evaluator",
        role="evaluator",
        password_hash="-",
        created_at=NOW,
    )
    await evaluator.save()
    await bulk_insert(
        "tenders_tender",
        [
            "title",
            "reference",
            "procedure",
            "phase",
            "lead_authority",
            "currency",
            "deadline_bids",
            "lead_officer",
            "published_at",
            "phase_changed_at",
            "created_at",
            "updated_at",
        ],
        [
            (
                f"Tender {n}",
                f"T-{n:05d}",
                "open",
                "tendering",
                authority["id"],
                "EUR",
                due(n, overdue["tenders"]),
                officer.id,
                NOW - timedelta(days=40),
                NOW,
                NOW,
                NOW,
            )
            for n in range(sizes["tenders"])
        ],
    )
    await raw(
        "INSERT INTO tenders_authority (tender, authority, share) "
        "SELECT id, {}, 100 FROM tenders_tender",
        authority["id"],
    )
    await bulk_insert(
        "subsidies_round",
        [
            "authority",
            "title",
            "opens_at",
            "closes_at",
            "ceiling",
            "currency",
            "method",
            "lottery_seed",
            "period_start",
            "period_end",
            "phase",
            "created_at",
        ],
        [
            (
                authority["id"],
                f"Round {n}",
                NOW - timedelta(days=30),
                due(n, overdue["rounds"]),
                Decimal(1_000_000),
                "EUR",
                "ranking",
                "b",
                date(2027, 1, 1),
                date(2027, 12, 31),
                "open",
                NOW,
            )
            for n in range(sizes["rounds"])
        ],
    )
    await bulk_insert(
        "scoring_evaluation",
        [
            "title",
            "authority",
            "currency",
            "owner_ref",
            "lottery_seed",
            "scores_due_at",
            "created_at",
        ],
        [
            (
                f"Evaluation {n}",
                authority["id"],
                "EUR",
                f"bench:{n}",
                "b",
                due(n, overdue["evaluations"]) + timedelta(days=3),
                NOW,
            )
            for n in range(sizes["evaluations"])
        ],
    )
    await raw(
        "INSERT INTO scoring_assignment (evaluation, evaluator, all_subjects, "
        "all_criteria, created_at) SELECT id, {}, {}, {}, {} FROM scoring_evaluation",
        evaluator.id,
        True,
        True,
        NOW,
    )


async def measure() -> dict[str, object]:
    from common.clock import FixedClock, use_clock
    from config.app import DEADLINE_SOURCES
    from config.database import close_pool, is_sqlite, open_pool
    from config.scheduler import Scheduler
    from config.settings import get_settings

    sizes, overdue = scaled(SIZES, SCALE), scaled(OVERDUE, SCALE)
    await fill(sizes, overdue)
    await open_pool()  # as the app's lifespan does (PostgreSQL)
    scheduler = Scheduler(get_settings(), DEADLINE_SOURCES)
    scheduler.aps.start(paused=True)
    try:
        with use_clock(FixedClock(NOW)):
            started = time.perf_counter()
            jobs = await scheduler.reschedule()
            startup = time.perf_counter() - started
            if TRACE:
                tracemalloc.start()
            started, cpu = time.perf_counter(), time.process_time()
            report = await scheduler.sweep()
            sweep = time.perf_counter() - started
            sweep_cpu = time.process_time() - cpu  # this process's threads, not the server's
            peak = tracemalloc.get_traced_memory()[1] / 2**20 if TRACE else None
            tracemalloc.stop()
            started = time.perf_counter()
            again = await scheduler.sweep()
            quiet = time.perf_counter() - started
    finally:
        scheduler.aps.shutdown(wait=False)
        await close_pool()
    return {
        "engine": "SQLite" if is_sqlite() else "PostgreSQL",
        "jobs": jobs,
        "procedures": sum(sizes.values()),
        "overdue": sum(overdue.values()),
        "peak_mib": peak,
        "startup": startup,
        "sweep": sweep,
        "sweep_cpu": sweep_cpu,
        "applied": len(report.applied),
        "quiet": quiet,
        "applied_again": len(again.applied),
        "late": max(a.late_by_seconds for a in report.applied),
        "maxrss_mib": max_rss_mib(),
    }


def main() -> None:
    global SCALE, TRACE
    args = parse()
    SCALE, TRACE = args.scale, args.trace_memory
    for name, f in per_database(__file__, sys.argv[1:], args.postgres, measure):
        if f is None:
            continue
        print(f"{name}: {f['procedures']:,} open procedures, {f['overdue']:,} overdue")
        print(
            f"  start-up scheduling: {f['startup']:.2f} s for {f['jobs']:,} pending deadlines "
            f"(target ≤ 2 s)"
        )
        print(
            f"  sweep with the overdue deadlines: {f['sweep']:.2f} s ({f['sweep_cpu']:.2f} s CPU "
            f"in this process), {f['applied']:,} steps applied, the latest "
            f"{f['late'] / 3600:.1f} h late (target ≤ 2 s)"
        )
        print(f"  the next sweep: {f['quiet']:.2f} s, {f['applied_again']} applied")
        traced = (
            f"{f['peak_mib']:.0f} MiB traced peak during the sweep (timed with tracing), "
            if f["peak_mib"] is not None
            else ""
        )
        print(f"  memory: {traced}max RSS {f['maxrss_mib']:.0f} MiB")


if __name__ == "__main__":
    main()
