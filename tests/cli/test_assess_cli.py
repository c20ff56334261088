"""The assessment commands as a user runs them: demo, init, assess, runs, report, rescore."""

from __future__ import annotations

import json
import shutil
from importlib import resources
from pathlib import Path

import pytest
from openpyxl import load_workbook
from typer.testing import CliRunner

from hegui.cli import app

runner = CliRunner()


@pytest.fixture(scope="module")
def demo_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("demo") / "hegui-demo"
    result = runner.invoke(app, ["demo", "--dir", str(folder), "--no-progress"])
    assert result.exit_code == 0, result.output
    assert "report.html" in result.output
    return folder


def latest_report(folder: Path) -> dict:
    reports = sorted((folder / "reports").glob("*/report.json"), key=lambda p: p.stat().st_mtime)
    return json.loads(reports[-1].read_text(encoding="utf-8"))


def test_demo_finds_every_planted_failure(demo_dir: Path) -> None:
    report = latest_report(demo_dir)
    expectations = json.loads(
        (resources.files("hegui.examples") / "demo" / "demo_expectations.json").read_text("utf-8")
    )
    failed = {row["item_id"] for row in report["evidence"] if row["passed"] is False}
    planted = {i for ids in expectations.values() if isinstance(ids, list) for i in ids}
    assert planted and planted <= failed
    outcomes = {r["requirement"]: r["outcome"] for r in report["results"]}
    assert outcomes["REQ-ASSESS-09"] == "FAIL"
    assert outcomes["REQ-ASSESS-10"] == "FAIL"
    assert outcomes["REQ-ASSESS-06"] == "NOT-ASSESSED"
    assert report["overall"] == "FAIL"
    for name in ("report.html", "report.xlsx"):
        assert (demo_dir / "reports" / report["spec"]["run_id"] / name).stat().st_size > 1000
    assert report["spec"]["policy_overrides"]["REQ-ASSESS-09.min_sample"] == 30


def test_runs_report_and_rescore(demo_dir: Path) -> None:
    config = str(demo_dir / "hegui.yaml")
    listing = runner.invoke(app, ["runs", "list", "--config", config])
    assert listing.exit_code == 0 and "complete" in listing.output

    out = demo_dir / "again"
    report = runner.invoke(
        app, ["report", "latest", "--config", config, "--format", "json", "--out", str(out)]
    )
    assert report.exit_code == 1, report.output  # the demo fails requirements
    assert (out / "report.json").exists() and not (out / "report.html").exists()

    before = latest_report(demo_dir)
    rescored = runner.invoke(
        app, ["rescore", "latest", "--config", config, "--judge", "classifier=acceptable"]
    )
    assert rescored.exit_code == 1, rescored.output
    after = latest_report(demo_dir)
    outcomes = {r["requirement"]: r for r in after["results"]}
    assert outcomes["REQ-ASSESS-08"]["outcome"] != "NOT-ASSESSED"
    assert after["spec"]["methods"]["classifier"] == "acceptable"
    # the answers are the stored ones: nothing was asked again
    assert [r["answer"] for r in after["evidence"]] == [r["answer"] for r in before["evidence"]]


def test_rescore_records_the_judge_options_it_used(demo_dir: Path, tmp_path: Path) -> None:
    folder = tmp_path / "demo"
    shutil.copytree(demo_dir, folder)
    config = folder / "hegui.yaml"
    original = latest_report(folder)["spec"]["judge_options"]
    assert "refusal-ml" not in original
    text = config.read_text(encoding="utf-8")
    text = text.replace("judges:\n", "judges:\n  options: {refusal-ml: {threshold: 0.6}}\n", 1)
    config.write_text(text, encoding="utf-8")
    rescored = runner.invoke(app, ["rescore", "latest", "--config", str(config)])
    assert rescored.exit_code == 1, rescored.output
    report = latest_report(folder)
    assert report["spec"]["judge_options"]["refusal-ml"] == {"threshold": 0.6}
    # the workbook's run sheet names them too
    book = load_workbook(folder / "reports" / report["spec"]["run_id"] / "report.xlsx")
    cells = [str(c.value) for sheet in book.worksheets for row in sheet.iter_rows() for c in row]
    assert any("Judge options: refusal-ml" in c for c in cells)
    assert '{"threshold": 0.6}' in cells


def test_bad_judge_option_and_unknown_run_exit_2(demo_dir: Path) -> None:
    config = str(demo_dir / "hegui.yaml")
    bad = runner.invoke(app, ["rescore", "latest", "--config", config, "--judge", "classifier"])
    assert bad.exit_code == 2 and "METHOD=JUDGE" in bad.output
    missing = runner.invoke(app, ["report", "no-such-run", "--config", config])
    assert missing.exit_code == 2 and "hegui runs list" in missing.output


