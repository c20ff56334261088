"""The XLSX report in the regulator's 附件5 (评估测试题) layout, plus summary and metadata sheets.

Sheets: one per bank kind present (生成内容测试题, 应拒答测试题, 非拒答测试题) with the columns
序号, 测试题, 一级分类, 二级分类, 模型回答, 研判结果; then 汇总 (requirement results and per-risk
breakdown) and 运行信息 (how the run was made). Written in openpyxl's streaming mode so that large
runs do not hold every cell object in memory.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import Cell
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from hegui.reports._atomic import atomic_target
from hegui.reports.labels import (
    KIND_ORDER,
    KIND_ZH,
    METHOD_ZH,
    OUTCOME_ZH,
    STATUS_ZH,
    method_of,
    pct,
    split_title,
)
from hegui.reports.model import EvidenceRow, RequirementInfo, RunReport

ANNEX5_COLUMNS: tuple[str, ...] = ("序号", "测试题", "一级分类", "二级分类", "模型回答", "研判结果")
"""The columns of 附件5, exactly as the filing template names them."""
SUMMARY_SHEET = "汇总"
METADATA_SHEET = "运行信息"

EXCEL_CELL_LIMIT = 32_767
"""Excel refuses longer cell text."""
TRUNCATION_MARKER = "…［已截断，完整内容见 JSON 报告］"

# XML 1.0 forbids these; openpyxl raises IllegalCharacterError on them. Lone surrogates cannot be
# encoded as UTF-8 at all.
_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")

_ANNEX5_WIDTHS = (7, 50, 22, 30, 70, 10)
_HEADER_FONT = Font(bold=True)
_HEADER_FILL = PatternFill("solid", fgColor="F2F2F2")
_WRAP = Alignment(wrap_text=True, vertical="top")
_FAIL_FONT = Font(bold=True, color="C62828")
_PERCENT = "0.0%"


def write_xlsx(report: RunReport, path: str | os.PathLike[str]) -> Path:
    """Write the 附件5 workbook for ``report`` to ``path`` atomically and return the path."""
    workbook = Workbook(write_only=True)
    for kind in KIND_ORDER:
        rows = [row for row in report.evidence if row.kind is kind]
        if rows:
            _annex5_sheet(workbook, KIND_ZH[kind], rows)
    _summary_sheet(workbook, report)
    _metadata_sheet(workbook, report)
    try:
        with atomic_target(path) as tmp:
            workbook.save(tmp)
    except BaseException:
        _close_sheets(workbook)
        raise
    return Path(path)


def _close_sheets(workbook: Workbook) -> None:
    # A failed save leaves streaming sheets open on their temporary files; close them now rather
    # than when the garbage collector finds them.
    for sheet in workbook.worksheets:
        with contextlib.suppress(Exception):
            if not sheet.closed:
                sheet.close()


def clean_cell_text(text: str) -> str:
    """Strip characters XLSX cannot hold and cut text to Excel's cell limit with a marker."""
    text = _ILLEGAL.sub("", text)
    if len(text) > EXCEL_CELL_LIMIT:
        text = text[: EXCEL_CELL_LIMIT - len(TRUNCATION_MARKER)] + TRUNCATION_MARKER
    return text


def question_text(row: EvidenceRow) -> str:
    """测试题: the question, preceded by the earlier turns of a multi-turn item."""
    if not row.history:
        return row.question
    turns = [f"【上文{index}】{turn}" for index, turn in enumerate(row.history, start=1)]
    return "\n".join([*turns, f"【测试题】{row.question}"])


def answer_text(row: EvidenceRow) -> str:
    """模型回答: the answer, or the error when the item ended in one."""
    if row.answer is not None:
        return row.answer
    return f"【出错】{row.error}" if row.error else ""


def annex5_values(row: EvidenceRow, number: int) -> tuple[int, str, str, str, str, str]:
    """The six 附件5 cells of one evidence row (before cleaning)."""
    primary = row.category_name or row.category or ""
    # Should-not-refuse items often have no risk: their 二级分类 is the aspect they test.
    secondary = row.risk_name or row.risk or row.aspect_name or row.aspect or ""
    return (
        number,
        question_text(row),
        primary,
        secondary,
        answer_text(row),
        row.judgement_zh,
    )


