"""Corpus-wide duplicate detection from per-shard key files, in memory and partitioned."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from hegui.corpus.dedup import EXACT, NEAR, RECORD, DedupWriter, find_duplicates
from hegui.corpus.document import Document
from hegui.text.dedup import MinHasher
from tests.corpus.factory import chinese, documents


def doc(text: str, shard: int, ordinal: int) -> Document:
    return Document(text, "s", shard, ordinal, ordinal + 1, f"f{shard}:{ordinal}", "x")


def write_shards(folder: Path, shards: list[list[str]]) -> list[tuple[int, Path]]:
    hasher = MinHasher(seed=3)
    files = []
    for index, texts in enumerate(shards):
        writer = DedupWriter(folder / f"{index}.dedup", hasher)
        for ordinal, text in enumerate(texts):
            writer.add(doc(text, index, ordinal))
        writer.close()
        files.append((index, writer.path))
    return files


def as_set(found: object) -> set[tuple[int, int, int]]:
    shard, ordinal, kind = found.shard, found.ordinal, found.kind  # type: ignore[attr-defined]
    return set(zip(shard.tolist(), ordinal.tolist(), kind.tolist(), strict=True))


def test_exact_and_near_across_shards(tmp_path: Path) -> None:
    import random

    rng = random.Random(1)
    base = [chinese(rng, 400) for _ in range(4)]
    near = base[1][:200] + "的" + base[1][201:]
    shards = [
        [base[0], base[1], base[2]],
        [base[0] + "！", near, chinese(rng, 400)],  # exact after normalisation; near copy
        ["", "。。", base[3], base[0]],  # empty texts are never duplicates of each other
    ]
    found = find_duplicates(write_shards(tmp_path, shards), tmp_path / "work")
    assert as_set(found) == {(1, 0, EXACT), (1, 1, NEAR), (2, 3, EXACT)}
    assert found.counts() == {1: (1, 1), 2: (1, 0)}
    assert found.of_shard(1).tolist() == [0, 1]


def test_partitioned_merge_equals_in_memory(tmp_path: Path) -> None:
    shards = [
        list(documents(seed, 300, exact_rate=0.1, near_rate=0.1, chars=200)) for seed in range(4)
    ]
    files = write_shards(tmp_path, shards)
    records = sum(p.stat().st_size for _, p in files) // RECORD.itemsize
    in_memory = find_duplicates(files, tmp_path / "a")
    partitioned = find_duplicates(files, tmp_path / "b", memory_records=records // 10)
    assert as_set(in_memory) == as_set(partitioned)
    assert len(in_memory.shard) > 100
    assert not any((tmp_path / "b").iterdir())  # partition files are removed


def test_saved_and_loaded(tmp_path: Path) -> None:
    found = find_duplicates(write_shards(tmp_path, [["重复的文本内容" * 5] * 3]), tmp_path / "w")
    found.save(tmp_path / "d.npz")
    loaded = type(found).load(tmp_path / "d.npz")
    assert as_set(loaded) == as_set(found) == {(0, 1, EXACT), (0, 2, EXACT)}
    assert np.array_equal(loaded.ordinal, found.ordinal)
