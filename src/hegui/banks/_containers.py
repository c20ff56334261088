"""Read the three containers of the bank format (JSONL, CSV/TSV, XLSX) into raw rows."""

from __future__ import annotations

import csv
import io
import json
import zipfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime

from hegui.banks._fields import RawRow, canonical, header_fields, is_ignored
from hegui.banks._meta import META_KEY, META_SHEET, BankMeta, parse_meta
from hegui.banks._problems import Location, Problems
from hegui.banks._text import decode
from hegui.errors import BankError

HEADER_SEARCH_ROWS = 5
"""Tables may have title rows above the header; the header is found within this many rows."""


@dataclass
class RawBank:
    """What a container yielded: rows to validate, embedded metadata, and warnings."""

    rows: list[RawRow] = field(default_factory=list)
    meta: BankMeta | None = None
    warnings: list[str] = field(default_factory=list)


def read_jsonl(data: bytes, path: str, problems: Problems) -> RawBank:
    """One JSON object per line; a first line ``{"_bank": {...}}`` holds the metadata."""
    bank = RawBank()
    unknown: set[str] = set()
    first = True
    # split("\n"), not splitlines(): JSON strings may hold U+2028 and other line separators.
    for number, line in enumerate(decode(data, path, allow_gb18030=False).split("\n"), 1):
        if not line.strip():
            continue
        location = Location(path, number, unit="line")
        try:
            record = json.loads(line)
        except json.JSONDecodeError as exc:
            problems.add(location, None, f"not valid JSON: {exc.msg} (column {exc.colno})")
            first = False
            continue
        if not isinstance(record, dict):
            problems.add(location, None, "expected a JSON object {...}")
        elif META_KEY in record:
            if not first or len(record) != 1:
                problems.add(location, META_KEY, f'"{META_KEY}" may only stand alone on line 1')
            else:
                bank.meta = parse_meta(record[META_KEY], path, number)
        else:
            values: dict[str, object] = {}
            columns: dict[str, str] = {}
            for key, value in record.items():
                name = canonical(key)
                if name is None:
                    if not is_ignored(key):
                        unknown.add(key)
                elif name in columns:
                    message = f"{columns[name]!r} and {key!r} both give the {name}"
                    problems.add(location, key, message)
                else:
                    values[name], columns[name] = value, key
            bank.rows.append(RawRow(location, values, columns))
        first = False
    if unknown:
        bank.warnings.append(f"{path}: ignored keys {', '.join(sorted(unknown))}")
    return bank


def read_csv(data: bytes, path: str, problems: Problems, *, delimiter: str = ",") -> RawBank:
    """A CSV (or TSV) table with a header row, UTF-8 or GB18030."""
    text = decode(data, path, allow_gb18030=True)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        rows = list(enumerate(reader, 1))
    except csv.Error as exc:
        raise BankError(f"not a valid CSV table: {exc}", path=path, row=reader.line_num) from None
    bank = RawBank()
    _read_table(rows, Location(path), problems, bank)
    return bank


def read_xlsx(data: bytes, path: str, problems: Problems) -> RawBank:
    """Every sheet is a table; ``_meta`` holds metadata; other sheets named ``_…`` are skipped."""
    import openpyxl  # imported here: only XLSX banks need it

    try:
        workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError) as exc:
        raise BankError(f"not a readable XLSX workbook: {exc}", path=path) from None
    bank = RawBank()
    try:
        for index, sheet in enumerate(workbook.worksheets):
            title = str(sheet.title)
            rows = list(enumerate(sheet.iter_rows(values_only=True), 1))
            if title == META_SHEET:
                bank.meta = parse_meta(_meta_pairs(rows), f"{path} sheet {META_SHEET!r}")
            elif not title.startswith("_"):
                _read_table(rows, Location(path, sheet=title, sheet_index=index), problems, bank)
    finally:
        workbook.close()
    return bank


def _meta_pairs(rows: Sequence[tuple[int, Sequence[object]]]) -> dict[str, object]:
    pairs: dict[str, object] = {}
    for _, cells in rows:
        key = cells[0] if cells else None
        if key is None or str(key).strip() in ("", "key", "字段", "项目"):
            continue
        pairs[str(key).strip()] = cells[1] if len(cells) > 1 else None
    return pairs


def _read_table(
    rows: Iterable[tuple[int, Sequence[object]]], where: Location, problems: Problems, bank: RawBank
) -> None:
    """Find the header, then turn each non-empty row below it into a raw row."""
    header: dict[int, str] | None = None
    columns: dict[str, str] = {}
    scanned: list[int] = []
    for number, cells in rows:
        if header is None:
            if all(_blank(c) for c in cells):
                continue
            scanned.append(number)
            names = [_cell_text(c) for c in cells]
            if any(canonical(n) in ("prompt", "messages") for n in names if n):
                header, columns, unknown, duplicates = header_fields(names)
                location = replace(where, row=number)
                for message in duplicates:
                    problems.add(location, None, message)
                if unknown:
                    bank.warnings.append(f"{location}: ignored columns {', '.join(unknown)}")
            elif len(scanned) >= HEADER_SEARCH_ROWS:
                break
            continue
        if all(_blank(c) for c in cells):
            continue
        values = {name: cells[i] for i, name in header.items() if i < len(cells)}
        values = {k: (None if _blank(v) else v) for k, v in values.items()}
        bank.rows.append(RawRow(replace(where, row=number), values, columns))
    if header is None and scanned:
        problems.add(
            replace(where, row=scanned[0]),
            None,
            "no header row with a 测试题/prompt or messages column in the first "
            f"{HEADER_SEARCH_ROWS} rows",
        )


def _blank(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime | date):
        return value.isoformat()
    return str(value).strip()
