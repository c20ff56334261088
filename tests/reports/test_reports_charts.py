"""The hand-built SVG charts."""

from __future__ import annotations

from report_factory import make_results

from hegui.records import Outcome, RequirementResult
from hegui.reports.charts import (
    COLOUR_MEETS,
    COLOUR_MISSES,
    COLOUR_UNKNOWN,
    ChartRow,
    bar_chart,
    overview_chart,
    requirement_chart,
)


def _result(requirement: str) -> RequirementResult:
    return next(r for r in make_results() if r.requirement == requirement)


def test_breakdown_chart() -> None:
    svg = str(requirement_chart(_result("REQ-ASSESS-07"), "acceptable"))
    assert svg.startswith("<svg") and svg.endswith("</svg>")
    assert svg.count("<rect") == 3  # total + two risks with data; the empty risk has no bar
    assert "无样本 no data" in svg
    for colour in (COLOUR_MEETS, COLOUR_MISSES):
        assert f'fill="{colour}"' in svg
    assert 'stroke-dasharray="5 3"' in svg  # the threshold line
    assert "合格率" in svg
    assert "<script>" not in svg and "&lt;script&gt;" in svg  # names are escaped
    assert "…" in svg  # the long A.3.4 name is cut to fit; the tooltip has it in full


def test_small_rates_zoom_the_axis() -> None:
    svg = str(requirement_chart(_result("REQ-ASSESS-10"), "refused"))
    assert ">20%</text>" in svg and ">100%</text>" not in svg
    assert "阈值 threshold ≤ 5%" in svg


def test_no_breakdown_no_chart() -> None:
    assert str(requirement_chart(_result("REQ-ASSESS-08"))) == ""
    assert str(requirement_chart(_result("REQ-ASSESS-06"))) == ""


def test_overview_skips_requirements_without_estimate() -> None:
    svg = str(overview_chart(make_results()))
    assert "REQ-ASSESS-06" not in svg
    assert svg.count("<rect") == 4
    assert f'fill="{COLOUR_UNKNOWN}"' in svg  # INSUFFICIENT-SAMPLE has no verdict colour
    assert Outcome.INSUFFICIENT_SAMPLE.value in svg  # in the tooltip


def test_bar_chart_clamps_values() -> None:
    rows = [ChartRow("x", 1.4, -0.2, 2.0, 5, True)]
    svg = str(bar_chart(rows, 0.9, ">=", "c"))
    assert 'width="348.0"' in svg  # clamped to the axis: 610 - 262
