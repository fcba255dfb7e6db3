import hashlib
import os
from datetime import timedelta

import pytest

from common.errors import DomainError
from common.identity import Actor
from config.database import raw, transaction
from documents import blobs, storage
from documents.tables import StoredFile

ACTOR = Actor(3, "olga@utrecht.nl")


def test_safe_filename_drops_directories_and_control_characters():
    assert storage.safe_filename("../../etc/passwd") == "passwd"
    assert storage.safe_filename("C:\\Users\\x\\Offerte 2026.pdf") == "Offerte 2026.pdf"
    assert storage.safe_filename(".hidden\x00name") == "hiddenname"
    assert storage.safe_filename("") == "file"


async def test_store_and_read_back(db):
    async with transaction():
        first = await storage.store(ACTOR, "minutes.txt", "text/plain", b"Dialogue round 1")
        second = await storage.store(ACTOR, "copy.txt", "text/plain", b"Dialogue round 1")
    assert first.id != second.id and first.sha256 == second.sha256
    found, data = await storage.read(first.id)
    assert (found.filename, found.size, data) == ("minutes.txt", 16, b"Dialogue round 1")


async def test_empty_and_oversized_files_are_refused(db):
    async with transaction():
        with pytest.raises(DomainError, match="is empty"):
            await storage.store(ACTOR, "a.pdf", "application/pdf", b"")
        with pytest.raises(DomainError, match="larger than 1 MB"):
            await storage.store(
                ACTOR, "b.pdf", "application/pdf", b"x" * (1024 * 1024 + 1), max_bytes=1024 * 1024
            )


async def _committed_then_rolled_back(data: bytes) -> str:
    with pytest.raises(RuntimeError, match="the change fails"):
        async with transaction():
            await storage.store(ACTOR, "draft.pdf", "application/pdf", data)
            raise RuntimeError("the change fails")
    return hashlib.sha256(data).hexdigest()


async def test_a_file_object_is_read_in_chunks_and_kept_once(db, tmp_path):
    data = os.urandom(blobs.CHUNK_BYTES * 2 + 123)
    path = tmp_path / "upload.bin"
    path.write_bytes(data)
    with path.open("rb") as handle:
        async with transaction():
            first = await storage.store(ACTOR, "upload.bin", "application/pdf", handle)
    async with transaction():
        second = await storage.store(ACTOR, "again.bin", "application/pdf", data)
    assert first.sha256 == second.sha256 == hashlib.sha256(data).hexdigest()
    found, chunks = await storage.stream(first.id)
    pieces = [chunk async for chunk in chunks]
    assert found.size == len(data) and b"".join(pieces) == data
    assert max(len(p) for p in pieces) <= blobs.CHUNK_BYTES and len(pieces) == 3
    listed = [sha async for sha, _ in storage.backend().listing()]
    assert listed.count(first.sha256) == 1  # once, for both files


async def test_a_rolled_back_upload_leaves_nothing_for_long(db):
    """The database storage writes in the transaction (a rollback takes the content with
    it); on disk the content is written first and swept once it is old and unreferenced."""
    backend = storage.backend()
    kept = (await storage.store(ACTOR, "kept.pdf", "application/pdf", b"kept")).sha256
    orphan = await _committed_then_rolled_back(b"never referenced")
    if backend.transactional:
        assert not await backend.exists(orphan)
    else:
        assert await backend.exists(orphan)
        assert await storage.sweep() == 0  # within the grace period: maybe still committing
    removed = await storage.sweep(timedelta(0))
    # (On disk, files of earlier tests whose rows were emptied go too.)
    assert removed == 0 if backend.transactional else removed >= 1
    assert not await backend.exists(orphan) and await backend.exists(kept)
    assert (await storage.read((await StoredFile.select(StoredFile.id).first())["id"]))[1] == (
        b"kept"
    )


async def test_reusing_content_keeps_it_from_a_sweep(db):
    orphan = await _committed_then_rolled_back(b"uploaded twice")
    backend = storage.backend()
    async with transaction():  # the same content again, committed this time
        await storage.store(ACTOR, "second try.pdf", "application/pdf", b"uploaded twice")
    await storage.sweep(timedelta(0))
    assert await blobs.verify(backend, orphan)


async def test_content_missing_from_the_storage_is_reported_not_served_empty(db):
    async with transaction():
        stored = await storage.store(ACTOR, "gone.pdf", "application/pdf", b"content")
    await storage.backend().delete(stored.sha256)
    with pytest.raises(blobs.BlobMissing):
        await storage.read(stored.id)


@pytest.mark.parametrize("lost_seq", [0, 131, 262])
async def test_a_database_blob_missing_a_row_is_reported_not_served_short(db, lost_seq):
    """Rows of the first query, of a later one, and the last row: each loss is noticed."""
    if storage.backend().name != "postgres":
        pytest.skip("about the database storage (the PostgreSQL run)")
    data = os.urandom(blobs.READ_BYTES * 2 + 1000)
    async with transaction():
        stored = await storage.store(ACTOR, "big.pdf", "application/pdf", data)
    await raw("DELETE FROM documents_blob_chunk WHERE seq = {}", lost_seq)
    with pytest.raises(blobs.BlobMissing, match=f"chunks from {lost_seq // 131 * 131}"):
        await storage.read(stored.id)


async def test_a_blob_whose_bytes_do_not_match_its_hash_is_refused(db):
    with pytest.raises(blobs.BlobCorrupt):
        async with transaction():
            await storage.backend().put("0" * 64, 4, storage._chunks(b"data"))
    assert not await storage.backend().exists("0" * 64)


@pytest.mark.parametrize(
    ("filename", "declared", "served"),
    [
        ("plan.pdf", "text/html", "application/pdf"),
        ("PLAN.PDF", "application/pdf", "application/pdf"),
        (
            "begroting.xlsx",
            "application/octet-stream",
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        ),
        ("offerte.html", "text/html", "application/octet-stream"),
        ("logo.svg", "image/svg+xml", "application/octet-stream"),
        ("zonder-extensie", "application/pdf", "application/octet-stream"),
        (
            "aanvragen.csv",
            "application/x-tenderdesk-subsidy-import",
            "application/x-tenderdesk-subsidy-import",
        ),  # the app's own mark of a kept import
    ],
)
async def test_a_file_is_served_with_the_type_of_its_extension_not_the_declared_one(
    db, filename, declared, served
):
    """An uploader cannot make a stored "document" come back as a page or script of this site."""
    info = await storage.store(ACTOR, filename, declared, b"<script>alert(1)</script>")
    assert info.content_type == served
    assert (await storage.read(info.id))[0].content_type == served
