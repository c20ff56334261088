"""Read keyword libraries from TSV, CSV, XLSX (the filing's 附件4 layout) or plain word lists.

Tables have a header row naming the columns (Chinese or English, any order)::

    关键词 / keyword        required
    一级分类 / category     A.1 or 包含违反社会主义核心价值观的内容
    二级分类 / risk         A.1.4 or 宣扬恐怖主义、极端主义
    匹配方式 / match        literal (default), word, regex
    严重程度 / severity     high (default), medium, low
    白名单 / allow          allow-list contexts, separated by |
    变体 / variants         extra spellings, separated by |

Other columns (备注, notes…) are ignored. Lines starting with ``#`` before the header may carry
``# updated: 2026-11-20`` and ``# version: v12``; without an ``updated`` line the date comes from
the workbook properties (XLSX) or the file's modification time. A ``.txt`` file is one keyword per
line, either ``keyword<TAB>risk`` or just the keyword with the risk given by the caller.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any, TypeVar

from hegui.errors import BankError
from hegui.policy import Pack, load_pack
from hegui.text.libcache import cached_library
from hegui.text.library import (
    KeywordLibrary,
    RiskResolver,
    UpdatedSource,
    parse_mode,
    parse_severity,
)
from hegui.text.model import KeywordEntry, MatchMode, Severity

COLUMNS: dict[str, tuple[str, ...]] = {
    "keyword": ("关键词", "关键字", "敏感词", "keyword", "term", "word"),
    "category": ("一级分类", "一级类别", "category", "level1"),
    "risk": ("二级分类", "二级类别", "risk", "risk_code", "level2"),
    "mode": ("匹配方式", "match", "mode", "match_mode"),
    "severity": ("严重程度", "等级", "severity", "level"),
    "allow": ("白名单", "允许上下文", "allow", "allow_contexts"),
    "variants": ("变体", "variants", "variant"),
}
_ALIASES = {alias.lower(): name for name, aliases in COLUMNS.items() for alias in aliases}
_META_KEYS = {"updated": "updated", "更新日期": "updated", "version": "version", "版本": "version"}
SUFFIXES = (".tsv", ".csv", ".xlsx", ".txt")
_T = TypeVar("_T")


@dataclass
class _Table:
    """Rows of a file before interpretation: (row number, cells)."""

    rows: list[tuple[int, list[str]]] = field(default_factory=list)
    meta: dict[str, tuple[int, str]] = field(default_factory=dict)
    workbook_modified: date | None = None


def load_library(
    path: str | Path,
    *,
    pack: Pack | None = None,
    default_risk: str | None = None,
    name: str | None = None,
    cache: bool = True,
) -> KeywordLibrary:
    """Load and validate a keyword library file.

    ``default_risk`` is the risk of every keyword of a ``.txt`` word list, and of table rows that
    leave both category cells empty. Raises :class:`BankError` naming the file, row and field.
    A parsed library is cached (see :mod:`hegui.text.libcache`) unless ``cache`` is False.
    """
    file = Path(path)
    source = str(file)
    if not file.is_file():
        raise BankError(
            "file not found (give the path to a .tsv, .csv, .xlsx or .txt file)", path=source
        )
    suffix = file.suffix.lower()
    if suffix not in SUFFIXES:
        raise BankError(
            f"unsupported file type {suffix!r}; use one of {', '.join(SUFFIXES)}", path=source
        )
    pack = pack or load_pack()
    options = json.dumps([name, default_risk, pack.sha256, sorted(pack.overrides.items())])
    return cached_library(
        file,
        options,
        lambda: _parse(file, suffix, pack, default_risk, name),
        use_cache=cache,
    )


def _parse(
    file: Path, suffix: str, pack: Pack, default_risk: str | None, name: str | None
) -> KeywordLibrary:
    source = str(file)
    table = _read_xlsx(file) if suffix == ".xlsx" else _read_text_table(file, suffix)
    resolver = RiskResolver(pack)
    if suffix == ".txt":
        entries = [
            _txt_entry(cells[0], row, default_risk, resolver, source) for row, cells in table.rows
        ]
    else:
        entries = _table_entries(table, resolver, default_risk, source)
    updated, updated_source = _updated(table, file)
    version = table.meta.get("version", (0, ""))[1] or None
    return KeywordLibrary.create(
        name or file.stem,
        entries,
        path=source,
        updated=updated,
        updated_source=updated_source,
        version=version,
    )


def _txt_entry(
    line: str, row: int, default_risk: str | None, resolver: RiskResolver, source: str
) -> KeywordEntry:
    """``keyword`` (of ``default_risk``) or ``keyword<TAB>risk`` (a code or a risk name)."""
    keyword, tab, risk_cell = line.partition("\t")
    if tab and risk_cell.strip():
        risk = resolver.risk(risk_cell.strip())
        if risk is None:
            raise BankError(
                f"unknown risk {risk_cell.strip()!r}: expected {resolver.names()}",
                path=source,
                row=row,
                field="risk",
            )
    elif default_risk is not None:
        risk = default_risk
    else:
        raise BankError(
            "no risk for this keyword: write 'keyword<TAB>A.x.y' or give the list's risk "
            "(default_risk / --risk)",
            path=source,
            row=row,
        )
    return KeywordEntry(keyword=keyword.strip(), risk=risk, row=row)


def _decode(file: Path) -> str:
    data = file.read_bytes()
    if b"\x00" in data:
        line = data[: data.index(b"\x00")].count(b"\n") + 1
        raise BankError("binary data (NUL byte): not a UTF-8 text table", path=str(file), row=line)
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise BankError(
            f"not valid UTF-8 (byte 0x{data[exc.start]:02x}); save the file as UTF-8 "
            "(Excel: CSV UTF-8; it may be GBK-encoded)",
            path=str(file),
            row=line,
        ) from exc


def _read_text_table(file: Path, suffix: str) -> _Table:
    text = _decode(file)
    table = _Table()
    lines = text.splitlines()
    body_start = _read_meta(lines, table, str(file))
    if suffix == ".txt":
        table.rows = [(i + 1, [ln]) for i, ln in enumerate(lines) if i >= body_start and ln.strip()]
        table.rows = [(r, c) for r, c in table.rows if not c[0].lstrip().startswith("#")]
        return table
    if suffix == ".tsv":
        parsed = [(i + 1, ln.split("\t")) for i, ln in enumerate(lines) if i >= body_start]
    else:
        reader = csv.reader(io.StringIO("\n".join(lines[body_start:])))
        parsed = []
        try:
            for cells in reader:
                parsed.append((body_start + reader.line_num, cells))
        except csv.Error as exc:
            raise BankError(
                f"malformed CSV: {exc}", path=str(file), row=body_start + reader.line_num
            ) from exc
    table.rows = [(r, c) for r, c in parsed if any(x.strip() for x in c)]
    return table


def _read_meta(lines: list[str], table: _Table, source: str) -> int:
    """Parse leading ``# key: value`` lines; return the index of the first other line."""
    for i, line in enumerate(lines):
        stripped = line.strip()
        if not stripped:
            continue
        if not stripped.startswith("#"):
            return i
        _meta_line(stripped.lstrip("#").strip(), i + 1, table, source)
    return len(lines)


