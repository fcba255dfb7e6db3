"""Where the bytes of stored files live: one interface, a backend per kind of place.

A blob is a file's content under its SHA-256 (identical content is kept once). Two backends:

- ``local``: ``<data dir>/files/<aa>/<bb>/<sha256>``, for SQLite and one machine. A blob is
  written (and synced to disk) *before* the database row that refers to it commits; when that
  transaction rolls back the blob is an orphan, which :func:`sweep` removes after a grace period.
- ``postgres``: ``documents_blob`` (one row per content) and ``documents_blob_chunk`` (its
  bytes in rows of :data:`ROW_BYTES`, stored uncompressed in the table's pages), written on the
  connection of the use case's transaction: a rollback takes the blob with it. Every instance
  on the database reads the same files; the default when ``DATABASE_URL`` is PostgreSQL.

Both stream in and out a chunk at a time, so a file of any size passes through in bounded
memory. :func:`migrate` moves every file from one backend to another, verified by hash.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import os
import uuid
from collections.abc import AsyncIterator, Callable
from datetime import datetime, timedelta
from pathlib import Path
from typing import Protocol

from common import clock
from config.database import insert_rows, is_sqlite, raw, raw_rows, transaction

CHUNK_BYTES = 1024 * 1024
# A row of documents_blob_chunk holds this much: it fits a database page uncompressed
# (STORAGE PLAIN), so reading a blob is a range scan of its rows, not one TOAST lookup per
# 2 KB as with large values.
ROW_BYTES = 8000
READ_BYTES = 1024 * 1024  # about this much per query when reading
SWEEP_GRACE = timedelta(hours=1)  # a blob younger than this may belong to an open transaction


class BlobMissing(RuntimeError):
    """A file the database refers to is not in the backend (or not whole)."""


class BlobCorrupt(RuntimeError):
    """What was written or read does not have the SHA-256 it is stored under."""


class Backend(Protocol):
    name: str
    # Writes join the database transaction (a rollback removes them); otherwise they happen
    # at once and an unreferenced blob is swept later.
    transactional: bool

    async def exists(self, sha256: str) -> bool: ...

    async def put(self, sha256: str, size: int, chunks: AsyncIterator[bytes]) -> bool:
        """Keep the blob unless it is there already (then mark it as used now); returns
        whether it was written. Raises :class:`BlobCorrupt` when the chunks do not hash to
        ``sha256`` (nothing is kept then)."""
        ...

    def get(self, sha256: str) -> AsyncIterator[bytes]:
        """The blob's bytes, a chunk at a time; :class:`BlobMissing` when it is not there."""
        ...

    async def delete(self, sha256: str) -> None: ...

    def listing(self) -> AsyncIterator[tuple[str, datetime]]:
        """Every blob kept, with the moment it was last written or reused (UTC)."""
        ...

    async def remove_unused(self, sha256: str, cutoff: datetime) -> bool:
        """Remove the blob when it was last used before ``cutoff`` and no stored file refers
        to it (checked again at removal); returns whether it was removed."""
        ...


async def _referenced(sha256: str) -> bool:
    return bool(await raw("SELECT 1 FROM documents_file WHERE sha256 = {} LIMIT 1", sha256))


# --- the data dir -------------------------------------------------------------------------------


