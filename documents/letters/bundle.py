"""Letters in bulk: rendering many (on every core), one zip streamed as it is built, PDF.

``letters_for(...)`` is what a tender lot or a subsidy round calls: it takes the letters as
plain data and the templates read beforehand (:func:`documents.letters.service.templates_for`)
and yields :class:`GeneratedLetter` one by one. :func:`zip_stream` turns any iterable of
(filename, bytes) into the chunks of one zip file, holding one letter in memory at a time.
"""

from __future__ import annotations

import os
import re
import threading
import time
import unicodedata
import zipfile
from collections import deque
from collections.abc import AsyncIterable, AsyncIterator, Iterable, Iterator, Mapping
from concurrent.futures import Future, ProcessPoolExecutor
from typing import Any, Protocol, TypeVar

from common.errors import DomainError, NotFound
from common.i18n import N_
from documents import office, storage
from documents.letters.kinds import Letter, LetterKind, kind_of
from documents.letters.present import context_of
from documents.letters.render import render
from documents.letters.service import ActiveTemplate, GeneratedLetter

T = TypeVar("T")

Templates = Mapping[tuple[LetterKind, str], ActiveTemplate]


# Letters NFKD does not take apart (Danish, Polish, Swedish, German names).
_LATIN = str.maketrans(
    {"Æ": "AE", "æ": "ae", "Ø": "O", "ø": "o", "Ł": "L", "ł": "l", "ß": "ss", "Đ": "D", "đ": "d"}
)


def _slug(text: str, limit: int = 60) -> str:
    ascii_text = (
        unicodedata.normalize("NFKD", text.translate(_LATIN)).encode("ascii", "ignore").decode()
    )
    slug = re.sub(r"[^A-Za-z0-9]+", "-", ascii_text).strip("-").lower()
    return slug[:limit].strip("-") or "letter"


def letter_filename(letter: Letter, ref: str = "") -> str:
    """``award-intent-zorggroep-de-linde-b-v-2026-0815.docx``: kind, addressee, reference
    (a file name people read: hyphens, no code such as ``award_intent``)."""
    parts = [
        _slug(kind_of(letter).value),
        _slug(letter.addressee.name),
        _slug(ref or letter.reference, 30),
    ]
    return "-".join(p for p in parts if p) + ".docx"


def render_letter(template: ActiveTemplate, letter: Letter) -> bytes:
    """One letter in the template's own language (a fallback template formats in English)."""
    return render(template.data, context_of(letter, template.written_in))


def _generated(
    template: ActiveTemplate, letter: Letter, ref: str, data: bytes, filename: str | None
) -> GeneratedLetter:
    return GeneratedLetter(
        filename or letter_filename(letter, ref),
        kind_of(letter),
        template.written_in,
        letter.addressee.name,
        ref,
        data,
    )


def _template(templates: Templates, letter: Letter, language: str) -> ActiveTemplate:
    key = (kind_of(letter), language)
    if key not in templates:
        raise KeyError(f"no template read for {key}")
    return templates[key]


def letters_for(
    templates: Templates, letters: Iterable[tuple[str, Letter]], language: str
) -> Iterator[GeneratedLetter]:
    """Render ``letters`` ((ref, letter) pairs) one after the other, in this process."""
    for ref, letter in letters:
        template = _template(templates, letter, language)
        yield _generated(template, letter, ref, render_letter(template, letter), None)


_worker_templates: dict[tuple[LetterKind, str], tuple[bytes, str]] = {}
PARENT_POLL_SECONDS = 0.25


def _start_worker(templates: dict[tuple[LetterKind, str], tuple[bytes, str]], parent: int) -> None:
    """Each process of the pool gets the templates once, not with every letter, and dies
    with the process that started it (see :func:`_die_with_parent`)."""
    _worker_templates.update(templates)
    _die_with_parent(parent)


def _die_with_parent(parent: int) -> None:
    """End this process as soon as ``parent`` is no longer its parent (it died).

    A worker forked from the server holds the server's listening socket: had it lived on after
    the server was killed (kill -9 during a large round), the restarted server could not bind
    its port. A thread of the worker looks every :data:`PARENT_POLL_SECONDS`; it needs nothing
    of the platform and, unlike ``PR_SET_PDEATHSIG``, does not fire when merely the thread
    that forked the worker ends.
    """
    if os.getppid() != parent:
        os._exit(1)

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(PARENT_POLL_SECONDS)
        os._exit(1)

    threading.Thread(target=watch, name="die-with-parent", daemon=True).start()


