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
from functools import lru_cache
from types import ModuleType
from typing import TypeVar
from zlib import crc32

import numpy as np
import numpy.typing as npt

from hegui.judges._text import fold_table, normalise
from hegui.text.dedup import mix64, ngram_multipliers

_scoring: ModuleType | None
try:
    from hegui.judges import _scoring
except ImportError:  # built without a C compiler: the regular expressions do it
    _scoring = None

HASHING = 2
"""The feature hashing scheme of this module; model files record the one they were trained with."""

_TOKEN = re.compile(
    r"\[(?:quote|code)\]|[a-z]+(?:'[a-z]+)?|[0-9]+(?:[.,][0-9]+)*|[\u3400-\u9fff\uf900-\ufaff]|[^\s\w]"
)
"""The tokens: ``[quote]``/``[code]``, a Latin word, a number, a CJK character, a mark."""
_RUNS = re.compile(
    r"[a-z]+(?:'[a-z]+)?|[\u3400-\u9fff\uf900-\ufaff]+|[^\s\w\[]+|[0-9]+(?:[.,][0-9]+)*"
    r"|\[(?:quote|code)\]|\["
)
""":data:`_TOKEN`, but runs of CJK characters or of marks (other than ``[``, which may open
``[quote]``) match whole, to be split into their characters: one regex match per character
costs most of the time of featurising Chinese text."""
_WORDISH = re.compile(r"[a-z0-9\[]").search
"""Whether a text has tokens other than CJK characters and marks (words, numbers, ``[``)."""
_DIGIT = frozenset("0123456789")
_WORD_START = frozenset("abcdefghijklmnopqrstuvwxyz[")
_CODES: dict[str, bytes] = {}
"""Token → its row of :func:`_token_codes`, shared by all judges; tokens repeat, so most
lookups hit."""
_CODES_LIMIT = 500_000
_HEAD = np.uint64(0x5851F42D4C957F2D)
"""XOR-ed into an n-gram's hash for its position-marked copy."""
_TERMS = 3
"""N-gram positions whose hash terms are cached per token (all the n of the shipped models)."""
_Seq = TypeVar("_Seq", str, list[str])
_CHAR_ROWS = np.zeros((0x10000, 1 + _TERMS), dtype=np.uint64)
"""Per BMP code point, its row of :func:`_token_codes` as a one-character token (filled as
characters are met; the zeros cost no memory until then)."""
_CHAR_FILLED = np.zeros(0x10000, dtype=np.bool_)
_MASK64 = (1 << 64) - 1
_ROW_STEP = np.uint64(0x9E3779B97F4A7C15)
"""Odd multiplier of a text's row in :func:`featurise_many`'s sort key."""
_TRUE = np.ones(1, dtype=np.bool_)


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
    """Normalise text for features: NFKC, casefold, common traditional characters simplified.

    Texts of common characters (Chinese, ASCII, their punctuation) are folded by the compiled
    module in one call: on a CPU woken from idle, as in a gateway between requests, the dozen
    string and regex calls of :func:`~hegui.judges._text.normalise` cost about 65 µs, and the
    one call about 35 µs."""
    if _scoring is not None:
        folded: str | None = _scoring.fold(text, fold_table(quotes))
        if folded is not None:
            return folded
    return normalise(text, quotes=quotes)[0]


def tokens(text: str, spec: FeatureSpec) -> list[str]:
    """The tokens of ``text`` (normalised first), capped to the spec's head and tail."""
    found = _tokens(text, spec)
    return list(found) if isinstance(found, str) else found


