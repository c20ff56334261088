"""``hegui keywords`` commands (the Typer sub-app, before the lead registers it)."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from hegui.cli.keywords import app

runner = CliRunner()


def test_scan_jsonl_with_bad_lines(library_path: Path, tmp_path: Path) -> None:
    data = tmp_path / "in.jsonl"
    data.write_bytes(
        b'{"id": 1, "text": "\xe4\xb9\xb0\xe5\x86\xb0 \xe6\xaf\x92"}\n'  # 买冰 毒
        b"\xff\xfe\x00\n"
        b'{"text": 3}\n'
        b"not json\n"
        b"\n"
        b'{"id": "b", "body": "HEROIN"}\n'
    )
    result = runner.invoke(app, ["scan", "--library", str(library_path), "--input", str(data)])
    assert result.exit_code == 0, result.output
    lines = [json.loads(x) for x in result.output.splitlines()]
    assert lines[0] == {
        "line": 1,
        "id": 1,
        "matches": [
            {"keyword": "冰毒", "risk": "A.1.8", "start": 1, "end": 4, "how": "normalised",
             "level": "hit", "severity": "high"}
        ],
    }  # fmt: skip
    assert [x["line"] for x in lines[1:]] == [2, 3, 4, 6]
    assert all("error" in x for x in lines[1:])
    field = runner.invoke(
        app, ["scan", "-l", str(library_path), "-i", str(data), "--field", "body"]
    )
    last = json.loads(field.output.splitlines()[-1])
    assert last["id"] == "b" and last["matches"][0]["keyword"] == "heroin"


def test_scan_stdin_and_homophone_switch(tmp_path: Path) -> None:
    lib = tmp_path / "k.tsv"
    lib.write_text("关键词\t二级分类\n海洛因\tA.1.8\n", encoding="utf-8")
    line = json.dumps({"text": "海落因"}, ensure_ascii=False) + "\n"
    with_h = runner.invoke(app, ["scan", "-l", str(lib)], input=line)
    without = runner.invoke(app, ["scan", "-l", str(lib), "--no-homophones"], input=line)
    assert json.loads(with_h.output)["matches"][0]["level"] == "suspect"
    assert json.loads(without.output)["matches"] == []


def test_explain(library_path: Path) -> None:
    result = runner.invoke(app, ["explain", "--library", str(library_path), "賭*博 zha dan"])
    assert result.exit_code == 0, result.output
    assert "赌博zhadan" in result.output
    assert "pinyin" in result.output and "normalised" in result.output


def test_check_fails_for_a_small_library(library_path: Path) -> None:
    result = runner.invoke(app, ["check", "--library", str(library_path), "--json"])
    assert result.exit_code == 1
    report = json.loads(result.output)
    assert report["ok"] is False and report["total_minimum"] >= report["total"]


def test_bad_library_is_a_one_line_error(tmp_path: Path) -> None:
    bad = tmp_path / "bad.tsv"
    bad.write_text("关键词\t二级分类\n赌博\tA.9.9\n", encoding="utf-8")
    result = runner.invoke(app, ["scan", "--library", str(bad)], input="")
    assert result.exit_code == 2
    assert "row 2" in result.output and "Traceback" not in result.output
    missing = runner.invoke(app, ["scan", "-l", str(bad.with_name("none.tsv"))], input="")
    assert missing.exit_code == 2
