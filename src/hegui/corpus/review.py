"""The manual-sampling round trip (REQ-ASSESS-03): export the review sample to a workbook for
reviewers, import their 研判结果 (合格 / 不合格) back into the audit.

The export holds one row per sampled document with its text and the automated flags; the import
validates every row against the sample (errors name the workbook, sheet, row and column) and
stores the verdicts in ``review.json``. Blank verdicts mean "not reviewed yet": a partial import
is allowed and the check stays failing until enough documents are reviewed.
"""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from openpyxl import Workbook, load_workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.worksheet.datavalidation import DataValidation

from hegui.corpus.audit import load_report
from hegui.corpus.errors import ReviewError
from hegui.corpus.finalize import read_review_sample
from hegui.corpus.layout import AuditDir
from hegui.corpus.report_model import ReviewSummary
from hegui.reports._atomic import atomic_target, write_text_atomic
from hegui.reports.xlsx import clean_cell_text

SHEET = "人工抽检"
META_SHEET = "_meta"
COLUMNS = ("序号", "样本编号", "文档ID", "来源", "文本", "自动检测标记", "研判结果", "备注")
VERDICT_COLUMN = "研判结果"
KEY_COLUMN = "样本编号"
ACCEPTABLE = {"合格": True, "不合格": False, "pass": True, "fail": False}
"""Accepted 研判结果 values (Chinese as in the filing forms; English aliases)."""
_WIDTHS = (7, 28, 18, 14, 90, 28, 10, 24)


def export_review(out: Path, workbook_path: Path) -> int:
    """Write the audit's review sample to ``workbook_path``; return the number of rows."""
    layout = AuditDir(out)
    entries = read_review_sample(layout)
    report = load_report(out)
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = SHEET
    sheet.append(list(COLUMNS))
    for cell in sheet[1]:
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="F2F2F2")
    wrap = Alignment(wrap_text=True, vertical="top")
    for number, entry in enumerate(entries, start=1):
        text = entry.text + ("…［已截断］" if entry.truncated else "")
        flags = "、".join(entry.flags) if entry.scanned else "（未抽入技术检测）"
        sheet.append(
            [number, entry.key, entry.id, entry.source, clean_cell_text(text), flags, None, None]
        )
        sheet.cell(row=number + 1, column=5).alignment = wrap
    for index, width in enumerate(_WIDTHS, start=1):
        sheet.column_dimensions[chr(64 + index)].width = width
    sheet.freeze_panes = "A2"
    if entries:
        choice = DataValidation(type="list", formula1='"合格,不合格"', allow_blank=True)
        choice.error = "请填写 合格 或 不合格"
        sheet.add_data_validation(choice)
        choice.add(f"G2:G{len(entries) + 1}")
    meta = workbook.create_sheet(META_SHEET)
    for key, value in (
        ("plan", report.plan),
        ("seed", report.options.seed),
        ("sample", len(entries)),
        ("instructions", "在“研判结果”列填写 合格 或 不合格；留空表示尚未研判。"),
    ):
        meta.append([key, value])
    meta.sheet_state = "hidden"
    with atomic_target(workbook_path) as tmp:
        workbook.save(tmp)
    return len(entries)


def import_review(out: Path, workbook_path: Path) -> ReviewSummary:
    """Validate the reviewers' workbook against the audit's sample and store the verdicts.

    Raises :class:`ReviewError` naming the sheet, row and column of the first bad cell.
    """
    layout = AuditDir(out)
    sample = {e.key: e for e in read_review_sample(layout)}
    report = load_report(out)
    where = str(workbook_path)
    if not workbook_path.is_file():
        raise ReviewError("workbook not found", path=where)
    data = workbook_path.read_bytes()
    try:
        workbook = load_workbook(workbook_path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for non-workbooks
        raise ReviewError(f"not a readable XLSX workbook: {exc}", path=where) from exc
    try:
        verdicts = _read_verdicts(workbook, where, sample, report.plan)
    finally:
        workbook.close()
    acceptable = sum(1 for v in verdicts.values() if v)
    summary = ReviewSummary(
        workbook=str(workbook_path),
        sha256=hashlib.sha256(data).hexdigest(),
        imported_at=datetime.now(tz=UTC),
        sample=len(sample),
        reviewed=len(verdicts),
        acceptable=acceptable,
        unacceptable=len(verdicts) - acceptable,
    )
    payload = {
        "summary": summary.model_dump(mode="json"),
        "verdicts": [{"key": k, "acceptable": v} for k, v in verdicts.items()],
    }
    write_text_atomic(layout.review, json.dumps(payload, ensure_ascii=False, indent=1))
    return summary


def _read_verdicts(workbook: Any, where: str, sample: dict[str, Any], plan: str) -> dict[str, bool]:
    if SHEET not in workbook.sheetnames:
        raise ReviewError(f"no sheet {SHEET!r} (export one with review-export)", path=where)
    if META_SHEET in workbook.sheetnames:
        meta = {r[0]: r[1] for r in workbook[META_SHEET].iter_rows(values_only=True) if r}
        if meta.get("plan") not in (None, plan):
            raise ReviewError(
                "the workbook was exported from another audit (plan fingerprint differs)",
                path=where,
                sheet=META_SHEET,
            )
    rows = workbook[SHEET].iter_rows(values_only=True)
    header = [str(c).strip() if c is not None else "" for c in next(rows, ())]
    for needed in (KEY_COLUMN, VERDICT_COLUMN):
        if needed not in header:
            raise ReviewError(f"missing column {needed!r}", path=where, sheet=SHEET, row=1)
    key_at, verdict_at = header.index(KEY_COLUMN), header.index(VERDICT_COLUMN)
    verdicts: dict[str, bool] = {}
    seen: set[str] = set()
    for number, row in enumerate(rows, start=2):
        cells = list(row) + [None] * (len(header) - len(row))
        key, verdict = cells[key_at], cells[verdict_at]
        if key is None and verdict is None:
            continue
        if key is None or str(key).strip() not in sample:
            raise ReviewError(
                f"{key!r} is not a document of this audit's review sample",
                path=where,
                sheet=SHEET,
                row=number,
                column=KEY_COLUMN,
            )
        key = str(key).strip()
        if key in seen:
            raise ReviewError(
                "this document is listed twice",
                path=where,
                sheet=SHEET,
                row=number,
                column=KEY_COLUMN,
            )
        seen.add(key)
        if verdict is None or not str(verdict).strip():
            continue
        value = ACCEPTABLE.get(str(verdict).strip())
        if value is None:
            raise ReviewError(
                f"{verdict!r} is not a verdict: write 合格 or 不合格 (or leave it empty)",
                path=where,
                sheet=SHEET,
                row=number,
                column=VERDICT_COLUMN,
            )
        verdicts[key] = value
    return verdicts
