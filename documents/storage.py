"""Storing uploaded and generated files. Who may read a file is decided by its owner's context.

Files live under ``<data dir>/files/<aa>/<bb>/<sha256>`` (identical content is kept once); the
row in ``documents_file`` gives each upload its own name, type and uploader. There is no
download route here: tenders, subsidies and scoring check access (sealed bids!) and then serve
the file with :func:`read`.
"""

from __future__ import annotations

import asyncio
import hashlib
import os
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from audit.domain import Actor
from common import clock
from common.errors import DomainError, NotFound
from common.i18n import N_
from config.settings import get_settings
from documents.tables import StoredFile

DEFAULT_MAX_BYTES = 25 * 1024 * 1024


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
    cleaned = "".join(ch for ch in unicodedata.normalize("NFC", base)
                      if unicodedata.category(ch)[0] != "C").strip().lstrip(".")
    return cleaned[:200] or "file"


def _path(sha256: str) -> Path:
    return get_settings().files_dir / sha256[:2] / sha256[2:4] / sha256


def _write(sha256: str, data: bytes) -> None:
    path = _path(sha256)
    if path.exists():
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_suffix(f".{os.getpid()}.tmp")
    temporary.write_bytes(data)
    os.replace(temporary, path)


async def store(actor: Actor, filename: str, content_type: str, data: bytes,
                max_bytes: int = DEFAULT_MAX_BYTES) -> FileInfo:
    """Keep ``data``; call inside the transaction of the change the file belongs to."""
    if not data:
        raise DomainError(N_("The file {name} is empty"), name=safe_filename(filename))
    if len(data) > max_bytes:
        raise DomainError(N_("The file {name} is larger than {limit} MB"),
                          name=safe_filename(filename), limit=max_bytes // (1024 * 1024))
    sha256 = hashlib.sha256(data).hexdigest()
    await asyncio.to_thread(_write, sha256, data)
    row = StoredFile(sha256=sha256, size=len(data), filename=safe_filename(filename),
                     content_type=(content_type or "application/octet-stream")[:150],
                     created_at=clock.now(), created_by=actor.label)
    await row.save()
    return FileInfo(row.id, row.filename, row.content_type, row.size, sha256)


async def info(file_id: int) -> FileInfo:
    row = await StoredFile.select().where(StoredFile.id == file_id).first()
    if row is None:
        raise NotFound(N_("File {id} does not exist"), id=file_id)
    return FileInfo(row["id"], row["filename"], row["content_type"], row["size"], row["sha256"])


async def read(file_id: int) -> tuple[FileInfo, bytes]:
    found = await info(file_id)
    data = await asyncio.to_thread(_path(found.sha256).read_bytes)
    return found, data
