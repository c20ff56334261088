"""Reports: a :class:`RunReport` (computed by the builder) rendered as HTML, JSON or XLSX.

Renderers only lay out; they never compute verdicts.

>>> write_report(report, "run.html")            # doctest: +SKIP
>>> write_report(report, "附件5.xlsx", "xlsx")   # doctest: +SKIP
"""

from hegui.reports.html import render_html, write_html
from hegui.reports.json_report import parse_json, read_json, render_json, write_json
from hegui.reports.model import (
    SCHEMA_VERSION,
    EvidenceRow,
    RequirementInfo,
    RunReport,
    RunStats,
)
from hegui.reports.render import REPORT_FORMATS, ReportFormat, write_report
from hegui.reports.xlsx import ANNEX5_COLUMNS, write_xlsx

__all__ = [
    "ANNEX5_COLUMNS",
    "REPORT_FORMATS",
    "SCHEMA_VERSION",
    "EvidenceRow",
    "ReportFormat",
    "RequirementInfo",
    "RunReport",
    "RunStats",
    "parse_json",
    "read_json",
    "render_html",
    "render_json",
    "write_html",
    "write_json",
    "write_report",
    "write_xlsx",
]
