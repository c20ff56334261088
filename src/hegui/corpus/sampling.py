"""Seeded, mergeable sampling: a bottom-k sample by hash.

Every document gets a 64-bit hash of (seed, source, key). The sample of size k is the k documents
with the smallest hashes, which is a uniform random sample without replacement. Unlike a
reservoir filled in reading order it does not depend on the order documents arrive in: the
bottom-k of a union is the bottom-k of the bottom-k's of its parts. So each shard keeps its own
bottom-k, shards can run anywhere in any order (local processes or Ray), and the merged sample
is the same document set for the same data and seed.
"""

from __future__ import annotations

import hashlib
import heapq
from collections.abc import Iterable
from typing import Generic, TypeVar

T = TypeVar("T")

HASH_SPACE = 1 << 64


def doc_hash(seed: int, source: str, key: str) -> int:
    """The document's sampling hash: uniform on [0, 2**64), fixed by seed, source and key."""
    digest = hashlib.blake2b(
        f"{source}\0{key}".encode(), digest_size=8, key=seed.to_bytes(8, "little", signed=True)
    ).digest()
    return int.from_bytes(digest, "little")


def selected(doc_hash_value: int, fraction: float) -> bool:
    """Whether a document is in the seeded ``fraction`` selection (nested: a smaller fraction
    selects a subset of a larger one, and every bottom-k sample of the selection)."""
    return fraction >= 1.0 or doc_hash_value < int(fraction * HASH_SPACE)


class BottomK(Generic[T]):
    """The ``k`` items with the smallest ``(hash, key)``; ties broken by key."""

    def __init__(self, k: int) -> None:
        if k < 1:
            raise ValueError("k must be at least 1")
        self.k = k
        self._heap: list[tuple[int, _Reversed, T]] = []  # max-heap through negated hashes

    def __len__(self) -> int:
        return len(self._heap)

    def would_take(self, hash_value: int) -> bool:
        """Cheap pre-check before building an item: could ``hash_value`` enter the sample?"""
        return len(self._heap) < self.k or -self._heap[0][0] >= hash_value

    def offer(self, hash_value: int, key: str, item: T) -> None:
        """Consider one item."""
        entry = (-hash_value, _Reversed(key), item)
        if len(self._heap) < self.k:
            heapq.heappush(self._heap, entry)
        elif entry[:2] > self._heap[0][:2]:
            heapq.heapreplace(self._heap, entry)

    def items(self) -> list[T]:
        """The sample, ordered by ``(hash, key)``."""
        ordered = sorted(self._heap, key=lambda e: (-e[0], e[1].key))
        return [e[2] for e in ordered]

    def entries(self) -> list[tuple[int, str, T]]:
        """``(hash, key, item)`` of the sample, ordered by ``(hash, key)``."""
        ordered = sorted(self._heap, key=lambda e: (-e[0], e[1].key))
        return [(-e[0], e[1].key, e[2]) for e in ordered]

    def extend(self, entries: Iterable[tuple[int, str, T]]) -> None:
        """Offer many ``(hash, key, item)`` entries (merging another sample)."""
        for hash_value, key, item in entries:
            self.offer(hash_value, key, item)


class _Reversed:
    """A key that sorts in reverse, so that the heap's top is the largest (hash, key)."""

    __slots__ = ("key",)

    def __init__(self, key: str) -> None:
        self.key = key

    def __lt__(self, other: _Reversed) -> bool:
        return self.key > other.key

    def __gt__(self, other: _Reversed) -> bool:
        return self.key < other.key

    def __eq__(self, other: object) -> bool:
        return isinstance(other, _Reversed) and self.key == other.key

    def __hash__(self) -> int:
        return hash(self.key)
