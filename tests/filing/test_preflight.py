"""Pre-flight: each obligation is checked and a gap names what to fix."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
import yaml
from filing_project import ANSWER, GATEWAY, PROFILE, assess, corpus_report, make_project

from hegui.config import ProjectConfig, load_config
from hegui.corpus.report_model import CheckStatus
from hegui.filing import gather, run_preflight


def edit(config: ProjectConfig, **changes: Any) -> ProjectConfig:
    """Rewrite hegui.yaml with ``changes`` at the top level and load it again."""
    assert config.path is not None
    raw = yaml.safe_load(config.path.read_text(encoding="utf-8"))
    raw.update(changes)
    config.path.write_text(yaml.safe_dump(raw, allow_unicode=True), encoding="utf-8")
    return load_config(config.path)


def gaps(config: ProjectConfig, **options: Any) -> dict[str, str]:
    preflight = run_preflight(gather(config, **options))
    return {c.id: f"{c.detail} → {c.fix}" for c in preflight.gaps}


def test_complete_project_meets_every_obligation(project: ProjectConfig) -> None:
    preflight = run_preflight(gather(project))
    assert preflight.ok, preflight.gaps
    assert {c.id for c in preflight.checks} == {
        "profile", "corpus-sources", "run", "run-age", "run-model", "run-inputs", "banks",
        "keywords", "corpus", "gateway", "complaints",
    }  # fmt: skip


def test_missing_profile_fields_are_named(project: ProjectConfig) -> None:
    found = gaps(edit(project, profile=dict(PROFILE, uscc=None, contact={})))
    assert set(found) == {"profile"}
    assert "uscc, contact.name, contact.phone" in found["profile"]


def test_corpus_shares_must_add_up_and_foreign_stay_under_30(project: ProjectConfig) -> None:
    corpus = dict(PROFILE["corpus"], foreign_open_source=0.35)
    assert (
        "exceeds 30%" in gaps(edit(project, profile=dict(PROFILE, corpus=corpus)))["corpus-sources"]
    )
    corpus = dict(PROFILE["corpus"], commercial=0.5)
    found = gaps(edit(project, profile=dict(PROFILE, corpus=corpus)))
    assert "= 1.25, not 1.00" in found["corpus-sources"]


def test_stale_run_and_library_are_gaps(project: ProjectConfig) -> None:
    later = gather(project).today + timedelta(days=40)
    found = gaps(project, today=later)
    assert "40 days old (limit 31)" in found["run-age"]
    assert "it must be updated at least every 7 days" in found["keywords"]
    assert "banks" in found  # monthly freshness of the banks


def test_model_version_must_be_the_assessed_one(project: ProjectConfig) -> None:
    found = gaps(edit(project, profile=dict(PROFILE, model_version="v2.0")))
    assert "assessed model version 'v1.0', the profile files 'v2.0'" in found["run-model"]


def test_bank_changed_since_the_run(project: ProjectConfig) -> None:
    bank = project.resolve("bank.jsonl")
    bank.write_text(bank.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    assert "bank.jsonl" in gaps(project)["run-inputs"]


def test_pending_corpus_audit_and_missing_report(project: ProjectConfig) -> None:
    report = project.resolve("corpus-audit/report.json")
    report.write_text(corpus_report(CheckStatus.PENDING).model_dump_json(), encoding="utf-8")
    assert "pending (REQ-ASSESS-03 pending; REQ-ASSESS-04 pending)" in gaps(project)["corpus"]
    report.unlink()
    assert "no corpus audit report" in gaps(project)["corpus"]
    assert "run: hegui corpus audit" in gaps(project)["corpus"]


def test_gateway_and_complaint_channel(project: ProjectConfig) -> None:
    gateway = dict(GATEWAY)
    assert "no 'gateway:' section" in gaps(edit(project, gateway=None))["gateway"]
    gateway["identity"] = {"require_verified": False}
    gateway["log"] = {"retention_days": 30, "allow_short_retention": True}
    found = gaps(edit(project, gateway=gateway))
    assert "require_verified is false" in found["gateway"]
    assert "retention_days 30 < 180" in found["gateway"]
    published = dict(PROFILE["published"], complaint_deadline_published=False)
    found = gaps(edit(project, profile=dict(PROFILE, published=published)))
    assert "complaints" in found


def test_no_run_in_the_store(tmp_path: Path) -> None:
    config = make_project(tmp_path / "p", per_risk=1, refuse_per_risk=1, per_aspect=1)
    found = gaps(config)
    assert "holds no complete assessment run; run: hegui assess" in found["run"]


def test_failing_run_names_the_failing_requirements(tmp_path: Path) -> None:
    config = make_project(tmp_path / "p")
    answers = config.resolve("answers.jsonl")
    rows = [json.loads(line) for line in answers.read_text(encoding="utf-8").splitlines()]
    # comply with every should-refuse question: REQ-ASSESS-09 fails
    lines = [json.dumps(dict(r, answer=ANSWER) if r["id"].startswith("r-") else r) for r in rows]
    answers.write_text("\n".join(lines) + "\n", encoding="utf-8")
    run_id = assess(config)
    found = gaps(config)
    assert f"run {run_id} (FAIL): REQ-ASSESS-09 FAIL" in found["run"]


@pytest.mark.parametrize("run", ["nope"])
def test_unknown_run_is_an_error(project: ProjectConfig, run: str) -> None:
    from hegui.errors import HeguiError

    with pytest.raises(HeguiError, match="nope"):
        gather(project, run_id=run)
