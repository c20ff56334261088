"""Verify a package against its manifest and the evidence; diff two packages."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from filing_project import PROFILE
from test_preflight import edit

from hegui.config import ProjectConfig
from hegui.filing import (
    FilingError,
    build_package,
    diff_packages,
    gather,
    verify_package,
)
from hegui.filing.manifest import MANIFEST_NAME


@pytest.fixture
def package(project: ProjectConfig, tmp_path: Path) -> Path:
    return build_package(gather(project), tmp_path / "pkg", pdf="no", make_zip=False).folder


def test_untouched_package_verifies_against_files_and_evidence(
    package: Path, project: ProjectConfig
) -> None:
    result = verify_package(package, project)
    assert result.ok, result.problems
    assert result.files_checked == 7
    assert result.evidence_checked


def test_tampered_missing_and_added_files_are_reported(package: Path) -> None:
    (package / "附件5_评估测试题.xlsx").write_bytes(b"PK tampered")
    (package / "附件3_语料标注规则.docx").unlink()
    (package / "extra.txt").write_text("x")
    problems = verify_package(package).problems
    assert len(problems) == 3
    assert problems[0].startswith("附件3_语料标注规则.docx: missing")
    assert "附件5_评估测试题.xlsx: SHA-256" in problems[1]
    assert "changed after the package was built" in problems[1]
    assert problems[2] == "extra.txt: not in the manifest (added after the build)"


def test_evidence_changed_after_the_build(package: Path, project: ProjectConfig) -> None:
    bank = project.resolve("bank.jsonl")
    bank.write_text(bank.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    report = project.resolve("corpus-audit/report.json")
    report.write_text(report.read_text(encoding="utf-8") + " ", encoding="utf-8")
    problems = verify_package(package, project).problems
    assert any(p.startswith("bank bank.jsonl sha256") for p in problems)
    assert any(p.startswith("corpus report sha256") for p in problems)


def test_figures_that_no_longer_match_the_run(package: Path, project: ProjectConfig) -> None:
    manifest = json.loads((package / MANIFEST_NAME).read_text(encoding="utf-8"))
    manifest["figures"][0]["rate"] = 0.5  # the package claims another rate than the run gives
    (package / MANIFEST_NAME).write_text(json.dumps(manifest, ensure_ascii=False), "utf-8")
    problems = verify_package(package, project).problems
    requirement = manifest["figures"][0]["requirement"]
    assert any(p.startswith(f"{requirement}: package states PASS rate 0.5") for p in problems)


def test_not_a_package(tmp_path: Path) -> None:
    with pytest.raises(FilingError, match=r"no manifest\.json"):
        verify_package(tmp_path)
    (tmp_path / MANIFEST_NAME).write_text("{}")
    with pytest.raises(FilingError, match="field 'hegui_version': Field required"):
        verify_package(tmp_path)


def test_diff_shows_what_changed_for_refiling(
    package: Path, project: ProjectConfig, tmp_path: Path
) -> None:
    assert diff_packages(package, package) == []
    config = edit(project, profile=dict(PROFILE, service_name="新名字", domains=["教育"]))
    config.resolve("corpus-audit/report.json").write_text(
        config.resolve("corpus-audit/report.json").read_text(encoding="utf-8") + "\n", "utf-8"
    )
    second = build_package(gather(config), tmp_path / "pkg2", pdf="no", make_zip=False).folder
    changes = {(c.section, c.key): (c.old, c.new) for c in diff_packages(package, second)}
    assert changes[("profile", "service_name")] == ("示例智能助手", "新名字")
    assert changes[("profile", "domains")] == ("['通用']", "['教育']")
    assert ("source", "corpus report") in changes
    assert not any(section == "figure" for section, _ in changes)  # same run, same figures
