"""The official open-data schemas kept in the project, loaded once, with their ``$ref`` URLs
resolved to the local copies (no network)."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
OCDS = HERE / "ocds-1.1.5"
OCDS_RELEASE_URL = "https://standard.open-contracting.org/schema/1__1__5/release-schema.json"
OCDS_RELEASE_PACKAGE_URL = (
    "https://standard.open-contracting.org/schema/1__1__5/release-package-schema.json"
)
# The OCDS Lots extension (tender.lots, awards[].relatedLots, items[].relatedLot), for 1.1.
LOTS_EXTENSION = (
    "https://raw.githubusercontent.com/open-contracting-extensions/ocds_lots_extension/"
    "v1.1.5/extension.json"
)


@cache
def ocds_release_schema() -> dict[str, Any]:
    return json.loads((OCDS / "release-schema.json").read_text())


@cache
def ocds_release_package_schema() -> dict[str, Any]:
    return json.loads((OCDS / "release-package-schema.json").read_text())
