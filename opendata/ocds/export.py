"""``tenderdesk export ocds``: every published tender's releases as one release package file,
written a release at a time."""

from __future__ import annotations

import json
from pathlib import Path
from typing import BinaryIO

from common import clock
from config.settings import get_settings
from opendata.ocds import packages, service


def _compact(value: object) -> bytes:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode()


async def export_releases(target: BinaryIO) -> int:
    """Write the release package of all releases to ``target``; returns how many."""
    settings = get_settings()
    every = service.serialised(await service.histories(), settings)
    head = packages.release_package(
        service.publication(settings),
        [],
        f"{settings.public_url}/open-data/ocds/releases.json",
        clock.now(),
    )
    text = _compact(head)
    before, _, after = text.partition(b'"releases":[]')
    target.write(before + b'"releases":[')
    for index, (_, release) in enumerate(every):
        target.write((b"," if index else b"") + release)
    target.write(b"]" + after)
    return len(every)


async def export_to_file(path: str) -> int:
    """Written beside the target and moved into place, so a reader never sees half a file."""
    draft = Path(f"{path}.part")
    with draft.open("wb") as target:  # noqa: ASYNC230 (a CLI command: nothing else waits)
        count = await export_releases(target)
    draft.replace(path)  # noqa: ASYNC240
    return count
