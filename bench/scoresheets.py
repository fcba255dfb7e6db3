"""Benchmark: an evaluator's Excel scoresheet for a large evaluation, down and back up.

1,000 subjects × 10 scored criteria = 10,000 score rows on one evaluator's sheet.

    .venv/bin/python bench/scoresheets.py
    .venv/bin/python bench/scoresheets.py --postgres postgresql://postgres@127.0.0.1:5432/test
    .venv/bin/python bench/scoresheets.py --subjects 200        # a smaller run

Prints, per database (each in its own subprocess, on a fresh database):
- generating the sheet (``scoring.scoresheets.scoresheet``: loading, writing, signing);
  target ≤ 1 s;
- importing a filled sheet (``scoring.scoresheets.import_scoresheet``: the checks before
  parsing, reading, the signature, every cell checked, 10,000 drafts stored, the file kept,
  the audit event); target ≤ 2 s; and again with a tenth of the scores changed;
- peak memory of each: Python's traced peak (a separate run, since tracing slows it) and the
  process's maximum RSS at the end; target ≤ 300 MB;
- the CPU seconds of this process for the best run of each (the machine may be shared: CPU
  time moves less with the load than the wall clock; PostgreSQL's own work is not in it) and
  the load average before and after;
- the worst hostile file of each class (the bad-scoresheet corpus and the large hostile files
  of tests/documents/test_scoresheet_limits.py, plus a valid sheet of as many rows as the run),
  each read in its own process under the memory and time limits: its CPU and wall seconds and
  extra peak RSS (targets ≤ 3 s, ≤ 150 MB). ``--hostile-only`` prints only these.
"""

from __future__ import annotations

import argparse
import io
import os
import resource
import statistics
import sys
import tempfile
import time
import tracemalloc
from functools import partial
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


from bench.support import bench_people, per_database  # noqa: E402
from bench.support import bulk_insert as _bulk_insert  # noqa: E402

CRITERIA = [
    {
        "name": "Plan",
        "kind": "quality",
        "weight": "80",
        "children": [
            {
                "name": f"Plan {n}",
                "kind": "quality",
                "weight": "10",
                "scale_type": "range",
                "scale_min": "0",
                "scale_max": "10",
                "scale_step": "1",
                "description": f"How well the plan covers point {n} of the programme of demands.",
            }
            for n in range(1, 9)
        ],
    },
    {
        "name": "Reach",
        "kind": "quality",
        "weight": "20",
        "scale_type": "levels",
        "levels": "0 = none\n5 = some\n10 = wide",
    },
    {"name": "Registered", "kind": "pass_fail"},
]
REPEAT = 3


def fill(data: bytes, change_every: int = 1) -> bytes:
    """Every score and justification typed in (or every ``change_every``-th changed)."""
    from openpyxl import load_workbook

    wb = load_workbook(io.BytesIO(data))
    ws = wb["Scores"]
    for number, cells in enumerate(ws.iter_rows(min_row=2), start=2):
        if (number - 2) % change_every:
            continue
        criterion = cells[1].value
        if criterion == "Registered":
            value = 1
        elif criterion == "Reach":
            value = 5 if change_every == 1 else 10
        else:
            value = (number % 9) + (1 if change_every == 1 else 0)
        cells[4].value = value
        cells[5].value = f"Row {number}: the plan is {'clear' if value > 5 else 'thin'} here"
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


