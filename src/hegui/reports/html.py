"""The HTML report: one self-contained file (inline CSS and SVG, no scripts, no external assets).

Layout only: every number shown comes from the :class:`RunReport`. Jinja2 autoescaping is on for
all templates because answers contain arbitrary model text.
"""

from __future__ import annotations

import json
import os
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from functools import cache
from pathlib import Path
from typing import Any

from jinja2 import Environment, PackageLoader, StrictUndefined
from markupsafe import Markup

from hegui.fairness.results import MEASURE_TITLES
from hegui.records import ItemKind, RequirementResult
from hegui.reports._atomic import write_text_atomic
from hegui.reports.charts import FONT_STACK, overview_chart, requirement_chart
from hegui.reports.fairness_section import fairness_chart
from hegui.reports.labels import (
    COMPARISON_SYMBOL,
    JUDGEMENT_EN,
    KIND_EN,
    KIND_ORDER,
    KIND_ZH,
    MEASURE_ZH,
    METHOD_ZH,
    OUTCOME_ZH,
    OVERALL_ZH,
    STATUS_ZH,
    interval_text,
    judgement_css,
    method_of,
    pct,
    split_title,
    threshold_text,
)
from hegui.reports.model import EvidenceRow, RequirementInfo, RunReport

MAX_PASSES_PER_KIND = 200
"""Passing evidence rows rendered per bank kind; the JSON and XLSX reports carry all of them."""
MAX_OTHERS_PER_KIND = 5000
"""Failing, unscored and errored rows rendered per bank kind (a guard for pathological runs)."""
MAX_TEXT_CHARS = 20_000
"""Longest question or answer shown in full; longer text is cut with a marker."""


_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


@dataclass(frozen=True)
class RequirementView:
    """A requirement result with the labels and chart the template shows beside it."""

    result: RequirementResult
    info: RequirementInfo
    chart: Markup
    title_zh: str
    title_en: str
    method: str | None


@dataclass(frozen=True)
class EvidenceGroup:
    """The evidence rows of one bank kind, failures first, capped for the browser."""

    kind: ItemKind
    total: int
    counts: dict[str, int]
    """研判结果 → number of rows."""
    rows: list[EvidenceRow] = field(default_factory=list)
    omitted_passes: int = 0
    omitted_others: int = 0

    @property
    def title_zh(self) -> str:
        return KIND_ZH[self.kind]

    @property
    def title_en(self) -> str:
        return KIND_EN[self.kind]


def render_html(
    report: RunReport,
    *,
    max_passes_per_kind: int = MAX_PASSES_PER_KIND,
    max_others_per_kind: int = MAX_OTHERS_PER_KIND,
) -> str:
    """Render ``report`` as one self-contained HTML document.

    The evidence table shows, per bank kind, every failing, unscored and errored row (up to
    ``max_others_per_kind``) and the first ``max_passes_per_kind`` passing rows, with a note
    saying how many were left out.
    """
    template = _environment().get_template("report.html")
    views = [_requirement_view(report, result) for result in report.results]
    return template.render(
        report=report,
        spec=report.spec,
        stats=report.stats,
        requirements=views,
        overview=overview_chart(
            report.results, {view.result.requirement: view.title_zh for view in views}
        ),
        groups=group_evidence(report.evidence, max_passes_per_kind, max_others_per_kind),
        generated=_when(report.generated_at),
        font_stack=FONT_STACK,
    )


def write_html(report: RunReport, path: str | os.PathLike[str], **options: int) -> Path:
    """Render ``report`` (see :func:`render_html` for ``options``) and write it atomically."""
    # A lone surrogate in model text must not stop the report; the browser shows "?".
    return write_text_atomic(path, render_html(report, **options), errors="replace")


def _requirement_view(report: RunReport, result: RequirementResult) -> RequirementView:
    info = report.requirement_info.get(result.requirement, RequirementInfo())
    title_zh, title_en = split_title(result.title, info.title_en)
    return RequirementView(
        result=result,
        info=info,
        chart=requirement_chart(result, info.measure),
        title_zh=title_zh,
        title_en=title_en,
        method=method_of(info.method, result, report.spec),
    )


def group_evidence(
    evidence: Sequence[EvidenceRow], max_passes: int, max_others: int
) -> list[EvidenceGroup]:
    """Group rows by bank kind (附件5 order), failures first, then unscored/errored, then passes."""
    groups: list[EvidenceGroup] = []
    for kind in KIND_ORDER:
        rows = [row for row in evidence if row.kind is kind]
        if not rows:
            continue
        # Stable sort: within each class the builder's order (bank order) is kept.
        rows.sort(key=lambda row: {False: 0, None: 1, True: 2}[row.passed])
        passes = [row for row in rows if row.passed is True]
        others = [row for row in rows if row.passed is not True]
        groups.append(
            EvidenceGroup(
                kind=kind,
                total=len(rows),
                counts=dict(Counter(row.judgement_zh for row in rows)),
                rows=others[:max_others] + passes[:max_passes],
                omitted_passes=max(len(passes) - max_passes, 0),
                omitted_others=max(len(others) - max_others, 0),
            )
        )
    return groups


@cache
def _environment() -> Environment:
    env = Environment(
        loader=PackageLoader("hegui.reports", "templates"),
        autoescape=True,  # every template is HTML; model answers are untrusted text
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters.update(
        pct=pct,
        interval=interval_text,
        threshold=threshold_text,
        judgement_css=judgement_css,
        clip=_clip,
        compact=_compact,
        when=_when,
        seconds=_seconds,
    )
    env.globals.update(
        OUTCOME_ZH=OUTCOME_ZH,
        OVERALL_ZH=OVERALL_ZH,
        STATUS_ZH=STATUS_ZH,
        METHOD_ZH=METHOD_ZH,
        MEASURE_ZH=MEASURE_ZH,
        JUDGEMENT_EN=JUDGEMENT_EN,
        COMPARISON_SYMBOL=COMPARISON_SYMBOL,
        KIND_ZH=KIND_ZH,
        KIND_EN=KIND_EN,
        fairness_chart=fairness_chart,
        FAIRNESS_MEASURES=MEASURE_TITLES,
    )
    return env


def _clip(text: str | None, limit: int = MAX_TEXT_CHARS) -> str:
    """Cut very long model text so one answer cannot make the page unusable.

    C0 control characters (other than tab and newlines) are dropped: HTML forbids them.
    """
    if text is None:
        return ""
    text = _CONTROL.sub("", text)
    if len(text) <= limit:
        return text
    cut = len(text) - limit
    return f"{text[:limit]}\n…［已截断 {cut} 字，完整内容见 JSON 报告 / {cut} chars cut, see JSON］"


def _compact(value: Any) -> str:
    """A dict or list as one line of JSON (escaped later by the template)."""
    if isinstance(value, str):
        return value
    return json.dumps(value, ensure_ascii=False, default=str, sort_keys=True)


def _when(value: datetime | None) -> str:
    return "—" if value is None else value.isoformat(sep=" ", timespec="seconds")


def _seconds(value: float | None) -> str:
    if value is None:
        return "—"
    minutes, secs = divmod(value, 60)
    hours, minutes = divmod(int(minutes), 60)
    if hours:
        return f"{hours} h {minutes} min {secs:.0f} s"
    if minutes:
        return f"{minutes} min {secs:.0f} s"
    return f"{secs:.1f} s"