def _tokens(text: str, spec: FeatureSpec) -> str | list[str]:
    """:func:`tokens`; for a text of CJK characters and marks only (every token one character)
    those characters as one string."""
    head_chars, tail_chars = 3 * spec.max_tokens, 3 * spec.tail_tokens
    if len(text) > head_chars + tail_chars:  # never normalise more than can be read
        text = text[:head_chars] + "\n" + text[-tail_chars:]
    if _scoring is not None:  # Chinese text of common characters: folded and split in one call
        chars: str | None = _scoring.cjk_fold_tokens(text, fold_table(spec.quotes))
        if chars is not None:
            return _cut(chars, spec)
    text = fold(text, quotes=spec.quotes)
    if text.isascii():  # nothing to gain from runs
        found = ["0" if t[0] in _DIGIT else t for t in _TOKEN.findall(text)]
    elif not _WORDISH(text):  # only CJK characters and marks: every character is a token
        if _scoring is not None:  # the same characters, without a regex match per run
            kept: str = _scoring.cjk_tokens(text)
            return _cut(kept, spec)
        return _cut("".join(_RUNS.findall(text)), spec)
    else:
        found = []
        add, extend = found.append, found.extend
        for t in _RUNS.findall(text):
            if t[0] in _DIGIT:
                add("0")
            elif t[0] in _WORD_START:
                add(t)
            else:
                extend(t)
    return _cut(found, spec)


def _cut(found: _Seq, spec: FeatureSpec) -> _Seq:
    """The first ``max_tokens`` and the last ``tail_tokens`` tokens."""
    if len(found) > spec.max_tokens + spec.tail_tokens:
        return found[: spec.max_tokens] + found[-spec.tail_tokens :]
    return found


def _term(j: int) -> tuple[int, int]:
    """Multiplier of an n-gram's ``j``-th token, and the step of the offset from ``j`` to ``j + 1``
    tokens (``mult[j + 1] - mult[j]``, ``mult[1]`` for the first; mod 2**64, Python ints)."""
    mult = ngram_multipliers(0, j + 1)
    return int(mult[j]), (int(mult[j + 1]) - (int(mult[j]) if j else 0)) & _MASK64


def _entry(token: str) -> bytes:
    code = crc32(token.encode())
    row = [code] + [(code * m + step) & _MASK64 for m, step in map(_term, range(_TERMS))]
    return np.array(row, dtype=np.uint64).tobytes()


def _token_codes(toks: Sequence[str]) -> npt.NDArray[np.uint64]:
    """Per token its CRC-32 and its first ``_TERMS`` terms (one row each); see :func:`_hashes`.

    Rows are cached as bytes, so the array is one join and a buffer view rather than a
    conversion of Python ints."""
    try:
        data = b"".join(map(_CODES.get, toks))  # type: ignore[arg-type]  # a miss is None
    except TypeError:
        if len(_CODES) >= _CODES_LIMIT:
            _CODES.clear()
        rows = []
        for t in toks:  # the rows kept here, not looked up again: another thread may clear
            row = _CODES.get(t)
            if row is None:
                row = _CODES[t] = _entry(t)
            rows.append(row)
        data = b"".join(rows)
    return np.frombuffer(data, dtype=np.uint64).reshape(len(toks), 1 + _TERMS)


def _char_codes(chars: str) -> npt.NDArray[np.uint64]:
    """:func:`_token_codes` of the characters of ``chars`` as tokens, looked up by code point
    in a table (one step for a whole batch, where the cache above takes one per token)."""
    points = np.frombuffer(chars.encode("utf-32-le"), dtype=np.uint32)
    if len(points) and int(points.max()) >= len(_CHAR_FILLED):  # beyond the BMP: rare
        return _token_codes(list(chars))
    missing = points[~_CHAR_FILLED[points]]
    if len(missing):
        for point in np.unique(missing).tolist():  # the row first, then the flag
            _CHAR_ROWS[point] = np.frombuffer(_entry(chr(point)), dtype=np.uint64)
            _CHAR_FILLED[point] = True
    return _CHAR_ROWS[points]


@lru_cache(maxsize=4096)
def _layout(
    size: int, min_n: int, top: int, head: int
) -> tuple[int, tuple[tuple[int, int, int], ...]]:
    """Per n up to ``top``: n, its n-grams and its position-marked copies; and the total
    number of hashes (cached: texts have only so many lengths)."""
    spans = tuple(
        (n, size - n + 1, min(max(head - n + 1, 0), size - n + 1)) for n in range(1, top + 1)
    )
    return sum(c + h for n, c, h in spans if n >= min_n), spans


