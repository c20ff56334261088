"""Hashed n-gram features for the trained judges, in pure Python (no scikit-learn at run time).

The same function featurises text when ``scripts/train_judges.py`` trains a model and when a
judge applies it, so training and serving cannot drift apart. A text becomes tokens — one per CJK
character, one per Latin word, one per punctuation mark, ``0`` for a number — and the tokens
become 1- to ``max_n``-grams. The n-grams of the first ``head`` tokens are counted a second time
with a position mark, because where a phrase stands matters ("抱歉，…" opening an answer is a
refusal; a closing "抱歉" is politeness). Values are sublinear term frequencies (``1 + ln tf``)
scaled to unit length. Each feature is hashed (CRC-32) into ``2**bits`` buckets: the model file
holds bucket numbers and weights, never text from the training data.

*Extra* features (rule outputs, length buckets) are named, hashed the same way and added after
the scaling, so a few strong signals are not diluted by a long text.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from dataclasses import asdict, dataclass
from zlib import crc32

from hegui.judges._text import normalise

_TOKEN = re.compile(
    r"\[(?:quote|code)\]|[a-z]+(?:'[a-z]+)?|[0-9]+(?:[.,][0-9]+)*|[\u3400-\u9fff\uf900-\ufaff]|[^\s\w]"
)
_DIGIT = frozenset("0123456789")
_SEP = "\x1f"


@dataclass(frozen=True, slots=True)
class FeatureSpec:
    """How a text becomes features; stored in every model file and checked when it loads."""

    bits: int = 20
    """Hash buckets: ``2**bits``."""
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

    def as_dict(self) -> dict[str, int | bool]:
        return asdict(self)


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


def bucket(feature: str, bits: int) -> int:
    """The hash bucket of one feature string."""
    return crc32(feature.encode()) & ((1 << bits) - 1)


def featurise(
    text: str, spec: FeatureSpec, extra: Mapping[str, float] | None = None
) -> dict[int, float]:
    """Sparse feature vector of ``text``: bucket → value (unit length, then ``extra`` added)."""
    toks = tokens(text, spec)
    counts: dict[str, int] = {}
    size = len(toks)
    for n in range(spec.min_n, spec.max_n + 1):
        for i in range(size - n + 1):
            gram = toks[i] if n == 1 else _SEP.join(toks[i : i + n])
            counts[gram] = counts.get(gram, 0) + 1
            if i + n <= spec.head:
                key = "^" + gram
                counts[key] = counts.get(key, 0) + 1
    mask = (1 << spec.bits) - 1
    vector: dict[int, float] = {}
    for gram, count in counts.items():
        index = crc32(gram.encode()) & mask
        vector[index] = vector.get(index, 0.0) + (1.0 + math.log(count) if count > 1 else 1.0)
    norm = math.sqrt(sum(v * v for v in vector.values()))
    if norm:
        for index in vector:
            vector[index] /= norm
    for name, value in (extra or {}).items():
        index = crc32(("@" + name).encode()) & mask
        vector[index] = vector.get(index, 0.0) + value
    return vector


def length_features(text: str) -> dict[str, float]:
    """One-hot bucket of the text's length (log2 of its characters), as extra features."""
    size = len(text.strip())
    return {f"len{min(int(math.log2(size + 1)), 12)}": 1.0}
