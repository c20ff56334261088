"""Exact and near-duplicate detection: character shingles, MinHash signatures, LSH bands.

>>> h = MinHasher()
>>> a = h.signature("生成式人工智能服务提供者应当依法开展预训练、优化训练等训练数据处理活动。")
>>> b = h.signature("生成式人工智能服务提供者应当依法开展预训练、优化训练等训练数据处理活动！！")
>>> h.similarity(a, b) > 0.9, bool((h.band_keys(a) == h.band_keys(b)).any())
(True, True)

Texts are compared after :func:`hegui.text.normalize` (width, case, traditional characters and
every separator folded away), so punctuation, spacing and script changes do not hide a copy.

* Exact duplicates: :func:`exact_key`, a 64-bit BLAKE2b digest of the normalised text.
* Near duplicates: the set of character ``ngram``-shingles of the normalised text, summarised by
  a MinHash signature of ``bands * rows`` values. Two texts agree in each signature value with
  probability equal to the Jaccard similarity of their shingle sets; they become candidates when
  all ``rows`` values of at least one of ``bands`` bands agree (LSH). With the defaults (14 bands
  of 8 rows, as datatrove) a pair at Jaccard 0.8 is caught with probability 0.92, at 0.5 with 0.05.

The signature is computed by one-permutation hashing with optimal densification (Li et al. 2012,
Shrivastava 2017): each shingle is hashed once and falls in one of ``bands * rows`` bins; the
signature is the minimum per bin, and an empty bin borrows the value of the first non-empty bin in
a fixed pseudo-random order. One hash per shingle instead of one per shingle and permutation keeps
it at tens of MB/s in numpy. All hashes are seeded and independent of ``PYTHONHASHSEED``, so
signatures agree across processes and machines.
"""

from __future__ import annotations

import hashlib
from collections.abc import Hashable
from functools import cache
from typing import Generic, TypeVar

import numpy as np
import numpy.typing as npt

from hegui.text.normalize import Normalized, normalize

U32 = npt.NDArray[np.uint32]
U64 = npt.NDArray[np.uint64]

_M1 = np.uint64(0xBF58476D1CE4E5B9)
_M2 = np.uint64(0x94D049BB133111EB)
_S27, _S30, _S31 = np.uint64(27), np.uint64(30), np.uint64(31)
_GOLDEN = 0x9E3779B97F4A7C15
_EMPTY_BIN = np.uint32(0xFFFFFFFF)
_MASK32 = np.uint64(0xFFFFFFFF)

TextLike = str | Normalized


def mix64(x: U64) -> U64:
    """SplitMix64 finaliser: a bijective, well-mixing map of 64-bit integers (in place).

    Shared with the judges' feature hashing (:mod:`hegui.judges.features`)."""
    t = x >> _S30  # one scratch array: on the few dozen hashes of a short text (the judges'
    x ^= t  # features) numpy's per-call cost is all there is
    x *= _M1
    np.right_shift(x, _S27, out=t)
    x ^= t
    x *= _M2
    np.right_shift(x, _S31, out=t)
    x ^= t
    return x


def _seeded(seed: int, j: int) -> int:
    """An odd 64-bit constant derived from ``seed`` and position ``j`` (pure Python ints)."""
    x = (seed * 0x632BE59BD9B4E019 + (j + 1) * _GOLDEN) & 0xFFFFFFFFFFFFFFFF
    x ^= x >> 31
    x = (x * 0xBF58476D1CE4E5B9) & 0xFFFFFFFFFFFFFFFF
    x ^= x >> 29
    return x | 1


@cache
def ngram_multipliers(seed: int, width: int) -> tuple[np.uint64, ...]:
    """Per position the multiplier of a ``width``-shingle; the last one is the seed's offset.

    The multipliers of a shorter shingle are a prefix of a longer one's, so n-gram hashes of
    growing ``n`` can be built incrementally (as :mod:`hegui.judges.features` does)."""
    return tuple(np.uint64(_seeded(seed, j)) for j in range(width + 1))


