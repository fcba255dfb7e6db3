"""Converting documents with LibreOffice, where it is installed (PDF letters, re-saved sheets).

One conversion runs at a time per process, each with its own throw-away user profile (two
soffice processes sharing a profile block each other), in a worker thread so the event loop
keeps serving, and with a time limit.

Many documents (a round's letters as PDF) are converted in batches: :func:`convert_batch`
hands each of :data:`PDF_WORKERS` soffice processes a share of the batch in one
``--convert-to`` call, each worker with a profile of its own kept for the life of the process.
Starting LibreOffice costs seconds; converting a letter in a running one a fraction of that.
"""

from __future__ import annotations

import asyncio
import atexit
import os
import shutil
import subprocess
import tempfile
import threading
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from functools import cache
from pathlib import Path

from common.errors import DomainError
from common.i18n import N_

CONVERSION_TIMEOUT_SECONDS = 120
BATCH_SECONDS_PER_DOCUMENT = 10  # on top of the timeout of one conversion
PDF_WORKERS = max(1, min(2, os.cpu_count() or 1))  # soffice processes per batch
PDF_CHUNK = 100  # documents per batch: progress is reported per batch
_one_at_a_time = asyncio.Lock()


def soffice() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


def available() -> bool:
    return soffice() is not None


def _command(
    program: str, profile: Path, target_format: str, out_dir: Path, sources: list[Path]
) -> list[str]:
    """soffice converting ``sources`` into ``out_dir``, headless, with its own ``profile``."""
    return [
        program,
        f"-env:UserInstallation=file://{profile}",
        "--headless",
        "--norestore",
        "--convert-to",
        target_format,
        "--outdir",
        str(out_dir),
        *map(str, sources),
    ]


def convert_file(source: Path, target_format: str, out_dir: Path) -> Path:
    """Convert ``source`` (e.g. to "pdf" or "xlsx") into ``out_dir``; returns the new file."""
    program = soffice()
    if program is None:
        raise DomainError(N_("PDF is not available: LibreOffice is not installed"))
    with tempfile.TemporaryDirectory(prefix="tenderdesk-soffice-") as profile:
        completed = subprocess.run(  # noqa: S603 - fixed program, our own file paths
            _command(program, Path(profile), target_format, out_dir, [source]),
            capture_output=True,
            text=True,
            timeout=CONVERSION_TIMEOUT_SECONDS,
            check=False,
        )
    produced = out_dir / f"{source.stem}.{target_format.split(':')[0]}"
    if completed.returncode != 0 or not produced.exists():
        raise DomainError(
            N_("LibreOffice could not convert {name}: {detail}"),
            name=source.name,
            detail=(completed.stderr or completed.stdout).strip()[:300] or "-",
        )
    return produced


def convert_bytes(data: bytes, source_suffix: str, target_format: str) -> bytes:
    with tempfile.TemporaryDirectory(prefix="tenderdesk-convert-") as work:
        source = Path(work) / f"document{source_suffix}"
        source.write_bytes(data)
        out_dir = Path(work) / "out"
        out_dir.mkdir()
        return convert_file(source, target_format, out_dir).read_bytes()


async def convert(data: bytes, source_suffix: str, target_format: str) -> bytes:
    """Convert in a worker thread, one conversion at a time."""
    async with _one_at_a_time:
        return await asyncio.to_thread(convert_bytes, data, source_suffix, target_format)


@cache
def _profile(slot: int) -> Path:
    """Worker ``slot``'s LibreOffice profile, made on first use and kept until the process
    ends: a warm profile starts faster, and no two running soffice share one (a lock per
    slot)."""
    path = Path(tempfile.mkdtemp(prefix=f"tenderdesk-soffice-{slot}-"))
    atexit.register(shutil.rmtree, path, True)
    return path


_slots = [threading.Lock() for _ in range(PDF_WORKERS)]


def _convert_share(slot: int, sources: list[Path], target_format: str, out_dir: Path) -> None:
    program = soffice()
    if program is None:
        raise DomainError(N_("PDF is not available: LibreOffice is not installed"))
    with _slots[slot]:
        completed = subprocess.run(  # noqa: S603 - fixed program, our own file paths
            _command(program, _profile(slot), target_format, out_dir, sources),
            capture_output=True,
            text=True,
            check=False,
            timeout=CONVERSION_TIMEOUT_SECONDS + BATCH_SECONDS_PER_DOCUMENT * len(sources),
        )
    extension = target_format.split(":")[0]
    missing = [s.name for s in sources if not (out_dir / f"{s.stem}.{extension}").exists()]
    if completed.returncode != 0 or missing:
        raise DomainError(
            N_("LibreOffice could not convert {name}: {detail}"),
            name=", ".join(missing[:3]) or sources[0].name,
            detail=(completed.stderr or completed.stdout).strip()[:300] or "-",
        )


def convert_batch(
    documents: Sequence[bytes], source_suffix: str, target_format: str, workers: int = PDF_WORKERS
) -> list[bytes]:
    """Every document converted, in their order: the batch split over ``workers`` soffice
    processes running side by side, one ``--convert-to`` call each."""
    if not documents:
        return []
    workers = max(1, min(workers, PDF_WORKERS, len(documents)))
    with tempfile.TemporaryDirectory(prefix="tenderdesk-batch-") as work:
        sources = [Path(work) / f"{number:05d}{source_suffix}" for number in range(len(documents))]
        for path, data in zip(sources, documents, strict=True):
            path.write_bytes(data)
        out_dir = Path(work) / "out"
        out_dir.mkdir()
        shares = [sources[slot::workers] for slot in range(workers)]
        with ThreadPoolExecutor(max_workers=workers) as pool:
            for done in [
                pool.submit(_convert_share, slot, share, target_format, out_dir)
                for slot, share in enumerate(shares)
            ]:
                done.result()
        extension = target_format.split(":")[0]
        return [(out_dir / f"{path.stem}.{extension}").read_bytes() for path in sources]


async def convert_many(
    documents: Sequence[bytes], source_suffix: str, target_format: str
) -> list[bytes]:
    """:func:`convert_batch` in a worker thread, one batch at a time per process."""
    async with _one_at_a_time:
        return await asyncio.to_thread(convert_batch, list(documents), source_suffix, target_format)