def _meta_line(text: str, row: int, table: _Table, source: str) -> None:
    key, sep, value = text.replace("：", ":").partition(":")
    name = _META_KEYS.get(key.strip().lower())
    if not sep or name is None:
        return
    value = value.strip()
    if name == "updated":
        try:
            date.fromisoformat(value)
        except ValueError as exc:
            raise BankError(
                f"'# updated:' needs a date YYYY-MM-DD, got {value!r}",
                path=source,
                row=row,
                field="updated",
            ) from exc
    table.meta[name] = (row, value)


def _read_xlsx(file: Path) -> _Table:
    try:
        import openpyxl
    except ImportError as exc:  # pragma: no cover - openpyxl is a core dependency
        raise BankError(
            "reading .xlsx needs openpyxl: pip install openpyxl", path=str(file)
        ) from exc
    try:
        workbook = openpyxl.load_workbook(file, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many types for a broken file
        raise BankError(f"not a readable .xlsx workbook: {exc}", path=str(file)) from exc
    table = _Table()
    modified = workbook.properties.modified
    if isinstance(modified, datetime):
        table.workbook_modified = modified.date()
    sheet = workbook.worksheets[0]
    in_meta = True
    for row_number, values in enumerate(sheet.iter_rows(values_only=True), start=1):
        cells = [_cell(v) for v in values]
        if not any(c.strip() for c in cells):
            continue
        if in_meta and cells[0].lstrip().startswith("#"):
            _meta_line(cells[0].strip().lstrip("#").strip(), row_number, table, str(file))
            continue
        in_meta = False
        table.rows.append((row_number, cells))
    workbook.close()
    return table


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime | date):
        return value.isoformat()
    return str(value)


def _header(table: _Table, source: str) -> tuple[int, dict[str, int]]:
    if not table.rows:
        raise BankError(
            "no rows: expected a header row (关键词, 一级分类, 二级分类) and keywords", path=source
        )
    row, cells = table.rows[0]
    columns: dict[str, int] = {}
    for i, cell in enumerate(cells):
        name = _ALIASES.get(cell.strip().lower())
        if name is None:
            continue
        if name in columns:
            raise BankError(
                f"column {cell.strip()!r} appears twice in the header", path=source, row=row
            )
        columns[name] = i
    if "keyword" not in columns:
        raise BankError(
            f"no keyword column in the header {cells!r}: name it 关键词 (or keyword); the filing "
            "layout is 关键词, 一级分类, 二级分类",
            path=source,
            row=row,
        )
    return row, columns


