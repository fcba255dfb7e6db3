"""Price formulas, vectorised over all subjects at once (pure functions over pandas Series).

P is a subject's price, WP the weight of the price criterion, Pmin and Pmax the bounds:

- relative to the lowest price:            WP × Pmin / P
- linear between fixed bounds set before:  WP × (Pmax − P) / (Pmax − Pmin), clipped to [0, WP]
- linear between the lowest and highest:   the same with the prices' own bounds
  (when all prices are equal, every subject gets WP)
- value-based (fictitious deduction):      fictitious price = P − Σ quality value; lowest wins
- price per quality point:                 P / Q; lowest wins (Q = 0 gives no ratio)

Only the first three give points; the relative ones (lowest price, bids' own bounds) depend on
the other subjects' prices, which is why a subject that comes or goes can reverse a ranking.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from scoring.criteria import Formula


@dataclass(frozen=True)
class Bounds:
    """The Pmin and Pmax a formula used (None where it used none)."""

    low: float | None = None
    high: float | None = None


def bounds_for(
    formula: Formula, prices: pd.Series, low: float | None = None, high: float | None = None
) -> Bounds:
    if formula is Formula.LINEAR_FIXED:
        return Bounds(low, high)
    if prices.empty:
        return Bounds()
    if formula is Formula.RELATIVE_LOWEST:
        return Bounds(float(prices.min()), None)
    if formula is Formula.LINEAR_BIDS:
        return Bounds(float(prices.min()), float(prices.max()))
    return Bounds()


def price_points(
    formula: Formula,
    weight: float,
    prices: pd.Series,
    low: float | None = None,
    high: float | None = None,
) -> tuple[pd.Series, Bounds]:
    """Points per subject (same index as ``prices``) and the bounds used. Prices are > 0."""
    bounds = bounds_for(formula, prices, low, high)
    if prices.empty:
        return prices.astype(float), bounds
    if formula is Formula.RELATIVE_LOWEST:
        assert bounds.low is not None
        return weight * bounds.low / prices, bounds
    if formula in (Formula.LINEAR_FIXED, Formula.LINEAR_BIDS):
        assert bounds.low is not None and bounds.high is not None
        if bounds.high == bounds.low:
            return pd.Series(float(weight), index=prices.index), bounds
        points = weight * (bounds.high - prices) / (bounds.high - bounds.low)
        return points.clip(lower=0.0, upper=float(weight)), bounds
    raise ValueError(f"{formula} gives no points")


def fictitious_price(prices: pd.Series, value: pd.Series) -> pd.Series:
    """Value-based award: the price minus the money value of the quality offered."""
    return prices - value.reindex(prices.index, fill_value=0.0)


def price_per_quality_point(prices: pd.Series, quality: pd.Series) -> pd.Series:
    """P / Q; infinite where a subject has no quality points."""
    q = quality.reindex(prices.index, fill_value=0.0)
    with np.errstate(divide="ignore"):
        return pd.Series(np.where(q > 0, prices / q.where(q > 0, 1.0), np.inf), index=prices.index)
