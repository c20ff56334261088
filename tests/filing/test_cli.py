"""``hegui filing`` as a user runs it: check, build (refused, draft, real), verify, diff."""

from __future__ import annotations

import json
from pathlib import Path

from filing_project import PROFILE
from test_preflight import edit
from typer.testing import CliRunner

from hegui.cli import app
from hegui.config import ProjectConfig

runner = CliRunner()


def invoke(config: ProjectConfig, *args: str) -> tuple[int, str]:
    result = runner.invoke(app, [*args, "--config", str(config.path)])
    return result.exit_code, result.output


def test_check_build_verify_diff(project: ProjectConfig, tmp_path: Path) -> None:
    code, output = invoke(project, "filing", "check")
    assert code == 0, output
    assert "every obligation met" in output
    out = tmp_path / "pkg"
    code, output = invoke(project, "filing", "build", "--out", str(out), "--pdf", "no")
    assert code == 0, output
    assert "附件1_安全评估报告.docx" in output
    assert f"package: {out} and {out}.zip" in output.replace("\n", "")
    code, output = invoke(project, "filing", "verify", str(out), "--evidence")
    assert code == 0, output
    assert "7 files match the manifest and the evidence" in output
    (out / "备案表.docx").write_bytes(b"changed")
    code, output = invoke(project, "filing", "verify", str(out))
    assert code == 1
    assert "备案表.docx: SHA-256" in output
    result = runner.invoke(app, ["filing", "diff", str(out), str(out), "--json"])
    assert result.exit_code == 0
    assert json.loads(result.output) == []


def test_gaps_refuse_the_build_and_draft_marks_them(project: ProjectConfig, tmp_path: Path) -> None:
    config = edit(project, profile=dict(PROFILE, uscc=None))
    code, output = invoke(config, "filing", "check")
    assert code == 1
    assert "missing profile" in output
    assert "uscc" in output
    code, output = invoke(config, "filing", "build", "--out", str(tmp_path / "pkg"), "--pdf", "no")
    assert code == 2
    assert "refusing to build a filing package with 1 unmet obligation(s)" in output
    assert not (tmp_path / "pkg").exists()
    args = ("filing", "build", "--out", str(tmp_path / "pkg"), "--pdf", "no", "--draft")
    code, output = invoke(config, *args)
    assert code == 0, output
    assert "DRAFT: 1 gap(s)" in output


def test_bad_profile_is_a_usage_error(project: ProjectConfig) -> None:
    config = edit(project, profile=dict(PROFILE, uscc="91110000600037341M"))
    code, output = invoke(config, "filing", "check")
    assert code == 2
    flat = output.replace("\n", "")
    assert "field 'profile.uscc'" in flat
    assert "check character is 'M' but the first 17 characters give 'L'" in flat
