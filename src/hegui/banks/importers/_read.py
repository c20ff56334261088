"""Reading source files: CSV in UTF-8 (with or without BOM) or GB18030, JSON and JSON Lines."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Any

from hegui.errors import BankError

ENCODINGS = ("utf-8-sig", "gb18030")
"""Tried in order; JADE-DB v3 ships GB18030 files, every other source is UTF-8."""


def read_text(path: Path) -> str:
    """The file's text, decoded as UTF-8 (BOM allowed) or else GB18030."""
    data = path.read_bytes()
    for encoding in ENCODINGS:
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise BankError(f"{path}: neither UTF-8 nor GB18030")


def read_csv(path: Path, required: tuple[str, ...]) -> list[dict[str, str]]:
    """The rows of a CSV file with a header; ``required`` columns must be present."""
    reader = csv.DictReader(io.StringIO(read_text(path), newline=""))
    missing = [name for name in required if name not in (reader.fieldnames or ())]
    if missing:
        raise BankError(f"{path}: missing column(s) {', '.join(missing)}")
    return [{key: (value or "") for key, value in row.items() if key is not None} for row in reader]


def read_json(path: Path) -> Any:
    """A JSON document."""
    try:
        return json.loads(read_text(path))
    except json.JSONDecodeError as exc:
        raise BankError(f"{path}: invalid JSON: {exc}") from None


def read_jsonl(path: Path) -> list[dict[str, Any]]:
    """The objects of a JSON Lines file (blank lines skipped)."""
    records: list[dict[str, Any]] = []
    for number, line in enumerate(read_text(path).splitlines(), 1):
        if not line.strip():
            continue
        try:
            value = json.loads(line)
        except json.JSONDecodeError as exc:
            raise BankError(f"{path}:{number}: invalid JSON: {exc}") from None
        if not isinstance(value, dict):
            raise BankError(f"{path}:{number}: expected a JSON object")
        records.append(value)
    return records


def clean_label(text: str) -> str:
    """A label cell without surrounding spaces (several sources have stray ones)."""
    return text.strip()