def _render_in_worker(job: tuple[tuple[LetterKind, str], Letter]) -> bytes:
    key, letter = job
    data, written_in = _worker_templates[key]
    return render(data, context_of(letter, written_in))


def letters_in_parallel(
    templates: Templates,
    letters: Iterable[tuple[str, Letter]],
    language: str,
    workers: int | None = None,
    window: int = 32,
) -> Iterator[GeneratedLetter]:
    """Like :func:`letters_for`, rendered by a pool of processes (one per core), in order.

    At most ``window`` letters are in flight, so a round of ten thousand never sits in memory
    as a whole."""
    workers = workers or os.cpu_count() or 1
    if workers == 1:
        yield from letters_for(templates, letters, language)
        return
    shipped = {key: (t.data, t.written_in) for key, t in templates.items()}
    pending: deque[tuple[str, Letter, ActiveTemplate, Future[bytes]]] = deque()
    with ProcessPoolExecutor(
        max_workers=workers, initializer=_start_worker, initargs=(shipped, os.getpid())
    ) as pool:
        for ref, letter in letters:
            template = _template(templates, letter, language)
            job = ((kind_of(letter), language), letter)
            pending.append((ref, letter, template, pool.submit(_render_in_worker, job)))
            if len(pending) >= window:
                done_ref, done, used, future = pending.popleft()
                yield _generated(used, done, done_ref, future.result(), None)
        while pending:
            done_ref, done, used, future = pending.popleft()
            yield _generated(used, done, done_ref, future.result(), None)


class _Sink:
    """A write-only file for zipfile that hands out what was written since the last look."""

    def __init__(self) -> None:
        self._chunks: list[bytes] = []
        self._position = 0

    def write(self, data: Any) -> int:
        chunk = bytes(data)
        self._chunks.append(chunk)
        self._position += len(chunk)
        return len(chunk)

    def tell(self) -> int:
        return self._position

    def flush(self) -> None:
        return None

    def take(self) -> bytes:
        taken = b"".join(self._chunks)
        self._chunks.clear()
        return taken


class ZipBuilder:
    """One zip file built a file at a time: :meth:`add` returns the bytes to send on,
    :meth:`finish` the central directory. Names are made unique (``-2``, ``-3``); .docx and
    .pdf files are stored as they are (already compressed), anything else is deflated."""

    def __init__(self) -> None:
        self._sink = _Sink()
        self._seen: set[str] = set()
        self._archive = zipfile.ZipFile(self._sink, mode="w")  # type: ignore[arg-type]

    def add(self, name: str, data: bytes) -> bytes:
        unique = _unique(name, self._seen)
        method = (
            zipfile.ZIP_STORED
            if unique.endswith((".docx", ".pdf", ".zip"))
            else (zipfile.ZIP_DEFLATED)
        )
        self._archive.writestr(unique, data, compress_type=method)
        return self._sink.take()

    def finish(self) -> bytes:
        self._archive.close()
        return self._sink.take()


def zip_stream(files: Iterable[tuple[str, bytes]]) -> Iterator[bytes]:
    """One zip of ``files`` as a stream of chunks; only one file is held at a time."""
    builder = ZipBuilder()
    for name, data in files:
        yield builder.add(name, data)
    yield builder.finish()


async def zip_stream_async(files: AsyncIterable[tuple[str, bytes]]) -> AsyncIterator[bytes]:
    """The same for files that come one by one from async work (PDF conversions)."""
    builder = ZipBuilder()
    async for name, data in files:
        yield builder.add(name, data)
    yield builder.finish()


def _unique(name: str, seen: set[str]) -> str:
    stem, dot, suffix = name.rpartition(".")
    if not dot:
        stem, suffix = name, ""
    candidate, number = name, 1
    while candidate in seen:
        number += 1
        candidate = f"{stem}-{number}.{suffix}" if suffix else f"{stem}-{number}"
    seen.add(candidate)
    return candidate


def pdf_available() -> bool:
    return office.available()


def require_pdf() -> None:
    if not pdf_available():
        raise DomainError(N_("PDF is not available: LibreOffice is not installed"))


