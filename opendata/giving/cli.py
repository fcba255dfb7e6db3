"""``tenderdesk export 360giving -o FILE``: the whole package, written as it is read."""

from __future__ import annotations

import os
from pathlib import Path

from opendata.giving.service import package_chunks


async def write_package(output: str) -> int:
    """Write the package to ``output`` (aside first, then moved into place, so that a reader
    never sees half a file); returns the number of grants written."""
    target = Path(output)
    draft = target.with_name(f".{target.name}.{os.getpid()}.part")
    counts: list[int] = []
    try:
        with draft.open("wb") as handle:
            async for chunk in package_chunks(counted=counts.append):
                handle.write(chunk)
        draft.replace(target)
    finally:
        draft.unlink(missing_ok=True)
    return sum(counts)
