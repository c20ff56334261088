"""Bottom-k sampling: seeded, uniform, and independent of how documents are split and merged."""

from __future__ import annotations

import hashlib
import random

import pytest

from hegui.corpus.sampling import HASH_SPACE, BottomK, doc_hash, selected


def test_hash_is_seeded_and_stable() -> None:
    assert doc_hash(1, "web", "a.jsonl:1") == doc_hash(1, "web", "a.jsonl:1")
    assert doc_hash(1, "web", "a.jsonl:1") != doc_hash(2, "web", "a.jsonl:1")
    assert doc_hash(1, "web", "a.jsonl:1") != doc_hash(1, "book", "a.jsonl:1")
    # The definition, spelled out: changing it changes every audit's sample (docs/corpus.md).
    key = (20251101).to_bytes(8, "little")
    digest = hashlib.blake2b(b"web\0data/a.jsonl:1", digest_size=8, key=key).digest()
    assert doc_hash(20251101, "web", "data/a.jsonl:1") == int.from_bytes(digest, "little")


def test_merge_of_parts_equals_sample_of_whole() -> None:
    keys = [f"f{i // 100}.jsonl:{i % 100 + 1}" for i in range(5000)]
    hashes = {k: doc_hash(7, "s", k) for k in keys}
    whole: BottomK[str] = BottomK(300)
    for k in keys:
        whole.offer(hashes[k], k, k)
    rng = random.Random(3)
    shuffled = keys[:]
    rng.shuffle(shuffled)
    parts = [shuffled[i::7] for i in range(7)]  # any split, any order
    merged: BottomK[str] = BottomK(300)
    for part in parts:
        sample: BottomK[str] = BottomK(300)
        for k in part:
            sample.offer(hashes[k], k, k)
        merged.extend((hashes[k], k, k) for k in sample.items())
    assert merged.items() == whole.items()
    assert whole.items() == sorted(keys, key=lambda k: hashes[k])[:300]


def test_ties_are_broken_by_key() -> None:
    sample: BottomK[str] = BottomK(2)
    for key in ("c", "a", "b"):
        sample.offer(5, key, key)
    assert sample.items() == ["a", "b"]
    assert sample.would_take(4) and not sample.would_take(6)
    with pytest.raises(ValueError):
        BottomK(0)


def test_selection_is_nested_and_about_the_right_size() -> None:
    hashes = [doc_hash(1, "s", str(i)) for i in range(20000)]
    tenth = [h for h in hashes if selected(h, 0.1)]
    half = [h for h in hashes if selected(h, 0.5)]
    assert set(tenth) <= set(half)
    assert 1800 < len(tenth) < 2200
    assert all(selected(h, 1.0) for h in hashes)
    # The bottom-k of the whole set lies inside any selection holding at least k documents.
    assert sorted(hashes)[:100] == sorted(tenth)[:100]
    assert max(tenth) < HASH_SPACE // 10