class LocalBackend:
    name = "local"
    transactional = False

    def __init__(self, root: Path) -> None:
        self.root = root

    def path(self, sha256: str) -> Path:
        return self.root / sha256[:2] / sha256[2:4] / sha256

    async def exists(self, sha256: str) -> bool:
        return await asyncio.to_thread(self.path(sha256).is_file)

    def _touch(self, sha256: str) -> bool:
        """Mark an existing blob as used now (so a sweep leaves it); False when absent."""
        try:
            os.utime(self.path(sha256))
        except FileNotFoundError:
            return False
        return True

    async def put(self, sha256: str, size: int, chunks: AsyncIterator[bytes]) -> bool:
        if await asyncio.to_thread(self._touch, sha256):
            return False
        path = self.path(sha256)
        await asyncio.to_thread(path.parent.mkdir, parents=True, exist_ok=True)
        temporary = path.with_name(f"{sha256}.{uuid.uuid4().hex}.tmp")
        digest = hashlib.sha256()
        handle = await asyncio.to_thread(open, temporary, "wb")
        try:
            async for chunk in chunks:
                digest.update(chunk)
                await asyncio.to_thread(handle.write, chunk)
            await asyncio.to_thread(_sync_and_close, handle)
            if digest.hexdigest() != sha256:
                raise BlobCorrupt(f"content does not hash to {sha256}")
            # Durable before the database row that refers to it commits.
            await asyncio.to_thread(os.replace, temporary, path)
            await asyncio.to_thread(_sync_directory, path.parent)
        except BaseException:
            handle.close()
            with contextlib.suppress(FileNotFoundError):
                temporary.unlink()
            raise
        return True

    async def get(self, sha256: str) -> AsyncIterator[bytes]:
        try:
            handle = await asyncio.to_thread(open, self.path(sha256), "rb")
        except FileNotFoundError:
            raise BlobMissing(sha256) from None
        try:
            while chunk := await asyncio.to_thread(handle.read, CHUNK_BYTES):
                yield chunk
        finally:
            handle.close()

    async def delete(self, sha256: str) -> None:
        with contextlib.suppress(FileNotFoundError):
            await asyncio.to_thread(self.path(sha256).unlink)

    async def listing(self) -> AsyncIterator[tuple[str, datetime]]:
        for path, modified in await asyncio.to_thread(self._scan):
            yield path.name, datetime.fromtimestamp(modified, clock.now().tzinfo)

    def _scan(self) -> list[tuple[Path, float]]:
        if not self.root.is_dir():
            return []
        found = []
        for path in self.root.glob("*/*/*"):
            if len(path.name) == 64 and path.is_file():
                with contextlib.suppress(FileNotFoundError):
                    found.append((path, path.stat().st_mtime))
        return found

    async def remove_unused(self, sha256: str, cutoff: datetime) -> bool:
        """Set the blob aside first, then check that it is still old and unreferenced: a
        store that reuses it meanwhile either touched it (it is put back) or finds it gone
        and writes it again."""
        path = self.path(sha256)
        aside = path.with_name(f"{sha256}.{uuid.uuid4().hex}.sweep")
        try:
            await asyncio.to_thread(os.replace, path, aside)
        except FileNotFoundError:
            return False
        modified = datetime.fromtimestamp(
            (await asyncio.to_thread(aside.stat)).st_mtime, cutoff.tzinfo
        )
        if modified < cutoff and not await _referenced(sha256):
            await asyncio.to_thread(aside.unlink)
            return True
        if await asyncio.to_thread(path.exists):  # written again meanwhile
            await asyncio.to_thread(aside.unlink)
        else:
            await asyncio.to_thread(os.replace, aside, path)
        return False


def _sync_and_close(handle) -> None:
    handle.flush()
    os.fsync(handle.fileno())
    handle.close()


def _sync_directory(directory: Path) -> None:
    descriptor = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


# --- PostgreSQL ---------------------------------------------------------------------------------


class PostgresBackend:
    name = "postgres"
    transactional = True

    async def exists(self, sha256: str) -> bool:
        return bool(await raw("SELECT 1 FROM documents_blob WHERE sha256 = {}", sha256))

    async def put(self, sha256: str, size: int, chunks: AsyncIterator[bytes]) -> bool:
        async with transaction():  # the caller's, when there is one
            # Inserting or marking as used locks the row until commit: a sweep waits, then
            # sees the fresh last_used_at and leaves the blob alone.
            [row] = await raw(
                "INSERT INTO documents_blob (sha256, size, chunks, created_at, last_used_at) "
                "VALUES ({}, {}, 0, {}, {}) ON CONFLICT (sha256) DO UPDATE "
                "SET last_used_at = EXCLUDED.last_used_at "
                "RETURNING id, (xmax = 0) AS inserted, chunks",
                sha256,
                size,
                clock.now(),
                clock.now(),
            )
            if not row["inserted"]:
                if row["chunks"] == 0 and size:
                    raise BlobMissing(f"{sha256} is registered without content")
                return False
            digest = hashlib.sha256()
            pending, count = bytearray(), 0
            async for chunk in chunks:
                digest.update(chunk)
                pending += chunk
                full = len(pending) - len(pending) % ROW_BYTES
                count = await self._insert(row["id"], count, pending[:full])
                del pending[:full]
            count = await self._insert(row["id"], count, pending)
            if digest.hexdigest() != sha256:
                raise BlobCorrupt(f"content does not hash to {sha256}")
            await raw("UPDATE documents_blob SET chunks = {} WHERE id = {}", count, row["id"])
        return True

    @staticmethod
    async def _insert(blob: int, first_seq: int, data: bytes | bytearray) -> int:
        """Store ``data`` as rows of ROW_BYTES from ``first_seq``; returns the next seq."""
        rows = [
            (blob, first_seq + n, bytes(data[start : start + ROW_BYTES]))
            for n, start in enumerate(range(0, len(data), ROW_BYTES))
        ]
        await insert_rows("documents_blob_chunk", ("blob", "seq", "data"), rows)
        return first_seq + len(rows)

    async def get(self, sha256: str) -> AsyncIterator[bytes]:
        # About READ_BYTES per query; the first come with the blob's row, so that a file up
        # to that size is one round trip.
        per_query = READ_BYTES // ROW_BYTES
        found = await raw_rows(
            "SELECT b.id, b.chunks, c.data FROM documents_blob b LEFT JOIN documents_blob_chunk c "
            "ON c.blob = b.id AND c.seq < {} WHERE b.sha256 = {} ORDER BY c.seq",
            per_query,
            sha256,
        )
        if not found:
            raise BlobMissing(sha256)
        blob, chunks = found[0][0], found[0][1]
        rows = [row[2] for row in found if row[2] is not None]
        start = 0
        while start < chunks:
            if len(rows) != min(per_query, chunks - start):
                raise BlobMissing(f"{sha256}: chunks from {start}")
            yield b"".join(rows)
            start += per_query
            if start < chunks:
                rows = [
                    row[0]
                    for row in await raw_rows(
                        "SELECT data FROM documents_blob_chunk WHERE blob = {} AND seq >= {} "
                        "AND seq < {} ORDER BY seq",
                        blob,
                        start,
                        start + per_query,
                    )
                ]

    async def delete(self, sha256: str) -> None:
        await raw("DELETE FROM documents_blob WHERE sha256 = {}", sha256)

    async def listing(self) -> AsyncIterator[tuple[str, datetime]]:
        after = ""
        while True:
            rows = await raw(
                "SELECT sha256, last_used_at FROM documents_blob WHERE sha256 > {} "
                "ORDER BY sha256 LIMIT 1000",
                after,
            )
            for row in rows:
                yield row["sha256"], row["last_used_at"]
            if len(rows) < 1000:
                return
            after = rows[-1]["sha256"]

    async def remove_unused(self, sha256: str, cutoff: datetime) -> bool:
        # One statement: the row lock taken by a concurrent reuse makes it wait and re-check.
        removed = await raw(
            "DELETE FROM documents_blob b WHERE b.sha256 = {} AND b.last_used_at < {} "
            "AND NOT EXISTS (SELECT 1 FROM documents_file f WHERE f.sha256 = b.sha256) "
            "RETURNING b.id",
            sha256,
            cutoff,
        )
        return bool(removed)


