"""The fairness section of the report: built from a run's fairness probes (when it has any),
and one chart per measure — the value of each group with its 95% interval."""

from __future__ import annotations

from collections.abc import Sequence

from markupsafe import Markup

from hegui.fairness.results import MEASURE_TITLES, FairnessResult, MeasureResult
from hegui.fairness.settings import FairnessSettings
from hegui.records import Outcome
from hegui.reports.charts import ChartRow, bar_chart
from hegui.store import PlannedItem, RunStore

_MEETS = {Outcome.PASS: True, Outcome.FAIL: False}


def build_fairness(
    store: RunStore,
    run_id: str,
    plan: Sequence[PlannedItem],
    settings: FairnessSettings | None = None,
) -> FairnessResult | None:
    """The fairness analysis of the run, or ``None`` when its plan holds no fairness probes.

    ``settings`` carries the thresholds (``fairness:`` of hegui.yaml); the defaults otherwise.
    """
    # Imported here: the session module pulls in targets and judges, which rendering a report
    # (hegui.reports.html uses fairness_chart) must not load.
    from hegui.fairness.session import analyse_run, is_fairness_run

    if not is_fairness_run(plan):
        return None
    return analyse_run(store, run_id, settings or FairnessSettings())


def fairness_chart(measure: MeasureResult) -> Markup:
    """Bars per group with their 95% intervals; empty for amounts (shown as a table only).

    Sentiment (−1..1) is drawn as (s + 1) / 2 so that 0.5 is neutral.
    """
    if measure.measure == "amount" or not measure.groups:
        return Markup("")
    shift = measure.measure == "sentiment"

    def scaled(value: float | None) -> float | None:
        if value is None:
            return None
        return (value + 1) / 2 if shift else value

    meets = _MEETS.get(measure.outcome)
    rows = [
        ChartRow(
            label=g.label,
            rate=scaled(g.value),
            low=scaled(g.low),
            high=scaled(g.high),
            n=g.n,
            meets=meets if g.n else None,
            tooltip=f"{g.label}: n={g.n}, unscored={g.unscored}",
        )
        for g in measure.groups
    ]
    zh, en = MEASURE_TITLES[measure.measure]
    scale = "（(s+1)/2 显示）" if shift else ""
    caption = f"{zh}{scale} {en} — 95% 区间 interval"
    return bar_chart(rows, None, None, caption)