async def use_case(subjects: int) -> dict:
    from authorities import service as authorities
    from common import clock
    from common.identity import Actor, Role
    from config.database import is_sqlite, migrate, raw
    from scoring import scoresheets, service
    from scoring.tables import Score

    await migrate()
    actor = Actor.system("bench")
    authority = await authorities.create_authority(
        actor, {"name": "Gemeente Bench", "country": "NL", "registration_number": "30280353"}
    )
    now = clock.now()
    people = await bench_people(authority["id"], [Role.OFFICER, Role.EVALUATOR])
    officer, evaluator = people
    evaluation = await service.create_evaluation(
        officer,
        {
            "title": "Bench round",
            "authority_id": authority["id"],
            "currency": "EUR",
            "owner_ref": "round:bench",
            "lottery_seed": "bench",
        },
    )
    eid = evaluation.id
    await service.replace_criteria(officer, eid, CRITERIA)
    await service.register_subjects(
        officer,
        eid,
        [{"ref": f"application:{n}", "name": f"Organisation {n}"} for n in range(1, subjects + 1)],
    )
    await service.assign(officer, eid, evaluator.id)
    await service.freeze_criteria(officer, eid)
    assignment = (await raw("SELECT id FROM scoring_assignment WHERE evaluation = {}", eid))[0][
        "id"
    ]
    subject_ids = [
        r["id"] for r in await raw("SELECT id FROM scoring_subject WHERE evaluation = {}", eid)
    ]
    await _bulk_insert(
        "scoring_declaration",
        ["assignment", "subject", "conflict", "note", "declared_at"],
        [(assignment, s, False, "", now) for s in subject_ids],
    )

    cpu: dict[str, list[tuple[float, float]]] = {"generate": [], "import": []}

    async def generate() -> tuple[float, bytes]:
        start, used = time.perf_counter(), time.process_time()
        data = (await scoresheets.scoresheet(evaluator, eid)).data
        elapsed = time.perf_counter() - start
        cpu["generate"].append((elapsed, time.process_time() - used))
        return elapsed, data

    async def upload(data: bytes) -> tuple[float, object]:
        start, used = time.perf_counter(), time.process_time()
        summary = await scoresheets.import_scoresheet(evaluator, eid, "bench.xlsx", data)
        elapsed = time.perf_counter() - start
        cpu["import"].append((elapsed, time.process_time() - used))
        return elapsed, summary

    load_before = os.getloadavg()[0]

    await generate()  # warm up
    cpu["generate"].clear()
    generation = []
    for _ in range(REPEAT):
        elapsed, blank = await generate()
        generation.append(elapsed)
    filled = fill(blank)
    imports, summary = [], None
    for _ in range(REPEAT):
        await Score.delete().where(Score.assignment == assignment)
        elapsed, summary = await upload(filled)
        imports.append(elapsed)
    assert summary.added == subjects * 10, summary
    _, with_drafts = await generate()
    changed = fill(with_drafts, change_every=10)
    elapsed_changed, changed_summary = await upload(changed)

    best_cpu = {kind: min(runs)[1] for kind, runs in cpu.items()}  # of the fastest run
    tracemalloc.start()
    await generate()
    generate_peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    await Score.delete().where(Score.assignment == assignment)
    tracemalloc.start()
    await upload(filled)
    import_peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return {
        "engine": "SQLite" if is_sqlite() else "PostgreSQL",
        "subjects": subjects,
        "rows": summary.rows,
        "file_kib": len(filled) / 1024,
        "generate_best": min(generation),
        "generate_median": statistics.median(generation),
        "import_best": min(imports),
        "import_median": statistics.median(imports),
        "import_changed": elapsed_changed,
        "changed": changed_summary.changed,
        "generate_peak_mib": generate_peak / 2**20,
        "import_peak_mib": import_peak / 2**20,
        "maxrss_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "generate_cpu": best_cpu["generate"],
        "import_cpu": best_cpu["import"],
        "load": (load_before, os.getloadavg()[0]),
    }


HOSTILE_CLASSES = (  # name prefix → class, first match
    (("zip", "too_large", "not_a_zip", "compression"), "container"),
    (("macro", "vba", "activex", "ole", "external", "unknown", "comments", "attached"), "parts"),
    (("dtd", "strict", "invalid_xml"), "xml"),
    (("identity",), "identity"),
    (
        (
            "many",
            "wide",
            "big",
            "huge_shared",
            "huge_inline",
            "rows_added",
            "sixty",
            "cell_row",
            "empty_row",
            "cell_beyond",
        ),
        "amplification",
    ),
    (("overflow", "infinite", "huge_number", "megabyte", "number_as", "score_as"), "numbers"),
    (
        (
            "hidden",
            "second_scores",
            "scores_hidden",
            "extra_sheet",
            "sheet_not",
            "data_sheet",
            "duplicated",
            "rows_out",
            "merged",
            "cell_of",
            "cell_without",
            "row_number",
        ),
        "what was seen",
    ),
    (("dde", "formula", "webservice", "text_and"), "formulas"),
    (("header",), "headers"),
    (("large_valid",), "valid"),
)


