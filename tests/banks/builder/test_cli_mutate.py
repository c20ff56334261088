"""``hegui bank mutate`` / ``mutations``: the written bank, exit codes, the translator."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from hegui.banks import load_bank, write_bank
from hegui.banks.mutations.translator import ModelTranslator
from hegui.cli.bank import app
from hegui.policy import Pack
from hegui.targets.mock_process import MockServerProcess
from tests.banks.builder.helpers import item

runner = CliRunner()


@pytest.fixture(autouse=True)
def _in_empty_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)


@pytest.fixture
def seeds(tmp_path: Path) -> Path:
    path = tmp_path / "seeds.jsonl"
    write_bank(
        path,
        [
            item("r1", n=1, risk="A.1.4"),
            item("r2", n=2, risk="A.2.1"),
            item("k1", "should_not_refuse", n=3, aspect="history"),
        ],
    )
    return path


@pytest.fixture(scope="module")
def mock() -> Iterator[MockServerProcess]:
    server = MockServerProcess(["--default-answer", "译文"])
    try:
        server.start()
        yield server
    finally:
        server.stop()


def test_mutate_writes_linked_variants(seeds: Path, tmp_path: Path, pack: Pack) -> None:
    out = tmp_path / "mutated.jsonl"
    args = ["mutate", str(seeds), "--with", "role_play,pinyin+split", "--per-item", "2"]
    result = runner.invoke(app, [*args, "--out", str(out), "--kind", "should_refuse", "--json"])
    assert result.exit_code == 0, result.output
    summary = json.loads(result.stdout)
    assert summary["seeds"] == 2 and summary["per_mutation"] == {"role_play": 4, "pinyin+split": 4}
    bank = load_bank(out, pack)
    assert len(bank.items) == 8
    assert {t for i in bank.items for t in i.tags if t.startswith("seed:")} == {
        "seed:r1",
        "seed:r2",
    }
    assert bank.meta.changelog[-1].note and "role_play" in bank.meta.changelog[-1].note
    again = tmp_path / "again.jsonl"
    runner.invoke(app, [*args, "--out", str(again), "--kind", "should_refuse"])
    assert load_bank(again, pack).items == bank.items  # same seed, same bank


def test_include_seeds_and_the_table(seeds: Path, tmp_path: Path, pack: Pack) -> None:
    out = tmp_path / "m.xlsx"
    result = runner.invoke(
        app, ["mutate", str(seeds), "--with", "escalation", "--include-seeds", "--out", str(out)]
    )
    assert result.exit_code == 0, result.output
    assert "escalation" in result.output and "wrote 6 items" in result.output
    assert len(load_bank(out, pack).items) == 6


def test_bad_mutation_and_missing_translator_write_nothing(seeds: Path, tmp_path: Path) -> None:
    out = tmp_path / "m.jsonl"
    result = runner.invoke(app, ["mutate", str(seeds), "--with", "rot13", "--out", str(out)])
    assert result.exit_code == 2 and "unknown mutation 'rot13'" in result.output
    result = runner.invoke(app, ["mutate", str(seeds), "--with", "translate", "--out", str(out)])
    assert result.exit_code == 2 and "--translator" in result.output
    assert not out.exists()


def test_translate_through_the_mock_server(
    seeds: Path, tmp_path: Path, pack: Pack, mock: MockServerProcess
) -> None:
    before = mock.stats()["requests"]
    mock_url = mock.url
    out = tmp_path / "t.jsonl"
    args = ["mutate", str(seeds), "--with", "translate", "--kind", "should_refuse"]
    result = runner.invoke(
        app, [*args, "--translator", f"openai:mock@{mock_url}", "--out", str(out)]
    )
    assert result.exit_code == 0, result.output
    made = load_bank(out, pack).items
    assert [i.prompt for i in made] == ["译文", "译文"]
    assert all(any(t.startswith("pivot:") for t in i.tags) for i in made)
    assert mock.stats()["requests"] - before == 4  # there and back, per item


def test_translator_counts_requests(mock: MockServerProcess) -> None:
    with ModelTranslator.from_option(f"openai:mock@{mock.url}") as translate:
        assert translate("你好", "en") == "译文"
        assert translate.requests == 1


def test_mutations_lists_names_and_templates() -> None:
    result = runner.invoke(app, ["mutations"])
    assert result.exit_code == 0
    for name in ("role_play", "homophones", "escalation", "jb-developer-mode"):
        assert name in result.output
