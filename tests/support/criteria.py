"""Criteria as the scoring engine's forms take them (``scoring.service.replace_criteria``), for
the trees tests build."""

from __future__ import annotations

from typing import Any

RANGE_0_10 = {"scale_type": "range", "scale_min": "0", "scale_max": "10", "scale_step": "1"}
LEVELS_0_10 = {
    "scale_type": "levels",
    "levels": "0 = insufficient\n2 = poor\n4 = moderate\n6 = sufficient\n8 = good\n10 = excellent",
}


def quality(name: str, weight: str, **more: Any) -> dict[str, Any]:
    """A quality criterion scored 0 to 10 in whole steps (``more`` overrides or adds)."""
    return {"name": name, "kind": "quality", "weight": weight, **RANGE_0_10, **more}


def levelled(name: str, weight: str) -> dict[str, Any]:
    """A quality criterion scored on the levels insufficient (0) to excellent (10)."""
    return {"name": name, "kind": "quality", "weight": weight, **LEVELS_0_10}


def price(weight: str, name: str = "Price") -> dict[str, Any]:
    """The price, relative to the lowest."""
    return {"name": name, "kind": "price", "weight": weight, "formula": "relative_lowest"}
