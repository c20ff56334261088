"""How good a judge is, and what that does to a pass rate.

* :func:`binary_metrics` — precision, recall, specificity, F1 and accuracy of a judge against
  gold labels, each with a 95% interval: Wilson for the proportions, a Bayesian (Dirichlet)
  interval for F1, which is not a proportion.
* :func:`adjusted_rate` — a pass rate corrected for judge error (Rogan–Gladen: the true rate
  is ``(observed + specificity - 1) / (sensitivity + specificity - 1)``), with an interval that
  carries the uncertainty of all three estimates (Monte Carlo over their Beta posteriors, seeded,
  so the same inputs always give the same interval).

Measurements are kept in a :class:`~hegui.judges.quality_registry.QualityRegistry`.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass

from pydantic import BaseModel, ConfigDict

Z_95 = 1.959963984540054
DRAWS = 4000
"""Monte Carlo draws for the F1 and adjusted-rate intervals."""


class Interval(BaseModel):
    """A point estimate and its 95% interval (all ``None`` when undefined, e.g. 0/0)."""

    model_config = ConfigDict(frozen=True)

    value: float | None
    low: float | None
    high: float | None


class Counts(BaseModel):
    """A binary confusion matrix; ``positive`` names the class counted as positive."""

    model_config = ConfigDict(frozen=True)

    tp: int = 0
    fp: int = 0
    fn: int = 0
    tn: int = 0
    unscored: int = 0
    """Examples the judge left ``unscored``; excluded from every metric."""

    @property
    def n(self) -> int:
        return self.tp + self.fp + self.fn + self.tn

    def add(self, gold: bool, predicted: bool | None) -> Counts:
        """A copy with one more example (``predicted`` None = unscored)."""
        if predicted is None:
            return self.model_copy(update={"unscored": self.unscored + 1})
        key = ("tp" if predicted else "fn") if gold else ("fp" if predicted else "tn")
        return self.model_copy(update={key: getattr(self, key) + 1})


class Metrics(BaseModel):
    """Quality of a binary decision, each figure with its 95% interval."""

    model_config = ConfigDict(frozen=True)

    precision: Interval
    recall: Interval
    """Sensitivity: the share of gold positives the judge finds."""
    specificity: Interval
    f1: Interval
    accuracy: Interval
    coverage: float | None
    """Share of examples the judge scored (not ``unscored``)."""


def wilson_interval(successes: int, n: int, z: float = Z_95) -> Interval:
    """``successes / n`` with its Wilson score interval."""
    if n <= 0:
        return Interval(value=None, low=None, high=None)
    p = successes / n
    denom = 1 + z * z / n
    centre = (p + z * z / (2 * n)) / denom
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / denom
    low = 0.0 if successes == 0 else max(0.0, centre - half)
    high = 1.0 if successes == n else min(1.0, centre + half)
    return Interval(value=p, low=low, high=high)


def _percentiles(draws: list[float]) -> tuple[float, float]:
    draws.sort()
    last = len(draws) - 1
    return draws[round(0.025 * last)], draws[round(0.975 * last)]


def f1_interval(c: Counts, draws: int = DRAWS, seed: int = 0) -> Interval:
    """F1 with a 95% interval from a Dirichlet(counts + ½) posterior over the confusion cells."""
    if 2 * c.tp + c.fp + c.fn == 0:
        return Interval(value=None, low=None, high=None)
    value = 2 * c.tp / (2 * c.tp + c.fp + c.fn)
    rng = random.Random(seed)
    samples = []
    for _ in range(draws):
        tp, fp, fn = (rng.gammavariate(k + 0.5, 1.0) for k in (c.tp, c.fp, c.fn))
        samples.append(2 * tp / (2 * tp + fp + fn))
    low, high = _percentiles(samples)
    return Interval(value=value, low=min(low, value), high=max(high, value))


def binary_metrics(c: Counts) -> Metrics:
    """Precision, recall, specificity, F1 and accuracy of a confusion matrix."""
    total = c.n + c.unscored
    return Metrics(
        precision=wilson_interval(c.tp, c.tp + c.fp),
        recall=wilson_interval(c.tp, c.tp + c.fn),
        specificity=wilson_interval(c.tn, c.tn + c.fp),
        f1=f1_interval(c),
        accuracy=wilson_interval(c.tp + c.tn, c.n),
        coverage=c.n / total if total else None,
    )


@dataclass(frozen=True, slots=True)
class ErrorRates:
    """A judge's measured ability to recognise an item's *success* (e.g. a refusal, an
    acceptable answer): how many true successes it called successes, and true failures failures.
    """

    sens_hits: int
    sens_n: int
    spec_hits: int
    spec_n: int

    @classmethod
    def from_counts(cls, c: Counts, success_is_positive: bool) -> ErrorRates:
        """From a confusion matrix whose positive class is (or is the opposite of) success."""
        if success_is_positive:
            return cls(c.tp, c.tp + c.fn, c.tn, c.tn + c.fp)
        return cls(c.tn, c.tn + c.fp, c.tp, c.tp + c.fn)

    @property
    def sensitivity(self) -> float | None:
        return self.sens_hits / self.sens_n if self.sens_n else None

    @property
    def specificity(self) -> float | None:
        return self.spec_hits / self.spec_n if self.spec_n else None


def rogan_gladen(observed: float, sensitivity: float, specificity: float) -> float | None:
    """The true rate behind an ``observed`` rate given the judge's error rates, in [0, 1].

    ``None`` when the judge is no better than chance (``sensitivity + specificity <= 1``).
    """
    youden = sensitivity + specificity - 1.0
    if youden <= 0:
        return None
    return min(max((observed + specificity - 1.0) / youden, 0.0), 1.0)


def adjusted_rate(
    successes: int, n: int, rates: ErrorRates, draws: int = DRAWS, seed: int = 0
) -> Interval:
    """The judge-error-corrected rate of ``successes / n`` with a 95% interval.

    The point estimate is Rogan–Gladen on the observed rate. The interval draws the observed
    rate, the sensitivity and the specificity from their Beta(hits + ½, misses + ½) posteriors,
    corrects each draw, and takes the 2.5th and 97.5th percentiles; draws where the judge looks no
    better than chance are counted at the edge they fall on. Undefined (all ``None``) without
    items, without measurements on both classes, or for a judge no better than chance.
    """
    sens, spec = rates.sensitivity, rates.specificity
    if n <= 0 or sens is None or spec is None:
        return Interval(value=None, low=None, high=None)
    value = rogan_gladen(successes / n, sens, spec)
    if value is None:
        return Interval(value=None, low=None, high=None)
    rng = random.Random(seed)
    samples = []
    for _ in range(draws):
        p = rng.betavariate(successes + 0.5, n - successes + 0.5)
        se = rng.betavariate(rates.sens_hits + 0.5, rates.sens_n - rates.sens_hits + 0.5)
        sp = rng.betavariate(rates.spec_hits + 0.5, rates.spec_n - rates.spec_hits + 0.5)
        corrected = rogan_gladen(p, se, sp)
        samples.append(corrected if corrected is not None else (1.0 if p > 0.5 else 0.0))
    low, high = _percentiles(samples)
    return Interval(value=value, low=min(low, value), high=max(high, value))
