"""Benchmark: 1,000 subsidy grant decision letters into one zip.

    .venv/bin/python bench/letters.py
    .venv/bin/python bench/letters.py --letters 200 --workers 1     # a smaller run, one core
    .venv/bin/python bench/letters.py --pdf --letters 100           # as PDF (LibreOffice)

Each letter is a different organisation's grant decision (Dutch template, partly granted, two
payments, conditions), rendered with docxtpl in the sandboxed environment by a pool of
processes (one per core by default) and written into one zip streamed to a file as the letters
come back (at most a window of letters in flight, never the whole set in memory).

Prints the time per phase, letters per second, the zip's size, and peak memory: the maximum
RSS of this process (which holds the zip stream) and of the largest worker. Target on the
two-core machine: ≤ 20 s for 1,000 letters; with ``--pdf`` (converted in batches of
``office.PDF_CHUNK`` by ``office.PDF_WORKERS`` LibreOffice processes) ≤ 120 s for 1,000.
"""

from __future__ import annotations

import argparse
import asyncio
import dataclasses
import io
import os
import resource
import sys
import tempfile
import time
import zipfile
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from documents import office  # noqa: E402
from documents.letters.bundle import (  # noqa: E402
    as_pdfs,
    letters_in_parallel,
    zip_stream,
    zip_stream_async,
)
from documents.letters.kinds import LetterKind, Money  # noqa: E402
from documents.letters.samples import sample_letter  # noqa: E402
from documents.letters.service import ActiveTemplate  # noqa: E402
from documents.letters.templates import default_template  # noqa: E402


def grant_letters(count: int):
    base = sample_letter(LetterKind.GRANT)
    for number in range(count):
        addressee = dataclasses.replace(
            base.addressee,
            name=f"Stichting Welzijn {number:05d}",
            contact_person=f"dhr. P. Pietersen {number}",
        )
        granted = Money(Decimal(20_000 + number * 7) + Decimal("0.50"), "EUR")
        yield (
            f"application:{number}",
            dataclasses.replace(
                base, addressee=addressee, granted=granted, reference=f"2026/{number:05d}"
            ),
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[1])
    parser.add_argument("--letters", type=int, default=1000)
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--window", type=int, default=32)
    parser.add_argument("--pdf", action="store_true", help="convert to PDF into the zip")
    args = parser.parse_args()

    data, written_in = default_template(LetterKind.GRANT, "nl")
    templates = {
        (LetterKind.GRANT, "nl"): ActiveTemplate(
            LetterKind.GRANT, "nl", written_in, data, False, "grant.docx"
        )
    }
    with tempfile.TemporaryDirectory(prefix="tenderdesk-bench-") as work:
        target = Path(work) / "letters.zip"
        started = time.perf_counter()
        count = 0
        with target.open("wb") as out:
            generated = letters_in_parallel(
                templates,
                grant_letters(args.letters),
                "nl",
                workers=args.workers,
                window=args.window,
            )
            if args.pdf:
                count = asyncio.run(_write_pdfs(generated, out))
            else:
                for chunk in zip_stream((g.filename, g.data) for g in generated):
                    out.write(chunk)
                    count += 1
        elapsed = time.perf_counter() - started
        size = target.stat().st_size
        with zipfile.ZipFile(target) as archive:
            names = archive.namelist()
            assert len(names) == args.letters, len(names)
            first = archive.read(names[0])
        if args.pdf:
            assert first.startswith(b"%PDF"), first[:8]
        else:
            from docx import Document

            text = "\n".join(p.text for p in Document(io.BytesIO(first)).paragraphs)
            assert "Stichting Welzijn 00000" in text and "€\xa020.000,50" in text

    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    itself = resource.getrusage(resource.RUSAGE_SELF)
    cpu = children.ru_utime + children.ru_stime + itself.ru_utime + itself.ru_stime
    own = itself.ru_maxrss / 1024
    workers = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    pdf = (
        f", as PDF: {office.PDF_WORKERS} LibreOffice process(es), batches of {office.PDF_CHUNK}"
        if args.pdf
        else ""
    )
    print(
        f"letters          {args.letters} grant decisions (nl), {args.workers} worker(s), "
        f"window {args.window}{pdf}"
    )
    print(
        f"total            {elapsed:.2f} s  ({args.letters / elapsed:.1f} letters/s, "
        f"{elapsed / args.letters * 1000:.1f} ms per letter)  target ≤ "
        f"{120 if args.pdf else 20} s for 1,000 (extrapolated: "
        f"{elapsed / args.letters * 1000:.0f} s)"
    )
    # On a shared machine the wall time depends on the others' load; the CPU time does not:
    # spread over the cores it is what an otherwise idle machine would take.
    cores = os.cpu_count() or 1
    print(
        f"cpu              {cpu:.1f} s in this process and its children (render workers, "
        f"LibreOffice): {cpu / args.letters * 1000:.0f} ms per letter, on {cores} idle "
        f"core(s) ≈ {cpu / args.letters * 1000 / cores:.0f} s per 1,000"
    )
    print(
        f"zip              {size / 1024 / 1024:.1f} MB in {count} chunks, read back: "
        f"{len(names)} letters"
    )
    print(
        f"peak memory      main process {own:.0f} MB max RSS, largest worker "
        f"{workers:.0f} MB max RSS"
    )


async def _write_pdfs(generated, out) -> int:
    """The letters converted to PDF a batch at a time, zipped into ``out``; the chunks
    written."""

    async def files():
        async for letter in as_pdfs(generated):
            yield letter.filename, letter.data

    count = 0
    async for chunk in zip_stream_async(files()):
        out.write(chunk)
        count += 1
    return count


if __name__ == "__main__":
    main()