def _codes(text: TextLike) -> U32:
    norm = text if isinstance(text, Normalized) else normalize(text)
    return norm.codes


def exact_key(text: TextLike) -> int:
    """A 64-bit digest of the normalised text: equal for texts that differ only in what
    normalisation folds (spacing, punctuation, width, case, traditional characters)."""
    norm = text if isinstance(text, Normalized) else normalize(text)
    digest = hashlib.blake2b(norm.codes.tobytes(), digest_size=8).digest()
    return int.from_bytes(digest, "little")


def shingle_hashes(codes: U32, ngram: int = 5, seed: int = 0) -> U64:
    """Seeded 64-bit hashes of the character ``ngram``-shingles of ``codes`` (may repeat).

    A text shorter than ``ngram`` is one shingle; an empty text has none.
    """
    n = len(codes)
    if n == 0:
        return np.zeros(0, dtype=np.uint64)
    width = min(ngram, n)
    wide = codes.astype(np.uint64)
    count = n - width + 1
    # Polynomial combination with odd 64-bit multipliers (wrapping), then one finaliser: the
    # multipliers depend on the seed, so families with different seeds are independent.
    mult = ngram_multipliers(seed, width)
    h = wide[:count] * mult[0]
    for j in range(1, width):
        h += wide[j : j + count] * mult[j]
    h += mult[width]
    return mix64(h)


def jaccard(a: TextLike, b: TextLike, ngram: int = 5) -> float:
    """Exact Jaccard similarity of the shingle sets of two texts (1.0 for two empty texts)."""
    sa = set(shingle_hashes(_codes(a), ngram).tolist())
    sb = set(shingle_hashes(_codes(b), ngram).tolist())
    if not sa and not sb:
        return 1.0
    return len(sa & sb) / len(sa | sb)


class MinHasher:
    """MinHash signatures and LSH band keys with fixed parameters.

    ``bands * rows`` is the signature length; ``ngram`` the shingle length in characters of the
    normalised text; ``seed`` makes independent families (keep it fixed within one audit).
    """

    def __init__(self, *, bands: int = 14, rows: int = 8, ngram: int = 5, seed: int = 1) -> None:
        if bands < 1 or rows < 1 or ngram < 1:
            raise ValueError("bands, rows and ngram must be positive")
        if bands * rows > 4096:
            raise ValueError("bands * rows must be at most 4096")
        self.bands = bands
        self.rows = rows
        self.ngram = ngram
        self.seed = seed
        self.size = bands * rows
        rng = np.random.default_rng(seed)
        # Densification order: for bin i, the bins it borrows from, first non-empty wins.
        order = np.argsort(rng.random((self.size, self.size)), axis=1)
        self._borrow = order.astype(np.int32)
        self._band_salt = rng.integers(1, 2**63, size=bands, dtype=np.uint64)
        self._row_mult = np.array([_seeded(seed + 7919, r) for r in range(rows)], dtype=np.uint64)

    def signature(self, text: TextLike | U32) -> U32:
        """The MinHash signature of a text (or its normalised code points) as ``size`` uint32.

        An empty text gives a signature of all ``0xFFFFFFFF``; :meth:`band_keys` of it must not
        be indexed (every empty text would collide), see :meth:`is_empty`.
        """
        codes = text if isinstance(text, np.ndarray) else _codes(text)
        hashes = shingle_hashes(codes, self.ngram, self.seed)
        sig = np.full(self.size, _EMPTY_BIN, dtype=np.uint32)
        if not len(hashes):
            return sig
        # Fast range reduction of the high half picks the bin; the low half is the value.
        bins = ((hashes >> np.uint64(32)) * np.uint64(self.size)) >> np.uint64(32)
        values = (hashes & _MASK32).astype(np.uint32)
        np.minimum.at(sig, bins.astype(np.intp), values)
        empty = sig == _EMPTY_BIN
        if bool(empty.any()):
            filled = ~empty
            rows = np.flatnonzero(empty)
            first = np.argmax(filled[self._borrow[rows]], axis=1)
            sig[rows] = sig[self._borrow[rows, first]]
        return sig

    @staticmethod
    def is_empty(signature: U32) -> bool:
        """Whether the signature is that of an empty text."""
        return bool(signature[0] == _EMPTY_BIN) and bool((signature == _EMPTY_BIN).all())

    def band_keys(self, signature: U32) -> U64:
        """One 64-bit key per band: equal keys mean all ``rows`` values of the band agree.

        Keys of different bands never collide by construction of the per-band salt, so the keys
        of all bands can share one index.
        """
        block = signature.reshape(self.bands, self.rows).astype(np.uint64)
        # Wrapping dot product with odd multipliers, salted per band, then one finaliser.
        return mix64(block @ self._row_mult + self._band_salt)

    def similarity(self, a: U32, b: U32) -> float:
        """Estimated Jaccard similarity: the fraction of equal signature values."""
        return float(np.count_nonzero(a == b)) / self.size