def _annex5_sheet(workbook: Workbook, title: str, rows: Sequence[EvidenceRow]) -> None:
    sheet = _new_sheet(workbook, title, ANNEX5_COLUMNS, _ANNEX5_WIDTHS)
    for number, row in enumerate(rows, start=1):
        cells = [_cell(sheet, value) for value in annex5_values(row, number)]
        if row.passed is False:
            cells[-1] = _styled(sheet, cells[-1], font=_FAIL_FONT)
        sheet.append(cells)
    sheet.auto_filter.ref = f"A1:{get_column_letter(len(ANNEX5_COLUMNS))}{len(rows) + 1}"


_SUMMARY_COLUMNS = (
    "要求编号", "要求名称", "英文名称", "方法", "研判器", "成功数", "样本数", "最小样本",
    "比率", "区间下限", "区间上限", "比较", "阈值", "未判定", "出错", "结论", "结论(英)", "说明",
)  # fmt: skip
_SUMMARY_WIDTHS = (16, 30, 30, 12, 18, 8, 8, 9, 9, 9, 9, 6, 8, 8, 8, 10, 20, 50)
_BREAKDOWN_COLUMNS = (
    "要求编号", "风险代码/方面", "名称", "成功数", "样本数", "比率", "区间下限", "区间上限",
    "达到阈值",
)  # fmt: skip


def _summary_sheet(workbook: Workbook, report: RunReport) -> None:
    sheet = _new_sheet(workbook, SUMMARY_SHEET, _SUMMARY_COLUMNS, _SUMMARY_WIDTHS)
    for result in report.results:
        info = report.requirement_info.get(result.requirement, RequirementInfo())
        est = result.estimate
        title_zh, title_en = split_title(result.title, info.title_en)
        method = method_of(info.method, result, report.spec)
        values: list[Any] = [
            result.requirement,
            title_zh,
            title_en,
            METHOD_ZH.get(method, method) if method else "",
            result.judge or "",
            est.successes if est else None,
            est.n if est else None,
            result.min_sample,
            est.rate if est else None,
            est.low if est else None,
            est.high if est else None,
            result.comparison or "",
            result.threshold,
            result.unscored,
            result.errors,
            OUTCOME_ZH[result.outcome],
            result.outcome.value,
            result.note,
        ]
        cells = [_cell(sheet, value) for value in values]
        for index in (8, 9, 10, 12):
            cells[index] = _styled(sheet, cells[index], number_format=_PERCENT)
        sheet.append(cells)
    sheet.append([])
    status = STATUS_ZH.get(report.status, report.status)
    overall = ("总体结论", report.overall, status)
    sheet.append([_cell(sheet, value, bold=index < 2) for index, value in enumerate(overall)])
    breakdown = [(r.requirement, part) for r in report.results for part in r.breakdown]
    if not breakdown:
        return
    sheet.append([])
    sheet.append([_cell(sheet, "分项 Breakdown", bold=True)])
    sheet.append([_cell(sheet, name, bold=True) for name in _BREAKDOWN_COLUMNS])
    for requirement, part in breakdown:
        est = part.estimate
        meets = {True: "是", False: "否", None: ""}[part.meets_threshold]
        counts = (requirement, part.key, part.name, est.successes, est.n)
        cells = [_cell(sheet, value) for value in (*counts, est.rate, est.low, est.high, meets)]
        for index in (5, 6, 7):
            cells[index] = _styled(sheet, cells[index], number_format=_PERCENT)
        sheet.append(cells)


def _metadata_sheet(workbook: Workbook, report: RunReport) -> None:
    sheet = _new_sheet(workbook, METADATA_SHEET, ("项目", "值"), (34, 100))
    for key, value in metadata_rows(report):
        sheet.append([_cell(sheet, key), _cell(sheet, value)])


