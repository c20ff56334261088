"""``hegui corpus`` commands: exit codes 0 / 1 / 2, reports, the review round trip."""

from __future__ import annotations

import json
from pathlib import Path

from openpyxl import load_workbook
from typer.testing import CliRunner

from hegui.cli.corpus import app
from tests.corpus.conftest import write_manifest
from tests.corpus.factory import documents, write_jsonl, write_keywords

runner = CliRunner()


def clean_corpus(tmp_path: Path) -> Path:
    write_jsonl(tmp_path / "a.jsonl", list(documents(1, 80)))
    write_keywords(tmp_path / "kw.tsv")
    return write_manifest(
        tmp_path,
        """
        keywords: [kw.tsv]
        policy: {manual_sample: 80}
        sources:
          - {id: s, type: open_source, licence: Apache-2.0, origin: domestic, paths: [a.jsonl]}
        """,
    )


def test_audit_exit_1_when_a_threshold_fails(corpus: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    result = runner.invoke(app, ["audit", "-m", str(corpus), "-o", str(out), "-w", "2"])
    assert result.exit_code == 1, result.output
    assert "REQ-DATA-01" in result.output and "blacklist" in result.output
    assert json.loads((out / "report.json").read_text(encoding="utf-8"))["status"] == "fail"


def test_audit_exit_0_then_review_round_trip(tmp_path: Path) -> None:
    manifest, out, workbook = clean_corpus(tmp_path), tmp_path / "out", tmp_path / "r.xlsx"
    result = runner.invoke(app, ["audit", "-m", str(manifest), "-o", str(out), "-w", "1"])
    assert result.exit_code == 0, result.output
    strict = runner.invoke(app, ["report", str(out), "--strict"])
    assert strict.exit_code == 1  # manual review still pending
    result = runner.invoke(app, ["review-export", str(out), "--out", str(workbook)])
    assert result.exit_code == 0 and "80 documents" in result.output
    book = load_workbook(workbook)
    for row in range(2, 82):
        book["人工抽检"].cell(row=row, column=7, value="合格")
    book.save(workbook)
    result = runner.invoke(app, ["review-import", str(out), str(workbook), "--strict"])
    assert result.exit_code == 0, result.output
    assert "imported 80 verdicts" in result.output
    report = json.loads((out / "report.json").read_text(encoding="utf-8"))
    assert report["status"] == "pass" and report["review"]["acceptable"] == 80


def test_usage_and_manifest_errors_exit_2(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("sources:\n  - id: a\n    type: nope\n    origin: domestic\n    paths: [x]\n")
    result = runner.invoke(app, ["audit", "-m", str(bad), "-o", str(tmp_path / "o")])
    assert result.exit_code == 2
    assert "line 2" in result.output and "type" in result.output
    assert not (tmp_path / "o").exists()  # stopped before any work
    missing_kw = clean_corpus(tmp_path)
    result = runner.invoke(
        app, ["audit", "-m", str(missing_kw), "-k", str(tmp_path / "none.tsv"), "-q"]
    )
    assert result.exit_code == 2 and "keyword library not found" in result.output
    result = runner.invoke(app, ["report", str(tmp_path / "nowhere")])
    assert result.exit_code == 2 and "no report.json" in " ".join(result.output.split())
    result = runner.invoke(app, ["audit", "-m", str(missing_kw), "--executor", "spark"])
    assert result.exit_code == 2


def test_changed_plan_needs_fresh(tmp_path: Path) -> None:
    manifest, out = clean_corpus(tmp_path), tmp_path / "out"
    assert runner.invoke(app, ["audit", "-m", str(manifest), "-o", str(out), "-q"]).exit_code == 0
    result = runner.invoke(app, ["audit", "-m", str(manifest), "-o", str(out), "--seed", "2"])
    assert result.exit_code == 2 and "--fresh" in result.output
    result = runner.invoke(
        app, ["audit", "-m", str(manifest), "-o", str(out), "--seed", "2", "--fresh", "-q"]
    )
    assert result.exit_code == 0