def test_init_writes_a_config_that_loads(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    assert runner.invoke(app, ["init"]).exit_code == 0
    assert runner.invoke(app, ["init"]).exit_code == 2  # refuses to overwrite
    from hegui.config import load_config

    config = load_config(tmp_path / "hegui.yaml")
    assert config.target and config.target["kind"] == "openai"


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("run: {concurrency: 0}", "run.concurrency"),
        ("policy: {overrides: {REQ-BANK-04.total: 1}}", "verified"),
        ("banks: [missing.jsonl]", "missing.jsonl"),
        ("target: {kind: telnet}", "target.kind"),
        ("- just\n- a list", "mapping"),
    ],
)
def test_config_mistakes_are_one_line_errors(tmp_path: Path, content: str, message: str) -> None:
    (tmp_path / "hegui.yaml").write_text(
        "target: {kind: replay, path: a.jsonl}\n" + content
        if content.startswith(("run", "policy", "banks"))
        else content,
        encoding="utf-8",
    )
    (tmp_path / "a.jsonl").write_text("", encoding="utf-8")
    result = runner.invoke(
        app, ["assess", "--config", str(tmp_path / "hegui.yaml"), "--no-progress"]
    )
    assert result.exit_code == 2, result.output
    assert message in result.output
    assert "Traceback" not in result.output


def test_policy_show() -> None:
    result = runner.invoke(app, ["policy", "show", "--pack", "tc260-003-2024"])
    assert result.exit_code == 0
    assert "A.5.2" in result.output and "REQ-ASSESS-10" in result.output
    assert "REQ-GAI-12" in result.output and "90 (P) days" in result.output
    assert runner.invoke(app, ["policy", "show", "--pack", "nope"]).exit_code == 2


def test_judge_options_in_hegui_yaml_are_used_and_recorded(demo_dir: Path) -> None:
    import yaml

    from hegui.assess.session import judge_options
    from hegui.config import load_config

    config = yaml.safe_load((demo_dir / "hegui.yaml").read_text(encoding="utf-8"))
    config["judges"]["options"] = {"refusal-ml": {"threshold": 0.999}}
    path = demo_dir / "hegui-options.yaml"
    path.write_text(yaml.safe_dump(config, allow_unicode=True), encoding="utf-8")
    result = runner.invoke(app, ["assess", "--config", str(path), "--no-progress"])
    assert result.exit_code == 1, result.output
    report = latest_report(demo_dir)
    assert report["spec"]["judge_options"] == {"refusal-ml": {"threshold": 0.999}}
    # with a threshold no answer reaches, the should-refuse questions look answered
    refusal = {r["requirement"]: r for r in report["results"]}["REQ-ASSESS-09"]
    assert refusal["outcome"] == "FAIL"

    config["judges"]["options"] = {"cascade": {"llm": "guard.yaml"}, "refusal-ml": {"colour": 1}}
    path.write_text(yaml.safe_dump(config, allow_unicode=True), encoding="utf-8")
    loaded = load_config(path)
    assert judge_options(loaded, "cascade") == {"llm": str(demo_dir / "guard.yaml")}
    bad = runner.invoke(app, ["assess", "--config", str(path), "--no-progress"])
    assert bad.exit_code == 2 and "'colour'" in bad.output and "threshold" in bad.output


def test_a_pack_file_of_the_provider_is_assessed_and_rescored(demo_dir: Path) -> None:
    import yaml

    folder = resources.files("hegui.policy") / "packs"
    (demo_dir / "packs").mkdir(exist_ok=True)
    own = (
        (folder / "gbt45654-2025.yaml")
        .read_text("utf-8")
        .replace("pack: gbt45654-2025", "pack: acme-2026")
    )
    (demo_dir / "packs" / "acme.yaml").write_text(own, encoding="utf-8")
    (demo_dir / "packs" / "appendix-a.yaml").write_bytes((folder / "appendix-a.yaml").read_bytes())
    config = yaml.safe_load((demo_dir / "hegui.yaml").read_text(encoding="utf-8"))
    config["policy"]["pack"] = "packs/acme.yaml"  # relative to hegui.yaml, not to the cwd
    path = demo_dir / "hegui-acme.yaml"
    path.write_text(yaml.safe_dump(config, allow_unicode=True), encoding="utf-8")
    result = runner.invoke(app, ["assess", "--config", str(path), "--no-progress"])
    assert result.exit_code == 1, result.output
    assert latest_report(demo_dir)["spec"]["pack"] == "acme-2026"
    rescored = runner.invoke(app, ["rescore", "latest", "--config", str(path)])
    assert rescored.exit_code == 1, rescored.output
