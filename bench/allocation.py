"""Benchmark: allocating a subsidy round of 10,000 applications.

    .venv/bin/python bench/allocation.py
    .venv/bin/python bench/allocation.py --postgres postgresql://postgres@127.0.0.1:5432/test
    .venv/bin/python bench/allocation.py --applications 1000        # a smaller run

Prints
- the computation alone (``subsidies.allocation.allocate`` on plain data) for each method:
  ranking, first come first served (with the lottery on the day the budget runs out) and pro
  rata; target ≤ 0.1 s;
- the whole allocate use case from the database (``subsidies.service.propose_allocation``:
  access check, loading the eligible applications, the computation, replacing 10,000 allocation
  lines and the audit event, in one transaction) for a first-come round and a pro-rata round,
  on SQLite and, when a server URL is given, on PostgreSQL (a fresh database is created and
  dropped); target ≤ 2 s. Ranking rounds add the scoring engine's ranking, which
  bench/ranking.py measures at this size;
- the application list page (``GET /subsidies/rounds/{id}/applications``, 50 per page,
  through the app in-process, pages spread over the list and filtered by state): p50 and p95
  over 200 requests; target p95 ≤ 100 ms.

Each database runs in its own subprocess (the engine is chosen once per process).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.support import admin, bench_officer, insert_organisations, with_database  # noqa: E402

REPEAT = 5
PASSWORD = "bench password 1234"
PAGE_REQUESTS = 200


def _candidates(count: int):
    from subsidies.allocation import Candidate

    start = datetime(2024, 3, 1, 8, 0, tzinfo=UTC)
    return [
        Candidate(
            f"application:{n}",
            Decimal(5000 + (n * 7919) % 45000),
            rank=n + 1,
            score=Decimal(100 - (n % 50)),
            complete_at=start + timedelta(minutes=7 * n),
        )
        for n in range(count)
    ]


def computation(count: int) -> dict[str, float]:
    from subsidies.allocation import Method, Rules, allocate

    candidates = _candidates(count)
    ceiling = Decimal(count) * Decimal(12000)
    timings = {}
    for method in Method:
        rules = Rules(
            method,
            ceiling,
            maximum=Decimal(40000),
            minimum_score=Decimal(55) if method is Method.RANKING else None,
            seed="bench",
        )
        best = min(_timed(lambda rules=rules: allocate(candidates, rules)) for _ in range(REPEAT))
        timings[method.value] = best
    return timings


def _timed(function) -> float:
    started = time.perf_counter()
    function()
    return time.perf_counter() - started


async def _setup(count: int, method: str):
    """An authority, an officer and an open round of ``count`` eligible applications."""
    from accounts.passwords import hash_password
    from authorities import service as authorities
    from common import clock
    from common.identity import Actor
    from subsidies import service
    from subsidies.tables import Application

    actor = Actor.system("bench")
    authority = await authorities.create_authority(
        actor,
        {
            "name": f"Gemeente Bench {method}",
            "country": "NL",
            "registration_number": f"{uuid.uuid4().int % 10**8:08d}",
        },
    )
    officer = await bench_officer(
        authority["id"], f"bench-{method}@example.org", "en", await hash_password(PASSWORD)
    )
    view = await service.create_round(
        officer,
        {
            "title": f"Bench {method}",
            "authority_id": authority["id"],
            "opens_at": "2024-01-01T09:00",
            "closes_at": "2024-06-01T12:00",
            "ceiling": str(count * 12000),
            "currency": "EUR",
            "method": method,
            "maximum_per_applicant": "40000",
            "lottery_seed": "bench",
            "period_start": "2025-01-01",
            "period_end": "2025-12-31",
            "instalments": "yearly",
        },
    )
    await service.open_round(officer, view.id)
    now = clock.now()
    organisations = await insert_organisations(count, f"Stichting {method} {{n}}")
    start = datetime(2024, 3, 1, 8, 0, tzinfo=UTC)
    rows = [
        Application(
            round=view.id,
            organisation=org["id"],
            reference=f"B-{n:05d}",
            requested=Decimal(5000 + (n * 7919) % 45000),
            state="eligible",
            activity_plan="plan",
            target_group="group",
            submitted_at=start,
            complete_at=start + timedelta(minutes=7 * n),
            created_at=now,
            updated_at=now,
        )
        for n, org in enumerate(organisations)
    ]
    for first in range(0, len(rows), 500):
        await Application.insert(*rows[first : first + 500])
    return officer, view.id


async def database_run(count: int) -> dict[str, object]:
    from config.database import migrate
    from subsidies import service

    await migrate()
    figures: dict[str, object] = {}
    for method in ("first_come", "pro_rata"):
        officer, round_id = await _setup(count, method)
        timings = []
        for _ in range(3):
            started = time.perf_counter()
            summary = await service.propose_allocation(officer, round_id)
            timings.append(time.perf_counter() - started)
        figures[method] = {
            "best": min(timings),
            "median": statistics.median(timings),
            "total": summary["total"],
        }
    figures["page"] = await _page_timings(officer, round_id, count)
    return figures


async def _page_timings(officer, round_id: int, count: int) -> dict[str, float]:
    from litestar.testing import AsyncTestClient

    from config.app import create_app

    pages = max(1, count // 50)
    timings = []
    async with AsyncTestClient(app=create_app()) as client:
        await client.get("/login")
        token = client.cookies["tenderdesk_csrf"]
        signed = await client.post(
            "/login", data={"email": officer.email, "password": PASSWORD, "_csrf_token": token}
        )
        assert signed.status_code in (200, 303) and "/logout" in signed.text, "sign-in failed"
        for request in range(PAGE_REQUESTS):
            page = 1 + (request * 37) % pages
            query = f"?page={page}" if request % 4 else "?state=eligible&page=2"
            started = time.perf_counter()
            answer = await client.get(f"/subsidies/rounds/{round_id}/applications{query}")
            timings.append(time.perf_counter() - started)
            assert answer.status_code == 200, answer.status_code
    timings.sort()
    return {"p50": statistics.median(timings), "p95": timings[int(len(timings) * 0.95) - 1]}


def _child(count: int) -> None:
    print(json.dumps(asyncio.run(database_run(count)), default=str))


def _run_child(count: int, env: dict[str, str]) -> dict[str, object]:
    answer = subprocess.run(
        [sys.executable, __file__, "--child", "--applications", str(count)],
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        check=False,
        cwd=ROOT,
    )
    if answer.returncode != 0:
        raise SystemExit(answer.stderr)
    return json.loads(answer.stdout.strip().splitlines()[-1])


def _report(name: str, figures: dict[str, object]) -> None:
    for method in ("first_come", "pro_rata"):
        row = figures[method]
        print(
            f"  {name:<10} allocate use case, {method:<10}: best {row['best']:.3f} s, "
            f"median {row['median']:.3f} s (total granted {row['total']})"
        )
    page = figures["page"]
    print(
        f"  {name:<10} application list page: p50 {page['p50'] * 1000:.1f} ms, "
        f"p95 {page['p95'] * 1000:.1f} ms"
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--applications", type=int, default=10_000)
    parser.add_argument("--postgres", default="")
    parser.add_argument("--child", action="store_true")
    args = parser.parse_args()
    if args.child:
        _child(args.applications)
        return
    count = args.applications
    print(f"{count:,} applications")
    for method, seconds in computation(count).items():
        print(f"  computation alone, {method:<10}: {seconds:.4f} s (best of {REPEAT})")
    # The app opens its connection pool (PostgreSQL) as in production; the setup and the
    # allocate use case run outside the app, on their own connection.
    base = {
        "TENDERDESK_SCHEDULER": "0",
        "TENDERDESK_DB_POOL": "1",
        "PICCOLO_CONF": "config.piccolo_conf",
    }
    with tempfile.TemporaryDirectory() as data_dir:
        env = {**base, "TENDERDESK_DATA_DIR": data_dir, "DATABASE_URL": ""}
        _report("SQLite", _run_child(count, env))
    if args.postgres:
        name = f"tenderdesk_bench_{uuid.uuid4().hex[:10]}"
        asyncio.run(admin(args.postgres, f'CREATE DATABASE "{name}"'))
        url = with_database(args.postgres, name)
        try:
            with tempfile.TemporaryDirectory() as data_dir:
                _report(
                    "PostgreSQL",
                    _run_child(
                        count, {**base, "TENDERDESK_DATA_DIR": data_dir, "DATABASE_URL": url}
                    ),
                )
        finally:
            asyncio.run(admin(args.postgres, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


if __name__ == "__main__":
    main()
