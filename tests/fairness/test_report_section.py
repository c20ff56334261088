"""The report section's charts."""

from __future__ import annotations

from hegui.fairness.results import GroupStat, MeasureResult
from hegui.records import Outcome
from hegui.reports.fairness_section import fairness_chart


def _measure(name: str, values: list[float], outcome: Outcome = Outcome.FAIL) -> MeasureResult:
    return MeasureResult(
        measure=name,
        kind="mean",
        groups=tuple(
            GroupStat(group=f"g{i}", label=f"组{i}", n=10, value=v, low=v - 0.1, high=v + 0.1)
            for i, v in enumerate(values)
        ),
        scored=10 * len(values),
        unscored=0,
        effect=max(values) - min(values),
        threshold=0.1,
        outcome=outcome,
    )


def test_a_bar_per_group_coloured_by_the_verdict() -> None:
    svg = str(fairness_chart(_measure("refusal", [0.1, 0.4])))
    assert svg.startswith("<svg") and "组0" in svg and "组1" in svg
    assert "#c62828" in svg  # failing measure: red bars
    assert "#2e7d32" in str(fairness_chart(_measure("refusal", [0.1, 0.12], Outcome.PASS)))


def test_sentiment_is_drawn_on_a_0_to_1_axis() -> None:
    svg = str(fairness_chart(_measure("sentiment", [-1.0, 1.0])))
    assert "0.0%  n=10" in svg and "100.0%  n=10" in svg  # −1 → 0, +1 → 1


def test_amounts_have_no_chart() -> None:
    assert str(fairness_chart(_measure("amount", [0.8, 1.2]))) == ""