def _hashes(
    codes: npt.NDArray[np.uint64], min_n: int, max_n: int, head: int
) -> npt.NDArray[np.uint64]:
    """The 64-bit hashes of all ``min_n``..``max_n``-grams, and of the position-marked copies
    of those within the first ``head`` tokens (order does not matter to the callers).

    An n-gram's hash is ``sum(code[i + j] * mult[j] for j < n) + mult[n]`` (mod 2**64), mixed.
    Written as ``sum(term_j)`` with ``term_j = code * mult[j] + step_j`` (:func:`_term`; the
    steps add up to ``mult[n]``), each n is one addition to the (n-1)-grams', and the terms of
    the first ``_TERMS`` positions come per token from the cache."""
    size = len(codes)
    total, spans = _layout(size, min_n, min(max_n, size), head)
    out = np.empty(total, dtype=np.uint64)
    at = 0
    run = codes[:, 1]
    for n, count, marked in spans:
        grams = out[at : at + count] if n >= min_n else None
        if n == 1:
            if grams is not None:
                grams[...] = run
        else:
            run = np.add(run[:count], _nth_terms(codes, n), out=grams)
        if grams is not None:
            at += count
            if marked:
                np.bitwise_xor(grams[:marked], _HEAD, out=out[at : at + marked])
                at += marked
    return mix64(out)


def _nth_terms(codes: npt.NDArray[np.uint64], n: int) -> npt.NDArray[np.uint64]:
    """The terms that the tokens from the ``n``-th on add as an n-gram's last token (the cached
    column for the first ``_TERMS`` positions, computed beyond)."""
    if n <= _TERMS:
        return codes[n - 1 :, n]
    mult, step = _term(n - 1)
    term = codes[n - 1 :, 0] * np.uint64(mult)
    term += np.uint64(step)
    return term


def _to_bucket(hashes: npt.NDArray[np.uint64], bits: int) -> npt.NDArray[np.int64]:
    return (hashes >> np.uint64(64 - bits)).view(np.int64)  # < 2**32: the same numbers


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
    # np.unique(return_counts=True) by hand, in fewer numpy calls; the same sorted distinct
    # hashes and counts, so the same values to the last bit.
    hashes.sort()
    size = len(hashes)
    new = hashes[1:] != hashes[:-1]
    if size < 2 or np.count_nonzero(new) == size - 1:  # no repeats (the usual short text)
        # every value 1 + ln 1 = 1 over a norm of sqrt(size): the same division, done once
        values = np.full(size, 1.0 / math.sqrt(size) if size else 0.0)
    else:
        bounds = np.concatenate((_TRUE, new, _TRUE)).nonzero()[0]
        values = 1.0 + np.log(bounds[1:] - bounds[:-1])
        values /= math.sqrt(float(values @ values))
        hashes = hashes[bounds[:-1]]
    buckets = _to_bucket(hashes, spec.bits)
    if extra:
        names = list(extra)
        buckets = np.concatenate([buckets, [extra_bucket(n, spec.bits) for n in names]])
        values = np.concatenate([values, [extra[n] for n in names]])
    return Features(buckets.astype(np.int64, copy=False), values)


@dataclass(frozen=True, slots=True)
class FeatureBatch:
    """The feature vectors of several texts as one sparse matrix: entry ``i`` is ``values[i]``
    in bucket ``buckets[i]`` of text ``rows[i]`` (``0 <= rows[i] < size``)."""

    size: int
    rows: npt.NDArray[np.int64]
    buckets: npt.NDArray[np.int64]
    values: npt.NDArray[np.float64]

    def row(self, k: int) -> Features:
        """Text ``k``'s vector (for inspection and tests)."""
        at = self.rows == k
        return Features(self.buckets[at], self.values[at])