# --- choosing, sweeping, migrating ----------------------------------------------------------------


BACKENDS = ("local", "postgres")


def backend_named(name: str, files_dir: Path) -> Backend:
    if name == "local":
        return LocalBackend(files_dir)
    if name == "postgres":
        if is_sqlite():
            raise ValueError("the postgres storage needs DATABASE_URL to be PostgreSQL")
        return PostgresBackend()
    raise ValueError(f"unknown storage {name!r}; one of {', '.join(BACKENDS)}")


async def sweep(backend: Backend, grace: timedelta = SWEEP_GRACE) -> int:
    """Remove the blobs no stored file refers to that were last used before the grace period
    (the files of transactions that rolled back, on a backend written outside them)."""
    cutoff = clock.now() - grace
    candidates = [sha256 async for sha256, used in backend.listing() if used < cutoff]
    removed = 0
    for sha256 in candidates:
        if not await _referenced(sha256) and await backend.remove_unused(sha256, cutoff):
            removed += 1
    return removed


async def digest_of(chunks: AsyncIterator[bytes]) -> tuple[str, int]:
    digest, size = hashlib.sha256(), 0
    async for chunk in chunks:
        digest.update(chunk)
        size += len(chunk)
    return digest.hexdigest(), size


async def verify(backend: Backend, sha256: str) -> bool:
    """Whether the backend holds the whole blob with exactly that hash."""
    try:
        found, _ = await digest_of(backend.get(sha256))
    except BlobMissing:
        return False
    return found == sha256


async def referenced_blobs() -> list[tuple[str, int]]:
    """Every content a stored file refers to, with its size, in hash order."""
    rows = await raw(
        "SELECT sha256, MAX(size) AS size FROM documents_file GROUP BY sha256 ORDER BY sha256"
    )
    return [(row["sha256"], row["size"]) for row in rows]


class MigrationReport:
    def __init__(self) -> None:
        self.copied = 0
        self.present = 0  # already in the target, verified
        self.failed: list[tuple[str, str]] = []  # (sha256, why)
        self.deleted = 0

    @property
    def verified(self) -> int:
        return self.copied + self.present


async def migrate(
    source: Backend,
    target: Backend,
    delete_source: bool = False,
    echo: Callable[[str], None] = lambda _: None,
) -> MigrationReport:
    """Copy every file stored files refer to from ``source`` to ``target`` and verify each
    by reading it back and hashing it. Safe to interrupt and run again: a blob already whole
    in the target is verified and kept, a broken one written again. With ``delete_source``
    the source's copies are removed — only when every file was verified in the target."""
    report = MigrationReport()
    wanted = await referenced_blobs()
    echo(f"{len(wanted)} files to move from {source.name} to {target.name}")
    for number, (sha256, size) in enumerate(wanted, 1):
        try:
            if await verify(target, sha256):
                report.present += 1
            else:
                await target.delete(sha256)
                await target.put(sha256, size, source.get(sha256))
                if not await verify(target, sha256):
                    raise BlobCorrupt(f"{sha256} reads back differently from {target.name}")
                report.copied += 1
        except (BlobMissing, BlobCorrupt) as exc:
            report.failed.append((sha256, f"{type(exc).__name__}: {exc}"))
        if number % 100 == 0 or number == len(wanted):
            echo(
                f"{number}/{len(wanted)} checked: {report.copied} copied, "
                f"{report.present} already there, {len(report.failed)} failed"
            )
    if delete_source and not report.failed:
        for sha256, _ in wanted:
            await source.delete(sha256)
            report.deleted += 1
    return report
