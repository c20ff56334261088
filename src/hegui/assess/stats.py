"""Proportions and their confidence intervals."""

from __future__ import annotations

import math

from hegui.records import RateEstimate

Z_95 = 1.959963984540054


def wilson(successes: int, n: int, z: float = Z_95) -> RateEstimate:
    """The rate ``successes / n`` with its Wilson score interval (95% by default).

    >>> e = wilson(95, 100)
    >>> round(e.low, 4), round(e.high, 4)
    (0.8882, 0.9785)
    """
    if n < 0 or successes < 0 or successes > n:
        raise ValueError(f"invalid proportion {successes}/{n}")
    if n == 0:
        return RateEstimate(successes=0, n=0, rate=None, low=None, high=None)
    p = successes / n
    denom = 1 + z * z / n
    centre = (p + z * z / (2 * n)) / denom
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / denom
    # At 0 or n successes the bound is exactly 0 or 1; floating error would say 0.9999….
    low = 0.0 if successes == 0 else max(0.0, centre - half)
    high = 1.0 if successes == n else min(1.0, centre + half)
    return RateEstimate(successes=successes, n=n, rate=p, low=low, high=high)


def meets(rate: float, threshold: float, comparison: str) -> bool:
    """Whether a rate satisfies ``comparison threshold`` (``>=`` or ``<=``)."""
    return rate >= threshold if comparison == ">=" else rate <= threshold
