"""Significance tests for group differences: a stratified permutation test, an exact sign test,
and Holm's step-down correction. numpy only."""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
import numpy.typing as npt

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]


def between_groups(values: FloatArray, groups: IntArray, k: int) -> float:
    """Between-group sum of squares: Σ n_g (mean_g − mean)². For 0/1 values it is the Pearson
    chi-square statistic times p(1−p), so the permutation test is a chi-square test without the
    large-sample approximation."""
    counts = np.bincount(groups, minlength=k).astype(np.float64)
    sums = np.bincount(groups, weights=values, minlength=k)
    present = counts > 0
    means = sums[present] / counts[present]
    grand = values.mean()
    return float((counts[present] * (means - grand) ** 2).sum())


def permutation_p(
    values: Sequence[float],
    groups: Sequence[int],
    strata: Sequence[int],
    *,
    permutations: int = 2000,
    seed: int = 0,
) -> float:
    """p-value of "the group makes no difference", permuting group labels within each stratum
    (matched set), so differences between templates and contexts cannot masquerade as group
    effects. ``(1 + #{T* ≥ T}) / (1 + B)``: never zero, valid for any sample size."""
    v = np.asarray(values, dtype=np.float64)
    g = np.asarray(groups, dtype=np.int64)
    s = np.asarray(strata, dtype=np.int64)
    if v.size < 2 or np.unique(g).size < 2:
        return 1.0
    k = int(g.max()) + 1
    observed = between_groups(v, g, k)
    rng = np.random.default_rng(seed)
    by_stratum = np.argsort(s, kind="stable")
    sorted_strata = s[by_stratum]
    v_sorted, g_sorted = v[by_stratum], g[by_stratum]
    # Each row: positions ordered by stratum, then randomly within the stratum.
    keys = sorted_strata[None, :] + rng.random((permutations, v.size))
    shuffled = np.argsort(keys, axis=1, kind="stable")
    permuted = v_sorted[shuffled]  # values moved to other labels of the same stratum
    counts = np.bincount(g_sorted, minlength=k).astype(np.float64)
    onehot = np.zeros((v.size, k))
    onehot[np.arange(v.size), g_sorted] = 1.0
    sums = permuted @ onehot
    present = counts > 0
    means = sums[:, present] / counts[present]
    stats = (counts[present] * (means - v.mean()) ** 2).sum(axis=1)
    extreme = int((stats >= observed - 1e-12 * max(1.0, abs(observed))).sum())
    return float((1 + extreme) / (1 + permutations))


def sign_test_p(successes: int, n: int) -> float:
    """Two-sided exact binomial test of ``successes`` out of ``n`` against 1/2."""
    if n == 0:
        return 1.0
    k = min(successes, n - successes)
    tail = sum(math.comb(n, i) for i in range(k + 1)) / float(2**n)
    return min(1.0, 2 * tail)


def holm(p_values: Sequence[float]) -> list[float]:
    """Holm step-down adjusted p-values (family-wise error control, any dependence)."""
    m = len(p_values)
    order = sorted(range(m), key=lambda i: p_values[i])
    adjusted = [1.0] * m
    running = 0.0
    for rank, index in enumerate(order):
        running = max(running, min(1.0, (m - rank) * p_values[index]))
        adjusted[index] = running
    return adjusted
