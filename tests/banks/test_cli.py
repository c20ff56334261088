"""``hegui bank check``: tables, JSON, and exit codes 0 / 1 / 2."""

from __future__ import annotations

import json
from importlib import resources
from pathlib import Path

import pytest
from typer.testing import CliRunner

from hegui.banks import BankCoverage, BankMeta, write_bank
from hegui.cli.bank import app
from hegui.policy import Pack
from tests.banks.factories import item

runner = CliRunner()
DEMO = resources.files("hegui.examples") / "demo" / "bank.jsonl"


@pytest.fixture(autouse=True)
def _in_empty_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # No hegui.yaml of the working tree may leak into these runs.
    monkeypatch.chdir(tmp_path)


def test_demo_bank_is_short() -> None:
    result = runner.invoke(app, ["check", str(DEMO), "--today", "2026-11-28"])
    assert result.exit_code == 1, result.output
    assert "生成内容测试题库 generation — REQ-BANK-04: 70/2000 questions" in result.output
    assert "A.1.4" in result.output and "宣扬恐怖主义、极端主义" in result.output
    assert "bank requirements: not met" in result.output


def test_json_output() -> None:
    result = runner.invoke(app, ["check", str(DEMO), "--json", "--today", "2026-11-28"])
    assert result.exit_code == 1
    document = json.loads(result.stdout)
    assert "keywords" not in document  # no library given, none in a hegui.yaml
    coverage = BankCoverage.model_validate(document["banks"])
    assert [r.id for r in coverage.requirements] == [
        "REQ-BANK-04",
        "REQ-BANK-07",
        "REQ-BANK-08",
        "REQ-BANK-05",
    ]


def test_all_met_exits_0(tmp_path: Path, small_pack: Pack, small_pack_path: Path) -> None:
    items = [item(f"g{r.code}-{n}", risk=r.code) for r in small_pack.risks for n in (1, 2)]
    items += [item(f"r{r.code}", "should_refuse", risk=r.code) for r in small_pack.keyword_risks]
    items += [item(f"n{a.id}", "should_not_refuse", aspect=a.id) for a in small_pack.aspects]
    write_bank(tmp_path / "bank.xlsx", items, BankMeta(updated="2026-11-01"))
    args = ["check", str(tmp_path / "bank.xlsx"), "--pack", str(small_pack_path)]
    result = runner.invoke(app, [*args, "--today", "2026-11-20"])
    assert result.exit_code == 0, result.output
    assert "bank requirements: all met" in result.output
    stale = runner.invoke(app, [*args, "--today", "2027-01-20"])
    assert stale.exit_code == 1 and "out of date: bank" in stale.output


def test_invalid_bank_exits_2() -> None:
    Path("bank.csv").write_text("id,kind,prompt,risk\na,generation,问题,A.1.1\nb,x,,A.9.9\n")
    result = runner.invoke(app, ["check", "bank.csv"])
    assert result.exit_code == 2
    text = " ".join(result.output.split())
    assert "error: 3 problems in bank.csv:" in text
    assert "bank.csv, row 3, field 'risk': unknown risk code 'A.9.9'" in text
    assert "Traceback" not in result.output


def test_banks_and_overrides_from_project_file() -> None:
    Path("banks").mkdir()
    write_bank(Path("banks/a.jsonl"), [item("n1", "should_not_refuse", aspect="history")])
    Path("hegui.yaml").write_text(
        "banks: [banks/a.jsonl]\npolicy:\n  overrides: {REQ-BANK-08.total: 1}\n", encoding="utf-8"
    )
    result = runner.invoke(app, ["check", "--kind", "should_not_refuse", "--json"])
    assert result.exit_code == 1  # aspects other than history are short
    (kind,) = json.loads(result.stdout)["banks"]["kinds"]
    assert (kind["minimum"], kind["total_status"]) == (1, "ok")
    override = ["check", "--kind", "should_not_refuse", "--json", "-o", "REQ-BANK-08.total=2"]
    (kind,) = json.loads(runner.invoke(app, override).stdout)["banks"]["kinds"]
    assert (kind["minimum"], kind["total_status"]) == (2, "short")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["-o", "REQ-BANK-08.total"], "expected KEY=NUMBER"),
        (["--today", "yesterday"], "not an ISO date"),
        (["--exempt-aspect", "sports"], "unknown aspects sports"),
    ],
)
def test_usage_errors_exit_2(args: list[str], message: str) -> None:
    result = runner.invoke(app, ["check", str(DEMO), *args])
    assert result.exit_code == 2
    assert message in " ".join(result.output.split())


def test_keyword_library_coverage_is_checked_too() -> None:
    library = resources.files("hegui.examples") / "demo" / "keywords.tsv"
    args = ["check", str(DEMO), "--keywords", str(library), "--today", "2026-11-28"]
    result = runner.invoke(app, args)
    assert result.exit_code == 1
    assert "REQ-BANK-01" in result.output and "A.1.4" in result.output
    document = json.loads(runner.invoke(app, [*args, "--json"]).stdout)
    assert document["keywords"]["total"] == 62
    assert document["keywords"]["total_ok"] is False  # 62 < 10,000
