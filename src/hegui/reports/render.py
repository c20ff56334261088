"""One entry point for every format: ``write_report(report, path, "html" | "json" | "xlsx")``."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Literal, get_args

from hegui.errors import ReportError
from hegui.reports.html import write_html
from hegui.reports.json_report import write_json
from hegui.reports.model import RunReport
from hegui.reports.xlsx import write_xlsx

ReportFormat = Literal["html", "json", "xlsx"]
REPORT_FORMATS: tuple[str, ...] = get_args(ReportFormat)


def write_report(
    report: RunReport, path: str | os.PathLike[str], format: str | None = None
) -> Path:
    """Write ``report`` to ``path`` atomically in ``format``.

    When ``format`` is ``None`` it is taken from the file suffix (``.html``/``.htm``, ``.json``,
    ``.xlsx``). Raises :class:`~hegui.errors.ReportError` for an unknown format.
    """
    chosen = (format or _format_from_suffix(Path(path))).lower()
    if chosen == "html":
        return write_html(report, path)
    if chosen == "json":
        return write_json(report, path)
    if chosen == "xlsx":
        return write_xlsx(report, path)
    raise ReportError(
        f"unknown report format {chosen!r}; choose one of {', '.join(REPORT_FORMATS)}"
    )


def _format_from_suffix(path: Path) -> str:
    suffix = path.suffix.lower().lstrip(".")
    if suffix == "htm":
        return "html"
    if suffix in REPORT_FORMATS:
        return suffix
    raise ReportError(
        f"{path}: cannot tell the report format from the suffix {path.suffix!r}; "
        f"pass one of {', '.join(REPORT_FORMATS)}"
    )
