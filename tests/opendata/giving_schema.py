"""The 360Giving package schema, as a validator that works offline: the package schema's
``$ref`` to the grant schema (a URL) resolved to the local copy in ``opendata/schemas/360giving``
with a ``referencing`` registry (no retrieval: an unknown URL fails instead of being fetched).

The schemas are JSON Schema draft 2020-12: their ``$schema`` names it, though as
``http://json-schema.org/draft/2020-12/schema`` where the dialect's id is ``https://...``, so
neither ``validator_for`` nor ``referencing`` recognises it; the dialect is taken as named
(:data:`DIALECT`, checked against the schemas' ``$schema``).

``format`` is asserted, not just annotated: the schema's dates are
``oneOf [{format: date-time}, {pattern: YYYY-MM-DD}]``, which only tells the two apart when
``date-time`` is checked (RFC 3339, here by a pattern and :func:`datetime.fromisoformat`).
"""

from __future__ import annotations

import json
import re
from datetime import datetime
from functools import cache
from pathlib import Path
from typing import Any

from jsonschema import Draft202012Validator, FormatChecker
from jsonschema.protocols import Validator
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

DIALECT = "json-schema.org/draft/2020-12/schema"
SCHEMAS = Path(__file__).resolve().parents[2] / "opendata" / "schemas" / "360giving"
_RFC3339 = re.compile(r"^\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$")


def _load(name: str) -> dict[str, Any]:
    return json.loads((SCHEMAS / name).read_text(encoding="utf-8"))


def formats() -> FormatChecker:
    checker = FormatChecker()

    @checker.checks("date-time", raises=ValueError)
    def date_time(value: object) -> bool:
        if not isinstance(value, str):
            return True
        if not _RFC3339.match(value):
            return False
        datetime.fromisoformat(value.replace("Z", "+00:00").replace("z", "+00:00"))
        return True

    return checker


@cache
def package_validator() -> Validator:
    grant = _load("360-giving-schema.json")
    package = _load("360-giving-package-schema.json")
    for schema in (grant, package):
        assert schema["$schema"].split("://", 1)[1].rstrip("#") == DIALECT
        Draft202012Validator.check_schema(schema)
    resource = Resource(contents=grant, specification=DRAFT202012)
    referenced = package["properties"]["grants"]["items"]["$ref"]
    registry = Registry().with_resources([(grant["$id"], resource), (referenced, resource)])
    return Draft202012Validator(package, registry=registry, format_checker=formats())


def problems(package: dict[str, Any]) -> list[str]:
    """Every schema violation of ``package``, each with where it is."""
    return [
        f"{'/'.join(str(p) for p in error.absolute_path)}: {error.message}"
        for error in package_validator().iter_errors(package)
    ]
