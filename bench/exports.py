"""Benchmark: finance exports over 50,000 awards with their payment schedules.

25,000 contracts from 100 tenders (20 of them joint procurements of fifteen municipalities,
whose contracts split into fifteen shares each) and 25,000 grants from 50 subsidy rounds with
three payments each (75,000 payments).

    .venv/bin/python bench/exports.py
    .venv/bin/python bench/exports.py --postgres postgresql://postgres@127.0.0.1:5432/test
    .venv/bin/python bench/exports.py --awards 5000      # a smaller run

Prints, on SQLite and (when a server URL is given) on PostgreSQL, each from the database to a
file as ``tenderdesk export`` and the download do it:
- the award summary as xlsx, target ≤ 5 s, and as csv, target ≤ 1 s: best and median of three
  runs, with this process's CPU time (the load average is printed: the machine may be shared);
- the payment schedule as xlsx (payments with pivots by month and by year);
- peak memory: Python's traced peak during the xlsx export and the process's maximum RSS
  (target ≤ 500 MB).
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
import tracemalloc
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.support import bulk_insert, max_rss_mib, per_database

JOINT_TENDERS, TENDERS, ROUNDS, MUNICIPALITIES = 20, 100, 50, 15
RUNS = 3
NOW = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)


def parse() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--awards", type=int, default=50_000)
    parser.add_argument("--postgres", default=os.environ.get("BENCH_POSTGRES_URL"))
    parser.add_argument("--run-database", help=argparse.SUPPRESS)
    return parser.parse_args()


async def fill(awards: int) -> None:
    from authorities import service as authorities
    from common.identity import Actor
    from config.database import raw
    from subsidies.tables import SubsidyRound
    from tenders.tables import Lot, Tender, TenderAuthority

    actor = Actor.system("bench")
    wroclaw = [
        await authorities.create_authority(
            actor, {"name": f"Gmina {n:02d}", "country": "PL", "registration_number": "931934644"}
        )
        for n in range(MUNICIPALITIES)
    ]
    utrecht = await authorities.create_authority(
        actor, {"name": "Gemeente Utrecht", "country": "NL", "registration_number": "30280353"}
    )
    contracts, grants = awards // 2, awards - awards // 2
    await bulk_insert(
        "organisations_organisation",
        ["name", "country", "registration_number", "iban", "created_at", "updated_at"],
        [
            (
                f"{'=' if n % 997 == 0 else ''}Zorgaanbieder {n}",
                "NL",
                f"{n:08d}",
                "NL91ABNA0417164300" if n % 2 else None,
                NOW,
                NOW,
            )
            for n in range(1, 5001)
        ],
    )
    organisations = [
        r["id"] for r in await raw("SELECT id FROM organisations_organisation ORDER BY id")
    ]
    percents = [Decimal("38.50")] + [Decimal("4.39")] * 13 + [Decimal("4.43")]
    lots = []
    for n in range(TENDERS):
        joint = n < JOINT_TENDERS
        lead = wroclaw[0] if joint else utrecht
        tender = Tender(
            title=f"Tender {n}",
            reference=f"T-{n:04d}",
            procedure="open",
            phase="contracted",
            lead_authority=lead["id"],
            currency="PLN" if joint else "EUR",
            estimated_value=Decimal(contracts // TENDERS * 150_000),
            contract_start=date(2026, 1, 1),
            contract_end=date(2028, 12, 31),
            phase_changed_at=NOW,
            created_at=NOW,
            updated_at=NOW,
        )
        await tender.save()
        for authority, percent in (
            zip(wroclaw, percents, strict=True) if joint else [(utrecht, Decimal(100))]
        ):
            await TenderAuthority(tender=tender.id, authority=authority["id"], share=percent).save()
        lot = Lot(tender=tender.id, number=1, title="Lot 1")
        await lot.save()
        lots.append((tender.id, lot.id, "PLN" if joint else "EUR"))
    per_lot = [lots[n % TENDERS] for n in range(contracts)]
    await bulk_insert(
        "tenders_bid",
        ["tender", "lot", "organisation", "received_at", "price", "registered_by", "winner"],
        [
            (
                t,
                lot,
                organisations[n % len(organisations)],
                NOW,
                Decimal(100_000 + n * 7 % 90_000) + Decimal("0.37"),
                "bench",
                True,
            )
            for n, (t, lot, _) in enumerate(per_lot)
        ],
    )
    bids = await raw("SELECT id, tender, lot, organisation, price FROM tenders_bid ORDER BY id")
    await bulk_insert(
        "tenders_contract",
        ["tender", "lot", "bid", "organisation", "value", "currency", "start", "end", "signed_on"],
        [
            (
                b["tender"],
                b["lot"],
                b["id"],
                b["organisation"],
                Decimal(str(b["price"])),
                per_lot[n][2],
                date(2026, 1, 1),
                date(2028, 12, 31),
                date(2025, 12, 1),
            )
            for n, b in enumerate(bids)
        ],
    )
    rounds = []
    for n in range(ROUNDS):
        pool = SubsidyRound(
            authority=utrecht["id"],
            title=f"Round {n}",
            regulation_reference=f"R-{n:03d}",
            opens_at=NOW,
            closes_at=NOW,
            ceiling=Decimal(10_000_000),
            currency="EUR",
            method="ranking",
            lottery_seed="bench",
            period_start=date(2026, 1, 1),
            period_end=date(2028, 12, 31),
            phase="decided",
            created_at=NOW,
        )
        await pool.save()
        rounds.append(pool.id)
    await bulk_insert(
        "subsidies_application",
        [
            "round",
            "organisation",
            "reference",
            "requested",
            "granted",
            "state",
            "created_at",
            "updated_at",
        ],
        [
            (
                rounds[n % ROUNDS],
                organisations[n % len(organisations)],
                f"A-{n:06d}",
                Decimal(30_000),
                Decimal(30_000 - n % 1000),
                "advance_paid",
                NOW,
                NOW,
            )
            for n in range(grants)
        ],
    )
    applications = await raw("SELECT id, granted FROM subsidies_application ORDER BY id")
    await bulk_insert(
        "subsidies_payment",
        ["application", "kind", "due_on", "amount", "status"],
        [
            (
                a["id"],
                "instalment",
                date(2026 + year, 1 + a["id"] % 12, 15),
                Decimal(10_000),
                status,
            )
            for a in applications
            for year, status in ((0, "paid"), (1, "approved"), (2, "scheduled"))
        ],
    )


async def measure(awards: int) -> dict[str, object]:
    from config.app import FINANCE_SOURCES
    from config.database import is_sqlite
    from documents.tables_export import csv_chunks, write_xlsx
    from finance import sheets
    from finance.domain import FinanceQuery

    started = time.perf_counter()
    await fill(awards)
    setup = time.perf_counter() - started
    target = Path(tempfile.mkdtemp()) / "export"

    async def xlsx(view: str) -> tuple[float, float, int]:
        begun, cpu = time.perf_counter(), time.process_time()
        exported = await sheets.export_sheets(view, FINANCE_SOURCES, FinanceQuery())
        write_xlsx(exported, target.with_suffix(".xlsx"))
        return (
            time.perf_counter() - begun,
            time.process_time() - cpu,
            sum(len(s.rows) for s in exported),
        )  # type: ignore[arg-type]

    async def csv(view: str) -> tuple[float, float, int]:
        begun, cpu = time.perf_counter(), time.process_time()
        exported = await sheets.export_sheets(view, FINANCE_SOURCES, FinanceQuery())
        with target.with_suffix(".csv").open("wb") as handle:
            for chunk in csv_chunks(exported[0]):
                handle.write(chunk)
        return (time.perf_counter() - begun, time.process_time() - cpu, len(exported[0].rows))  # type: ignore[arg-type]

    async def runs(export: Any, view: str) -> dict[str, float]:
        """Best and median wall-clock seconds of RUNS runs, and the best CPU seconds of this
        process (the machine is shared: wall-clock time depends on the load, CPU time less)."""
        done = [await export(view) for _ in range(RUNS)]
        walls = sorted(d[0] for d in done)
        return {
            "best": walls[0],
            "median": walls[len(walls) // 2],
            "cpu": min(d[1] for d in done),
            "rows": done[0][2],
        }

    await csv("awards")  # warm up
    load_before = os.getloadavg()[0]
    csv_runs = await runs(csv, "awards")
    xlsx_runs = await runs(xlsx, "awards")
    load_after = os.getloadavg()[0]
    tracemalloc.start()  # a separate run: tracing slows everything down many times
    await xlsx("awards")
    traced = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    size = target.with_suffix(".xlsx").stat().st_size
    payments_time, _, payment_rows = await xlsx("payments")
    return {
        "engine": "SQLite" if is_sqlite() else "PostgreSQL",
        "awards": awards,
        "setup": setup,
        "csv": csv_runs,
        "xlsx": xlsx_runs,
        "xlsx_mib": size / 2**20,
        "payments": payments_time,
        "payment_rows": payment_rows,
        "traced_mib": traced / 2**20,
        "maxrss_mib": max_rss_mib(),
        "load": (load_before, load_after),
    }


def main() -> None:
    args = parse()
    argv = [a for a in sys.argv[1:]]
    results = per_database(__file__, argv, args.postgres, lambda: measure(args.awards))
    for name, f in results:
        if f is None:
            continue
        print(
            f"{name}: {f['awards']:,} awards (set up in {f['setup']:.0f} s), load average "
            f"{f['load'][0]:.1f} → {f['load'][1]:.1f}"
        )
        for label, key, target in (("csv", "csv", 1), ("xlsx", "xlsx", 5)):
            r = f[key]
            print(
                f"  award summary {label}: best {r['best']:.2f} s, median {r['median']:.2f} s "
                f"of {RUNS} (CPU {r['cpu']:.2f} s) for {r['rows']:,} rows (target ≤ {target} s)"
            )
        print(
            f"  xlsx file {f['xlsx_mib']:.1f} MiB; payment schedule xlsx with pivots: "
            f"{f['payments']:.2f} s for {f['payment_rows']:,} rows"
        )
        print(
            f"  memory: traced peak {f['traced_mib']:.0f} MiB during the xlsx, process max "
            f"RSS {f['maxrss_mib']:.0f} MiB (target ≤ 500 MB)"
        )


if __name__ == "__main__":
    main()
