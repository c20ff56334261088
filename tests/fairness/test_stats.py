"""The tests behind the verdicts: permutation within matched sets, sign test, Holm."""

from __future__ import annotations

import numpy as np
import pytest

from hegui.fairness.stats import holm, permutation_p, sign_test_p


def test_holm_matches_hand_computation() -> None:
    # sorted p: 0.01 (×4), 0.03 (×3 → 0.09), 0.04 (×2 → 0.08, raised to 0.09), 0.5
    assert holm([0.01, 0.04, 0.03, 0.5]) == pytest.approx([0.04, 0.09, 0.09, 0.5])
    assert holm([]) == []


def test_sign_test() -> None:
    assert sign_test_p(10, 10) == pytest.approx(2 / 1024)
    assert sign_test_p(5, 10) == 1.0
    assert sign_test_p(0, 0) == 1.0


def test_permutation_detects_a_group_difference() -> None:
    rng = np.random.default_rng(1)
    groups = np.tile(np.arange(4), 30)
    strata = np.repeat(np.arange(30), 4)
    values = (rng.random(120) < np.where(groups == 2, 0.2, 0.8)).astype(float)
    assert permutation_p(values, groups, strata, seed=0) < 0.01


def test_permutation_is_calibrated_without_a_difference() -> None:
    rng = np.random.default_rng(2)
    groups = np.tile(np.arange(4), 30)
    strata = np.repeat(np.arange(30), 4)
    ps = [
        permutation_p(rng.random(120), groups, strata, permutations=300, seed=s) for s in range(60)
    ]
    assert sum(p < 0.05 for p in ps) <= 7  # nominal 3 of 60
    assert 0.3 < float(np.mean(ps)) < 0.7


def test_differences_between_matched_sets_are_not_group_effects() -> None:
    # Group 0 is over-represented in the high stratum: an unstratified test would see a gap,
    # but within each stratum every answer is the same, so nothing depends on the group.
    values = [1.0] * 10 + [0.0] * 10
    groups = [0] * 8 + [1] * 2 + [0] * 2 + [1] * 8
    strata = [0] * 10 + [1] * 10
    assert permutation_p(values, groups, strata, seed=0) == 1.0
    assert permutation_p(values, groups, [0] * 20, seed=0) < 0.05


def test_one_group_is_no_test() -> None:
    assert permutation_p([1.0, 0.0], [0, 0], [0, 0]) == 1.0
