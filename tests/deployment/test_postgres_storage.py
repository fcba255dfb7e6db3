"""The database storage: large files in bounded memory, and moving every file between the
data dir and the database (there and back, interrupted with kill -9 and run again)."""

import asyncio
import hashlib
import json
import os
import signal
import subprocess
import sys
import time

from common.identity import Actor
from config.database import raw, transaction
from documents import blobs, storage
from documents.tables import StoredFile
from tests.deployment.support import needs_postgres
from tests.support.browser import ROOT

pytestmark = needs_postgres
ACTOR = Actor.system("storage test")


def _run(*args, env=None, **kwargs):
    return subprocess.run(
        [sys.executable, *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
        env={**os.environ, **(env or {})},
        **kwargs,
    )


async def test_a_50_mb_file_goes_in_and_out_with_bounded_memory(db):
    done = await asyncio.to_thread(_run, "-m", "tests.deployment.stream_memory", "50")
    assert done.returncode == 0, done.stderr
    found = json.loads(done.stdout.strip().splitlines()[-1])
    assert found["storage"] == "postgres" and found["size"] == 50 * 1024 * 1024
    assert found["written"] == found["read"]
    assert found["growth_mib"] <= 30, found
    [blob] = await raw("SELECT chunks FROM documents_blob WHERE sha256 = {}", found["written"])
    # in rows that fit a database page (read without TOAST lookups)
    assert blob["chunks"] == -(-50 * 1024 * 1024 // blobs.ROW_BYTES)
    [widest] = await raw("SELECT max(length(data)) AS n FROM documents_blob_chunk")
    assert widest["n"] == blobs.ROW_BYTES


async def _files(count: int, size: int) -> dict[int, str]:
    stored = {}
    for n in range(count):
        data = hashlib.sha256(str(n).encode()).digest() * (size // 32)
        async with transaction():
            info = await storage.store(ACTOR, f"f{n}.bin", "application/octet-stream", data)
        stored[info.id] = hashlib.sha256(data).hexdigest()
    return stored


async def _all_verified(backend, stored) -> bool:
    return all([await blobs.verify(backend, sha) for sha in set(stored.values())])


async def test_migrate_to_the_data_dir_and_back_interrupted_and_resumed(db, tmp_path):
    stored = await _files(120, 128 * 1024)
    # Two files with the same content are one blob.
    async with transaction():
        again = await storage.store(ACTOR, "again.bin", "x", await _content(next(iter(stored))))
    assert again.sha256 == stored[next(iter(stored))]
    data_dir = tmp_path / "var"
    local = blobs.LocalBackend(data_dir / "files")
    env = {"TENDERDESK_DATA_DIR": str(data_dir)}

    # kill -9 part way through: some files are in the data dir, none half-written.
    await asyncio.to_thread(_kill_part_way, local, env)
    copied = local._scan()
    assert 0 < len(copied) < 120, "the migration was not interrupted part way"
    for path, _ in copied:
        assert hashlib.sha256(path.read_bytes()).hexdigest() == path.name

    done = await asyncio.to_thread(
        _run, "-m", "config", "storage", "migrate", "--to", "local", env=env
    )
    assert done.returncode == 0, done.stderr
    assert "120 files verified in local" in done.stdout and "already there" in done.stdout
    assert await _all_verified(local, stored)
    assert await blobs.verify(storage.backend(), next(iter(stored.values())))  # source kept

    # Deleting the source waits until every file is verified: break one in the target first.
    victim = local.path(next(iter(stored.values())))
    victim.write_bytes(b"broken")
    cleared = await asyncio.to_thread(
        _run, "-m", "config", "storage", "migrate", "--to", "local", "--delete-source", env=env
    )
    assert cleared.returncode == 0, cleared.stderr  # the broken copy was written again
    assert "Deleted 120 files from postgres" in cleared.stdout
    assert await _blob_count() == 0
    assert await _all_verified(local, stored)

    # And back into the database, with the data dir as the source.
    back = await asyncio.to_thread(
        _run, "-m", "config", "storage", "migrate", "--from", "local", "--to", "postgres", env=env
    )
    assert back.returncode == 0, back.stderr
    assert await _all_verified(storage.backend(), stored)
    for file_id, sha in stored.items():
        _, data = await storage.read(file_id)
        assert hashlib.sha256(data).hexdigest() == sha


def _kill_part_way(local, env) -> None:
    process = subprocess.Popen(
        [sys.executable, "-m", "config", "storage", "migrate", "--to", "local"],
        cwd=ROOT,
        env={**os.environ, **env},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    ends = time.monotonic() + 120
    while len(local._scan()) < 20 and process.poll() is None and time.monotonic() < ends:
        time.sleep(0.05)
    process.send_signal(signal.SIGKILL)
    process.wait()


async def _blob_count() -> int:
    return (await raw("SELECT count(*) AS n FROM documents_blob"))[0]["n"]


async def _content(file_id: int) -> bytes:
    return (await storage.read(file_id))[1]


async def test_delete_source_is_refused_while_a_file_is_missing(db, tmp_path):
    stored = await _files(3, 1000)
    lost = next(iter(stored.values()))
    await raw("DELETE FROM documents_blob WHERE sha256 = {}", lost)
    env = {"TENDERDESK_DATA_DIR": str(tmp_path / "var")}
    refused = await asyncio.to_thread(
        _run, "-m", "config", "storage", "migrate", "--to", "local", "--delete-source", env=env
    )
    assert refused.returncode == 1
    assert f"error: {lost}: BlobMissing" in refused.stderr
    assert "Nothing was deleted from postgres" in refused.stderr
    assert await _blob_count() == 2
    assert await StoredFile.count() == 3
