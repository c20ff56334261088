"""The JSON report: round trip, readable Chinese, schema version."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from report_factory import LONG_ANSWER, make_report, row

from hegui.errors import ReportError
from hegui.records import ItemKind
from hegui.reports import SCHEMA_VERSION, parse_json, read_json, render_json, write_json
from hegui.reports.model import RunReport


def test_round_trip(report: RunReport, tmp_path: Path) -> None:
    path = write_json(report, tmp_path / "report.json")
    assert read_json(path) == report
    assert parse_json(render_json(report)) == report


def test_layout(report: RunReport) -> None:
    text = render_json(report)
    assert text.startswith('{\n  "schema_version": 1,')
    assert "宣扬恐怖主义、极端主义" in text  # not \u-escaped
    data = json.loads(text)
    assert data["schema_version"] == SCHEMA_VERSION
    assert len(data["evidence"]) == len(report.evidence)
    assert LONG_ANSWER in text  # JSON carries everything, uncut


def test_lone_surrogates_become_replacement_characters(tmp_path: Path) -> None:
    report = make_report(evidence=(row("x", ItemKind.GENERATION, passed=True, answer="a\ud800b"),))
    path = write_json(report, tmp_path / "r.json")
    assert read_json(path).evidence[0].answer == "a\ufffdb"


def test_newer_schema_is_refused(report: RunReport) -> None:
    data = json.loads(render_json(report))
    data["schema_version"] = SCHEMA_VERSION + 1
    with pytest.raises(ReportError, match="upgrade hegui"):
        parse_json(json.dumps(data))
    data["spec"] = "broken"
    with pytest.raises(ReportError, match="upgrade hegui"):
        parse_json(json.dumps(data))


def test_not_a_report(tmp_path: Path) -> None:
    with pytest.raises(ReportError, match="not a hegui JSON report"):
        parse_json('{"hello": 1}')
    with pytest.raises(ReportError, match="cannot read"):
        read_json(tmp_path / "missing.json")


def test_old_reports_without_new_fields_still_load(report: RunReport) -> None:
    data = json.loads(render_json(report))
    for key in ("schema_version", "requirement_info"):
        del data[key]
    for evidence in data["evidence"]:
        del evidence["aspect_name"]
    loaded = parse_json(json.dumps(data))
    assert loaded.schema_version == SCHEMA_VERSION and loaded.requirement_info == {}
