"""Validating against the official schemas kept in the project, offline: the package schema's
``$ref`` to the release schema resolves to the local copy through a ``referencing`` registry."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from jsonschema import Draft4Validator
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT4

from opendata.schemas import (
    OCDS_RELEASE_PACKAGE_URL,
    OCDS_RELEASE_URL,
    ocds_release_package_schema,
    ocds_release_schema,
)

CODELISTS = json.loads((Path(__file__).parent / "ocds_codelists.json").read_text())

REGISTRY = Registry().with_resources(
    [
        (OCDS_RELEASE_URL, Resource.from_contents(ocds_release_schema(), DRAFT4)),
        (OCDS_RELEASE_PACKAGE_URL, Resource.from_contents(ocds_release_package_schema(), DRAFT4)),
    ]
)
RELEASE = Draft4Validator(ocds_release_schema(), registry=REGISTRY)
RELEASE_PACKAGE = Draft4Validator(ocds_release_package_schema(), registry=REGISTRY)


def problems(validator: Draft4Validator, instance: Any) -> list[str]:
    return [
        f"{'/'.join(map(str, e.absolute_path))}: {e.message}"
        for e in validator.iter_errors(instance)
    ]


def codelist_problems(release: dict[str, Any]) -> list[str]:
    """Values outside the official codelists (kept in ocds_codelists.json with their source)."""
    found = []
    tender = release.get("tender", {})
    checks = [
        ("releaseTag", release.get("tag", [])),
        ("procurementMethod", [tender.get("procurementMethod")]),
        ("awardCriteria", [tender["awardCriteria"]] if "awardCriteria" in tender else []),
        ("partyRole", [r for p in release.get("parties", []) for r in p.get("roles", [])]),
        ("tenderStatus", [tender.get("status")]),
        ("tenderStatus", [lot.get("status") for lot in tender.get("lots", [])]),
        ("awardStatus", [a.get("status") for a in release.get("awards", [])]),
        ("contractStatus", [c.get("status") for c in release.get("contracts", [])]),
        ("documentType", [d.get("documentType") for d in tender.get("documents", [])]),
        ("procurementCategory", [tender.get("mainProcurementCategory")]),
    ]
    for codelist, values in checks:
        found += [f"{codelist}: {value!r}" for value in values if value not in CODELISTS[codelist]]
    return found
