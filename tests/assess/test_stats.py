import math

import pytest

from hegui.assess.stats import meets, wilson


def test_wilson_matches_the_textbook_values():
    e = wilson(95, 100)
    assert e.rate == 0.95
    assert math.isclose(e.low, 0.88825, abs_tol=1e-4)
    assert math.isclose(e.high, 0.97846, abs_tol=1e-4)


def test_wilson_edges():
    assert wilson(0, 0).rate is None
    zero = wilson(0, 10)
    assert zero.low == 0.0 and 0.25 < zero.high < 0.32
    full = wilson(10, 10)
    assert full.high == 1.0 and 0.68 < full.low < 0.75
    with pytest.raises(ValueError):
        wilson(11, 10)


def test_interval_narrows_with_n_and_contains_the_rate():
    widths = []
    for n in (10, 100, 1000):
        e = wilson(int(0.9 * n), n)
        assert e.low <= e.rate <= e.high
        widths.append(e.high - e.low)
    assert widths[0] > widths[1] > widths[2]


def test_meets():
    assert meets(0.95, 0.95, ">=") and not meets(0.949, 0.95, ">=")
    assert meets(0.05, 0.05, "<=") and not meets(0.051, 0.05, "<=")
