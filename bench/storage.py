"""Benchmark: files through the database storage beside the data dir, in the same run.

    .venv/bin/python bench/storage.py --postgres postgresql://postgres@127.0.0.1:5432/test
    .venv/bin/python bench/storage.py --postgres ... --files 200 --mib 1     # a smaller run

In a fresh PostgreSQL database, ``--files`` different files of ``--mib`` MiB each are stored
through ``documents.storage.store`` (each in its own transaction, as an upload is), first with
``TENDERDESK_STORAGE=local`` (the data dir, synced to disk before the row commits) and then
with ``postgres`` (chunks in the database, in the transaction); then every file is read back
through ``documents.storage.stream`` and hashed. Prints the write and read throughput of each
and the database's share of the data dir's. Target (issue 23): the database storage ≥ 50 % of
the data dir's throughput.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.support import max_rss_mib, run_here  # noqa: E402


async def _through(storage_name: str, count: int, size: int, seed: int) -> dict[str, float]:
    from common.identity import Actor
    from config.database import transaction
    from config.settings import get_settings
    from documents import storage

    os.environ["TENDERDESK_STORAGE"] = storage_name
    get_settings.cache_clear()
    assert storage.backend().name == storage_name
    actor = Actor.system("bench")
    block = os.urandom(size)
    ids, digests = [], []
    started = time.perf_counter()
    for n in range(count):
        data = (seed + n).to_bytes(8, "big") + block[8:]  # every file different
        digests.append(hashlib.sha256(data).hexdigest())
        async with transaction():
            ids.append(
                (
                    await storage.store(
                        actor, f"file-{n}.bin", "application/pdf", data, max_bytes=size
                    )
                ).id
            )
    writing = time.perf_counter() - started
    started = time.perf_counter()
    for file_id, expected in zip(ids, digests, strict=True):
        digest = hashlib.sha256()
        _, chunks = await storage.stream(file_id)
        async for chunk in chunks:
            digest.update(chunk)
        assert digest.hexdigest() == expected
    reading = time.perf_counter() - started
    mib = count * size / 2**20
    return {
        "write_s": writing,
        "read_s": reading,
        "write_mib_s": mib / writing,
        "read_mib_s": mib / reading,
    }


async def work(count: int, mib: int) -> dict[str, object]:
    from config.database import close_pool, open_pool

    await open_pool()  # as the app's lifespan does
    try:
        size = mib * 2**20
        local = await _through("local", count, size, 0)
        database = await _through("postgres", count, size, 10**9)
    finally:
        await close_pool()
    return {"files": count, "mib": mib, "local": local, "postgres": database, "rss": max_rss_mib()}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--postgres", required=True, help="a PostgreSQL server URL")
    parser.add_argument("--files", type=int, default=1000)
    parser.add_argument("--mib", type=int, default=1)
    parser.add_argument("--run-database", default="")
    args = parser.parse_args()
    if args.run_database:
        run_here(args.run_database, lambda: work(args.files, args.mib))
        return
    import json
    import subprocess

    done = subprocess.run(
        [sys.executable, __file__, *sys.argv[1:], "--run-database", args.postgres],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        sys.exit(done.stderr[-3000:])
    figures = json.loads(done.stdout.strip().splitlines()[-1])
    total = figures["files"] * figures["mib"]
    for name in ("local", "postgres"):
        f = figures[name]
        print(
            f"  {name:<9} {figures['files']} files of {figures['mib']} MiB ({total} MiB): "
            f"write {f['write_s']:.1f} s ({f['write_mib_s']:.0f} MiB/s), "
            f"read {f['read_s']:.1f} s ({f['read_mib_s']:.0f} MiB/s)"
        )
    local, database = figures["local"], figures["postgres"]
    print(
        f"  postgres / local: write {database['write_mib_s'] / local['write_mib_s']:.0%}, "
        f"read {database['read_mib_s'] / local['read_mib_s']:.0%} (target ≥ 50 %); "
        f"peak memory {figures['rss']:.0f} MB max RSS"
    )


if __name__ == "__main__":
    main()
