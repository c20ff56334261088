"""Renderers of the corpus report: JSON, a self-contained HTML page and an XLSX workbook.

They only lay out what :class:`CorpusReport` holds; nothing is computed here.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

from jinja2 import Environment, PackageLoader, StrictUndefined
from openpyxl import Workbook
from openpyxl.styles import Font, PatternFill

from hegui.corpus.layout import AuditDir
from hegui.corpus.policy import POLICY_BASIS
from hegui.corpus.provenance import FINDING_TITLES
from hegui.corpus.report_model import CorpusReport, SourceSummary
from hegui.corpus.results import ReasonCount
from hegui.corpus.scanners.base import REASONS
from hegui.records import RateEstimate
from hegui.reports._atomic import atomic_target, write_text_atomic

STATUS_ZH = {"pass": "通过", "fail": "不通过", "pending": "待定", "info": "提示"}
VERDICT_ZH = {
    "keep": "保留",
    "blacklist": "列入黑名单",
    "no_data": "无数据",
    "unassessed": "未评估",
}
LEVEL_ZH = {"error": "错误", "warning": "警告", "info": "提示"}
TYPE_ZH = {
    "open_source": "开源",
    "self_collected": "自采",
    "commercial": "商业",
    "user_input": "使用者输入",
}
ORIGIN_ZH = {"domestic": "境内", "foreign": "境外"}


def pct(value: float | None) -> str:
    return "—" if value is None else f"{value:.2%}"


def interval(estimate: RateEstimate | None) -> str:
    if estimate is None or estimate.low is None or estimate.high is None:
        return "—"
    return f"{estimate.low:.2%} – {estimate.high:.2%}"


def _value(value: object) -> str:
    return ", ".join(map(str, value)) if isinstance(value, (list, tuple)) else str(value)


def reason_zh(reason: str) -> str:
    info = REASONS.get(reason)
    return info.title_zh if info else reason


def _per_source(source: SourceSummary, reason: ReasonCount) -> int:
    return next(
        (x.docs for x in source.reasons if x.reason == reason.reason and x.risk == reason.risk), 0
    )


@cache
def _environment() -> Environment:
    return Environment(
        loader=PackageLoader("hegui.corpus", "templates"),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )


def render_html(report: CorpusReport) -> str:
    """The report as one self-contained HTML page."""
    policy_rows = [(k, _value(v)) for k, v in report.policy.model_dump().items()]
    return (
        _environment()
        .get_template("report.html")
        .render(
            r=report,
            status_zh=STATUS_ZH,
            verdict_zh=VERDICT_ZH,
            level_zh=LEVEL_ZH,
            type_zh=TYPE_ZH,
            origin_zh=ORIGIN_ZH,
            finding_zh=FINDING_TITLES,
            basis=POLICY_BASIS,
            policy_rows=policy_rows,
            pct=pct,
            interval=interval,
            reason_zh=reason_zh,
            per_source=_per_source,
            n=lambda x: f"{x:,}",
        )
    )


_HEADER_FONT = Font(bold=True)
_HEADER_FILL = PatternFill("solid", fgColor="F2F2F2")


def _sheet(workbook: Workbook, title: str, header: list[str], rows: list[list[object]]) -> None:
    sheet = workbook.create_sheet(title)
    sheet.append(header)
    for cell in sheet[1]:
        cell.font, cell.fill = _HEADER_FONT, _HEADER_FILL
    for row in rows:
        sheet.append(row)
    sheet.freeze_panes = "A2"
    for column, name in zip(sheet.columns, header, strict=False):
        width = max([len(str(name)) * 2, *(len(str(c.value or "")) for c in column)][:200])
        sheet.column_dimensions[column[0].column_letter].width = min(max(width + 2, 8), 60)


def write_xlsx(report: CorpusReport, path: Path) -> None:
    """The report as a workbook: 结论, 来源, 原因统计, 溯源问题, 分片读取问题, 读取问题, 阈值."""
    workbook = Workbook()
    workbook.remove(workbook.active)
    _sheet(
        workbook,
        "结论",
        ["要求", "内容", "结果", "实测", "要求值", "置信区间下限", "置信区间上限", "说明"],
        [
            [
                c.id, c.title_zh, STATUS_ZH[c.status.value], c.measured, c.required,
                c.estimate.low if c.estimate else None, c.estimate.high if c.estimate else None,
                c.detail,
            ]
            for c in report.checks
        ],
    )  # fmt: skip
    _sheet(
        workbook,
        "来源",
        [
            "来源", "类型", "境内/境外", "许可证", "文件", "分片", "文档", "已检测", "字符", "字节",
            "抽样", "抽检违规", "抽检违规率", "置信区间下限", "置信区间上限", "全量违规",
            "完全重复", "近似重复", "结论",
        ],
        [
            [
                s.id, TYPE_ZH.get(s.type, s.type), ORIGIN_ZH.get(s.origin, s.origin), s.licence,
                s.files, s.shards, s.docs, s.scanned, s.chars, s.bytes, s.sample.n,
                s.sample.successes, s.sample.rate, s.sample.low, s.sample.high, s.violations,
                s.duplicates_exact, s.duplicates_near, VERDICT_ZH[s.verdict.value],
            ]
            for s in report.sources
        ],
    )  # fmt: skip
    _sheet(
        workbook,
        "原因统计",
        ["来源", "原因", "说明", "风险代码", "文档数", "命中次数"],
        [
            [s.id, x.reason, reason_zh(x.reason), x.risk, x.docs, x.hits]
            for s in report.sources
            for x in s.reasons
        ],
    )
    _sheet(
        workbook,
        "溯源问题",
        ["级别", "来源", "要求", "问题", "说明"],
        [
            [LEVEL_ZH[f.level.value], f.source, f.requirement,
             FINDING_TITLES.get(f.code, f.code), f.message]
            for f in report.findings
        ],
    )  # fmt: skip
    _sheet(
        workbook,
        "分片读取问题",
        ["来源", "分片", "文件", "问题类型", "计数"],
        [
            [s.id, f.shard, f.path, kind, count]
            for s in report.sources
            for f in s.problem_files
            for kind, count in f.problems.items()
        ],
    )
    _sheet(
        workbook,
        "读取问题",
        ["来源", "类型", "文件", "行", "说明"],
        [
            [s.id, p.kind, p.path, p.line, p.message]
            for s in report.sources
            for p in s.problem_examples
        ],
    )
    _sheet(
        workbook,
        "阈值",
        ["参数", "取值", "要求", "确定性", "依据"],
        [
            [k, _value(v), *POLICY_BASIS.get(k, ("", "", ""))]
            for k, v in report.policy.model_dump().items()
        ],
    )
    with atomic_target(path) as tmp:
        workbook.save(tmp)


def write_outputs(report: CorpusReport, layout: AuditDir) -> list[Path]:
    """report.json, report.html and report.xlsx in the audit folder (each written atomically)."""
    json_path = layout.root / "report.json"
    html_path = layout.root / "report.html"
    xlsx_path = layout.root / "report.xlsx"
    write_text_atomic(json_path, report.model_dump_json(indent=2))
    write_text_atomic(html_path, render_html(report), errors="replace")
    write_xlsx(report, xlsx_path)
    return [json_path, html_path, xlsx_path]
