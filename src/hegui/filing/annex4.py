"""附件4 拦截关键词列表: the keyword library as an editable workbook.

Columns 关键词, 一级分类, 二级分类 (Chinese names of the risk category and risk).
"""

from __future__ import annotations

import os
from pathlib import Path

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font

from hegui.policy import Pack
from hegui.reports._atomic import atomic_target
from hegui.reports.xlsx import clean_cell_text
from hegui.text import KeywordLibrary

ANNEX4_COLUMNS: tuple[str, ...] = ("关键词", "一级分类", "二级分类")
"""The columns of 附件4 as the filing template names them (hegui reads them back too)."""
SHEET = "拦截关键词列表"


def write_annex4(library: KeywordLibrary, pack: Pack, path: str | os.PathLike[str]) -> Path:
    """One row per keyword with the Chinese names of its category and risk; written atomically."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(SHEET)
    sheet.freeze_panes = "A2"
    for letter, width in zip("ABC", (30, 36, 40), strict=True):
        sheet.column_dimensions[letter].width = width
    header = []
    for name in ANNEX4_COLUMNS:
        cell = WriteOnlyCell(sheet, value=name)
        cell.font = Font(bold=True)
        header.append(cell)
    sheet.append(header)
    names: dict[str, tuple[str, str]] = {}
    for entry in library.entries:
        if entry.risk not in names:
            category = pack.category_of(entry.risk)
            names[entry.risk] = (
                category.zh if category else entry.category,
                pack.risk_name(entry.risk),
            )
        keyword = WriteOnlyCell(sheet, value=clean_cell_text(entry.keyword))
        keyword.data_type = "s"  # a keyword starting with "=" stays text
        sheet.append([keyword, *names[entry.risk]])
    with atomic_target(path) as tmp:
        workbook.save(tmp)
    return Path(path)
