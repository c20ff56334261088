"""The JSON report: the whole :class:`RunReport`, indented, Chinese kept as is (no ``\\u``).

It carries every evidence row and is the machine-readable source the other reports are cut from.
"""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

from pydantic import ValidationError
from pydantic_core import PydanticSerializationError

from hegui.errors import ReportError
from hegui.reports._atomic import write_text_atomic
from hegui.reports.model import SCHEMA_VERSION, RunReport

_SURROGATE = re.compile("[\ud800-\udfff]")


def render_json(report: RunReport) -> str:
    """``report`` as indented UTF-8 JSON with ``schema_version`` as its first field.

    Lone UTF-16 surrogates (undecodable bytes a target may have sent) cannot be written as UTF-8;
    they become U+FFFD so the report still writes and reads back.
    """
    try:
        # pydantic writes non-ASCII characters as they are, unlike json.dumps' default.
        return report.model_dump_json(indent=2) + "\n"
    except PydanticSerializationError:
        text = json.dumps(report.model_dump(mode="json"), ensure_ascii=False, indent=2)
        return _SURROGATE.sub("\ufffd", text) + "\n"


def write_json(report: RunReport, path: str | os.PathLike[str]) -> Path:
    """Write :func:`render_json` of ``report`` to ``path`` atomically."""
    return write_text_atomic(path, render_json(report))


def read_json(path: str | os.PathLike[str]) -> RunReport:
    """Load a JSON report written by :func:`write_json` (e.g. to re-render it as HTML or XLSX)."""
    try:
        text = Path(path).read_text(encoding="utf-8")
    except OSError as exc:
        raise ReportError(f"{path}: cannot read the JSON report ({exc.strerror})") from exc
    return parse_json(text, source=str(path))


def parse_json(text: str, *, source: str = "<json>") -> RunReport:
    """Parse the text of a JSON report, refusing newer schema versions than this hegui knows."""
    try:
        report = RunReport.model_validate_json(text)
    except ValidationError as exc:
        _check_version(_peek_version(text), source)
        first = exc.errors()[0]
        where = ".".join(str(part) for part in first["loc"])
        raise ReportError(
            f"{source}: not a hegui JSON report ({exc.error_count()} errors, first at "
            f"{where or 'top level'}: {first['msg']})"
        ) from exc
    _check_version(report.schema_version, source)
    return report


def _peek_version(text: str) -> int | None:
    # Only on the error path: a newer schema deserves "upgrade hegui", not a validation dump.
    try:
        value = json.loads(text).get("schema_version")
    except (ValueError, AttributeError):
        return None
    return value if isinstance(value, int) else None


def _check_version(version: int | None, source: str) -> None:
    if version is not None and version > SCHEMA_VERSION:
        raise ReportError(
            f"{source}: report schema version {version} is newer than this hegui "
            f"understands ({SCHEMA_VERSION}); upgrade hegui"
        )