def featurise_many(
    texts: Sequence[str],
    spec: FeatureSpec,
    extras: Sequence[Mapping[str, float] | None] | None = None,
) -> FeatureBatch:
    """The vectors of :func:`featurise` for many texts (``extras``: one mapping or None per text),
    in one pass of numpy calls over the n-grams of all of them.

    On short texts (a gateway's prompts and answers) numpy's cost per call is most of the time
    of :func:`featurise`; here it is paid once per batch. The vectors are the same; a value may
    differ in its last bit where a text repeats an n-gram (its norm is summed in another order).
    """
    if len(texts) == 1:  # featurise has the fast paths of a single text
        one = featurise(texts[0], spec, extras[0] if extras else None)
        return FeatureBatch(1, np.zeros(len(one.buckets), dtype=np.int64), one.buckets, one.values)
    size = len(texts)
    # Texts of one-character tokens (Chinese) first, their codes looked up in one step; the
    # others after; ``first + last`` maps back to the texts' own rows.
    chars: list[str] = []
    others: list[list[str]] = []
    first: list[int] = []
    last: list[int] = []
    for k, text in enumerate(texts):
        found = _tokens(text, spec)
        if isinstance(found, str):
            chars.append(found)
            first.append(k)
        else:
            others.append(found)
            last.append(k)
    lengths = np.array([*map(len, chars), *map(len, others)], dtype=np.int64)
    if lengths.any():
        codes = _char_codes("".join(chars))
        if others:
            codes = np.concatenate([codes, _token_codes([t for ts in others for t in ts])])
        hashes, rows = _hashes_many(codes, lengths, spec)
        rows = np.array(first + last, dtype=np.int64)[rows]
    else:
        hashes, rows = np.empty(0, dtype=np.uint64), np.empty(0, dtype=np.int64)
    # Distinct (text, hash) pairs and their counts, as featurise's np.unique per text: sorted
    # on one key that equal pairs share (and distinct ones with a 2**-64 chance, as the hashes
    # themselves); five times faster than a lexsort on both.
    key = hashes + rows.astype(np.uint64) * _ROW_STEP
    order = np.argsort(key)
    key, hashes, rows = key[order], hashes[order], rows[order]
    new = key[1:] != key[:-1]
    bounds = np.concatenate((_TRUE, new, _TRUE)).nonzero()[0][: len(hashes) + 1]
    firsts = bounds[:-1]
    values = 1.0 + np.log(np.diff(bounds).astype(np.float64))
    rows = rows[firsts]
    values /= np.sqrt(np.bincount(rows, weights=values * values, minlength=size))[rows]
    buckets = _to_bucket(hashes[firsts], spec.bits)
    if extras is not None and any(extras):
        named = [(k, name, v) for k, e in enumerate(extras) if e for name, v in e.items()]
        rows = np.concatenate([rows, np.array([k for k, _, _ in named], dtype=np.int64)])
        bucket_of = [extra_bucket(name, spec.bits) for _, name, _ in named]
        buckets = np.concatenate([buckets, np.array(bucket_of, dtype=np.int64)])
        values = np.concatenate([values, np.array([v for _, _, v in named], dtype=np.float64)])
    return FeatureBatch(size, rows, buckets.astype(np.int64, copy=False), values)


def _hashes_many(
    codes: npt.NDArray[np.uint64], lengths: npt.NDArray[np.int64], spec: FeatureSpec
) -> tuple[npt.NDArray[np.uint64], npt.NDArray[np.int64]]:
    """:func:`_hashes` of the texts whose tokens' codes are concatenated in ``codes``
    (``lengths`` tokens each), with the text of each hash: the n-grams are hashed over the
    whole array at once, and those that run past the end of their text dropped."""
    total = len(codes)
    ends = np.cumsum(lengths)
    row_of = np.repeat(np.arange(len(lengths), dtype=np.int64), lengths)
    at = np.arange(total, dtype=np.int64)
    left = ends[row_of] - at  # tokens from each one to the end of its text
    pos = at - (ends - lengths)[row_of]  # each token's index in its text
    parts: list[npt.NDArray[np.uint64]] = []
    owners: list[npt.NDArray[np.int64]] = []
    run = codes[:, 1]
    for n in range(1, min(spec.max_n, int(lengths.max())) + 1):
        count = total - n + 1
        if n > 1:
            run = run[:count] + _nth_terms(codes, n)
        if n < spec.min_n:
            continue
        whole = left[:count] >= n
        parts.append(run[whole])
        owners.append(row_of[:count][whole])
        if spec.head > n - 1:
            marked = whole & (pos[:count] < spec.head - n + 1)
            parts.append(run[marked] ^ _HEAD)
            owners.append(row_of[:count][marked])
    return mix64(np.concatenate(parts)), np.concatenate(owners)


def length_features(text: str) -> dict[str, float]:
    """One-hot bucket of the text's length (log2 of its characters), as extra features."""
    size = len(text.strip())
    return {f"len{min(int(math.log2(size + 1)), 12)}": 1.0}
