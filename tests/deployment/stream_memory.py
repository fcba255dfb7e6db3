"""Run in a subprocess by test_postgres_storage: a large file into the configured storage and
back, printing the peak memory growth (JSON). Not a test module itself."""

import asyncio
import hashlib
import json
import os
import resource
import sys
import tempfile

import config  # noqa: F401  (PICCOLO_CONF)
from common.identity import Actor
from config.database import transaction
from documents import storage

ACTOR = Actor.system("memory test")


def peak_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


async def through(size_mib: int) -> tuple[str, str, int]:
    digest = hashlib.sha256()
    with tempfile.TemporaryFile() as handle:
        for _ in range(size_mib):
            piece = os.urandom(1024 * 1024)
            digest.update(piece)
            handle.write(piece)
        async with transaction():
            info = await storage.store(
                ACTOR,
                "large.bin",
                "application/octet-stream",
                handle,
                max_bytes=size_mib * 1024 * 1024,
            )
    back = hashlib.sha256()
    found, chunks = await storage.stream(info.id)
    async for chunk in chunks:
        back.update(chunk)
    return digest.hexdigest(), back.hexdigest(), found.size


async def main(size_mib: int) -> None:
    await through(3)  # everything imported and warmed up: the baseline
    baseline = peak_mib()
    written, read, size = await through(size_mib)
    print(
        json.dumps(
            {
                "baseline_mib": baseline,
                "growth_mib": peak_mib() - baseline,
                "written": written,
                "read": read,
                "size": size,
                "storage": storage.backend().name,
            }
        )
    )


if __name__ == "__main__":
    asyncio.run(main(int(sys.argv[1])))
