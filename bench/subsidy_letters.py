"""Benchmark: the decision letters of a subsidy round of 1,000 applications.

    .venv/bin/python bench/subsidy_letters.py
    .venv/bin/python bench/subsidy_letters.py --postgres postgresql://postgres@127.0.0.1:5432/test
    .venv/bin/python bench/subsidy_letters.py --applications 200     # a smaller run

A decided pro-rata round (nine in ten applications partly granted with their payment schedule,
one in ten ineligible, half of them with a contact email) sends its decision letters through
``subsidies.letters.send_decision_letters``: reading the decision, rendering every letter (a
pool of processes from 1,000 letters, off the event loop), then one transaction storing each
file (in the configured storage: the data dir on SQLite, the database on PostgreSQL), recording
each as sent and queueing the mails. Then all letters are read back as one zip
stream (``subsidies.letters.zip_of``). Prints both times, letters per second and the peak memory
of the process. Target (issue 7, for rendering alone): ≤ 20 s for 1,000 on two cores.
Each database runs in its own subprocess (bench/support.py).
"""

from __future__ import annotations

import argparse
import sys
import time
import uuid
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.support import bench_officer, insert_organisations, max_rss_mib, per_database  # noqa: E402


async def _decided_round(count: int):
    from authorities import service as authorities
    from common import clock
    from common.identity import Actor
    from subsidies import service
    from subsidies.tables import Application

    actor = Actor.system("bench")
    authority = await authorities.create_authority(
        actor,
        {
            "name": "Gemeente Bench",
            "country": "NL",
            "registration_number": f"{uuid.uuid4().int % 10**8:08d}",
        },
    )
    officer = await bench_officer(authority["id"], "bench@example.org", "nl", "-")
    next_year = clock.now().year + 1  # reports fall due after the decision, as they must
    view = await service.create_round(
        officer,
        {
            "title": "Sociale prestatie bench",
            "authority_id": authority["id"],
            "regulation_name": "Subsidieregeling Bench",
            "regulation_reference": "BENCH-1",
            "opens_at": "2024-01-01T09:00",
            "closes_at": "2024-06-01T12:00",
            "ceiling": str(count * 12000),
            "currency": "EUR",
            "method": "pro_rata",
            "lottery_seed": "bench",
            "period_start": f"{next_year}-01-01",
            "period_end": f"{next_year}-12-31",
            "advance_share": "80",
            "instalments": "yearly",
            "tiers": "5000;none;0\n50000;activity;3\n-;financial;6",
        },
    )
    await service.open_round(officer, view.id)
    now = clock.now()
    organisations = await insert_organisations(
        count, "Stichting Welzijn {n:05d}", address="Laan {n}\n3511 AB Utrecht"
    )
    start = datetime(2024, 3, 1, 8, 0, tzinfo=UTC)
    rows = [
        Application(
            round=view.id,
            organisation=org["id"],
            reference=f"B-{n:05d}",
            title=f"Activiteiten {n}",
            contact_name=f"P. Pietersen {n}",
            contact_email=f"info{n}@example.org" if n % 2 else "",
            requested=Decimal(5000 + (n * 7919) % 45000),
            state="ineligible" if n % 10 == 9 else "eligible",
            state_reason="Activities in Utrecht" if n % 10 == 9 else "",
            activity_plan="plan",
            target_group="group",
            submitted_at=start,
            complete_at=start,
            created_at=now,
            updated_at=now,
        )
        for n, org in enumerate(organisations)
    ]
    for first in range(0, len(rows), 500):
        await Application.insert(*rows[first : first + 500])
    await service.propose_allocation(officer, view.id)
    await service.decide(officer, view.id)
    return officer, view.id


async def work(count: int) -> dict[str, object]:
    from subsidies import letters

    officer, round_id = await _decided_round(count)
    started = time.perf_counter()
    sent = await letters.send_decision_letters(officer, round_id)
    sending = time.perf_counter() - started
    started = time.perf_counter()
    size = 0
    async for chunk in letters.zip_of(await letters.round_letters(officer, round_id)):
        size += len(chunk)
    zipping = time.perf_counter() - started
    from config.settings import get_settings
    from notifications.tables import OutboxMessage

    return {
        "letters": len(sent),
        "send": sending,
        "zip": zipping,
        "zip_mb": size / 2**20,
        "mails": await OutboxMessage.count(),
        "rss": max_rss_mib(),
        "storage": get_settings().storage,
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--applications", type=int, default=1000)
    parser.add_argument("--postgres", default="")
    args, _ = parser.parse_known_args()

    async def run() -> dict[str, object]:
        from config.database import close_pool, open_pool

        await open_pool()  # as the app's lifespan does (PostgreSQL)
        try:
            return await work(args.applications)
        finally:
            await close_pool()

    for name, figures in per_database(__file__, sys.argv[1:], args.postgres or None, run):
        if figures is None:
            continue
        print(
            f"  {name:<10} send decision letters: {figures['letters']} letters in "
            f"{figures['send']:.2f} s ({figures['letters'] / figures['send']:.0f}/s), "
            f"{figures['mails']} mails queued, files in {figures['storage']} storage; "
            "target ≤ 20 s for 1,000"
        )
        print(
            f"  {name:<10} all letters as one zip stream: {figures['zip']:.2f} s, "
            f"{figures['zip_mb']:.1f} MB; peak memory {figures['rss']:.0f} MB max RSS"
        )


if __name__ == "__main__":
    main()
