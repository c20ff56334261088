"""Export the overdue list as CSV (UTF-8 with BOM, for Excel) or XLSX, written atomically."""

from __future__ import annotations

import csv
import io
import os
from collections.abc import Sequence
from pathlib import Path

from hegui.errors import ConfigError
from hegui.incidents.records import OverdueItem
from hegui.reports._atomic import atomic_target

COLUMNS = ("ref", "title", "step", "due", "hours_overdue", "status", "owner")
HEADERS_ZH = ("编号", "标题", "环节", "截止时间(UTC)", "超期小时", "状态", "负责人")


def export_overdue(path: str | os.PathLike[str], items: Sequence[OverdueItem]) -> Path:
    """Write ``items`` to ``path`` (``.csv`` or ``.xlsx``); the header row is bilingual."""
    target = Path(path)
    suffix = target.suffix.lower()
    if suffix not in (".csv", ".xlsx"):
        raise ConfigError(f"{path}: export as .csv or .xlsx", field="--out")
    header = [f"{zh} {en}" for zh, en in zip(HEADERS_ZH, COLUMNS, strict=True)]
    rows = [_row(item) for item in items]
    with atomic_target(target) as tmp:
        if suffix == ".csv":
            buffer = io.StringIO()
            writer = csv.writer(buffer, lineterminator="\n")
            writer.writerow(header)
            writer.writerows(rows)
            tmp.write_text(buffer.getvalue(), encoding="utf-8-sig")
        else:
            import openpyxl  # only XLSX output needs it

            workbook = openpyxl.Workbook()
            sheet = workbook.active
            sheet.title = "overdue"
            sheet.append(header)
            for row in rows:
                sheet.append(row)
                for cell in sheet[sheet.max_row]:
                    if cell.data_type == "f":  # a title starting with "=" is text
                        cell.data_type = "s"
            workbook.save(tmp)
    return target


def _row(item: OverdueItem) -> list[str | float]:
    return [
        item.ref,
        item.title,
        item.step,
        f"{item.due:%Y-%m-%d %H:%M}",
        item.hours_overdue,
        item.status,
        item.owner or "",
    ]
