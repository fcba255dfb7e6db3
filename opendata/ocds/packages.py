"""Release packages and record packages (with the compiled release). Pure Python.

The compiled release is merged by ``ocdsmerge`` with the merge rules of the local OCDS 1.1.5
release schema (offline: the schema is passed as data, never fetched).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from typing import Any

import ocdsmerge

from opendata.ocds.build import moment
from opendata.schemas import LOTS_EXTENSION, ocds_release_schema

VERSION = "1.1"


@dataclass(frozen=True)
class Publication:
    """Who publishes, under which licence, and at which address (package metadata)."""

    publisher: str
    licence: str
    base_url: str  # the site's public URL


@cache
def _merger() -> ocdsmerge.Merger:
    return ocdsmerge.Merger(schema=ocds_release_schema())


def compiled(releases: Sequence[dict[str, Any]]) -> dict[str, Any]:
    """The compiled release: the releases merged in date order by the OCDS merge rules."""
    return _merger().create_compiled_release(list(releases))


def _metadata(publication: Publication, uri: str, published: datetime) -> dict[str, Any]:
    return {
        "uri": uri,
        "version": VERSION,
        "extensions": [LOTS_EXTENSION],
        "publishedDate": moment(published),
        "publisher": {"name": publication.publisher},
        "license": publication.licence,
        "publicationPolicy": f"{publication.base_url}/open-data",
    }


def release_package(
    publication: Publication,
    releases: Iterable[dict[str, Any]],
    uri: str,
    published: datetime,
    links: dict[str, str] | None = None,
) -> dict[str, Any]:
    package = {**_metadata(publication, uri, published), "releases": list(releases)}
    if links:
        package["links"] = links
    return package


def record_package(
    publication: Publication,
    ocid: str,
    releases: Sequence[dict[str, Any]],
    uri: str,
    published: datetime,
) -> dict[str, Any]:
    """A record package with one record: every release of the tender (embedded) and the
    compiled release."""
    package = _metadata(publication, uri, published)
    package["records"] = [
        {"ocid": ocid, "releases": list(releases), "compiledRelease": compiled(releases)}
    ]
    return package
