"""Benchmark: ranking a large subsidy round with the scoring engine.

10,000 subjects × 5 evaluators × 10 scored criteria = 500,000 individual scores (plus a price
criterion, relative to the lowest price, so the rank-reversal check runs too).

    .venv/bin/python bench/ranking.py
    .venv/bin/python bench/ranking.py --postgres postgresql://postgres@127.0.0.1:5432/test
    .venv/bin/python bench/ranking.py --subjects 1000        # a smaller run

Prints
- the computation alone (aggregation, knock-outs, price points, ranking, lottery, reversal
  check) on data already in memory; target ≤ 0.2 s;
- the whole ranking use case from the database (``scoring.service.ranking``: access check,
  loading criteria, subjects and the 500,000 scores, the computation, the result dataclasses;
  the per-criterion breakdown of a subject is built when read, so it is timed apart: for two
  subjects, as a letter needs, and for all of them, as the API's full ranking does) on SQLite
  and, when a server URL is given, on PostgreSQL (a fresh database is created and dropped);
  target ≤ 3 s;
- peak memory: Python's traced peak during the use case and the process's maximum RSS.

Each database runs in its own subprocess (the engine is chosen once per process).
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import sys
import time
import tracemalloc
from decimal import Decimal
from functools import partial
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.support import bench_people, per_database  # noqa: E402
from bench.support import bulk_insert as _bulk_insert  # noqa: E402

EVALUATORS = 5
LEAVES = 10  # scored criteria: 8 quality sub-criteria, 1 quality, 1 pass/fail
SEED = 20261123

CRITERIA = [
    {
        "name": "Plan",
        "kind": "quality",
        "weight": "60",
        "children": [
            {
                "name": f"Plan {n}",
                "kind": "quality",
                "weight": "7.5",
                "scale_type": "range",
                "scale_min": "0",
                "scale_max": "10",
                "scale_step": "1",
            }
            for n in range(1, 9)
        ],
    },
    {
        "name": "Reach",
        "kind": "quality",
        "weight": "10",
        "scale_type": "levels",
        "levels": "0 = none\n5 = some\n10 = wide",
        "minimum": "2",
    },
    {"name": "Registered", "kind": "pass_fail"},
    {"name": "Price", "kind": "price", "weight": "30", "formula": "relative_lowest"},
]


def synthetic(
    subjects: int,
    criterion_ids: list[int],
    pass_fail_id: int,
    levels_id: int,
    subject_ids: np.ndarray | None = None,
):
    """Scores as (subject, criterion, evaluator, value) arrays and prices per subject."""
    rng = np.random.default_rng(SEED)
    ids = subject_ids if subject_ids is not None else np.arange(1, subjects + 1)
    count = len(ids) * len(criterion_ids) * EVALUATORS
    subject = np.repeat(ids, len(criterion_ids) * EVALUATORS)
    criterion = np.tile(np.repeat(np.array(criterion_ids), EVALUATORS), len(ids))
    evaluator = np.tile(np.arange(1, EVALUATORS + 1), len(ids) * len(criterion_ids))
    # Evaluators mostly agree: one point either side of a common judgement per subject and
    # criterion, so that the spread stays under the flag limit (40 % of the scale).
    common = np.repeat(rng.integers(4, 10, size=len(ids) * len(criterion_ids)), EVALUATORS)
    value = np.clip(common + rng.integers(-1, 2, size=count), 0, 10).astype(float)
    levels = criterion == levels_id
    value[levels] = np.repeat(
        rng.choice([0.0, 5.0, 10.0], size=levels.sum() // EVALUATORS, p=[0.02, 0.48, 0.5]),
        EVALUATORS,
    )
    value[criterion == pass_fail_id] = 1.0
    failing = rng.choice(ids, size=max(1, len(ids) // 100), replace=False)
    value[(criterion == pass_fail_id) & np.isin(subject, failing)] = 0.0
    prices = rng.integers(40_000, 160_000, size=len(ids)).astype(float)
    return subject, criterion, evaluator, value, prices


def timed(function, repeat: int) -> tuple[float, float, object]:
    times, result = [], None
    for _ in range(repeat):
        start = time.perf_counter()
        result = function()
        times.append(time.perf_counter() - start)
    return min(times), statistics.median(times), result


# --- the computation alone ------------------------------------------------------------------


def computation(subjects: int) -> None:
    from scoring.criteria import parse_tree, validate_tree
    from scoring.ranking import Options, consensus_frame, rank, scores_frame, subjects_frame

    parsed = parse_tree(CRITERIA)
    ids = {c.id: n for n, c in enumerate(parsed, start=1)}
    from dataclasses import replace

    tree = validate_tree(
        [replace(c, id=ids[c.id], parent_id=ids.get(c.parent_id)) for c in parsed], Decimal(100)
    )
    leaves = [c.id for c in tree.scored()]
    by_name = {c.name: c.id for c in tree.criteria}
    subject, criterion, evaluator, value, prices = synthetic(
        subjects, leaves, by_name["Registered"], by_name["Reach"]
    )
    scores = scores_frame(
        pd.DataFrame(
            {
                "subject_id": subject,
                "criterion_id": criterion,
                "evaluator_id": evaluator,
                "value": value,
            }
        )
    )
    frame = subjects_frame(
        pd.DataFrame(
            {
                "subject_id": np.arange(1, subjects + 1),
                "ref": [f"application:{n}" for n in range(1, subjects + 1)],
                "price": prices,
            }
        )
    )
    print(
        f"computation alone: {subjects:,} subjects × {EVALUATORS} evaluators × "
        f"{len(leaves)} criteria = {len(scores):,} scores"
    )
    for aggregation in ("mean", "median"):
        options = Options(aggregation=aggregation, spread_limit=40.0, winners=13, seed="bench")
        rank(tree, frame, scores, consensus_frame(), options)  # warm up
        best, median, outcome = timed(
            lambda options=options: rank(tree, frame, scores, consensus_frame(), options), 7
        )
        tracemalloc.start()
        rank(tree, frame, scores, consensus_frame(), options)
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
        knocked = int(outcome.table["knocked_out"].sum())
        print(
            f"  {aggregation:<6} best {best:.3f} s, median {median:.3f} s (target ≤ 0.2 s); "
            f"traced peak {peak / 2**20:.0f} MiB; {knocked} knocked out, "
            f"{len(outcome.draws)} lottery draws, {len(outcome.reversals or [])} reversals"
        )


# --- the use case from a database -----------------------------------------------------------


async def use_case(subjects: int) -> dict:
    from authorities import service as authorities
    from common import clock
    from common.identity import Actor, Role
    from config.database import is_sqlite, migrate, raw
    from scoring import service
    from scoring.access import final_scores
    from scoring.scoresheets import SCORE_COLUMNS

    await migrate()
    setup_started = time.perf_counter()
    actor = Actor.system("bench")
    authority = await authorities.create_authority(
        actor, {"name": "Gemeente Bench", "country": "NL", "registration_number": "30280353"}
    )
    now = clock.now()
    people = await bench_people(authority["id"], [Role.OFFICER] + [Role.EVALUATOR] * EVALUATORS)
    officer, evaluators = people[0], people[1:]
    evaluation = await service.create_evaluation(
        officer,
        {
            "title": "Bench round",
            "authority_id": authority["id"],
            "currency": "EUR",
            "owner_ref": "round:bench",
            "winners": "13",
            "spread_limit": "40",
            "lottery_seed": "bench",
        },
    )
    eid = evaluation.id
    tree = await service.replace_criteria(officer, eid, CRITERIA)
    await service.register_subjects(
        officer,
        eid,
        [{"ref": f"application:{n}", "name": f"Organisation {n}"} for n in range(1, subjects + 1)],
    )
    for person in evaluators:
        await service.assign(officer, eid, person.id)
    await service.freeze_criteria(officer, eid)
    subject_rows = await raw(
        "SELECT id, ref FROM scoring_subject WHERE evaluation = {} ORDER BY id", eid
    )
    subject_ids = np.array([r["id"] for r in subject_rows])
    sheets = {
        r["evaluator"]: r["id"]
        for r in await raw(
            "SELECT id, evaluator FROM scoring_assignment WHERE evaluation = {}", eid
        )
    }
    by_name = {c.name: c.id for c in tree}
    leaves = [
        c.id for c in tree if c.kind.value in ("quality", "pass_fail") and c.name not in ("Plan",)
    ]
    subject, criterion, evaluator, value, prices = synthetic(
        subjects, leaves, by_name["Registered"], by_name["Reach"], subject_ids
    )
    evaluator_ids = [p.id for p in evaluators]
    await _bulk_insert(
        "scoring_declaration",
        ["assignment", "subject", "conflict", "note", "declared_at"],
        [(sheets[e], int(s), False, "", now) for e in evaluator_ids for s in subject_ids],
    )
    await _bulk_insert(
        "scoring_score",
        SCORE_COLUMNS,
        [
            (
                eid,
                sheets[evaluator_ids[int(e) - 1]],
                int(s),
                int(c),
                Decimal(int(v)),
                f"Score {int(v)}: the plan is {'clear' if v > 6 else 'thin'} on this point",
                now,
            )
            for s, c, e, v in zip(subject, criterion, evaluator, value, strict=True)
        ],
    )
    await raw("UPDATE scoring_assignment SET submitted_at = {} WHERE evaluation = {}", now, eid)
    await service.set_prices(  # as the owner (a tender) hands its bids' prices over
        officer,
        eid,
        {r["ref"]: Decimal(int(p)) for r, p in zip(subject_rows, prices, strict=True)},
        by_owner=True,
    )
    finalise_started = time.perf_counter()
    await service.finalise_quality(officer, eid)
    finalise = time.perf_counter() - finalise_started
    setup = time.perf_counter() - setup_started

    async def once(explain=()):
        start = time.perf_counter()
        result = await service.ranking(officer, eid, explain=explain)
        return time.perf_counter() - start, result

    await once()  # warm up
    times = []
    for _ in range(3):
        elapsed, result = await once()
        times.append(elapsed)
    load_started = time.perf_counter()
    scores = await final_scores(eid)
    load = time.perf_counter() - load_started
    tracemalloc.start()
    await once()
    traced = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    letter, _ = await once(explain=["application:1", result.winners[0]])
    started = time.perf_counter()
    result.materialised()  # every subject's breakdown, as the API or a full report needs
    breakdowns = time.perf_counter() - started
    return {
        "engine": "SQLite" if is_sqlite() else "PostgreSQL",
        "subjects": subjects,
        "scores": len(scores),
        "best": min(times),
        "median": statistics.median(times),
        "load_scores": load,
        "letter": letter,
        "breakdowns": breakdowns,
        "finalise": finalise,
        "setup": setup,
        "traced_mib": traced / 2**20,
        "maxrss_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "winners": len(result.winners),
        "knocked_out": sum(s.knocked_out for s in result.subjects),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--subjects", type=int, default=10_000)
    parser.add_argument(
        "--postgres",
        default=os.environ.get("BENCH_POSTGRES_URL"),
        help="a PostgreSQL server URL (a fresh database is created there)",
    )
    parser.add_argument("--run-database", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if not args.run_database:  # in the parent: the computation alone first
        computation(args.subjects)
        print("whole ranking use case from the database (scoring.service.ranking):")
    work = partial(use_case, args.subjects)
    for _, f in per_database(__file__, sys.argv[1:], args.postgres, work):
        if f is None:
            continue
        print(
            f"  {f['engine']:<10} {f['subjects']:,} subjects, {f['scores']:,} scores: "
            f"best {f['best']:.2f} s, median {f['median']:.2f} s (target ≤ 3 s); "
            f"of which loading the scores {f['load_scores']:.2f} s; with two subjects "
            f"explained (a letter) {f['letter']:.2f} s; building all "
            f"{f['subjects']:,} breakdowns as well {f['breakdowns']:.2f} s"
        )
        print(
            f"  {'':<10} traced peak {f['traced_mib']:.0f} MiB, process max RSS "
            f"{f['maxrss_mib']:.0f} MiB; making quality final {f['finalise']:.2f} s; "
            f"setting up the data {f['setup']:.0f} s; {f['winners']} winners, "
            f"{f['knocked_out']} knocked out"
        )


if __name__ == "__main__":
    main()
