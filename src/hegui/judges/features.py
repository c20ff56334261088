"""Hashed n-gram features for the trained judges, in numpy (no scikit-learn at run time).

The same function featurises text when ``scripts/train_judges.py`` trains a model and when a
judge applies it, so training and serving cannot drift apart. A text becomes tokens — one per CJK
character, one per Latin word, one per punctuation mark, ``0`` for a number — and the tokens
become 1- to ``max_n``-grams. The n-grams of the first ``head`` tokens are counted a second time
with a position mark, because where a phrase stands matters ("抱歉，…" opening an answer is a
refusal; a closing "抱歉" is politeness). Values are sublinear term frequencies (``1 + ln tf``)
scaled to unit length over the distinct n-grams.

Hashing (``FeatureSpec.hashing`` 2): each token is CRC-32'd once (cached); an n-gram's hash is
the polynomial of its token codes with the seeded multipliers of :mod:`hegui.text.dedup` (the same
hash as :func:`~hegui.text.dedup.shingle_hashes`), XOR a constant for the position-marked copy,
finalised by :func:`~hegui.text.dedup.mix64`; all n-grams of a text are hashed in a few numpy
operations. A feature's bucket is the top ``bits`` bits of its 64-bit hash. The model file holds
bucket numbers and weights, never text from the training data.

*Extra* features (rule outputs, length buckets) are named, hashed with CRC-32 and added after
the scaling, so a few strong signals are not diluted by a long text.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass
from zlib import crc32

import numpy as np
import numpy.typing as npt

from hegui.judges._text import normalise
from hegui.text.dedup import mix64, ngram_multipliers

HASHING = 2
"""The feature hashing scheme of this module; model files record the one they were trained with."""

_TOKEN = re.compile(
    r"\[(?:quote|code)\]|[a-z]+(?:'[a-z]+)?|[0-9]+(?:[.,][0-9]+)*|[\u3400-\u9fff\uf900-\ufaff]|[^\s\w]"
)
_DIGIT = frozenset("0123456789")
_CODES: dict[str, int] = {}
"""Token → CRC-32, shared by all judges; tokens repeat, so most lookups hit."""
_CODES_LIMIT = 500_000
_HEAD = np.uint64(0x5851F42D4C957F2D)
"""XOR-ed into an n-gram's hash for its position-marked copy."""


@dataclass(frozen=True, slots=True)
class FeatureSpec:
    """How a text becomes features; stored in every model file and checked when it loads."""

    bits: int = 20
    """Hash buckets: ``2**bits`` (at most 32)."""
    max_n: int = 3
    """Longest n-gram, in tokens."""
    min_n: int = 1
    """Shortest n-gram. 2 leaves out single characters, which in Chinese carry little meaning
    and, learned from short texts, large and brittle weights."""
    head: int = 16
    """Tokens at the start whose n-grams are counted again with a position mark."""
    max_tokens: int = 400
    """Tokens read from the start of the text (plus ``tail_tokens`` from its end); the rest is
    skipped, which bounds the cost of very long answers."""
    tail_tokens: int = 100
    quotes: bool = True
    """Replace short quoted spans with ``[quote]`` (someone else's words, for the refusal judge)."""
    hashing: int = HASHING
    """The hashing scheme (see the module doc); a model trained with another must be retrained."""

    def as_dict(self) -> dict[str, int | bool]:
        return asdict(self)


@dataclass(frozen=True, slots=True)
class Features:
    """A sparse feature vector: parallel arrays of bucket numbers and values.

    A bucket may occur more than once (two features hashed alike); consumers add them up, as a
    sparse matrix or a dot product does.
    """

    buckets: npt.NDArray[np.int64]
    values: npt.NDArray[np.float64]

    def as_dict(self) -> dict[int, float]:
        """Bucket → summed value (for inspection and tests)."""
        out: dict[int, float] = {}
        for b, v in zip(self.buckets.tolist(), self.values.tolist(), strict=True):
            out[b] = out.get(b, 0.0) + v
        return out


def fold(text: str, *, quotes: bool = True) -> str:
    """Normalise text for features: NFKC, casefold, common traditional characters simplified."""
    return normalise(text, quotes=quotes)[0]


