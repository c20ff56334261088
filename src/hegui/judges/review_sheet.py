"""The review workbook: answers out to reviewers as XLSX, their 研判结果 back in, validated.

Sheet ``人工抽检`` has one row per sampled answer; reviewers fill ``研判结果`` (合格 / 不合格,
offered as a drop-down), ``理由`` and ``审核人``. Sheet ``说明`` holds the run id and the
instructions. Importing checks every filled row and reports every problem at once, each naming
the sheet, the row and the column; nothing is stored unless the whole file is valid.
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Final

from hegui.errors import JudgeError
from hegui.judges.human import VERDICT_OF_ZH, VERDICT_ZH
from hegui.records import Verdict
from hegui.store.store import PlannedItem, Review

SHEET: Final = "人工抽检"
INFO_SHEET: Final = "说明"
COLUMNS: Final = (
    ("序号", 6),
    ("题目编号", 16),
    ("采样", 6),
    ("风险编号", 9),
    ("风险名称", 18),
    ("测试题", 40),
    ("模型回答", 60),
    ("机器研判", 14),
    ("研判结果", 10),
    ("理由", 30),
    ("审核人", 10),
)
REQUIRED: Final = ("题目编号", "采样", "研判结果", "审核人")
MAX_CELL = 32_000
"""Excel's cell limit is 32,767 characters; longer answers are cut with a marker."""


class ReviewError(JudgeError):
    """A review workbook that cannot be imported; the message lists every problem found."""


def _cell(text: str) -> str:
    return text if len(text) <= MAX_CELL else text[:MAX_CELL] + " …[截断]"


def export_workbook(
    path: str | os.PathLike[str],
    run_id: str,
    sample: Sequence[PlannedItem],
    answers: Mapping[tuple[str, int], str],
    machine: Mapping[tuple[str, int], Verdict],
    risk_names: Mapping[str, str],
) -> Path:
    """Write the review workbook for ``sample`` (answers keyed by (item, sample))."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font
    from openpyxl.worksheet.datavalidation import DataValidation

    book = Workbook()
    sheet = book.active
    sheet.title = SHEET
    sheet.append([name for name, _ in COLUMNS])
    for index, (_, width) in enumerate(COLUMNS, start=1):
        sheet.column_dimensions[sheet.cell(row=1, column=index).column_letter].width = width
        sheet.cell(row=1, column=index).font = Font(bold=True)
    wrap = Alignment(wrap_text=True, vertical="top")
    for number, planned in enumerate(sample, start=1):
        item = planned.item
        verdict = machine.get(planned.key)
        shown = (
            f"{VERDICT_ZH.get(verdict.label, verdict.label)} ({verdict.judge})" if verdict else ""
        )
        sheet.append(
            [
                number,
                item.id,
                planned.sample,
                item.risk or "",
                risk_names.get(item.risk, "") if item.risk else "",
                _cell(item.question),
                _cell(answers.get(planned.key, "")),
                shown,
                "",
                "",
                "",
            ]
        )
        for column in (6, 7, 10):
            sheet.cell(row=number + 1, column=column).alignment = wrap
    choice = DataValidation(type="list", formula1='"合格,不合格"', allow_blank=True)
    choice.error = "请选择 合格 或 不合格"
    sheet.add_data_validation(choice)
    if sample:
        choice.add(f"I2:I{len(sample) + 1}")
    sheet.freeze_panes = "A2"
    info = book.create_sheet(INFO_SHEET)
    rows = [
        ("运行编号", run_id),
        ("导出时间", datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")),
        ("抽检数量", len(sample)),
        (
            "填写说明",
            "在“人工抽检”表的“研判结果”列选择 合格 或 不合格，填写理由和审核人；空白行视为未审核。",
        ),
        ("导入", f"hegui review import {run_id} <本文件>"),
    ]
    for row in rows:
        info.append(list(row))
    info.column_dimensions["A"].width = 12
    info.column_dimensions["B"].width = 80
    out = Path(path)
    out.parent.mkdir(parents=True, exist_ok=True)
    book.save(out)
    return out


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def import_workbook(
    path: str | os.PathLike[str], run_id: str, *, reviewer: str | None = None
) -> tuple[list[Review], int]:
    """Read reviewers' verdicts: (the reviews, the number of rows still blank).

    ``reviewer`` fills an empty 审核人 cell. Raises :class:`ReviewError` listing every problem.
    """
    from openpyxl import load_workbook

    source = Path(path)
    try:
        book = load_workbook(source, read_only=True, data_only=True)
    except FileNotFoundError:
        raise ReviewError(f"review workbook not found: {source}") from None
    except Exception as exc:  # openpyxl raises several unrelated types for a bad file
        raise ReviewError(f"{source}: not an XLSX workbook ({exc.__class__.__name__})") from None
    try:
        if SHEET not in book.sheetnames:
            raise ReviewError(f"{source}: no sheet {SHEET!r} (export one with hegui review export)")
        if INFO_SHEET in book.sheetnames:
            for row in book[INFO_SHEET].iter_rows(min_row=1, max_row=5, values_only=True):
                if row and _text(row[0]) == "运行编号" and _text(row[1]) not in ("", run_id):
                    raise ReviewError(
                        f"{source}, sheet {INFO_SHEET!r}: exported for run {_text(row[1])}, "
                        f"not {run_id}"
                    )
        return _rows(source, list(book[SHEET].iter_rows(values_only=True)), reviewer)
    finally:
        book.close()


def _rows(
    source: Path, rows: list[tuple[Any, ...]], default_reviewer: str | None
) -> tuple[list[Review], int]:
    if not rows:
        raise ReviewError(f"{source}, sheet {SHEET!r}: empty sheet")
    header = [_text(v) for v in rows[0]]
    missing = [name for name in REQUIRED if name not in header]
    if missing:
        raise ReviewError(
            f"{source}, sheet {SHEET!r}, row 1: missing column(s) {', '.join(missing)}"
        )
    at = {name: header.index(name) for name in header if name}
    problems: list[str] = []
    reviews: list[Review] = []
    blank = 0
    for number, row in enumerate(rows[1:], start=2):

        def get(name: str, row: tuple[Any, ...] = row) -> str:
            index = at.get(name)
            return _text(row[index]) if index is not None and index < len(row) else ""

        where = f"{source}, sheet {SHEET!r}, row {number}"
        if not get("题目编号") and not get("研判结果"):
            continue
        result = get("研判结果")
        if not result:
            blank += 1
            continue
        if result not in VERDICT_OF_ZH:
            problems.append(f"{where}, column 研判结果: {result!r} is not 合格 or 不合格")
            continue
        person = get("审核人") or (default_reviewer or "")
        if not person:
            problems.append(f"{where}, column 审核人: empty (or pass --reviewer NAME)")
        item = get("题目编号")
        if not item:
            problems.append(f"{where}, column 题目编号: empty")
        try:
            sample = int(get("采样") or "0")
        except ValueError:
            problems.append(f"{where}, column 采样: {get('采样')!r} is not a whole number")
            continue
        if person and item:
            reviews.append(
                Review(
                    item_id=item,
                    sample=sample,
                    reviewer=person,
                    verdict=VERDICT_OF_ZH[result],
                    reason=get("理由"),
                    source=f"{source.name}, sheet {SHEET}, row {number}",
                )
            )
    if problems:
        shown = "\n  ".join(problems[:20])
        more = f"\n  … and {len(problems) - 20} more" if len(problems) > 20 else ""
        raise ReviewError(f"{len(problems)} problem(s) in the review workbook:\n  {shown}{more}")
    return reviews, blank
