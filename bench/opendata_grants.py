"""Benchmark: the 360Giving export of 25,000 grants.

25,000 granted applications in 50 decided rounds of four authorities (NL/EUR, DK/DKK, PL/PLN,
SE/SEK), to 5,000 organisations (one in a hundred a Swedish sole trader, registered under a
personnummer: left out under the default ``omit``); beside them 2,500 refused applications
and a withheld round, which must not show.

    .venv/bin/python bench/opendata_grants.py
    .venv/bin/python bench/opendata_grants.py --postgres postgresql://postgres@127.0.0.1:5432/test
    .venv/bin/python bench/opendata_grants.py --grants 5000      # a smaller run

Prints, on SQLite and (when a server URL is given) on PostgreSQL:
- the full package written to a file as ``tenderdesk export 360giving`` and the unpaged
  endpoint do it, target ≤ 5 s: best and median of three runs, with this process's CPU time;
- a page of 1,000 grants (``?limit=1000&after=…``), p50 and p95 over every page;
- memory: Python's traced peak during the export and the process's maximum RSS
  (target ≤ 300 MB); the file's size.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
import tracemalloc
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.support import bulk_insert, max_rss_mib, per_database

ROUNDS, ORGANISATIONS, RUNS, PAGE = 50, 5000, 3, 1000
NOW = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)
COUNTRIES = (  # country, currency, authority's registration number
    ("NL", "EUR", "30280353"),
    ("DK", "DKK", "29189587"),
    ("PL", "PLN", "931934644"),
    ("SE", "SEK", "212000-0043"),
)


def parse() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--grants", type=int, default=25_000)
    parser.add_argument("--postgres", default=os.environ.get("BENCH_POSTGRES_URL"))
    parser.add_argument("--run-database", help=argparse.SUPPRESS)
    return parser.parse_args()


def _number(country: str, n: int) -> str:
    """A registration number of the country's shape (a Swedish sole trader's: a personnummer)."""
    if country == "SE":
        return f"811218{n % 10000:04d}" if n % 100 == 3 else f"556{n:07d}"
    return {"NL": f"{n:08d}", "DK": f"{n:08d}", "PL": f"{n:010d}"}[country]


async def fill(grants: int) -> None:
    from authorities import service as authorities
    from common.identity import Actor
    from config.database import raw
    from subsidies.tables import SubsidyRound

    actor = Actor.system("bench")
    funders = [
        (
            await authorities.create_authority(
                actor,
                {"name": f"Authority {country}", "country": country, "registration_number": reg},
            ),
            country,
            currency,
        )
        for country, currency, reg in COUNTRIES
    ]
    await bulk_insert(
        "organisations_organisation",
        ["name", "country", "registration_number", "created_at", "updated_at"],
        [
            (
                f"Organisation {n}",
                COUNTRIES[n % 4][0],
                _number(COUNTRIES[n % 4][0], n),
                NOW,
                NOW,
            )
            for n in range(1, ORGANISATIONS + 1)
        ],
    )
    organisations = [
        (r["id"], r["country"])
        for r in await raw("SELECT id, country FROM organisations_organisation ORDER BY id")
    ]
    by_country = {c: [o for o, oc in organisations if oc == c] for c, _, _ in COUNTRIES}
    rounds = []
    for n in range(ROUNDS + 1):  # the last one is withheld from the open data
        authority, country, currency = funders[n % 4]
        pool = SubsidyRound(
            authority=authority["id"],
            title=f"Round {n}",
            opens_at=NOW,
            closes_at=NOW,
            ceiling=Decimal(100_000_000),
            currency=currency,
            method="ranking",
            lottery_seed="bench",
            period_start=date(2026, 1, 1),
            period_end=date(2027, 12, 31),
            phase="decided",
            decided_at=NOW,
            open_data_withheld=n == ROUNDS,
            open_data_reason="bench" if n == ROUNDS else "",
            created_at=NOW,
        )
        await pool.save()
        rounds.append((pool.id, country))
    rows = []
    for n in range(grants + grants // 10 + 100):
        round_id, country = rounds[n % ROUNDS] if n < grants + grants // 10 else rounds[-1]
        refused = grants <= n < grants + grants // 10
        organisation = by_country[country][n // ROUNDS % len(by_country[country])]
        rows.append(
            (
                round_id,
                organisation,
                f"A-{n:06d}",
                f"Activities {n}",
                "A plan of weekly activities for carers in the district.",
                Decimal(30_000),
                Decimal(0) if refused else Decimal(30_000 - n % 1000) + Decimal("0.50"),
                "refused" if refused else ("granted", "partly_granted", "advance_paid")[n % 3],
                NOW,
                NOW,
                NOW,
            )
        )
    await bulk_insert(
        "subsidies_application",
        [
            "round",
            "organisation",
            "reference",
            "title",
            "activity_plan",
            "requested",
            "granted",
            "state",
            "decided_at",
            "created_at",
            "updated_at",
        ],
        rows,
    )


async def measure(grants: int) -> dict[str, object]:
    from config.database import is_sqlite
    from opendata.giving.cli import write_package
    from opendata.giving.service import page

    started = time.perf_counter()
    await fill(grants)
    setup = time.perf_counter() - started
    target = Path(tempfile.mkdtemp()) / "grants.json"

    async def export() -> tuple[float, float, int]:
        begun, cpu = time.perf_counter(), time.process_time()
        count = await write_package(str(target))
        return time.perf_counter() - begun, time.process_time() - cpu, count

    await export()  # warm up
    load_before = os.getloadavg()[0]
    done = [await export() for _ in range(RUNS)]
    load_after = os.getloadavg()[0]
    walls = sorted(d[0] for d in done)
    written = json.loads(target.read_text(encoding="utf-8"))
    currencies = sorted({g["currency"] for g in written["grants"]})
    pages, after = [], 0
    while True:
        begun = time.perf_counter()
        found = await page(after, PAGE)
        pages.append(time.perf_counter() - begun)
        if found.next_after is None:
            break
        after = found.next_after
    pages.sort()
    tracemalloc.start()  # a separate run: tracing slows everything down
    await export()
    traced = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return {
        "engine": "SQLite" if is_sqlite() else "PostgreSQL",
        "stored": grants,
        "written": done[0][2],
        "currencies": currencies,
        "setup": setup,
        "best": walls[0],
        "median": walls[len(walls) // 2],
        "cpu": min(d[1] for d in done),
        "file_mib": target.stat().st_size / 2**20,
        "pages": len(pages),
        "page_p50": pages[len(pages) // 2],
        "page_p95": pages[min(len(pages) - 1, int(len(pages) * 0.95))],
        "traced_mib": traced / 2**20,
        "maxrss_mib": max_rss_mib(),
        "load": (load_before, load_after),
    }


def main() -> None:
    args = parse()
    results = per_database(__file__, sys.argv[1:], args.postgres, lambda: measure(args.grants))
    for name, f in results:
        if f is None:
            continue
        print(
            f"{name}: {f['stored']:,} granted applications stored (set up in {f['setup']:.0f} s), "
            f"{f['written']:,} grants written ({', '.join(f['currencies'])}; sole traders "
            f"omitted), load average {f['load'][0]:.1f} → {f['load'][1]:.1f}"
        )
        print(
            f"  full export: best {f['best']:.2f} s, median {f['median']:.2f} s of {RUNS} "
            f"(CPU {f['cpu']:.2f} s), file {f['file_mib']:.1f} MiB (target ≤ 5 s)"
        )
        print(
            f"  a page of {PAGE:,}: p50 {f['page_p50'] * 1000:.0f} ms, p95 "
            f"{f['page_p95'] * 1000:.0f} ms over {f['pages']} pages"
        )
        print(
            f"  memory: traced peak {f['traced_mib']:.0f} MiB during the export, process max "
            f"RSS {f['maxrss_mib']:.0f} MiB (target ≤ 300 MB)"
        )


if __name__ == "__main__":
    main()