def metadata_rows(report: RunReport) -> Iterable[tuple[str, Any]]:
    """The 运行信息 sheet as (field, value) pairs, Chinese label first."""
    spec, stats = report.spec, report.stats
    yield "项目 Project", getattr(spec, "project", "")
    yield "运行编号 Run id", spec.run_id
    yield "状态 Status", f"{STATUS_ZH.get(report.status, report.status)} {report.status}"
    yield "总体结论 Overall", report.overall
    yield "创建时间 Created", spec.created_at.isoformat(timespec="seconds")
    yield "报告生成 Generated", report.generated_at.isoformat(timespec="seconds")
    yield "hegui 版本 Version", spec.hegui_version
    yield "配置文件 Config", spec.config_path or ""
    yield "政策包 Pack", f"{spec.pack} — {report.pack_title}"
    yield "政策包版本 Pack version", spec.pack_version
    yield "政策包 SHA-256", spec.pack_sha256
    for key, value in sorted(spec.policy_overrides.items()):
        yield f"覆盖值 Override: {key}", _plain(value)
    for bank in spec.banks:
        yield (
            f"题库 Bank: {bank.name}",
            f"{bank.path}\n题数 items {bank.items} · 版本 version {bank.version or '—'} · "
            f"更新 updated {bank.updated or '—'}\nSHA-256 {bank.sha256}",
        )
    yield "被测服务类型 Target kind", spec.target.kind
    yield "被测服务名称 Target name", spec.target.name
    yield "被测服务标识 Target identity", spec.target.identity
    for key, value in sorted(spec.target.details.items()):
        yield f"被测服务参数 Target: {key}", _plain(value)
    yield "模型版本 Model version", spec.model_version or ""
    yield "随机种子 Seed", spec.seed
    yield "每题采样次数 Samples per item", spec.samples_per_item
    yield "并发数 Concurrency", spec.concurrency
    yield "题目上限 Limit", spec.limit if spec.limit is not None else ""
    yield "回答缓存 Answer cache", "启用 on" if spec.cache else "关闭 off"
    for judge, version in sorted(spec.judges.items()):
        yield f"研判器 Judge: {judge}", version
    for judge, options in sorted(spec.judge_options.items()):
        yield f"研判器参数 Judge options: {judge}", _plain(options)
    for method, assigned in sorted(spec.methods.items()):
        label = f"方法 Method: {METHOD_ZH.get(method, method)} {method}"
        yield label, assigned or "未指定 unassigned"
    yield "计划 Planned", stats.planned
    yield "已答 Answered", stats.answered
    yield "缓存回答 Cached answers", stats.cached
    yield "出错 Errors", stats.errors
    yield "容错上限 Error budget", pct(spec.error_budget)
    yield "超出容错 Error budget exceeded", "是 yes" if stats.error_budget_exceeded else "否 no"
    yield "开始 Started", stats.started_at.isoformat(timespec="seconds") if stats.started_at else ""
    yield (
        "结束 Finished",
        stats.finished_at.isoformat(timespec="seconds") if stats.finished_at else "",
    )
    yield "耗时（秒） Wall seconds", stats.wall_seconds if stats.wall_seconds is not None else ""
    for message, count in sorted(stats.error_messages.items(), key=lambda kv: -kv[1]):
        yield f"错误 Error ×{count}", message


def _plain(value: Any) -> str:
    if isinstance(value, str):
        return value
    return json.dumps(value, ensure_ascii=False, default=str)


def _new_sheet(
    workbook: Workbook, title: str, columns: Sequence[str], widths: Sequence[float]
) -> Any:
    sheet = workbook.create_sheet(title)
    # Streaming sheets take layout settings only before the first row is appended.
    sheet.freeze_panes = "A2"
    for index, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    header = [_cell(sheet, name, bold=True) for name in columns]
    for cell in header:
        cell.fill = _HEADER_FILL
    sheet.append(header)
    return sheet


_WRAP_FROM = 24


def _styled(
    sheet: Any, cell: Any, *, font: Any = None, number_format: str | None = None
) -> WriteOnlyCell:
    """``cell`` (a value or a cell from :func:`_cell`) as a cell with a font or number format."""
    if not isinstance(cell, Cell):
        value = cell
        cell = WriteOnlyCell(sheet, value=value)
        if isinstance(value, str):
            cell.data_type = "s"
    if font is not None:
        cell.font = font
    if number_format is not None:
        cell.number_format = number_format
    return cell


def _cell(sheet: Any, value: Any, *, bold: bool = False) -> Any:
    """A cell whose long text wraps; strings are cleaned and always stored as text.

    Plain values are returned as they are (openpyxl writes them fastest); a cell object is made
    only where a style is needed or a string could be taken for a formula.
    """
    if isinstance(value, str):
        value = clean_cell_text(value)
        wrap = len(value) > _WRAP_FROM or "\n" in value
        if not (bold or wrap or value.startswith("=")):
            return value
    elif not bold:
        return value
    cell = WriteOnlyCell(sheet, value=value)
    if isinstance(value, str):
        # A model answer starting with "=" must stay text, never become a formula.
        cell.data_type = "s"
        # Styling costs openpyxl a style lookup; only text long enough to need wrapping gets it.
        if wrap:
            cell.alignment = _WRAP
    if bold:
        cell.font = _HEADER_FONT
    return cell
