"""Which roles may call each route. Every bounded context keeps its own table in this package.

A key is (HTTP method, path as Litestar registers it); the value is the set of roles allowed,
with "anonymous" for public routes. tests/test_authorization.py checks the tables against the
app: a route missing from them fails, and so does a table entry without a route.
"""

from __future__ import annotations

import importlib
import pkgutil

ALL_ROLES = frozenset({"admin", "officer", "evaluator", "finance"})
PUBLIC = frozenset({"anonymous", *ALL_ROLES})
ADMIN = frozenset({"admin"})
OFFICER = frozenset({"officer"})
FINANCE = frozenset({"finance"})
EVALUATOR = frozenset({"evaluator"})


def collect() -> dict[tuple[str, str], frozenset[str]]:
    table: dict[tuple[str, str], frozenset[str]] = {}
    for module_info in pkgutil.iter_modules(__path__):
        module = importlib.import_module(f"{__name__}.{module_info.name}")
        for key, roles in module.ROUTES.items():
            assert key not in table, f"{key} is listed twice"
            table[key] = roles
    return table
