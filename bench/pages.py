"""Benchmark: the tender list and a tender page with a database of realistic size.

2,000 tenders (spread over the phases) with 2 lots each, 20,000 bids, and the lots' evaluations
in the scoring engine holding 200,000 individual scores (5 evaluators × 2 quality criteria per
bid). The app is served by ``tenderdesk serve`` in a subprocess and a load generator on
loopback signs in as a procurement officer of the authority and requests each page 200 times
(one at a time, after a warm-up). Target: p95 ≤ 100 ms for both pages.

    .venv/bin/python bench/pages.py
    .venv/bin/python bench/pages.py --postgres postgresql://postgres@127.0.0.1:5432/test
    .venv/bin/python bench/pages.py --tenders 200          # a smaller run

A fresh data dir (and, for PostgreSQL, a fresh database, dropped afterwards) per run.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.support import admin as _admin  # noqa: E402
from bench.support import bulk_insert as _bulk_insert  # noqa: E402
from bench.support import with_database as _with_database  # noqa: E402

PASSWORD = "bench password 2026"
LOTS = 2
BIDS_PER_LOT = 5
EVALUATORS = 5
QUALITY = 2
REQUESTS = 200
WARM_UP = 10
SEED = 20261123
# (phase, share of the tenders, whether its bids are opened)
PHASES = [
    ("draft", 0.10, False),
    ("tendering", 0.20, False),
    ("evaluation", 0.35, True),
    ("award_intent", 0.15, True),
    ("contracted", 0.20, True),
]


async def fill(tenders: int) -> dict[str, int]:
    """Migrate and fill the database; returns counts and a sample of ids."""
    from argon2 import PasswordHasher

    from accounts.tables import Membership, User
    from authorities import service as authorities
    from common.identity import Actor
    from config.database import migrate, raw
    from scoring.scoresheets import SCORE_COLUMNS

    await migrate()
    rng = random.Random(SEED)
    actor = Actor.system("bench")
    authority = await authorities.create_authority(
        actor, {"name": "Gemeente Utrecht", "country": "NL", "registration_number": "30280353"}
    )
    service_type = await authorities.create_service_type(
        actor,
        {
            "code": "household_help",
            "name_en": "Household help",
            "name_nl": "Hulp bij het huishouden",
        },
    )
    now = datetime.now(UTC).replace(microsecond=0)
    officer = User(
        email="officer@bench.example",
        name="Bench Officer",
        role="officer",
        language="en",
        password_hash=PasswordHasher().hash(PASSWORD),
        created_at=now,
    )
    await officer.save()
    await Membership(user=officer.id, authority=authority["id"]).save()
    evaluators = []
    for n in range(EVALUATORS):
        user = User(
            email=f"evaluator{n}@bench.example",
            name=f"Evaluator {n}",
            role="evaluator",
            language="en",
            password_hash="-",
            created_at=now,
        )
        await user.save()
        evaluators.append(user.id)
    organisations = [
        (f"Zorgaanbieder {n}", "NL", f"{30000000 + n:08d}", "", "", "", now, now)
        for n in range(1, 201)
    ]
    await _bulk_insert(
        "organisations_organisation",
        [
            "name",
            "country",
            "registration_number",
            "address",
            "contact_name",
            "email",
            "created_at",
            "updated_at",
        ],
        organisations,
    )
    organisation_ids = [
        r["id"] for r in await raw("SELECT id FROM organisations_organisation ORDER BY id")
    ]

    tender_rows: dict[str, list[tuple]] = {phase: [] for phase, _, _ in PHASES}
    for index in range(tenders):
        roll, total = rng.random(), 0.0
        for phase, share, opened in PHASES:  # noqa: B007 - the one chosen is used below
            total += share
            if roll < total or phase == PHASES[-1][0]:
                break
        published = now - timedelta(days=rng.randint(10, 400))
        row = (
            f"Bench tender {index + 1}: {rng.choice(['Hulp bij het huishouden', 'Dagbesteding', 'Begeleiding', 'Respijtzorg'])}",  # noqa: E501
            f"BENCH-{index + 1:05d}",
            "",
            rng.choice(["open", "restricted", "competitive_dialogue"]),
            phase,
            authority["id"],
            service_type["id"],
            "98513310-8",
            "EUR",
            Decimal(rng.randint(100_000, 50_000_000)),
            "",
            False,
            True,
            officer.id,
            published + timedelta(days=20),
            published + timedelta(days=40),
            published,
            "",
            published,
            published,
            published + timedelta(days=rng.randint(0, 9)),
        )
        tender_rows[phase].append(row + ((published + timedelta(days=41),) if opened else ()))
    columns = [
        "title",
        "reference",
        "description",
        "procedure",
        "phase",
        "lead_authority",
        "service_type",
        "cpv_codes",
        "currency",
        "estimated_value",
        "extension_options",
        "two_envelope",
        "electronic_submission",
        "lead_officer",
        "deadline_questions",
        "deadline_bids",
        "published_at",
        "closed_reason",
        "phase_changed_at",
        "created_at",
        "updated_at",
    ]
    for phase, _, opened in PHASES:
        if tender_rows[phase]:
            await _bulk_insert(
                "tenders_tender", columns + (["opened_at"] if opened else []), tender_rows[phase]
            )
    tenders_by_id = await raw("SELECT id, phase FROM tenders_tender ORDER BY id")
    await _bulk_insert(
        "tenders_authority",
        ["tender", "authority", "share"],
        [(t["id"], authority["id"], Decimal(100)) for t in tenders_by_id],
    )

    # One evaluation per lot in the scoring engine: 2 quality criteria and a price.
    lots = [(t["id"], n) for t in tenders_by_id for n in range(1, LOTS + 1)]
    await _bulk_insert(
        "scoring_evaluation",
        [
            "title",
            "authority",
            "currency",
            "owner_ref",
            "owner_url",
            "blind",
            "two_envelope",
            "aggregation",
            "winners",
            "total_points",
            "lottery_seed",
            "criteria_version",
            "created_at",
        ],
        [
            (
                f"Bench tender {t}: lot {n}",
                authority["id"],
                "EUR",
                f"tender:{t}:lot:{n}",
                f"/tenders/{t}",
                False,
                False,
                "mean",
                1,
                Decimal(100),
                "bench",
                1,
                now,
            )
            for t, n in lots
        ],
    )
    evaluation_ids = [r["id"] for r in await raw("SELECT id FROM scoring_evaluation ORDER BY id")]
    await _bulk_insert(
        "tenders_lot",
        [
            "tender",
            "number",
            "title",
            "description",
            "winners",
            "evaluation_id",
            "intent_deviates",
            "intent_reason",
        ],
        [
            (t, n, f"District {n}", "", 1, e, False, "")
            for (t, n), e in zip(lots, evaluation_ids, strict=True)
        ],
    )
    lot_ids = [r["id"] for r in await raw("SELECT id FROM tenders_lot ORDER BY id")]
    criteria = []
    scale = (Decimal(0), Decimal(10), Decimal(1))  # quality: 0 to 10 in whole points
    for e in evaluation_ids:
        criteria += [
            (e, 0, "Plan of approach", "", "quality", Decimal(35), *scale, "", ""),
            (e, 1, "Cooperation", "", "quality", Decimal(35), *scale, "", ""),
            (e, 2, "Price", "", "price", Decimal(30), None, None, None, "", "relative_lowest"),
        ]
    quality_criteria = [c for c in criteria if c[4] == "quality"]
    await _bulk_insert(
        "scoring_criterion",
        [
            "evaluation",
            "position",
            "name",
            "description",
            "kind",
            "weight",
            "scale_min",
            "scale_max",
            "scale_step",
            "levels",
            "formula",
        ],
        quality_criteria,
    )
    await _bulk_insert(
        "scoring_criterion",
        ["evaluation", "position", "name", "description", "kind", "weight", "levels", "formula"],
        [(c[0], c[1], c[2], c[3], c[4], c[5], c[9], c[10]) for c in criteria if c[4] == "price"],
    )
    await raw("UPDATE scoring_evaluation SET criteria_frozen_at = {}", now)
    criterion_ids: dict[int, list[int]] = {}
    for r in await raw(
        "SELECT id, evaluation FROM scoring_criterion WHERE kind = 'quality' ORDER BY id"
    ):
        criterion_ids.setdefault(r["evaluation"], []).append(r["id"])

    # Bids: 5 per lot, sealed until the tender's opening.
    bids = []
    for (tender_id, _), lot_id in zip(lots, lot_ids, strict=True):
        for organisation in rng.sample(organisation_ids, BIDS_PER_LOT):
            bids.append(
                (
                    tender_id,
                    lot_id,
                    organisation,
                    now - timedelta(days=50),
                    Decimal(rng.randint(50_000, 900_000)),
                    "officer@bench.example",
                    "",
                    False,
                )
            )
    await _bulk_insert(
        "tenders_bid",
        [
            "tender",
            "lot",
            "organisation",
            "received_at",
            "price",
            "registered_by",
            "withdrawn_reason",
            "winner",
        ],
        bids,
    )
    bid_rows = await raw("SELECT id, lot, organisation, price FROM tenders_bid ORDER BY id")
    evaluation_of_lot = dict(zip(lot_ids, evaluation_ids, strict=True))
    await _bulk_insert(
        "scoring_subject",
        ["evaluation", "ref", "name", "code", "price", "excluded_reason", "created_at"],
        [
            (
                evaluation_of_lot[b["lot"]],
                f"bid:{b['id']}",
                f"Zorgaanbieder {b['organisation']}",
                f"B{b['id']}",
                b["price"],
                "",
                now,
            )
            for b in bid_rows
        ],
    )
    subjects = await raw("SELECT id, evaluation FROM scoring_subject ORDER BY id")
    await _bulk_insert(
        "scoring_assignment",
        ["evaluation", "evaluator", "all_subjects", "all_criteria", "submitted_at", "created_at"],
        [(e, person, True, True, now, now) for e in evaluation_ids for person in evaluators],
    )
    sheets = {
        (r["evaluation"], r["evaluator"]): r["id"]
        for r in await raw("SELECT id, evaluation, evaluator FROM scoring_assignment")
    }
    scores = [
        (
            s["evaluation"],
            sheets[(s["evaluation"], person)],
            s["id"],
            criterion,
            Decimal(rng.randint(4, 10)),
            "Clear on this point",
            now,
        )
        for s in subjects
        for person in evaluators
        for criterion in criterion_ids[s["evaluation"]]
    ]
    for start in range(0, len(scores), 50_000):
        await _bulk_insert(
            "scoring_score",
            SCORE_COLUMNS,
            scores[start : start + 50_000],
        )
    # Statistics for the planner, as autovacuum (PostgreSQL) or a nightly ANALYZE would keep.
    await raw("ANALYZE")
    return {
        "tenders": len(tenders_by_id),
        "lots": len(lot_ids),
        "bids": len(bid_rows),
        "scores": len(scores),
        "sample": [t["id"] for t in tenders_by_id],
    }  # type: ignore[dict-item]


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def serve(environment: dict[str, str]) -> tuple[subprocess.Popen, str]:
    port = _free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "config", "serve", "--port", str(port)],
        cwd=ROOT,
        env=environment,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"{url}/health", timeout=1).status_code == 200:
                return process, url
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    process.kill()
    raise SystemExit("the app did not start")


def measure(client: httpx.Client, paths: list[str]) -> list[float]:
    for path in paths[:WARM_UP]:
        client.get(path).raise_for_status()
    times = []
    for path in paths:
        started = time.perf_counter()
        response = client.get(path)
        times.append((time.perf_counter() - started) * 1000)
        if response.status_code != 200:
            raise SystemExit(f"{path} answered {response.status_code}")
    return times


def describe(name: str, times: list[float]) -> str:
    ordered = sorted(times)
    p95 = ordered[max(0, int(len(ordered) * 0.95) - 1)]
    verdict = "ok" if p95 <= 100 else "ABOVE TARGET"
    return (
        f"    {name:<12} p50 {statistics.median(ordered):6.1f} ms   p95 {p95:6.1f} ms   "
        f"max {ordered[-1]:6.1f} ms   ({len(times)} requests; target p95 ≤ 100 ms: "
        f"{verdict})"
    )


def run(target: str, tenders: int) -> None:
    data_dir = tempfile.mkdtemp(prefix="tenderdesk-bench-pages-")
    environment = {
        **os.environ,
        "TENDERDESK_DATA_DIR": data_dir,
        "PICCOLO_CONF": "config.piccolo_conf",
        "TENDERDESK_SCHEDULER": "0",
        "TENDERDESK_DB_POOL": "0",
    }
    database = None
    if target == "sqlite":
        environment.pop("DATABASE_URL", None)
        engine = "SQLite"
    else:
        database = f"tenderdesk_bench_{uuid.uuid4().hex[:10]}"
        asyncio.run(_admin(target, f'CREATE DATABASE "{database}"'))
        environment["DATABASE_URL"] = _with_database(target, database)
        engine = "PostgreSQL"
    try:
        started = time.perf_counter()
        filled = subprocess.run(
            [sys.executable, __file__, "--fill", str(tenders)],
            cwd=ROOT,
            env=environment,
            capture_output=True,
            text=True,
            check=False,
        )
        if filled.returncode != 0:
            raise SystemExit(filled.stderr[-3000:])
        counts = dict(item.split("=") for item in filled.stdout.splitlines()[-1].split())
        print(
            f"  {engine}: {int(counts['tenders']):,} tenders, {int(counts['lots']):,} lots, "
            f"{int(counts['bids']):,} bids, {int(counts['scores']):,} scores "
            f"(filled in {time.perf_counter() - started:.0f} s)"
        )
        process, url = serve({**environment, "TENDERDESK_DB_POOL": "1"})
        try:
            rng = random.Random(SEED)
            with httpx.Client(base_url=url, timeout=30) as client:
                client.get("/login")
                token = client.cookies["tenderdesk_csrf"]
                signed = client.post(
                    "/login",
                    data={
                        "email": "officer@bench.example",
                        "password": PASSWORD,
                        "_csrf_token": token,
                    },
                )
                assert signed.status_code == 303, signed.status_code
                pages = max(1, int(counts["tenders"]) // 25)
                filters = [
                    "",
                    "&phase=evaluation",
                    "&q=Dagbesteding",
                    "&phase=tendering",
                    "&service_type=1",
                ]
                lists = [
                    f"/tenders?page={rng.randint(1, pages)}{rng.choice(filters)}"
                    for _ in range(REQUESTS)
                ]
                first, last = int(counts["first"]), int(counts["last"])
                tender_pages = [f"/tenders/{rng.randint(first, last)}" for _ in range(REQUESTS)]
                print(describe("tender list", measure(client, lists)))
                print(describe("tender page", measure(client, tender_pages)))
        finally:
            process.terminate()
            process.wait(timeout=10)
    finally:
        if database:
            asyncio.run(_admin(target, f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)'))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--tenders", type=int, default=2_000)
    parser.add_argument(
        "--postgres",
        default=os.environ.get("BENCH_POSTGRES_URL"),
        help="a PostgreSQL server URL (a fresh database is created there)",
    )
    parser.add_argument("--fill", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.fill:
        figures = asyncio.run(fill(args.fill))
        sample = figures.pop("sample")
        print(
            " ".join(f"{k}={v}" for k, v in figures.items()),
            f"first={min(sample)}",
            f"last={max(sample)}",
        )  # type: ignore[type-var]
        return
    print(f"tender list and tender page, {REQUESTS} requests each on loopback:")
    for target in ["sqlite"] + ([args.postgres] if args.postgres else []):
        run(target, args.tenders)


if __name__ == "__main__":
    main()