def hostile(rows: int) -> None:
    """The worst file of each hostile class, each read in a subprocess under the limits."""
    from tests.documents import scoresheet_corpus as corpus
    from tests.documents.scoresheet_limits import ABORT_SECONDS, MEMORY_MB
    from tests.documents.test_scoresheet_limits import large_hostile, large_sheet, measure

    with tempfile.TemporaryDirectory(prefix="tenderdesk-hostile-") as folder:
        good = (corpus.CORPUS / "conflict.xlsx").read_bytes()
        made = {**large_hostile(good), "large_valid.xlsx": large_sheet(rows)}
        for name, data in made.items():
            (Path(folder) / name).write_bytes(data)
        found = measure(sorted(corpus.CORPUS.iterdir()) + sorted(Path(folder).iterdir()))
    worst: dict[str, dict] = {}
    for f in found:
        kind = next(
            (k for prefixes, k in HOSTILE_CLASSES if f["name"].startswith(prefixes)), "content"
        )
        if kind not in worst or f.get("cpu", 99) > worst[kind].get("cpu", 99):
            worst[kind] = f
    print(
        f"Hostile files: {len(found)}, each in a subprocess (limits {MEMORY_MB} MB extra, "
        f"{ABORT_SECONDS} s); "
        "worst of each class by CPU time:"
    )
    for kind, f in sorted(worst.items()):
        print(
            f"  {kind:<14} {f['name']:<32} {f['bytes'] / 1024:>7.0f} KiB  {f['outcome']:<8} "
            f"{f.get('cpu', 0):.2f} s CPU, {f.get('seconds', 0):.2f} s wall, "
            f"+{f.get('extra_mb', 0):.0f} MB RSS"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--subjects", type=int, default=1_000)
    parser.add_argument(
        "--postgres",
        default=os.environ.get("BENCH_POSTGRES_URL"),
        help="a PostgreSQL server URL (a fresh database is created there)",
    )
    parser.add_argument("--run-database", help=argparse.SUPPRESS)
    parser.add_argument("--hostile-only", action="store_true")
    args = parser.parse_args()
    if args.hostile_only and not args.run_database:
        hostile(args.subjects * 10)
        return
    work = partial(use_case, args.subjects)
    for _, f in per_database(__file__, sys.argv[1:], args.postgres, work):
        if f is None:
            continue
        print(
            f"{f['engine']}: {f['subjects']:,} subjects × 10 criteria = {f['rows']:,} rows "
            f"(filled file {f['file_kib']:.0f} KiB)"
        )
        print(
            f"  generate: best {f['generate_best']:.2f} s ({f['generate_cpu']:.2f} s CPU), "
            f"median {f['generate_median']:.2f} s (target ≤ 1 s); traced peak "
            f"{f['generate_peak_mib']:.0f} MiB"
        )
        print(
            f"  import:   best {f['import_best']:.2f} s ({f['import_cpu']:.2f} s CPU), median "
            f"{f['import_median']:.2f} s (target ≤ 2 s); traced peak "
            f"{f['import_peak_mib']:.0f} MiB; with {f['changed']:,} scores changed "
            f"{f['import_changed']:.2f} s"
        )
        print(
            f"  process max RSS {f['maxrss_mib']:.0f} MiB (target ≤ 300 MB); load average "
            f"{f['load'][0]:.1f} before, {f['load'][1]:.1f} after"
        )
    hostile(args.subjects * 10)


if __name__ == "__main__":
    main()
