"""Corpus-wide exact and near-duplicate detection with bounded memory.

Shard side (:class:`DedupWriter`): per scanned document, one exact key and one key per MinHash
band (from :mod:`hegui.text.dedup`) are appended to the shard's ``.dedup`` file as
``(key, ordinal)`` records of 16 bytes, in fixed-size chunks.

Merge side (:func:`find_duplicates`): records of all shards are routed by their key's top bits
into partition files, so each partition fits in ``memory_records``; each partition is sorted by
``(key, shard, ordinal)`` and every document that shares a key with an earlier document (in audit
order) is a duplicate: ``exact`` when the shared key is its exact key, else ``near``. A document is
kept when it is the first of every bucket it is in, so near-duplicate chains are not merged
transitively. Memory: one partition plus one entry per duplicate found.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import numpy.typing as npt

from hegui.corpus.document import Document
from hegui.text.dedup import MinHasher, exact_key

RECORD = np.dtype([("key", "<u8"), ("ord", "<u8")])
"""One record of a shard's ``.dedup`` file."""
_MERGED = np.dtype([("key", "<u8"), ("shard", "<u4"), ("ord", "<u8")])
_EXACT_BIT = np.uint64(1)
_CHUNK = 1 << 16
_ROUTE = 1 << 18  # records routed to partitions per read
EXACT, NEAR = 2, 1
"""Duplicate kinds in :class:`Duplicates` (exact wins when a document is both)."""


class DedupWriter:
    """Collects the dedup keys of one shard's documents into ``path`` (written in chunks)."""

    def __init__(self, path: Path, hasher: MinHasher) -> None:
        self.path = path
        self.hasher = hasher
        self._buffer = np.zeros(_CHUNK, dtype=RECORD)
        self._n = 0
        self._handle = open(path, "wb")  # noqa: SIM115 - closed in close()
        self.records = 0

    def add(self, doc: Document) -> None:
        """Record ``doc`` (empty texts are skipped: they are all 'duplicates' of each other)."""
        norm = doc.normalized()
        if not norm.text:
            return
        signature = self.hasher.signature(norm.codes)
        bands = self.hasher.band_keys(signature) & ~_EXACT_BIT
        needed = len(bands) + 1
        if self._n + needed > _CHUNK:
            self._flush()
        n = self._n
        self._buffer["key"][n] = np.uint64(exact_key(norm)) | _EXACT_BIT
        self._buffer["key"][n + 1 : n + needed] = bands
        self._buffer["ord"][n : n + needed] = doc.ordinal
        self._n += needed

    def _flush(self) -> None:
        if self._n:
            self._buffer[: self._n].tofile(self._handle)
            self.records += self._n
            self._n = 0

    def close(self) -> None:
        """Write what is buffered and close the file."""
        self._flush()
        self._handle.close()


@dataclass
class Duplicates:
    """Duplicates found, sorted by (shard, ordinal), with their kind (EXACT or NEAR)."""

    shard: npt.NDArray[np.uint32]
    ordinal: npt.NDArray[np.uint64]
    kind: npt.NDArray[np.uint8]

    @classmethod
    def empty(cls) -> Duplicates:
        return cls(
            np.zeros(0, dtype=np.uint32), np.zeros(0, dtype=np.uint64), np.zeros(0, dtype=np.uint8)
        )

    def counts(self) -> dict[int, tuple[int, int]]:
        """Per shard index: ``(exact, near)`` duplicate counts."""
        out: dict[int, tuple[int, int]] = {}
        for shard in np.unique(self.shard).tolist():
            kinds = self.kind[self.shard == shard]
            out[int(shard)] = (int((kinds == EXACT).sum()), int((kinds == NEAR).sum()))
        return out

    def of_shard(self, shard: int) -> npt.NDArray[np.uint64]:
        """Sorted ordinals of the duplicates in one shard."""
        lo, hi = np.searchsorted(self.shard, [shard, shard + 1])
        return self.ordinal[lo:hi]

    def save(self, path: Path) -> None:
        with open(path, "wb") as handle:
            np.savez(handle, shard=self.shard, ordinal=self.ordinal, kind=self.kind)

    @classmethod
    def load(cls, path: Path) -> Duplicates:
        with np.load(path, allow_pickle=False) as archive:
            return cls(archive["shard"], archive["ordinal"], archive["kind"])