def tokens(text: str, spec: FeatureSpec) -> list[str]:
    """The tokens of ``text`` (normalised first), capped to the spec's head and tail."""
    head_chars, tail_chars = 3 * spec.max_tokens, 3 * spec.tail_tokens
    if len(text) > head_chars + tail_chars:  # never normalise more than can be read
        text = text[:head_chars] + "\n" + text[-tail_chars:]
    found = _TOKEN.findall(fold(text, quotes=spec.quotes))
    limit = spec.max_tokens + spec.tail_tokens
    if len(found) > limit:
        found = found[: spec.max_tokens] + found[-spec.tail_tokens :]
    return ["0" if t[0] in _DIGIT else t for t in found]


def _token_codes(toks: Sequence[str]) -> npt.NDArray[np.uint32]:
    codes = list(map(_CODES.get, toks))  # C-speed lookups; a miss is None
    if None in codes:
        if len(_CODES) >= _CODES_LIMIT:
            _CODES.clear()
        for i, code in enumerate(codes):
            if code is None:
                codes[i] = _CODES[toks[i]] = crc32(toks[i].encode())
    return np.array(codes, dtype=np.uint32)


def _hashes(
    codes: npt.NDArray[np.uint32], min_n: int, max_n: int, head: int
) -> npt.NDArray[np.uint64]:
    """The 64-bit hashes of all ``min_n``..``max_n``-grams, and of the position-marked copies
    of those within the first ``head`` tokens (order does not matter to the callers)."""
    wide = codes.astype(np.uint64)
    top = min(max_n, len(wide))
    mult = ngram_multipliers(0, top)
    parts = []
    run = wide[:0]
    for n in range(1, top + 1):
        count = len(wide) - n + 1
        term = wide[n - 1 : n - 1 + count] * mult[n - 1]
        run = term if n == 1 else run[:count] + term  # sum of the first n terms, incrementally
        if n >= min_n:
            grams = run + mult[n]
            parts.append(grams)
            if head >= n:
                parts.append(grams[: head - n + 1] ^ _HEAD)
    if not parts:
        return np.zeros(0, dtype=np.uint64)
    return mix64(np.concatenate(parts))


def _to_bucket(hashes: npt.NDArray[np.uint64], bits: int) -> npt.NDArray[np.int64]:
    return (hashes >> np.uint64(64 - bits)).astype(np.int64)


def bucket(gram: str | Sequence[str], bits: int, *, head: bool = False) -> int:
    """The bucket of one n-gram of tokens (a token alone is a 1-gram); ``head`` for the
    position-marked copy. Lets tests and tools name the bucket a phrase falls in."""
    toks = [gram] if isinstance(gram, str) else list(gram)
    n = len(toks)
    return int(_to_bucket(_hashes(_token_codes(toks), n, n, n), bits)[1 if head else 0])


def extra_bucket(name: str, bits: int) -> int:
    """The bucket of a named extra feature."""
    return crc32(("@" + name).encode()) & ((1 << bits) - 1)


def featurise(text: str, spec: FeatureSpec, extra: Mapping[str, float] | None = None) -> Features:
    """Sparse feature vector of ``text`` (unit length over its n-grams, then ``extra`` added)."""
    hashes = _hashes(_token_codes(tokens(text, spec)), spec.min_n, spec.max_n, spec.head)
    if len(hashes):
        distinct, counts = np.unique(hashes, return_counts=True)
        values = 1.0 + np.log(counts)
        values /= math.sqrt(float(values @ values))
        buckets = _to_bucket(distinct, spec.bits)
    else:
        values, buckets = np.zeros(0), np.zeros(0, dtype=np.int64)
    if extra:
        names = list(extra)
        buckets = np.concatenate([buckets, [extra_bucket(n, spec.bits) for n in names]])
        values = np.concatenate([values, [extra[n] for n in names]])
    return Features(buckets.astype(np.int64, copy=False), values)


def length_features(text: str) -> dict[str, float]:
    """One-hot bucket of the text's length (log2 of its characters), as extra features."""
    size = len(text.strip())
    return {f"len{min(int(math.log2(size + 1)), 12)}": 1.0}
