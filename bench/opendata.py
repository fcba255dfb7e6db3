"""Benchmark: OCDS releases for 2,000 tenders in every phase.

    .venv/bin/python bench/opendata.py
    .venv/bin/python bench/opendata.py --postgres postgresql://postgres@127.0.0.1:5432/test
    .venv/bin/python bench/opendata.py --tenders 500          # a smaller run

Fills a fresh database (bulk inserts) with 2,000 published tenders spread over the phases
(tendering with a deadline moved, evaluation, award intent, awarded, contracted, cancelled,
unsuccessful, contracted with a lot declared unsuccessful), two lots each, two documents, two
answered questions, winning and losing bids, contracts, and the audit events the releases are
derived from. Then prints
- the full export (``tenderdesk export ocds``: load, build every release, write one release
  package file): best and median of 3 runs; target ≤ 5 s;
- a page of 100 releases (``GET /open-data/ocds/releases.json``, through the app in-process,
  pages spread over the list, some with ``since``): p50 and p95 over 200 requests, the first
  (cold: the releases are built) apart; target p95 ≤ 100 ms;
- one tender's record package with its compiled release (``GET /open-data/ocds/records/…``);
- memory: the process's max RSS; target ≤ 300 MB.

The 360Giving half has its own script (``bench/opendata_grants.py``); ``--with-grants`` runs
it after this one when it exists.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.support import bulk_insert, max_rss_mib, per_database  # noqa: E402

START = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)
PHASES = (
    "tendering",
    "evaluation",
    "award_intent",
    "awarded",
    "contracted",
    "cancelled",
    "unsuccessful",
    "contracted",
)
AWARDED = {"award_intent", "awarded", "contracted"}
PAGE_REQUESTS = 200
RUNS = 3


def parse() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--tenders", type=int, default=2000)
    parser.add_argument("--postgres", default=os.environ.get("BENCH_POSTGRES_URL"))
    parser.add_argument("--with-grants", action="store_true")
    parser.add_argument("--run-database", help=argparse.SUPPRESS)
    return parser.parse_args()


class Audit:
    """Audit rows for the bulk insert (the chain's hashes are not what the bench measures)."""

    def __init__(self, last_seq: int) -> None:
        self.rows: list[tuple] = []
        self.last_seq = last_seq

    def add(self, at: datetime, action: str, tender: int, after: dict, before: dict | None = None):
        seq = self.last_seq + len(self.rows) + 1
        self.rows.append(
            (
                seq,
                at,
                None,
                "bench",
                action,
                "tender",
                str(tender),
                json.dumps(before) if before else None,
                json.dumps(after),
                f"{seq - 1:064x}",
                f"{seq:064x}",
            )
        )


async def fill(count: int) -> None:
    from authorities import service as authorities
    from common.identity import Actor
    from config.database import raw

    actor = Actor.system("bench")
    buyers = [
        await authorities.create_authority(
            actor, {"name": f"Gemeente {n}", "country": "NL", "registration_number": f"3028{n:04d}"}
        )
        for n in range(3)
    ]
    await bulk_insert(
        "organisations_organisation",
        ["name", "country", "registration_number", "created_at", "updated_at"],
        [(f"Zorgaanbieder {n}", "NL", f"{n:08d}", START, START) for n in range(1, 301)],
    )
    organisations = [r["id"] for r in await raw("SELECT id FROM organisations_organisation")]
    await bulk_insert(
        "documents_file",
        ["sha256", "size", "filename", "content_type", "created_at", "created_by"],
        [("0" * 64, 1, "bestek.pdf", "application/pdf", START, "bench")],
    )
    file_id = (await raw("SELECT id FROM documents_file"))[0]["id"]
    await bulk_insert(
        "tenders_tender",
        [
            "title",
            "reference",
            "description",
            "procedure",
            "phase",
            "lead_authority",
            "cpv_codes",
            "currency",
            "estimated_value",
            "budget_line",
            "contract_start",
            "contract_end",
            "extension_options",
            "two_envelope",
            "electronic_submission",
            "deadline_questions",
            "deadline_bids",
            "published_at",
            "standstill_ends_at",
            "closed_reason",
            "phase_changed_at",
            "created_at",
            "updated_at",
            "open_data_withheld_reason",
        ],
        [
            (
                f"Tender {n}",
                f"T-{n:05d}",
                "Hulp bij het huishouden in drie wijken." * 3,
                "open",
                PHASES[n % len(PHASES)],
                buyers[n % 3]["id"],
                "85312000-9, 98513310-8",
                "EUR",
                Decimal(500_000 + n),
                "",
                date(2026, 7, 1),
                date(2028, 6, 30),
                "",
                False,
                True,
                START + timedelta(days=20),
                START + timedelta(days=40),
                START + timedelta(minutes=n),
                START + timedelta(days=70),
                "",
                START,
                START,
                START,
                "",
            )
            for n in range(count)
        ],
    )
    tenders = await raw("SELECT id, phase, lead_authority FROM tenders_tender ORDER BY id")
    await bulk_insert(
        "tenders_authority",
        ["tender", "authority", "share"],
        [(t["id"], t["lead_authority"], Decimal(100)) for t in tenders],
    )
    await bulk_insert(
        "tenders_lot",
        ["tender", "number", "title", "description", "winners", "estimated_value",
         "intent_deviates", "intent_reason", "intent_advantages", "unsuccessful_reason"],
        [
            (t["id"], number, f"Wijk {number}", "", 1, Decimal(250_000), False, "", "", "")
            for t in tenders
            for number in (1, 2)
        ],
    )  # fmt: skip
    lots = await raw("SELECT id, tender, number FROM tenders_lot ORDER BY id")
    await bulk_insert(
        "tenders_document",
        ["tender", "name", "version", "file", "uploaded_at", "uploaded_by"],
        [
            (t["id"], name, 1, file_id, START - timedelta(days=1), "bench")
            for t in tenders
            for name in ("Bestek", "Programma van eisen")
        ],
    )
    await bulk_insert(
        "tenders_question",
        ["tender", "number", "asked_at", "asker", "question", "answer", "answered_at"],
        [
            (t["id"], q, START, "Zorg BV", f"Vraag {q}?", f"Antwoord {q}.", START + timedelta(q))
            for t in tenders
            for q in (1, 2)
        ],
    )
    await bulk_insert(
        "tenders_bid",
        ["tender", "lot", "organisation", "received_at", "price", "registered_by", "winner",
         "withdrawn_reason"],
        [
            (lot["tender"], lot["id"], organisations[(lot["id"] * 7 + k) % len(organisations)],
             START, Decimal(200_000 + lot["id"] + k), "bench", k == 0, "")
            for lot in lots
            for k in (0, 1)
        ],
    )  # fmt: skip
    phases = {t["id"]: t["phase"] for t in tenders}
    winners = await raw("SELECT id, tender, lot, organisation, price FROM tenders_bid WHERE winner")
    await bulk_insert(
        "tenders_contract",
        ["tender", "lot", "bid", "organisation", "value", "currency", "start", "end", "signed_on"],
        [
            (b["tender"], b["lot"], b["id"], b["organisation"], Decimal(str(b["price"])), "EUR",
             date(2026, 7, 1), date(2028, 6, 30), date(2026, 6, 1))
            for b in winners
            if phases[b["tender"]] == "contracted"
        ],
    )  # fmt: skip
    contracts = await raw("SELECT id, tender FROM tenders_contract ORDER BY id")
    last = (await raw("SELECT MAX(seq) AS seq FROM audit_event"))[0]["seq"] or 0
    await bulk_insert("audit_event", _AUDIT_COLUMNS, _events(last, tenders, lots, contracts))


_AUDIT_COLUMNS = [
    "seq", "occurred_at", "actor_id", "actor", "action", "object_type", "object_id", "before",
    "after", "prev_hash", "hash",
]  # fmt: skip


def _events(
    last_seq: int, tenders: list[dict], lots: list[dict], contracts: list[dict]
) -> list[tuple]:
    audit = Audit(last_seq)
    lots_of: dict[int, list[dict]] = {}
    for lot in lots:
        lots_of.setdefault(lot["tender"], []).append(lot)
    contracts_of: dict[int, list[int]] = {}
    for contract in contracts:
        contracts_of.setdefault(contract["tender"], []).append(contract["id"])
    for n, t in enumerate(tenders):
        key, phase, at = t["id"], t["phase"], START + timedelta(minutes=n)
        audit.add(at, "tender.publish", key, {"phase": "tendering"})
        if n % 3 == 0:
            audit.add(
                at + timedelta(days=3),
                "tender.deadlines_changed",
                key,
                {"deadline_bids": (START + timedelta(days=40)).isoformat()},
                {"deadline_bids": (START + timedelta(days=33)).isoformat()},
            )
        for q in (1, 2):
            audit.add(at + timedelta(days=q), "question.answered", key, {"number": q})
        if phase in ("evaluation", "cancelled", "unsuccessful") or phase in AWARDED:
            audit.add(at + timedelta(days=41), "tender.close_bids", key, {"phase": "opening"})
        if n % 8 == 7:
            lot = lots_of[key][1]
            audit.add(at + timedelta(days=44), "lot.declared_unsuccessful", key, {"lot": lot["id"]})
        if phase in AWARDED:
            audit.add(at + timedelta(days=50), "tender.send_award_decisions", key, {})
        if phase in ("awarded", "contracted"):
            audit.add(at + timedelta(days=71), "tender.award", key, {"phase": "awarded"})
        for contract in contracts_of.get(key, []) if phase == "contracted" else []:
            audit.add(at + timedelta(days=80), "contract.recorded", key, {"contract": contract})
        if phase == "cancelled":
            audit.add(at + timedelta(days=45), "tender.cancel", key, {"phase": "cancelled"})
        if phase == "unsuccessful":
            audit.add(at + timedelta(days=45), "tender.declare_unsuccessful", key, {})
    return audit.rows


async def measure(count: int) -> dict[str, object]:
    from litestar.testing import AsyncTestClient

    from config.app import create_app
    from config.database import is_sqlite
    from opendata.ocds.export import export_to_file
    from opendata.ocds.service import kept

    begun = time.perf_counter()
    await fill(count)
    setup = time.perf_counter() - begun
    target = Path(tempfile.mkdtemp()) / "ocds.json"
    exports, cpu = [], []
    for _ in range(RUNS):
        started, begun_cpu = time.perf_counter(), time.process_time()
        releases = await export_to_file(str(target))
        exports.append(time.perf_counter() - started)
        cpu.append(time.process_time() - begun_cpu)
    size = target.stat().st_size
    timings: list[float] = []
    async with AsyncTestClient(app=create_app()) as client:
        started = time.perf_counter()
        first = await client.get("/open-data/ocds/releases.json?page=1")
        cold = time.perf_counter() - started
        assert first.status_code == 200, first.text[:500]
        pages = max(1, releases // 100)
        since = (START + timedelta(days=40)).isoformat().replace("+", "%2B")
        for n in range(PAGE_REQUESTS):
            query = f"page={1 + (n * 37) % pages}"
            if n % 4 == 0:
                query = f"page={1 + n % 10}&since={since}"
            started = time.perf_counter()
            response = await client.get(f"/open-data/ocds/releases.json?{query}")
            timings.append(time.perf_counter() - started)
            assert response.status_code == 200
        found = await kept()
        ocid = json.loads(found.releases[len(found.releases) // 2])["ocid"]
        started = time.perf_counter()
        record = await client.get(f"/open-data/ocds/records/{ocid}.json")
        record_time = time.perf_counter() - started
        assert record.status_code == 200
    timings.sort()
    return {
        "engine": "SQLite" if is_sqlite() else "PostgreSQL",
        "tenders": count,
        "releases": releases,
        "setup": setup,
        "export_best": min(exports),
        "export_median": statistics.median(exports),
        "export_cpu": min(cpu),
        "export_mib": size / 2**20,
        "cold_page": cold,
        "p50": timings[len(timings) // 2],
        "p95": timings[int(len(timings) * 0.95) - 1],
        "record": record_time,
        "maxrss_mib": max_rss_mib(),
        "load": os.getloadavg()[0],
        "cores": os.cpu_count(),
    }


def main() -> None:
    args = parse()
    results = per_database(__file__, sys.argv[1:], args.postgres, lambda: measure(args.tenders))
    for name, f in results:
        if f is None:
            continue
        print(
            f"{name}: {f['tenders']:,} tenders, {f['releases']:,} releases (set up in "
            f"{f['setup']:.0f} s), load average {f['load']:.1f} on {f['cores']} cores"
        )
        print(
            f"  full export: best {f['export_best']:.2f} s, median {f['export_median']:.2f} s of "
            f"{RUNS} (CPU of this process {f['export_cpu']:.2f} s), {f['export_mib']:.1f} MiB "
            "(target ≤ 5 s)"
        )
        print(
            f"  page of 100 releases: p50 {f['p50'] * 1000:.1f} ms, p95 {f['p95'] * 1000:.1f} ms "
            f"over {PAGE_REQUESTS} (target p95 ≤ 100 ms); first page after a change (builds "
            f"every release) {f['cold_page']:.2f} s"
        )
        print(f"  one record package with its compiled release: {f['record'] * 1000:.0f} ms")
        print(f"  memory: process max RSS {f['maxrss_mib']:.0f} MiB (target ≤ 300 MB)")
    grants = ROOT / "bench" / "opendata_grants.py"
    if args.with_grants and grants.exists():
        subprocess.run([sys.executable, str(grants)], cwd=ROOT, check=False)


if __name__ == "__main__":
    main()
