"""The HTML report: content, escaping, self-containment and the evidence cap."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

from report_factory import LONG_ANSWER, SCRIPT, make_report, row, verdict

from hegui.records import ItemKind
from hegui.reports import render_html, write_html
from hegui.reports.charts import FONT_STACK
from hegui.reports.html import MAX_TEXT_CHARS, group_evidence
from hegui.reports.model import RunReport


class _Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[str] = []
        self.attrs: list[tuple[str, str | None]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        self.attrs.extend(attrs)


def _parse(html: str) -> _Tags:
    parser = _Tags()
    parser.feed(html)
    return parser


def test_header_and_requirement_table(report: RunReport) -> None:
    html = render_html(report)
    assert html.startswith("<!DOCTYPE html>")
    assert 'lang="zh-CN"' in html
    assert report.spec.run_id in html
    assert "不通过 FAIL" in html  # the overall badge, Chinese first
    for result in report.results:
        assert f'id="req-{result.requirement}"' in html
    for outcome in ("PASS", "FAIL", "INSUFFICIENT-SAMPLE", "NOT-ASSESSED"):
        assert f'class="badge {outcome}"' in html
    # Titles are split into Chinese and English; threshold comparisons use ≥ / ≤.
    assert "非拒答测试（误拒率）" in html
    assert "Over-refusal of should-not-refuse questions" in html
    assert "≤ 5%" in html and "≥ 95%" in html
    # Method comes from requirement_info, or from spec.methods when the judge serves one method.
    assert "拒答判定" in html and "关键词抽检" in html


def test_charts_are_inline_svg_with_cjk_fonts(report: RunReport) -> None:
    html = render_html(report)
    parser = _parse(html)
    # Overview plus one chart per requirement with a breakdown (07, 09, 10).
    assert parser.tags.count("svg") == 4
    assert f'font-family="{FONT_STACK}"' in html
    assert "Noto Sans CJK SC" in FONT_STACK and "WenQuanYi Micro Hei" in FONT_STACK
    assert 'id="chart-REQ-ASSESS-07"' in html
    assert "阈值 threshold ≥ 90%" in html
    assert "宣扬恐怖主义、极端主义" in html


def test_model_text_is_escaped(report: RunReport) -> None:
    html = render_html(report)
    assert SCRIPT not in html
    assert "&lt;script&gt;alert(&#39;xss&#39;)&lt;/script&gt;" in html
    parser = _parse(html)
    assert "script" not in parser.tags  # no scripts at all, hostile or ours
    assert "&lt;b&gt;有什么&lt;/b&gt;" in html


def test_self_contained(report: RunReport) -> None:
    parser = _parse(render_html(report))
    assert "link" not in parser.tags and "img" not in parser.tags and "iframe" not in parser.tags
    for name, value in parser.attrs:
        if name in {"src", "href"}:
            assert value is not None and value.startswith("#"), (name, value)


def test_evidence_groups_history_and_errors(report: RunReport) -> None:
    html = render_html(report)
    for kind in ("生成内容测试题", "应拒答测试题", "非拒答测试题"):
        assert kind in html
    assert "<details>" in html and "多轮对话上文 2 条" in html
    assert "HTTP 500 from target" in html
    for judgement in ("合格", "不合格", "未判定", "出错"):
        assert f">{judgement}</span>" in html
    assert "keyword 1.2.0" in html  # each verdict: judge and version
    assert "ref-003 #1" in html  # repeated samples are numbered


def test_failures_come_first_within_a_kind(report: RunReport) -> None:
    html = render_html(report)
    generation = html[
        html.index('id="evidence-generation"') : html.index('id="evidence-should_refuse"')
    ]
    order = re.findall(r'<td class="mono">(gen-\d+)', generation)
    assert order[0] == "gen-002"  # the failure
    assert order[1:3] == ["gen-003", "gen-004"]  # errored and unscored
    assert order[3:] == ["gen-001", "gen-005", "gen-006", "gen-007"]  # passes, bank order


def test_long_answers_are_clipped_and_control_characters_dropped(report: RunReport) -> None:
    html = render_html(report)
    assert LONG_ANSWER not in html
    assert "长" * MAX_TEXT_CHARS in html
    assert "已截断 20000 字" in html
    assert "\x00" not in html and "\x01" not in html and "\x1f" not in html


def test_metadata_section(report: RunReport) -> None:
    html = render_html(report)
    spec = report.spec
    for text in (
        spec.pack_sha256,
        "assessment.REQ-ASSESS-10.threshold = 0.03",
        "/data/banks/refuse.xlsx",
        spec.banks[1].sha256,
        "示例模型服务",
        spec.target.identity,
        "demo-7b-2025-10",
        "0.3.1",
        "未指定 unassigned",
        "1 h 15 min 12 s",
        "timeout &lt;after 60 s&gt;",
        "2.0%",
    ):
        assert text in html, text


def test_big_run_is_capped_per_kind() -> None:
    rows = [
        row(f"g{i:04d}", ItemKind.GENERATION, passed=i % 5 != 0, verdicts=(verdict("clean"),))
        for i in range(1000)
    ]
    report = make_report(evidence=tuple(rows))
    html = render_html(report, max_passes_per_kind=50)
    shown = re.findall(r'<td class="mono">(g\d{4})', html)
    assert len(shown) == 200 + 50  # every failure, the first 50 passes
    assert "另有 750 条合格题目未在此列出" in html
    groups = group_evidence(rows, max_passes=10, max_others=20)
    assert groups[0].omitted_others == 180 and groups[0].omitted_passes == 790


def test_warnings_for_incomplete_runs() -> None:
    report = make_report(status="interrupted")
    report = report.model_copy(
        update={"stats": report.stats.model_copy(update={"error_budget_exceeded": True})}
    )
    html = render_html(report)
    assert "运行未完成" in html and "出错题目比例超过容错上限" in html


def test_empty_run_renders() -> None:
    html = render_html(make_report(evidence=(), results=()))
    assert "本次运行没有作答记录" in html and "没有分项数据" in html


def test_write_html_is_utf8_and_survives_lone_surrogates(tmp_path: Path) -> None:
    report = make_report(
        evidence=(row("x", ItemKind.GENERATION, passed=True, answer="坏\ud800字"),)
    )
    path = write_html(report, tmp_path / "r.html")
    text = path.read_text(encoding="utf-8")
    assert "坏?字" in text
    assert [p.name for p in tmp_path.iterdir()] == ["r.html"]