def find_duplicates(
    files: Sequence[tuple[int, Path]], workdir: Path, *, memory_records: int = 500_000
) -> Duplicates:
    """Duplicates across the ``(shard index, .dedup file)`` pairs (see the module docstring).

    ``workdir`` holds the partition files while this runs; ``memory_records`` bounds the records
    sorted at once (24 bytes each, about three copies while sorting: ~40 MB by default).
    """
    present = [(s, p) for s, p in files if p.is_file()]
    total = sum(p.stat().st_size // RECORD.itemsize for _, p in present)
    if not total:
        return Duplicates.empty()
    bits = 0
    while (total >> bits) > memory_records and bits < 8:  # at most 256 partition files
        bits += 1
    found: list[npt.NDArray[np.void]] = []
    if bits == 0:
        found.append(_duplicates_in(_load_all(present)))
    else:
        workdir.mkdir(parents=True, exist_ok=True)
        parts = _partition(present, workdir, bits)
        for part in parts:
            if part.is_file():
                found.append(_duplicates_in(np.fromfile(part, dtype=_MERGED)))
                part.unlink()
    merged = np.concatenate(found) if found else np.zeros(0, dtype=_MERGED)
    return _collapse(merged)


def _load_all(files: Sequence[tuple[int, Path]]) -> npt.NDArray[np.void]:
    arrays = []
    for shard, path in files:
        records = np.fromfile(path, dtype=RECORD)
        merged = np.empty(len(records), dtype=_MERGED)
        merged["key"], merged["ord"], merged["shard"] = records["key"], records["ord"], shard
        arrays.append(merged)
    return np.concatenate(arrays)


def _partition(files: Sequence[tuple[int, Path]], workdir: Path, bits: int) -> list[Path]:
    parts = [workdir / f"part-{i:03d}.bin" for i in range(1 << bits)]
    handles = [open(p, "wb") for p in parts]  # noqa: SIM115 - closed below
    try:
        shift = np.uint64(64 - bits)
        for shard, path in files:
            count = path.stat().st_size // RECORD.itemsize
            for offset in range(0, count, _ROUTE):
                chunk = np.fromfile(
                    path,
                    dtype=RECORD,
                    count=min(_ROUTE, count - offset),
                    offset=offset * RECORD.itemsize,
                )
                merged = np.empty(len(chunk), dtype=_MERGED)
                merged["key"], merged["ord"], merged["shard"] = chunk["key"], chunk["ord"], shard
                target = (merged["key"] >> shift).astype(np.intp)
                order = np.argsort(target, kind="stable")
                merged, target = merged[order], target[order]
                bounds = np.searchsorted(target, np.arange((1 << bits) + 1))
                for i in range(1 << bits):
                    if bounds[i + 1] > bounds[i]:
                        merged[bounds[i] : bounds[i + 1]].tofile(handles[i])
    finally:
        for handle in handles:
            handle.close()
    return [p for p in parts if os.path.getsize(p)]


def _duplicates_in(records: npt.NDArray[np.void]) -> npt.NDArray[np.void]:
    """Records that share their key with an earlier record (all but the first of each key)."""
    if len(records) < 2:
        return records[:0]
    order = np.lexsort((records["ord"], records["shard"], records["key"]))
    records = records[order]
    keys = records["key"]
    later = np.zeros(len(records), dtype=np.bool_)
    later[1:] = keys[1:] == keys[:-1]
    out: npt.NDArray[np.void] = records[later]
    return out


def _collapse(records: npt.NDArray[np.void]) -> Duplicates:
    """One entry per duplicate document, exact winning over near."""
    if not len(records):
        return Duplicates.empty()
    kind = np.where((records["key"] & _EXACT_BIT) == _EXACT_BIT, EXACT, NEAR).astype(np.uint8)
    # Sort by shard, ordinal, then kind descending so the first of each document is its best kind.
    order = np.lexsort((-kind.astype(np.int16), records["ord"], records["shard"]))
    shard, ordinal, kind = records["shard"][order], records["ord"][order], kind[order]
    first = np.ones(len(shard), dtype=np.bool_)
    first[1:] = (shard[1:] != shard[:-1]) | (ordinal[1:] != ordinal[:-1])
    return Duplicates(shard[first].astype(np.uint32), ordinal[first].astype(np.uint64), kind[first])
