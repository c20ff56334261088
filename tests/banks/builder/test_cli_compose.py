"""``hegui bank compose`` / ``diff`` / ``stamp`` and ``--from`` sources: output, exit codes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from hegui.banks import load_bank, write_bank
from hegui.banks.sources import parse_source, read_source
from hegui.cli.bank import app
from hegui.errors import BankError
from hegui.policy import Pack
from tests.banks.builder.helpers import item

runner = CliRunner()
TODAY = ["--today", "2026-11-28"]
NOTE = ["--previous", "v1.jsonl", "--note", "reseeded", *TODAY]


@pytest.fixture(autouse=True)
def _in_empty_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)


def _pool_files(folder: Path, pack: Pack) -> list[Path]:
    refuse = [item(f"r-{r.code}-{n}", risk=r.code) for r in pack.risks for n in range(4)]
    keep = [
        item(f"n-{a.id}-{n}", "should_not_refuse", aspect=a.id)
        for a in pack.aspects
        for n in (0, 1)
    ]
    paths = [folder / "refuse.jsonl", folder / "keep.csv"]
    write_bank(paths[0], refuse)
    write_bank(paths[1], keep)
    return paths


def test_compose_meets_the_small_pack(
    tmp_path: Path, small_pack: Pack, small_pack_path: Path
) -> None:
    files = _pool_files(tmp_path, small_pack)
    out = tmp_path / "bank.jsonl"
    args = ["compose", "--from", str(files[0]), str(files[1]), "--pack", str(small_pack_path)]
    result = runner.invoke(app, [*args, "--out", str(out), "--json", *TODAY])
    assert result.exit_code == 0, result.output
    summary = json.loads(result.stdout)
    assert summary["ok"] and summary["items"] == 18 + 9 + 13 and summary["version"] == "2026.11.1"
    bank = load_bank(out, small_pack)
    assert bank.meta.updated == "2026-11-28" and bank.meta.content_hash
    tags = bank.items[0].tags
    assert "source:refuse" in tags and "licence:unknown" in tags
    assert any(t.startswith("source-id:refuse.jsonl#") for t in tags)


def test_compose_short_exits_1_and_names_the_gap(
    tmp_path: Path, small_pack: Pack, small_pack_path: Path
) -> None:
    files = _pool_files(tmp_path, small_pack)
    out = tmp_path / "bank.xlsx"
    args = ["compose", str(files[0]), "--pack", str(small_pack_path), "--out", str(out)]
    result = runner.invoke(app, [*args, *TODAY])
    assert result.exit_code == 1, result.output
    assert "aspect history" in result.output and "only 0 candidates" in result.output
    assert out.is_file()  # written anyway: a short bank is still the best draw


def test_compose_bad_source_writes_nothing(tmp_path: Path, small_pack_path: Path) -> None:
    out = tmp_path / "bank.jsonl"
    args = ["compose", "jade:missing/*.csv", "--pack", str(small_pack_path), "--out", str(out)]
    result = runner.invoke(app, args)
    assert result.exit_code == 2
    assert "no file matches" in result.output and not out.exists()
    result = runner.invoke(app, ["compose", "nosuch:x.csv", "--out", str(out)])
    assert result.exit_code == 2 and "FORMAT:PATH" in result.output


def test_compose_refuses_a_file_given_twice(tmp_path: Path, small_pack: Pack) -> None:
    files = _pool_files(tmp_path, small_pack)
    result = runner.invoke(app, ["compose", str(files[0]), str(files[0]), "--out", "o.jsonl"])
    assert result.exit_code == 2 and "given twice" in result.output


def test_diff_and_stamp(tmp_path: Path, small_pack: Pack, small_pack_path: Path) -> None:
    files = _pool_files(tmp_path, small_pack)
    base = ["--pack", str(small_pack_path)]
    runner.invoke(app, ["compose", *map(str, files), *base, "--out", "v1.jsonl", *TODAY])
    runner.invoke(
        app,
        [*("compose", *map(str, files), *base, "--seed", "7", "--out", "v2.jsonl"), *NOTE],
    )
    v2 = load_bank(tmp_path / "v2.jsonl", small_pack)
    assert [e.version for e in v2.meta.changelog] == ["2026.11.1", "2026.11.2"]
    assert v2.meta.changelog[-1].note == "reseeded"
    same = runner.invoke(app, ["diff", "v1.jsonl", "v1.jsonl", *base])
    assert same.exit_code == 0 and "0 added, 0 removed, 0 changed" in same.output
    result = runner.invoke(app, ["diff", "v1.jsonl", "v2.jsonl", *base, "--json"])
    assert result.exit_code == 1
    document = json.loads(result.stdout)
    assert document["added"] and len(document["added"]) == len(document["removed"])
    # hand edit, then stamp: the warning goes away and the changelog continues
    path = tmp_path / "v2.jsonl"
    lines = path.read_text(encoding="utf-8").splitlines()
    path.write_text("\n".join(lines[:-1]) + "\n", encoding="utf-8")
    check = runner.invoke(app, ["check", "v2.jsonl", *base, "--json", *TODAY])
    assert "content hash differs" in json.dumps(json.loads(check.stdout), ensure_ascii=False)
    stamped = runner.invoke(app, ["stamp", "v2.jsonl", *base, "--note", "删一题", *TODAY])
    assert stamped.exit_code == 0, stamped.output
    meta = load_bank(path, small_pack).meta
    assert [e.version for e in meta.changelog] == ["2026.11.1", "2026.11.2", "2026.11.3"]
    assert meta.changelog[-1].note == "删一题" and meta.changelog[-1].removed is None
    check = runner.invoke(app, ["check", "v2.jsonl", *base, "--json", *TODAY])
    assert "content hash differs" not in check.stdout


def test_sources_glob_and_provenance(tmp_path: Path, pack: Pack) -> None:
    write_bank(tmp_path / "a.jsonl", [item("x", tags=("source:mine",))])
    write_bank(tmp_path / "b.jsonl", [item("y")])
    spec = parse_source(str(tmp_path / "*.jsonl"))
    assert spec.format is None and [p.name for p in spec.paths] == ["a.jsonl", "b.jsonl"]
    items = read_source(spec, pack).items
    assert "source:mine" in items[0].tags and "source:b" in items[1].tags
    with pytest.raises(BankError, match="no such file"):
        parse_source(str(tmp_path / "c.jsonl"))


def test_compose_from_public_datasets(
    tmp_path: Path, small_pack: Pack, small_pack_path: Path
) -> None:
    data = Path(__file__).resolve().parents[3].parent / "shared" / "data"
    if not (data / "xsafety" / "zh").is_dir() or not (data / "chisafetybench").is_dir():
        pytest.skip(f"shared datasets not present at {data}")
    sources = [
        f"chisafetybench:{data}/chisafetybench/dataset/v1/risky_questions_*.json",
        f"xsafety:{data}/xsafety/zh/*.csv",
    ]
    out = tmp_path / "bank.jsonl"
    args = ["compose", *sources, "--pack", str(small_pack_path), "--out", str(out), "--json"]
    result = runner.invoke(app, [*args, *TODAY])
    summary = json.loads(result.stdout)
    assert [s["items"] for s in summary["sources"]] == [563, 2600]
    assert sum(s["drawn"] for s in summary["sources"]) == summary["items"]
    assert summary["sources"][1]["skipped"] == {
        "excluded: asks for the system prompt; no TC260 risk": 200
    }
    items = load_bank(out, small_pack).items
    assert {t for i in items for t in i.tags if t.startswith("source:")} == {
        "source:chisafetybench",
        "source:xsafety",
    }
    assert all(any(t.startswith("licence:") for t in i.tags) for i in items)
    near = [d for d in summary["duplicates"] if d["reason"] == "near duplicate"]
    assert near and all(d["kept"] for d in near)
    # XSafety's mental-health questions are the only aspect source here: 12 aspects stay short
    assert result.exit_code == 1
    assert sum("REQ-BANK-08" in s for s in summary["shortfalls"]) == 12
