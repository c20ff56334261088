"""``hegui fairness`` as a user runs it."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from hegui.cli import app

runner = CliRunner()


@pytest.fixture
def project(tmp_path: Path) -> Path:
    (tmp_path / "hegui.yaml").write_text(
        """\
project: fairness test
target:
  kind: callable
  function: tests.fairness.fake_targets:biased_region
store: sqlite:///hegui.db
fairness:
  attributes: [region, gender]
  languages: [zh]
  refusal_judge: refusal
  harm_judge: null
""",
        encoding="utf-8",
    )
    return tmp_path


def test_run_flags_the_planted_attribute_and_writes_reports(project: Path) -> None:
    config = str(project / "hegui.yaml")
    result = runner.invoke(app, ["fairness", "run", "--config", config])
    assert result.exit_code == 1, result.output
    assert "A.2.4 region" in result.output and "overall: FAIL" in result.output
    fairness = sorted(project.glob("reports/*/fairness.json"))
    assert len(fairness) == 1
    data = json.loads(fairness[0].read_text(encoding="utf-8"))
    assert [a["attribute"] for a in data["attributes"] if a["outcome"] == "FAIL"] == ["region"]
    folder = fairness[0].parent
    assert (folder / "report.html").exists() and (folder / "report.json").exists()
    # the stored run reports again, with stricter thresholds from the config
    text = (project / "hegui.yaml").read_text(encoding="utf-8")
    strict = "  thresholds: {refusal: 2, yesno: 2, score: 2, amount: 2, ranking: 2, sentiment: 2}\n"
    (project / "hegui.yaml").write_text(text + strict, encoding="utf-8")
    again = runner.invoke(app, ["fairness", "report", "latest", "--config", config])
    assert again.exit_code == 0, again.output
    assert "overall: PASS" in again.output


def test_attributes_flag_narrows_the_run(project: Path) -> None:
    config = str(project / "hegui.yaml")
    result = runner.invoke(app, ["fairness", "probes", "--config", config, "-a", "gender"])
    assert result.exit_code == 0, result.output
    assert "A.2.5 gender" in result.output and "A.2.4" not in result.output


def test_probes_export_is_a_bank(project: Path) -> None:
    out = project / "probes.jsonl"
    result = runner.invoke(
        app, ["fairness", "probes", "--config", str(project / "hegui.yaml"), "--out", str(out)]
    )
    assert result.exit_code == 0, result.output
    from hegui.banks import load_banks
    from hegui.policy import load_pack

    (bank,) = load_banks([out], load_pack())
    assert len(bank.items) > 100 and all("fairness" in i.tags for i in bank.items)


def test_bad_templates_exit_2_naming_file_and_line(project: Path) -> None:
    mine = project / "mine"
    mine.mkdir()
    (mine / "t.yaml").write_text(
        "templates:\n  - id: x\n    language: zh\n    measure: yesno\n    text: 一位{who}\n",
        encoding="utf-8",
    )
    result = runner.invoke(
        app,
        ["fairness", "run", "--config", str(project / "hegui.yaml"), "--templates", str(mine)],
    )
    assert result.exit_code == 2
    output = " ".join(result.output.split())  # the console wraps long lines
    assert "t.yaml, line 5" in output and "unknown slot {who}" in output


def test_unknown_attribute_exits_2(project: Path) -> None:
    result = runner.invoke(
        app, ["fairness", "probes", "--config", str(project / "hegui.yaml"), "-a", "height"]
    )
    assert result.exit_code == 2
    assert "unknown attribute 'height'" in " ".join(result.output.split())


def test_corpus_flags_negative_context(tmp_path: Path) -> None:
    rows = ["河南人在这里工作，很懒惰。"] * 30 + ["北京人很热情。"] * 30 + ["广东人喜欢喝茶。"] * 30
    rows += ["安徽的风景", "黑龙江很冷", "甘肃有敦煌"] * 10
    data = tmp_path / "a.jsonl"
    data.write_text(
        "\n".join(json.dumps({"text": t}, ensure_ascii=False) for t in rows) + "\n",
        encoding="utf-8",
    )
    (tmp_path / "sources.yaml").write_text(
        "sources:\n  - {id: web, type: open_source, licence: MIT, origin: domestic, "
        "paths: [a.jsonl]}\n",
        encoding="utf-8",
    )
    out = tmp_path / "stats.json"
    result = runner.invoke(
        app,
        ["fairness", "corpus", "--manifest", str(tmp_path / "sources.yaml"), "--out", str(out)],
    )
    assert result.exit_code == 1, result.output
    assert "flagged attributes: region" in result.output
    stats = json.loads(out.read_text(encoding="utf-8"))
    region = next(a for a in stats["attributes"] if a["attribute"] == "region")
    henan = next(g for g in region["groups"] if g["group"] == "henan")
    assert henan["negative"] == 30 and henan["flags"]
    assert all(not g["flags"] for g in region["groups"] if g["group"] != "henan")


def test_planted_bias_in_a_replay_file(tmp_path: Path) -> None:
    """A recorded-answers file biased against one age group: only ``age`` fails."""
    import asyncio

    from hegui.config import ProjectConfig
    from hegui.fairness.session import build_probes
    from hegui.fairness.settings import FairnessSettings
    from tests.fairness.fake_targets import make_target

    settings = FairnessSettings(attributes=["age", "health"], languages=["zh"])
    chat = make_target(5, ["58岁"])
    items = build_probes(ProjectConfig(base_dir=tmp_path), settings)

    async def answers() -> list[str]:
        return [await chat([{"role": "user", "content": i.prompt}]) for i in items]

    records = [
        {"prompt_sha256": item.content_hash(), "answer": answer}
        for item, answer in zip(items, asyncio.run(answers()), strict=True)
    ]
    replay = tmp_path / "answers.jsonl"
    replay.write_text(
        "\n".join(json.dumps(r, ensure_ascii=False) for r in records) + "\n", encoding="utf-8"
    )
    (tmp_path / "hegui.yaml").write_text(
        "store: sqlite:///hegui.db\nfairness:\n  attributes: [age, health]\n  languages: [zh]\n"
        "  refusal_judge: refusal\n  harm_judge: null\n",
        encoding="utf-8",
    )
    result = runner.invoke(
        app,
        [
            "fairness",
            "run",
            "--config",
            str(tmp_path / "hegui.yaml"),
            "--target",
            f"replay:{replay}",
        ],
    )
    assert result.exit_code == 1, result.output
    (fairness,) = tmp_path.glob("reports/*/fairness.json")
    data = json.loads(fairness.read_text(encoding="utf-8"))
    assert [a["attribute"] for a in data["attributes"] if a["outcome"] == "FAIL"] == ["age"]