async def as_pdfs(letters: Iterable[GeneratedLetter]) -> AsyncIterator[GeneratedLetter]:
    """Each letter as PDF, converted :data:`office.PDF_CHUNK` at a time (a batch of
    LibreOffice processes per chunk, see :func:`office.convert_many`)."""
    require_pdf()
    for chunk in _chunks(letters):
        pdfs = await office.convert_many([letter.data for letter in chunk], ".docx", "pdf")
        for letter, pdf in zip(chunk, pdfs, strict=True):
            yield GeneratedLetter(
                letter.filename.removesuffix(".docx") + ".pdf",
                letter.kind,
                letter.language,
                letter.addressee,
                letter.ref,
                pdf,
            )


def _chunks(items: Iterable[T], size: int = office.PDF_CHUNK) -> Iterator[list[T]]:
    chunk: list[T] = []
    for item in items:
        chunk.append(item)
        if len(chunk) == size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


class StoredLetter(Protocol):
    """A letter sent and kept, as a context lists it (its own view of :class:`SentLetter`)."""

    @property
    def file_id(self) -> int | None: ...

    @property
    def filename(self) -> str: ...


async def stored_files(
    letters: Iterable[StoredLetter], pdf: bool = False
) -> AsyncIterator[tuple[str, bytes]]:
    """Each kept letter read when the zip needs it, as (filename, data); as PDF with ``pdf``
    (converted a chunk at a time)."""
    if pdf:
        require_pdf()
    kept = [letter for letter in letters if letter.file_id is not None]
    for chunk in _chunks(kept, office.PDF_CHUNK if pdf else 1):
        read = [
            (await storage.read(letter.file_id))[1]
            for letter in chunk
            if letter.file_id is not None
        ]
        if pdf:
            read = await office.convert_many(read, ".docx", "pdf")
        for letter, data in zip(chunk, read, strict=True):
            yield (letter.filename.removesuffix(".docx") + ".pdf" if pdf else letter.filename, data)


async def read_stored(
    letters: Iterable[StoredLetter], file_id: int
) -> tuple[storage.FileInfo, bytes]:
    """One kept letter among ``letters``; a file that is not one of them is not found."""
    if not any(letter.file_id == file_id for letter in letters):
        raise NotFound(N_("Letter {id} does not exist"), id=file_id)
    return await storage.read(file_id)


# --- a zip of PDF letters as a job ------------------------------------------------------------

PDF_ZIP = "documents.pdf_zip"  # the kind of job that builds one


class JobLike(Protocol):
    """What a job runner hands the work (see jobs.service.JobContext)."""

    payload: dict[str, Any]

    def progress(self, done: int, total: int | None = None) -> None: ...

    async def finish(self, summary: Any = None, file_id: int | None = None) -> None: ...


def pdf_zip_payload(letters: Iterable[StoredLetter], zip_name: str, actor: str) -> dict[str, Any]:
    """What a :data:`PDF_ZIP` job needs: the kept letters (checked for access by the caller
    when queueing), the zip's name and who asked."""
    return {
        "files": [
            [letter.file_id, letter.filename] for letter in letters if letter.file_id is not None
        ],
        "name": zip_name,
        "actor": actor,
    }


def pdf_zip_key(payload: Mapping[str, Any]) -> str:
    """One job per set of letters at a time."""
    import hashlib
    import json

    listed = json.dumps(payload["files"], separators=(",", ":")).encode()
    return f"{PDF_ZIP}:{hashlib.sha256(listed).hexdigest()[:40]}"


async def pdf_zip_job(job: JobLike) -> None:
    """Convert the letters to PDF (LibreOffice, a chunk at a time) into a zip on disk, then keep
    the zip in the shared storage as the job's file: any instance serves the download."""
    import tempfile

    from common.identity import Actor
    from config.database import transaction

    require_pdf()
    files = job.payload["files"]
    job.progress(0, len(files))
    with tempfile.TemporaryFile() as spooled:
        builder = ZipBuilder()
        done = 0
        for chunk in _chunks(files):
            read = [(await storage.read(file_id))[1] for file_id, _ in chunk]
            pdfs = await office.convert_many(read, ".docx", "pdf")
            for (_, filename), pdf in zip(chunk, pdfs, strict=True):
                spooled.write(builder.add(filename.removesuffix(".docx") + ".pdf", pdf))
            done += len(chunk)
            job.progress(done)
        spooled.write(builder.finish())
        async with transaction():
            stored = await storage.store(
                Actor.system(job.payload["actor"]),
                job.payload["name"],
                "application/zip",
                spooled,
                max_bytes=2**40,
            )
            await job.finish(file_id=stored.id)