K = TypeVar("K", bound=Hashable)


class NearDuplicateIndex(Generic[K]):
    """An in-memory LSH index for modest collections (question banks, a gateway's recent answers).

    >>> index: NearDuplicateIndex[str] = NearDuplicateIndex(threshold=0.7)
    >>> index.add("q1", "请介绍一下生成式人工智能服务的训练数据来源要求和合规审查流程。")
    []
    >>> index.add("q2", "请介绍一下生成式人工智能服务的训练数据来源要求和合规审查流程！")
    ['q1']

    :meth:`add` returns the keys already in the index whose estimated similarity with the new text
    is at least ``threshold`` (candidates from the LSH bands, verified on the signatures). Memory is
    one signature per text; corpus-scale deduplication uses :class:`MinHasher` band keys written
    to disk instead (see :mod:`hegui.corpus`).
    """

    def __init__(self, *, threshold: float = 0.8, hasher: MinHasher | None = None) -> None:
        self.threshold = threshold
        self.hasher = hasher or MinHasher()
        self._signatures: dict[K, U32] = {}
        self._buckets: dict[int, list[K]] = {}
        self._exact: dict[int, K] = {}

    def __len__(self) -> int:
        return len(self._signatures)

    def query(self, text: TextLike) -> list[K]:
        """Keys of indexed texts that are near duplicates of ``text`` (most similar first)."""
        norm = text if isinstance(text, Normalized) else normalize(text)
        return self._query(norm, self.hasher.signature(norm.codes))

    def add(self, key: K, text: TextLike) -> list[K]:
        """Index ``text`` under ``key`` and return the near duplicates found before it."""
        if key in self._signatures:
            raise KeyError(f"key {key!r} is already indexed")
        norm = text if isinstance(text, Normalized) else normalize(text)
        sig = self.hasher.signature(norm.codes)
        found = self._query(norm, sig)
        self._signatures[key] = sig
        self._exact.setdefault(exact_key(norm), key)
        if not MinHasher.is_empty(sig):
            for band_key in self.hasher.band_keys(sig).tolist():
                self._buckets.setdefault(band_key, []).append(key)
        return found

    def _query(self, norm: Normalized, sig: U32) -> list[K]:
        scored: dict[K, float] = {}
        same = self._exact.get(exact_key(norm))
        if same is not None:
            scored[same] = 1.0
        if not MinHasher.is_empty(sig):
            for band_key in self.hasher.band_keys(sig).tolist():
                for other in self._buckets.get(band_key, ()):
                    if other not in scored:
                        score = self.hasher.similarity(sig, self._signatures[other])
                        if score >= self.threshold:
                            scored[other] = score
        return sorted(scored, key=lambda k: -scored[k])
