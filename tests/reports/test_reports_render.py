"""write_report: dispatch on format, atomic writes."""

from __future__ import annotations

from pathlib import Path

import pytest

from hegui.errors import ReportError
from hegui.reports import REPORT_FORMATS, read_json, write_report
from hegui.reports.model import RunReport


@pytest.mark.parametrize("fmt", REPORT_FORMATS)
def test_dispatch(report: RunReport, tmp_path: Path, fmt: str) -> None:
    path = write_report(report, tmp_path / "out.bin", fmt)
    data = path.read_bytes()
    expected = {"html": b"<!DOCTYPE html>", "json": b'{\n  "schema_version"', "xlsx": b"PK"}
    assert data.startswith(expected[fmt])
    assert path.stat().st_mode & 0o777 != 0o600  # not mkstemp's private mode
    assert [p.name for p in tmp_path.iterdir()] == ["out.bin"]  # no temp file left


def test_format_from_suffix(report: RunReport, tmp_path: Path) -> None:
    assert read_json(write_report(report, tmp_path / "r.JSON")) == report
    assert write_report(report, tmp_path / "r.htm").read_text(encoding="utf-8").startswith("<!DOC")
    with pytest.raises(ReportError, match="cannot tell the report format"):
        write_report(report, tmp_path / "r.pdf")


def test_unknown_format(report: RunReport, tmp_path: Path) -> None:
    with pytest.raises(ReportError, match="unknown report format 'docx'"):
        write_report(report, tmp_path / "r.docx", "docx")


def test_missing_directory(report: RunReport, tmp_path: Path) -> None:
    with pytest.raises(ReportError, match="directory does not exist"):
        write_report(report, tmp_path / "nope" / "r.html")


def test_failed_write_keeps_the_old_file(
    report: RunReport, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "r.xlsx"
    path.write_bytes(b"old")

    def boom(self: object, filename: object) -> None:
        Path(str(filename)).write_bytes(b"partial")
        raise RuntimeError("disk full")

    monkeypatch.setattr("openpyxl.Workbook.save", boom)
    with pytest.raises(RuntimeError, match="disk full"):
        write_report(report, path, "xlsx")
    assert path.read_bytes() == b"old"
    assert [p.name for p in tmp_path.iterdir()] == ["r.xlsx"]