def _table_entries(
    table: _Table, resolver: RiskResolver, default_risk: str | None, source: str
) -> list[KeywordEntry]:
    _, columns = _header(table, source)
    if "risk" not in columns and "category" not in columns and default_risk is None:
        raise BankError(
            "no 二级分类 (risk) or 一级分类 (category) column, and no default risk",
            path=source,
            row=table.rows[0][0],
        )
    header_width = len(table.rows[0][1])
    risks: dict[tuple[str, str], str] = {}
    modes: dict[str, MatchMode] = {"": MatchMode.LITERAL}
    severities: dict[str, Severity] = {"": Severity.HIGH}
    at = [columns.get(name, -1) for name in ("keyword", "category", "risk", "mode", "severity")]
    extra = [columns.get(name, -1) for name in ("allow", "variants")]
    entries = []
    for row, cells in table.rows[1:]:
        if len(cells) < header_width:
            cells = cells + [""] * (header_width - len(cells))
        elif len(cells) > header_width and any(c.strip() for c in cells[header_width:]):
            raise BankError(
                f"row has {len(cells)} cells but the header has {header_width}",
                path=source,
                row=row,
            )
        keyword, category, risk_cell, mode_cell, severity_cell = [
            cells[i].strip() if i >= 0 else "" for i in at
        ]
        if not keyword:
            raise BankError(
                "the keyword is empty (delete the row or fill in 关键词)",
                path=source,
                row=row,
                field="关键词",
            )
        risk = risks.get((category, risk_cell))
        if risk is None:
            risk = _resolve(category, risk_cell, resolver, default_risk, source, row)
            risks[(category, risk_cell)] = risk
        mode = modes.get(mode_cell) or _choice(mode_cell, parse_mode, "匹配方式", source, row)
        modes[mode_cell] = mode
        severity = severities.get(severity_cell) or _choice(
            severity_cell, parse_severity, "严重程度", source, row
        )
        severities[severity_cell] = severity
        allow, variants = (_split(cells[i]) if i >= 0 and cells[i] else () for i in extra)
        entries.append(KeywordEntry(keyword, risk, mode, severity, allow, variants, row))
    return entries


def _resolve(
    category: str,
    risk_cell: str,
    resolver: RiskResolver,
    default_risk: str | None,
    source: str,
    row: int,
) -> str:
    cat_code = resolver.category(category) if category else None
    if category and cat_code is None:
        raise BankError(
            f"unknown 一级分类 {category!r}: expected a category code such as A.1 or a category "
            "name of the policy pack (see `hegui policy show`)",
            path=source,
            row=row,
            field="一级分类",
        )
    if not risk_cell:
        if cat_code and cat_code.count(".") == 2:
            return cat_code  # a risk given as 一级分类
        if default_risk is not None and not cat_code:
            return default_risk
        hint = f": {cat_code} is a category, name one of its risks" if cat_code else ""
        raise BankError(f"二级分类 is empty{hint}", path=source, row=row, field="二级分类")
    risk = resolver.risk(risk_cell)
    if risk is None:
        raise BankError(
            f"unknown 二级分类 {risk_cell!r}: expected {resolver.names()}",
            path=source,
            row=row,
            field="二级分类",
        )
    expected = cat_code.rsplit(".", 1)[0] if cat_code and cat_code.count(".") == 2 else cat_code
    if expected and risk.rsplit(".", 1)[0] != expected:
        raise BankError(
            f"二级分类 {risk} does not belong to 一级分类 {category!r} ({expected})",
            path=source,
            row=row,
            field="二级分类",
        )
    return risk


def _choice(cell: str, parse: Callable[[str], _T | None], label: str, source: str, row: int) -> _T:
    value = parse(cell)
    if value is None:
        raise BankError(f"unknown value {cell!r}", path=source, row=row, field=label)
    return value


def _split(cell: str) -> tuple[str, ...]:
    return tuple(p.strip() for p in cell.replace("｜", "|").split("|") if p.strip())


def _updated(table: _Table, file: Path) -> tuple[date, UpdatedSource]:
    if "updated" in table.meta:
        return date.fromisoformat(table.meta["updated"][1]), "header"
    if table.workbook_modified is not None:
        return table.workbook_modified, "workbook"
    return datetime.fromtimestamp(file.stat().st_mtime, tz=UTC).date(), "mtime"
