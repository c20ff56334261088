"""Content hash, changelog metadata in every container, diffs, and the edited-bank warning."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from hegui.banks import BankMeta, check_banks, load_bank, write_bank
from hegui.banks._meta import ChangeEntry
from hegui.banks.versioning import (
    bank_of,
    content_hash,
    diff_banks,
    next_version,
    versioned_meta,
)
from hegui.policy import Pack
from hegui.records import BankItem, ItemKind
from tests.banks.builder.helpers import item

DAY = date(2026, 11, 28)


def _items() -> list[BankItem]:
    return [
        item("a", n=1, risk="A.1.4"),
        item("b", "generation", n=2, risk="A.2.1", tags=("x",)),
        item("c", "should_not_refuse", n=3, aspect="history"),
    ]


def test_content_hash_ignores_order_and_container(tmp_path: Path, pack: Pack) -> None:
    items = _items()
    assert content_hash(items) == content_hash(list(reversed(items)))
    for suffix in (".jsonl", ".csv", ".xlsx"):
        path = tmp_path / f"bank{suffix}"
        write_bank(path, items)
        assert content_hash(load_bank(path, pack).items) == content_hash(items), suffix


def test_content_hash_sees_every_field() -> None:
    items = _items()
    base = content_hash(items)
    for update in ({"risk": "A.1.5"}, {"tags": ("x", "y")}, {"prompt": "别的问题？"}):
        changed = [items[0].model_copy(update=update), *items[1:]]
        assert content_hash(changed) != base, update


@pytest.mark.parametrize("suffix", [".jsonl", ".csv", ".xlsx"])
def test_changelog_round_trips(tmp_path: Path, pack: Pack, suffix: str) -> None:
    meta = versioned_meta(_items(), name="月度题库", today=DAY, note="首版")
    path = tmp_path / f"bank{suffix}"
    write_bank(path, _items(), meta)
    loaded = load_bank(path, pack)
    assert loaded.meta == meta
    assert loaded.meta.changelog[0] == ChangeEntry(
        version="2026.11.1", date="2026-11-28", added=3, content_hash=meta.content_hash, note="首版"
    )


def test_next_version_counts_within_the_month() -> None:
    assert next_version(None, DAY) == "2026.11.1"
    assert next_version("2026.11.3", DAY) == "2026.11.4"
    assert next_version("2026.10.7", DAY) == "2026.11.1"
    assert next_version("v2", DAY) == "2026.11.1"


def test_diff_and_changelog_against_previous(pack: Pack) -> None:
    old_items = _items()
    first = versioned_meta(old_items, name="b", today=date(2026, 10, 30))
    old = bank_of(old_items, "b", first)
    new_items = [
        old_items[0].model_copy(update={"risk": "A.1.5"}),
        old_items[2],
        item("d", n=4, risk="A.1.4"),
    ]
    result = diff_banks(old, bank_of(new_items, "b"))
    assert result.added == ("d",)
    assert result.removed == ("b",)
    assert [(c.id, c.fields) for c in result.changed] == [("a", ("risk",))]
    counts = {(c.kind, c.subject): (c.old, c.new) for c in result.counts}
    assert counts[(ItemKind.SHOULD_REFUSE, "A.1.5")] == (0, 1)
    assert counts[(ItemKind.GENERATION, "total")] == (1, 0)
    assert counts[(ItemKind.SHOULD_REFUSE, "total")] == (1, 2)
    assert (ItemKind.SHOULD_REFUSE, "A.1.4") not in counts  # a left A.1.4, d came: unchanged
    meta = versioned_meta(new_items, name="b", today=DAY, previous=old, note="月更")
    assert [e.version for e in meta.changelog] == ["2026.10.1", "2026.11.1"]
    last = meta.changelog[-1]
    assert (last.added, last.removed, last.changed, last.note) == (1, 1, 1, "月更")


def test_check_warns_when_a_stamped_bank_was_edited(tmp_path: Path, pack: Pack) -> None:
    items = _items()
    path = tmp_path / "bank.jsonl"
    write_bank(path, items, versioned_meta(items, name="b", today=DAY))
    assert not [w for w in check_banks([load_bank(path, pack)], pack, DAY).warnings if "hash" in w]
    text = path.read_text(encoding="utf-8").replace("A.1.4", "A.1.5")
    path.write_text(text, encoding="utf-8")
    warnings = check_banks([load_bank(path, pack)], pack, DAY).warnings
    assert any("content hash differs" in w and "hegui bank stamp" in w for w in warnings)


def test_bad_changelog_cell_names_the_field(tmp_path: Path, pack: Pack) -> None:
    path = tmp_path / "bank.csv"
    write_bank(path, _items())
    (tmp_path / "bank.meta.yaml").write_text("changelog: '[not json'\n", encoding="utf-8")
    with pytest.raises(Exception, match="changelog"):
        load_bank(path, pack)


def test_meta_without_versioning_is_unchanged(tmp_path: Path, pack: Pack) -> None:
    path = tmp_path / "bank.jsonl"
    write_bank(path, _items(), BankMeta(name="n", updated="2026-11-01"))
    assert '"changelog"' not in path.read_text(encoding="utf-8")
    assert load_bank(path, pack).meta == BankMeta(name="n", updated="2026-11-01")
