"""Turning candidate matches (arrays) into sorted :class:`KeywordMatch` records.

This runs once per match, so it is written for speed: numpy gathers and sorts, one tuple per
record built without a Python frame, and the cyclic garbage collector paused while many records
are created.
"""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from functools import partial
from typing import Any

import numpy as np
import numpy.typing as npt

from hegui.text.model import KeywordEntry, KeywordMatch, MatchHow, MatchLevel
from hegui.text.normalize import Normalized, normalize_many
from hegui.text.patterns import KIND_PINYIN, KIND_VARIANT

KIND_REGEX, KIND_PHONETIC = 3, 4
"""Match kinds beyond the pattern owner kinds (keyword 0, variant 1, pinyin 2)."""
I64 = npt.NDArray[np.int64]
Candidates = tuple[I64, I64, I64, I64, I64]
"""Parallel arrays: entry, start, end (normalised offsets), kind, variant."""


class RecordBuilder:
    """Per-entry fields as arrays, gathered for all matches of a scan at once."""

    def __init__(self, entries: tuple[KeywordEntry, ...]) -> None:
        self._entries = entries
        self._n = max(1, len(entries))
        self._keywords = _objects([e.keyword for e in entries])
        self._risks = _objects([e.risk for e in entries])
        self._severities = _objects([e.severity for e in entries])
        plain_texts = normalize_many([e.keyword for e in entries])
        self._plain = np.fromiter(
            (e.keyword == p for e, p in zip(entries, plain_texts, strict=True)),
            dtype=np.bool_,
            count=len(entries),
        )
        self._lengths = np.fromiter(
            (len(e.keyword) for e in entries), dtype=np.int64, count=len(entries)
        )

    def build(
        self,
        norm: Normalized,
        candidates: Candidates,
        doc_starts: I64 | None = None,
    ) -> list[list[KeywordMatch]]:
        """Records for candidate matches (normalised offsets), sorted by start, end, entry.

        One list per document: the texts of a batch start at ``doc_starts`` in the joined source
        (offsets in the records are then relative to their own text); without, one list.
        """
        n_docs = 1 if doc_starts is None else len(doc_starts)
        entry, start, end, kind, variant = candidates
        if not len(entry):
            return [[] for _ in range(n_docs)]
        o_start, o_end = norm.spans(start, end)
        # Sort by start, end, entry with numpy: a Python sort with a key costs ~1 µs per match.
        # One int64 key sorts faster than lexsort's three when it cannot overflow.
        width = len(norm.source) + 1
        if width * width * self._n < 1 << 62:
            order = np.argsort((o_start * width + o_end) * self._n + entry, kind="stable")
        else:
            order = np.lexsort((entry, o_end, o_start))
        entry, start, end, kind, variant = (x[order] for x in (entry, start, end, kind, variant))
        o_start, o_end = o_start[order], o_end[order]
        # Literal: the original span has the keyword's length and folding changed none of its
        # characters. Keywords not in normal form themselves (QQ, 頭, a.b.cn) and variants are
        # compared as strings; regular expressions compare with their normalised match.
        span_len = o_end - o_start
        literal = self._plain[entry] & (span_len == self._lengths[entry])
        unchanged = norm.unchanged(o_start, o_end)
        literal &= unchanged
        # A keyword not in normal form (QQ, 頭, ㈠) can only be literal in a span folding changed.
        odd = (~self._plain[entry]) & ~unchanged & (span_len == self._lengths[entry])
        odd = np.flatnonzero(odd | (kind == KIND_VARIANT) | (kind == KIND_REGEX))
        source = norm.source
        for i in odd.tolist():
            span = source[int(o_start[i]) : int(o_end[i])]
            k = int(kind[i])
            if k == KIND_VARIANT:
                literal[i] = span == self._entries[int(entry[i])].variants[int(variant[i])]
            elif k == KIND_REGEX:
                literal[i] = span == norm.text[int(start[i]) : int(end[i])]
            else:
                literal[i] = span == self._entries[int(entry[i])].keyword
        # how/level code: 0 literal, 1 normalised, 2 pinyin, 3 phonetic (suspect)
        code = np.where(literal, 0, 1)
        code[kind == KIND_PINYIN] = 2
        code[kind == KIND_PHONETIC] = 3
        if doc_starts is not None:
            doc = np.searchsorted(doc_starts, o_start, side="right") - 1
            o_start, o_end = o_start - doc_starts[doc], o_end - doc_starts[doc]
        rows = zip(
            self._keywords[entry].tolist(),
            self._risks[entry].tolist(),
            o_start.tolist(),
            o_end.tolist(),
            _HOWS[code].tolist(),
            _LEVELS[code].tolist(),
            self._severities[entry].tolist(),
            strict=True,
        )
        if len(code) < _NO_GC_AT:
            records = list(map(_new_match, rows))
        else:
            with _gc_paused():
                records = list(map(_new_match, rows))
        if doc_starts is None:
            return [records]
        bounds = np.cumsum(np.bincount(doc, minlength=n_docs)).tolist()
        return [records[a:b] for a, b in zip([0, *bounds[:-1]], bounds, strict=True)]


_new_match = partial(tuple.__new__, KeywordMatch)
"""``KeywordMatch._make`` without its Python frame: this runs once per match."""
_NO_GC_AT = 512
_gc_lock = threading.Lock()
_gc_pausers = 0
_gc_was_enabled = False


@contextmanager
def _gc_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector while many records are built.

    Each record is a new tuple; every 700 of them trigger a collection that walks the young
    objects, which made building records 3-4x slower. Records hold no cycles. Nested and
    concurrent uses are counted, so the collector is re-enabled exactly when the last one ends
    (and only if it was enabled before).
    """
    global _gc_pausers, _gc_was_enabled
    with _gc_lock:
        if _gc_pausers == 0:
            _gc_was_enabled = gc.isenabled()
            gc.disable()
        _gc_pausers += 1
    try:
        yield
    finally:
        with _gc_lock:
            _gc_pausers -= 1
            if _gc_pausers == 0 and _gc_was_enabled:
                gc.enable()


def _objects(values: list[Any]) -> npt.NDArray[np.object_]:
    array = np.empty(len(values), dtype=object)
    array[:] = values
    return array


_HOWS = _objects([MatchHow.LITERAL, MatchHow.NORMALISED, MatchHow.PINYIN, MatchHow.PHONETIC])
_LEVELS = _objects([MatchLevel.HIT, MatchLevel.HIT, MatchLevel.HIT, MatchLevel.SUSPECT])


def arrays(found: list[tuple[int, int, int]], kind: int) -> Candidates:
    """Candidates from (entry, start, end) triples, all of one kind."""
    n = len(found)
    entry = np.fromiter((f[0] for f in found), dtype=np.int64, count=n)
    start = np.fromiter((f[1] for f in found), dtype=np.int64, count=n)
    end = np.fromiter((f[2] for f in found), dtype=np.int64, count=n)
    return entry, start, end, np.full(n, kind, dtype=np.int64), np.full(n, -1, dtype=np.int64)


def concat(a: Candidates, b: Candidates) -> Candidates:
    """Both sets of candidates."""
    if not len(b[0]):
        return a
    e, s, t, k, v = (np.concatenate([x, y]) for x, y in zip(a, b, strict=True))
    return e, s, t, k, v


EMPTY: Candidates = arrays([], 0)
"""No candidates (shared; never modified)."""
for _array in EMPTY:
    _array.flags.writeable = False
