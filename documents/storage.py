"""Storing uploaded and generated files. Who may read a file is decided by its owner's context.

A file's content is kept once per SHA-256 in the configured storage (``TENDERDESK_STORAGE``:
the data dir, or the database so that every instance reads the same files: see
:mod:`documents.blobs`); the row in ``documents_file`` gives each upload its own name, type and
uploader. There is no download route here: tenders, subsidies and scoring check access (sealed
bids!) and then serve the file with :func:`stream` (or :func:`read` for small files they work on).

Content comes in as bytes or as a binary file (an upload spooled to disk), and goes out a
chunk at a time, so large files never sit in memory whole.
"""

from __future__ import annotations

import asyncio
import hashlib
import re
import unicodedata
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import timedelta
from typing import BinaryIO

from common import clock
from common.errors import DomainError, NotFound
from common.i18n import N_
from common.identity import Actor
from config.database import transaction
from config.settings import get_settings
from documents import blobs
from documents.tables import StoredFile

DEFAULT_MAX_BYTES = 25 * 1024 * 1024

# The type a stored file is served with follows its name's extension, never what the uploader
# declared: a "document" declared as text/html must not come back as a page of this site.
# Whatever is not on this list is served as plain bytes.
SERVED_TYPES = {
    "pdf": "application/pdf",
    "doc": "application/msword",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xls": "application/vnd.ms-excel",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "odt": "application/vnd.oasis.opendocument.text",
    "ods": "application/vnd.oasis.opendocument.spreadsheet",
    "csv": "text/csv",
    "txt": "text/plain",
    "png": "image/png",
    "jpg": "image/jpeg",
    "jpeg": "image/jpeg",
    "zip": "application/zip",
}
OPAQUE = "application/octet-stream"
# A type the app gives a file it keeps for itself (an import waiting for its confirmation) to
# recognise it later; such a file is never shown in a browser (nor would this type be).
APP_TYPE_PREFIX = "application/x-tenderdesk-"

Content = bytes | BinaryIO


@dataclass(frozen=True)
class FileInfo:
    id: int
    filename: str
    content_type: str
    size: int
    sha256: str


def safe_filename(name: str) -> str:
    """A file name without directories, control characters or leading dots."""
    base = re.split(r"[\\/]", name or "")[-1]
    cleaned = (
        "".join(
            ch for ch in unicodedata.normalize("NFC", base) if unicodedata.category(ch)[0] != "C"
        )
        .strip()
        .lstrip(".")
    )
    return cleaned[:200] or "file"


def backend(name: str | None = None) -> blobs.Backend:
    """The configured storage (or the one named)."""
    settings = get_settings()
    return blobs.backend_named(name or settings.storage, settings.files_dir)


def _hash_file(handle: BinaryIO) -> tuple[str, int]:
    handle.seek(0)
    digest, size = hashlib.sha256(), 0
    while chunk := handle.read(blobs.CHUNK_BYTES):
        digest.update(chunk)
        size += len(chunk)
    handle.seek(0)
    return digest.hexdigest(), size


async def _chunks(content: Content) -> AsyncIterator[bytes]:
    if isinstance(content, bytes | bytearray | memoryview):
        view = memoryview(content)
        for start in range(0, len(view), blobs.CHUNK_BYTES):
            yield bytes(view[start : start + blobs.CHUNK_BYTES])
        return
    content.seek(0)
    while chunk := await asyncio.to_thread(content.read, blobs.CHUNK_BYTES):
        yield chunk


def check_size(filename: str, size: int, max_bytes: int = DEFAULT_MAX_BYTES) -> None:
    """Refuse an empty file and one over ``max_bytes`` (also for content kept in another form,
    such as a sealed bid file, whose stored size differs)."""
    if not size:
        raise DomainError(N_("The file {name} is empty"), name=safe_filename(filename))
    if size > max_bytes:
        raise DomainError(
            N_("The file {name} is larger than {limit} MB"),
            name=safe_filename(filename),
            limit=max_bytes // (1024 * 1024),
        )


async def replace(file_id: int, filename: str, content_type: str, data: bytes) -> FileInfo:
    """Give a stored file other content, name and type under the same id (a sealed bid file
    opened: its id stays the one its bid refers to). The old content goes with the next sweep
    when nothing else refers to it. Inside the caller's transaction."""
    sha256 = hashlib.sha256(data).hexdigest()
    name, served = safe_filename(filename), served_type(filename, content_type)
    async with transaction():
        await backend().put(sha256, len(data), _chunks(data))
        await StoredFile.update(
            {
                StoredFile.sha256: sha256,
                StoredFile.size: len(data),
                StoredFile.filename: name,
                StoredFile.content_type: served,
            }
        ).where(StoredFile.id == file_id)
    return FileInfo(file_id, name, served, len(data), sha256)


def served_type(filename: str, declared: str = "") -> str:
    """The content type a file is kept and served with: by its extension (see SERVED_TYPES),
    or the app's own mark (APP_TYPE_PREFIX)."""
    if declared.startswith(APP_TYPE_PREFIX):
        return declared[:150]
    extension = filename.rsplit(".", 1)[-1].lower() if "." in filename else ""
    return SERVED_TYPES.get(extension, OPAQUE)


async def store(
    actor: Actor,
    filename: str,
    content_type: str,
    data: Content,
    max_bytes: int = DEFAULT_MAX_BYTES,
) -> FileInfo:
    """Keep ``data`` (bytes, or a seekable binary file read a chunk at a time); call inside
    the transaction of the change the file belongs to. In the database storage the content is
    written in that transaction; on disk it is written first and swept when the transaction
    does not commit."""
    if isinstance(data, bytes | bytearray | memoryview):
        sha256, size = hashlib.sha256(data).hexdigest(), len(data)
    else:
        sha256, size = await asyncio.to_thread(_hash_file, data)
    check_size(filename, size, max_bytes)
    async with transaction():  # the caller's; its own when called outside one
        await backend().put(sha256, size, _chunks(data))
        row = StoredFile(
            sha256=sha256,
            size=size,
            filename=safe_filename(filename),
            content_type=served_type(filename, content_type),
            created_at=clock.now(),
            created_by=actor.label,
        )
        await row.save()
    return FileInfo(row.id, row.filename, row.content_type, row.size, sha256)


async def info(file_id: int) -> FileInfo:
    row = await StoredFile.select().where(StoredFile.id == file_id).first()
    if row is None:
        raise NotFound(N_("File {id} does not exist"), id=file_id)
    return FileInfo(row["id"], row["filename"], row["content_type"], row["size"], row["sha256"])


async def stream(file_id: int) -> tuple[FileInfo, AsyncIterator[bytes]]:
    """The file's description and its content, a chunk at a time (for downloads)."""
    found = await info(file_id)
    return found, backend().get(found.sha256)


async def collect(chunks: AsyncIterator[bytes]) -> bytes:
    return b"".join([chunk async for chunk in chunks])


async def read(file_id: int) -> tuple[FileInfo, bytes]:
    """The whole file in memory: for files a use case works on (templates, letters)."""
    found, chunks = await stream(file_id)
    return found, await collect(chunks)


async def sweep(grace: timedelta = blobs.SWEEP_GRACE) -> int:
    """Remove content no stored file refers to (left by transactions that rolled back)."""
    return await blobs.sweep(backend(), grace)
