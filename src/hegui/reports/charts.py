"""Hand-built inline SVG bar charts: rate per row, 95% interval as an error bar, threshold line.

No chart library and no JavaScript: the HTML report must open offline and render the same in any
browser. Every piece of text goes through :func:`markupsafe.escape`.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from markupsafe import Markup, escape

from hegui.records import Outcome, RequirementResult
from hegui.reports.labels import MEASURE_EN, MEASURE_ZH, pct, threshold_text

FONT_STACK = "'Noto Sans CJK SC','WenQuanYi Micro Hei','Microsoft YaHei','PingFang SC',sans-serif"
"""CJK-capable font stack for SVG text (the base image has no CJK font by default)."""

COLOUR_MEETS = "#2e7d32"
COLOUR_MISSES = "#c62828"
COLOUR_UNKNOWN = "#9e9e9e"
COLOUR_THRESHOLD = "#1565c0"

_WIDTH = 780
_LABEL_W = 250
_PLOT_X0 = _LABEL_W + 12
_PLOT_X1 = _WIDTH - 170
_ROW_H = 24
_BAR_H = 14
_TOP = 30
_BOTTOM = 30
_FONT_PX = 12

_Scale = Callable[[float], float]


@dataclass(frozen=True)
class ChartRow:
    """One bar: a rate with its interval and whether it meets its threshold."""

    label: str
    rate: float | None
    low: float | None
    high: float | None
    n: int
    meets: bool | None
    tooltip: str = ""
    threshold: float | None = None
    """Per-row threshold tick (used when rows have different thresholds)."""
    bold: bool = False


def requirement_chart(result: RequirementResult, measure: str | None = None) -> Markup:
    """The breakdown chart of one requirement: a total row, then one row per risk code or aspect.

    Returns empty markup when the requirement has no breakdown.
    """
    if not result.breakdown:
        return Markup("")
    rows: list[ChartRow] = []
    if result.estimate is not None:
        est = result.estimate
        meets = {Outcome.PASS: True, Outcome.FAIL: False}.get(result.outcome)
        rows.append(ChartRow("合计 Total", est.rate, est.low, est.high, est.n, meets, bold=True))
    for part in result.breakdown:
        est = part.estimate
        label = f"{part.key} {part.name}" if part.name and part.name != part.key else part.key
        rows.append(ChartRow(label, est.rate, est.low, est.high, est.n, part.meets_threshold))
    axis = MEASURE_ZH.get(measure or "", "比率")
    axis_en = MEASURE_EN.get(measure or "", "rate")
    caption = f"{result.requirement} {axis} {axis_en}（95% Wilson 区间）"
    return bar_chart(rows, result.threshold, result.comparison, caption)


def overview_chart(
    results: Sequence[RequirementResult], titles: dict[str, str] | None = None
) -> Markup:
    """One row per requirement that has an estimate, each with its own threshold tick.

    ``titles`` maps requirement ids to the label shown beside the id (defaults to the title).
    """
    rows: list[ChartRow] = []
    for result in results:
        est = result.estimate
        if est is None:
            continue
        meets = {Outcome.PASS: True, Outcome.FAIL: False}.get(result.outcome)
        title = (titles or {}).get(result.requirement, result.title)
        tip = (
            f"{result.requirement} {title}: {pct(est.rate)} [{pct(est.low)}, {pct(est.high)}] "
            f"n={est.n}, {threshold_text(result.threshold, result.comparison)}, "
            f"{result.outcome.value}"
        )
        rows.append(
            ChartRow(
                f"{result.requirement} {title}",
                est.rate,
                est.low,
                est.high,
                est.n,
                meets,
                tooltip=tip,
                threshold=result.threshold,
            )
        )
    if not rows:
        return Markup("")
    return bar_chart(rows, None, None, "各项要求比率与阈值 Rates and thresholds per requirement")


def bar_chart(
    rows: Sequence[ChartRow],
    threshold: float | None,
    comparison: str | None,
    caption: str,
) -> Markup:
    """Horizontal bars for ``rows`` on a 0..max percent axis, with a shared threshold line."""
    height = _TOP + _ROW_H * len(rows) + _BOTTOM
    values = [v for r in rows for v in (r.rate, r.high, r.threshold) if v is not None]
    if threshold is not None:
        values.append(threshold)
    axis_max = _axis_max(max(values, default=1.0))

    def x(value: float) -> float:
        return _PLOT_X0 + (_PLOT_X1 - _PLOT_X0) * min(max(value, 0.0), axis_max) / axis_max

    parts: list[str] = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" viewBox="0 0 {_WIDTH} {height}" '
        f'width="{_WIDTH}" height="{height}" role="img" aria-label="{escape(caption)}" '
        f'font-family="{FONT_STACK}" font-size="{_FONT_PX}">',
        f"<title>{escape(caption)}</title>",
    ]
    parts.extend(_axis(x, axis_max, height))
    for index, row in enumerate(rows):
        parts.extend(_row(x, row, _TOP + index * _ROW_H))
    if threshold is not None:
        tx = x(threshold)
        label = f"阈值 threshold {threshold_text(threshold, comparison)}"
        parts.append(
            f'<line x1="{tx:.1f}" y1="{_TOP - 6}" x2="{tx:.1f}" y2="{height - _BOTTOM + 4}" '
            f'stroke="{COLOUR_THRESHOLD}" stroke-width="2" stroke-dasharray="5 3"/>'
        )
        anchor = "end" if tx > (_PLOT_X0 + _PLOT_X1) / 2 else "start"
        parts.append(
            f'<text x="{tx:.1f}" y="{_TOP - 10}" text-anchor="{anchor}" '
            f'fill="{COLOUR_THRESHOLD}">{escape(label)}</text>'
        )
    parts.append("</svg>")
    return Markup("".join(parts))


def _axis_max(largest: float) -> float:
    # Zoom in for small rates (over-refusal ≤ 5%) so the bars stay readable.
    for candidate in (0.1, 0.2, 0.5):
        if largest <= candidate:
            return candidate
    return 1.0


def _axis(x: _Scale, axis_max: float, height: int) -> list[str]:
    bottom = height - _BOTTOM
    parts = [
        f'<line x1="{_PLOT_X0}" y1="{_TOP - 4}" x2="{_PLOT_X0}" y2="{bottom}" stroke="#616161"/>',
        f'<line x1="{_PLOT_X0}" y1="{bottom}" x2="{_PLOT_X1}" y2="{bottom}" stroke="#616161"/>',
    ]
    for step in range(5):
        value = axis_max * step / 4
        tx = x(value)
        if step:
            parts.append(
                f'<line x1="{tx:.1f}" y1="{_TOP - 4}" x2="{tx:.1f}" y2="{bottom}" '
                f'stroke="#e0e0e0"/>'
            )
        parts.append(
            f'<text x="{tx:.1f}" y="{bottom + 16}" text-anchor="middle" fill="#424242">'
            f"{escape(pct(value, 0 if axis_max >= 0.2 else 1))}</text>"
        )
    return parts


def _row(x: _Scale, row: ChartRow, top: int) -> list[str]:
    mid = top + _ROW_H / 2
    weight = ' font-weight="bold"' if row.bold else ""
    colour = _colour(row.meets)
    tip = row.tooltip or (
        f"{row.label}: {pct(row.rate)} [{pct(row.low)}, {pct(row.high)}] n={row.n}"
    )
    parts = [
        "<g>",
        f"<title>{escape(tip)}</title>",
        f'<text x="{_LABEL_W}" y="{mid + 4:.1f}" text-anchor="end"{weight} fill="#212121">'
        f"{escape(_fit(row.label, _LABEL_W - 4))}</text>",
    ]
    if row.rate is None:
        parts.append(
            f'<text x="{_PLOT_X0 + 6}" y="{mid + 4:.1f}" fill="#757575">无样本 no data</text>'
        )
    else:
        width = max(x(row.rate) - _PLOT_X0, 1.0)
        parts.append(
            f'<rect x="{_PLOT_X0}" y="{mid - _BAR_H / 2:.1f}" width="{width:.1f}" '
            f'height="{_BAR_H}" fill="{colour}" fill-opacity="0.85"/>'
        )
    if row.low is not None and row.high is not None:
        lx, hx = x(row.low), x(row.high)
        parts.append(
            f'<path d="M{lx:.1f} {mid:.1f}H{hx:.1f}M{lx:.1f} {mid - 5:.1f}V{mid + 5:.1f}'
            f'M{hx:.1f} {mid - 5:.1f}V{mid + 5:.1f}" stroke="#212121" stroke-width="1.5" '
            f'fill="none"/>'
        )
    if row.threshold is not None:
        tx = x(row.threshold)
        parts.append(
            f'<line x1="{tx:.1f}" y1="{top + 2}" x2="{tx:.1f}" y2="{top + _ROW_H - 2}" '
            f'stroke="{COLOUR_THRESHOLD}" stroke-width="2"/>'
        )
    value = f"{pct(row.rate)}  n={row.n}" if row.rate is not None else f"n={row.n}"
    parts.append(
        f'<text x="{_PLOT_X1 + 8}" y="{mid + 4:.1f}"{weight} fill="#212121">{escape(value)}</text>'
    )
    parts.append("</g>")
    return parts


def _colour(meets: bool | None) -> str:
    if meets is None:
        return COLOUR_UNKNOWN
    return COLOUR_MEETS if meets else COLOUR_MISSES


def _char_px(char: str) -> float:
    # SVG cannot measure text; CJK glyphs are about 1 em wide, Latin about 0.55 em.
    return _FONT_PX * (1.0 if ord(char) > 0x2E7F else 0.55)


def _fit(text: str, max_px: float) -> str:
    """Cut ``text`` to what fits in ``max_px``; the full text is in the row's tooltip."""
    if sum(_char_px(c) for c in text) <= max_px:
        return text
    used = float(_FONT_PX)  # room for the ellipsis
    for index, char in enumerate(text):
        used += _char_px(char)
        if used > max_px:
            return text[:index] + "…"
    return text
