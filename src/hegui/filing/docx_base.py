"""DOCX building blocks: a document whose styles carry an East Asian font, tables, gap marks.

Word picks the font of Chinese characters from ``w:rFonts/@w:eastAsia``, not from the Latin font
name; python-docx sets only the latter, so every style we use gets the East Asian attribute too
(and loses its theme-font attributes, which would override it).
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from hegui.errors import MissingExtraError
from hegui.reports._atomic import atomic_target

if TYPE_CHECKING:
    from docx.document import Document as DocumentObject
    from docx.table import Table

EAST_ASIA_FONT = "SimSun"
"""宋体: the font filing templates use; LibreOffice substitutes an installed CJK font."""
LATIN_FONT = "Times New Roman"
GAP_MARK = "【待补】"
"""Marks every place a person must complete, or a gap a draft package carries."""
TABLE_SIZE = 114300
"""Table text: 9 pt (in EMU), so that nine numeric columns fit the A4 text width."""
_STYLES = ("Normal", "Title", "Heading 1", "Heading 2", "Heading 3", "Table Grid")


def _docx() -> Any:
    try:
        import docx
    except ImportError:
        raise MissingExtraError("the filing package (DOCX)", "filing") from None
    return docx


def new_document(title: str, *, draft: bool, east_asia: str = EAST_ASIA_FONT) -> DocumentObject:
    """A document with CJK-capable styles, a title and (for drafts) a warning line."""
    docx = _docx()
    from docx.oxml.ns import qn
    from docx.shared import Cm, Pt

    document: DocumentObject = docx.Document()
    styles: Any = document.styles
    for fonts in styles.element.find(qn("w:docDefaults")).iter(qn("w:rFonts")):
        _set_fonts(fonts, east_asia)
    for name in _STYLES:
        _set_fonts(styles[name].element.get_or_add_rPr().get_or_add_rFonts(), east_asia)
    normal: Any = document.styles["Normal"]
    normal.font.size = Pt(10.5)
    for section in document.sections:  # A4 with 2.5 cm margins: 16 cm of text width
        section.page_width, section.page_height = Cm(21), Cm(29.7)
        section.left_margin = section.right_margin = Cm(2.5)
    document.core_properties.title = title
    document.core_properties.author = "hegui"
    document.add_heading(title, level=0)
    if draft:
        gap_paragraph(
            document,
            "草稿 DRAFT：本文件由 hegui filing build --draft 生成，含未满足的义务或缺失信息，"
            "不得作为正式备案材料提交。",
        )
    return document


def _set_fonts(fonts: Any, east_asia: str) -> None:
    """Name the fonts of a ``w:rFonts`` element and drop the theme fonts that would win."""
    from docx.oxml.ns import qn

    for attribute in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
        fonts.attrib.pop(qn(attribute), None)
    fonts.set(qn("w:ascii"), LATIN_FONT)
    fonts.set(qn("w:hAnsi"), LATIN_FONT)
    fonts.set(qn("w:eastAsia"), east_asia)


def gap_paragraph(document: DocumentObject, text: str) -> None:
    """A paragraph in bold red on yellow: something a person must complete or fix."""
    from docx.enum.text import WD_COLOR_INDEX
    from docx.shared import RGBColor

    run = document.add_paragraph().add_run(f"{GAP_MARK}{text}")
    run.bold = True
    run.font.color.rgb = RGBColor(0xC6, 0x28, 0x28)
    run.font.highlight_color = WD_COLOR_INDEX.YELLOW


def value_or_gap(value: object, what: str = "") -> str:
    """The value as text, or the gap mark (with what is missing) when it is empty."""
    if value is None or value == "" or value == []:
        return f"{GAP_MARK}{what}"
    if isinstance(value, list | tuple):
        return "、".join(str(v) for v in value)
    return str(value)


def add_table(
    document: DocumentObject,
    header: Sequence[str],
    rows: Sequence[Sequence[object]],
    *,
    widths_cm: Sequence[float] | None = None,
) -> Table:
    """A grid table with a bold header row; cells holding the gap mark are highlighted."""
    from docx.enum.text import WD_COLOR_INDEX
    from docx.shared import Cm

    table: Table = document.add_table(rows=1 + len(rows), cols=len(header))
    table.style = document.styles["Table Grid"]
    for cell, name in zip(table.rows[0].cells, header, strict=True):
        run = cell.paragraphs[0].add_run(name)
        run.bold = True
        run.font.size = TABLE_SIZE
    for row, values in zip(table.rows[1:], rows, strict=True):
        for cell, value in zip(row.cells, values, strict=True):
            text = "" if value is None else str(value)
            run = cell.paragraphs[0].add_run(text)
            run.font.size = TABLE_SIZE
            if GAP_MARK in text:
                run.font.highlight_color = WD_COLOR_INDEX.YELLOW
    if widths_cm:
        # Word reads the cell widths, LibreOffice the grid columns: set both.
        table.autofit = False
        for column, width in zip(table.columns, widths_cm, strict=False):
            column.width = Cm(width)
        for row in table.rows:
            for cell, width in zip(row.cells, widths_cm, strict=False):
                cell.width = Cm(width)
    return table


def add_fields(document: DocumentObject, fields: Sequence[tuple[str, object]]) -> Table:
    """A two-column 项目 / 内容 table (form fields)."""
    return add_table(document, ("项目", "内容"), fields, widths_cm=(5.0, 11.0))


def save(document: DocumentObject, path: str | os.PathLike[str]) -> Path:
    """Save ``document`` to ``path`` atomically."""
    with atomic_target(path) as tmp:
        document.save(str(tmp))
    return Path(path)
