"""The keyword matcher: normalise once, scan with compiled engines, map spans back, apply guards.

This is the single detection engine for keywords; the keyword judge, the corpus audit and the
gateway all call :meth:`KeywordMatcher.scan`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from hegui.policy import Pack
from hegui.text.build import CompiledMatcher, compile_matcher, load_phonetic
from hegui.text.engine import Subject
from hegui.text.library import KeywordLibrary
from hegui.text.loaders import load_library
from hegui.text.model import (
    KeywordEntry,
    KeywordMatch,
    MatchMode,
)
from hegui.text.normalize import Normalized, normalize, normalize_joined, normalize_many
from hegui.text.patterns import word_class
from hegui.text.pinyin import syllable_codes
from hegui.text.results import (
    EMPTY,
    I64,
    KIND_PHONETIC,
    KIND_REGEX,
    Candidates,
    RecordBuilder,
    arrays,
    concat,
)
from hegui.text.tables import load_tables


class KeywordMatcher:
    """Finds the keywords of a library in texts, resistant to common evasions.

    Build it with :meth:`from_library`, :meth:`from_file` or :meth:`from_terms`; compiled engines
    are cached on disk (see :mod:`hegui.text.cache`). ``scan`` is safe to call from several
    threads (each thread gets its own hyperscan scratch space).
    """

    def __init__(self, compiled: CompiledMatcher, *, homophones: bool = True) -> None:
        self.library = compiled.library
        self.backend = compiled.backend
        self.homophones = homophones
        """Default for :meth:`scan`: also report homophone ``suspect`` matches."""
        self._c = compiled
        self._entries = compiled.library.entries
        self._tables = load_tables()
        allow = [(i, c) for i, e in enumerate(self._entries) for c in e.allow]
        folded = normalize_many([c for _, c in allow])
        self._allow: dict[int, list[str]] = {}
        for (i, _), ctx in zip(allow, folded, strict=True):
            self._allow.setdefault(i, []).append(ctx)
        self._records = RecordBuilder(self._entries)
        self._guarded = np.fromiter(
            (bool(e.allow) or e.mode is MatchMode.WORD for e in self._entries),
            dtype=np.bool_,
            count=len(self._entries),
        )
        # Matches of patterns without per-keyword guards are resolved with array gathers alone
        # (one row per owner); the others go through the per-owner checks in Python. So do
        # patterns that one keyword owns twice (keyword and variant folding alike), to keep the
        # best kind.
        t = compiled.tables
        owner_pattern = np.repeat(np.arange(len(t.patterns)), np.diff(t.owner_start))
        guarded = np.zeros(len(t.patterns), dtype=np.bool_)
        np.logical_or.at(guarded, owner_pattern, self._guarded[t.owner_entry])
        pairs = owner_pattern.astype(np.int64) * max(1, len(self._entries)) + t.owner_entry
        twice = np.unique(pairs, return_counts=True)
        owned_twice = np.zeros(len(t.patterns), dtype=np.bool_)
        owned_twice[twice[0][twice[1] > 1] // max(1, len(self._entries))] = True
        self._pattern_slow = guarded | owned_twice
        self._regexes = [
            (i, re.compile(e.keyword))
            for i, e in enumerate(self._entries)
            if e.mode is MatchMode.REGEX
        ]
        # One regex search tells whether a text holds any one-character pattern: cheaper than
        # the table lookup on the (usual) texts that hold none.
        singles = "".join(map(chr, np.flatnonzero(compiled.single >= 0).tolist()))
        self._has_single = re.compile(f"[{re.escape(singles)}]").search if singles else None

    @classmethod
    def from_library(
        cls,
        library: KeywordLibrary,
        *,
        homophones: bool = True,
        pinyin: bool = True,
        homophone_min_chars: int = 3,
        backend: str | None = None,
        cache: bool | Path = True,
    ) -> KeywordMatcher:
        """Compile ``library`` (or load it from the cache).

        ``pinyin`` adds the pinyin and mixed spellings; ``homophone_min_chars`` (at least 2) is the
        shortest keyword the homophone tier looks for (short ones flood it with suspects);
        ``backend`` is ``hyperscan`` or ``ahocorasick-rs`` (default: hyperscan when installed);
        ``cache`` is False, True (``$HEGUI_CACHE_DIR`` or ``~/.cache/hegui``) or a folder.
        """
        folder = cache if isinstance(cache, Path) else None
        compiled = compile_matcher(
            library,
            pinyin=pinyin,
            backend=backend,
            use_cache=cache is not False,
            folder=folder,
            homophone_min_chars=homophone_min_chars,
        )
        return cls(compiled, homophones=homophones)

    @classmethod
    def from_file(
        cls,
        path: str | Path,
        *,
        pack: Pack | None = None,
        default_risk: str | None = None,
        **options: Any,
    ) -> KeywordMatcher:
        """Load a library file (see :func:`hegui.text.load_library`) and compile it."""
        library = load_library(path, pack=pack, default_risk=default_risk)
        return cls.from_library(library, **options)

    @classmethod
    def from_terms(
        cls,
        terms: Iterable[str | tuple[str, str] | KeywordEntry],
        *,
        risk: str | None = None,
        **options: Any,
    ) -> KeywordMatcher:
        """A matcher for keywords in memory: strings (all of ``risk``), pairs or entries."""
        return cls.from_library(KeywordLibrary.from_terms(terms, risk=risk), **options)

    def scan(self, text: str, *, homophones: bool | None = None) -> list[KeywordMatch]:
        """Every keyword occurrence in ``text``, ordered by position; spans index ``text``."""
        return self.scan_normalized(normalize(text), homophones=homophones)

    def scan_normalized(
        self, norm: Normalized, *, homophones: bool | None = None
    ) -> list[KeywordMatch]:
        """Like :meth:`scan` for a text already passed through :func:`normalize`."""
        return self._records.build(norm, self._candidates(norm, homophones))[0]

    def scan_many(
        self, texts: Sequence[str], *, homophones: bool | None = None
    ) -> list[list[KeywordMatch]]:
        """``[scan(t) for t in texts]``, computed in one pass over the texts joined.

        The results are the same; short texts (model replies, corpus records) scan several
        times faster because the fixed cost of a scan is paid once per batch. Keep batches to a
        few megabytes.
        """
        if len(texts) < 2:
            return [self.scan(t, homophones=homophones) for t in texts]
        norm, doc_starts = normalize_joined(list(texts))
        return self._records.build(norm, self._candidates(norm, homophones), doc_starts)

    def _candidates(self, norm: Normalized, homophones: bool | None) -> Candidates:
        if not norm.text:
            return EMPTY
        found = self._hits(norm)
        if self._regexes:
            found = concat(found, self._regex_hits(norm))
        want_suspects = self.homophones if homophones is None else homophones
        if want_suspects and len(norm.text) > 1:
            found = concat(found, self._suspects(norm, found[0], found[1], found[2]))
        return found

    # -- main tier ---------------------------------------------------------------------------

    def _hits(self, norm: Normalized) -> Candidates:
        """Candidates from the engines, filtered by the guards; vectorised except for the few
        matches that need a per-owner look (several owners, allowed cuts, per-keyword guards)."""
        c = self._c
        # Most texts are clean: their scan makes no numpy call (each costs tens of µs on a CPU
        # woken from idle), so the code points are only made when a match needs them.
        subject = Subject(norm.text)
        ids, ends = c.cjk.scan(subject)
        if len(ids):
            ids = c.cjk_ids[ids]
        if self._has_single is not None and self._has_single(norm.text):
            single = c.single[norm.codes]
            at = np.flatnonzero(single >= 0)
            ids = np.concatenate([ids, single[at].astype(np.int64)])
            ends = np.concatenate([ends, at + 1])
        if c.latin_ids.size and _LATIN.search(norm.text):
            lat_ids, lat_ends = self._latin_scan(subject)
            if len(lat_ids):
                ids = np.concatenate([ids, c.latin_ids[lat_ids]])
                ends = np.concatenate([ends, lat_ends])
        if not len(ids):
            return EMPTY
        t = c.tables
        starts = ends - t.length[ids]
        slow = self._pattern_slow[ids]
        left, right = t.left[ids], t.right[ids]
        if bool(left.any() or right.any()):
            keep, cut_inside = self._latin_guards(norm, ids, starts, ends, left, right)
            slow |= cut_inside
            if not bool(keep.all()):
                ids, starts, ends, slow = ids[keep], starts[keep], ends[keep], slow[keep]
        fast = ~slow
        result = self._owner_rows(ids[fast], starts[fast], ends[fast])
        if not bool(slow.any()):
            return result
        return concat(result, self._slow_hits(norm, ids[slow], starts[slow], ends[slow]))

    def _owner_rows(self, ids: I64, starts: I64, ends: I64) -> Candidates:
        """One candidate per (match, owner) of patterns that need no per-owner check."""
        t = self._c.tables
        first = t.owner_start[ids].astype(np.int64)
        count = t.owner_start[ids + 1] - first
        if bool((count > 1).any()):  # a keyword listed under several risks, shared pinyin…
            row = np.repeat(np.arange(len(ids)), count)
            first = first[row] + np.arange(len(row)) - np.repeat(np.cumsum(count) - count, count)
            starts, ends = starts[row], ends[row]
        return (
            t.owner_entry[first].astype(np.int64),
            starts,
            ends,
            t.owner_kind[first].astype(np.int64),
            t.owner_variant[first].astype(np.int64),
        )

    def _latin_scan(self, subject: Subject) -> tuple[I64, I64]:
        """Scan only the windows of the text around its letters a-z with the Latin engine.

        Every Latin pattern holds a letter and reaches at most ``latin_reach`` characters from
        one, so text farther from any letter cannot be part of a match. Windows are joined with a
        NUL, which no normalised pattern contains. Mostly-Chinese text shrinks to a few percent.
        """
        c = self._c
        codes = subject.codes
        n = len(codes)
        if n < _WINDOWS_FROM:  # short texts: the window bookkeeping costs more than it saves
            return c.latin.scan(subject)
        letters = np.flatnonzero((codes >= 0x61) & (codes <= 0x7A))
        reach = c.latin_reach
        breaks = np.flatnonzero(np.diff(letters) > 2 * reach + 1)
        starts = np.maximum(letters[np.concatenate([[0], breaks + 1])] - reach, 0)
        ends = np.minimum(letters[np.concatenate([breaks, [len(letters) - 1]])] + reach + 1, n)
        if int((ends - starts).sum()) * 4 > n * 3:  # windows cover most of it: scan it whole
            return c.latin.scan(subject)
        sizes = ends - starts + 1  # one NUL after each window
        first = np.cumsum(sizes) - sizes
        index = np.repeat(starts - first, sizes) + np.arange(int(sizes.sum()))
        index[first + sizes - 1] = -1
        index = index[:-1]
        window_codes = codes[np.maximum(index, 0)]
        window_codes[index < 0] = 0
        ids, ends_w = c.latin.scan(Subject(None, window_codes))
        return ids, index[ends_w - 1] + 1

    def _latin_guards(
        self,
        norm: Normalized,
        ids: I64,
        starts: I64,
        ends: I64,
        left: npt.NDArray[np.int8],
        right: npt.NDArray[np.int8],
    ) -> tuple[npt.NDArray[np.bool_], npt.NDArray[np.bool_]]:
        """Whole-word check at Latin edges (vectorised), and which matches straddle a removed
        separator between two Latin letters/digits (those go to the per-owner check)."""
        codes = norm.codes
        n = len(codes)
        before = _WORD_CLASS[np.minimum(codes[np.maximum(starts - 1, 0)], 127)]
        after = _WORD_CLASS[np.minimum(codes[np.minimum(ends, n - 1)], 127)]
        glued = (left != 0) & ~norm.separated_at(starts) & (before == left)
        glued |= (right != 0) & ~norm.separated_at(ends) & (after == right)
        cut_inside = np.zeros(len(ids), dtype=np.bool_)
        pairs = np.flatnonzero(self._c.tables.latin_pair[ids])
        if not len(pairs):  # only patterns with two Latin word characters in a row can be cut
            return ~glued, cut_inside
        # Every inner position of those matches: a separator removed between two word characters?
        s, e = starts[pairs], ends[pairs]
        inner = np.maximum(e - s - 1, 0)
        pos = np.repeat(s + 1 - (np.cumsum(inner) - inner), inner) + np.arange(int(inner.sum()))
        word_before = _WORD_CLASS[np.minimum(codes[pos - 1], 127)] != 0
        word_after = _WORD_CLASS[np.minimum(codes[pos], 127)] != 0
        bad = np.zeros(len(pos) + 1, dtype=np.int32)
        np.cumsum(norm.separated_at(pos) & word_before & word_after, out=bad[1:])
        last = np.cumsum(inner)
        cut_inside[pairs] = bad[last] > bad[last - inner]
        return ~glued, cut_inside

    def _slow_hits(self, norm: Normalized, ids: I64, starts: I64, ends: I64) -> Candidates:
        t = self._c.tables
        sep = norm.boundaries()
        text = norm.text
        best: dict[tuple[int, int, int], tuple[int, int]] = {}
        for pid, s, e in zip(ids.tolist(), starts.tolist(), ends.tolist(), strict=True):
            cuts = [
                p - s
                for p in range(s + 1, e)
                if sep[p] and word_class(text[p - 1]) and word_class(text[p])
            ]
            for o in range(int(t.owner_start[pid]), int(t.owner_start[pid + 1])):
                if cuts:
                    allowed = t.cuts[int(t.cuts_start[o]) : int(t.cuts_start[o + 1])].tolist()
                    if not set(cuts) <= set(allowed):
                        continue
                ent = int(t.owner_entry[o])
                if self._guarded[ent] and not self._accept_entry(norm, ent, s, e):
                    continue
                key = (ent, s, e)
                kind = int(t.owner_kind[o])
                if key not in best or kind < best[key][0]:
                    best[key] = (kind, int(t.owner_variant[o]))
        n = len(best)
        return (
            np.fromiter((k[0] for k in best), dtype=np.int64, count=n),
            np.fromiter((k[1] for k in best), dtype=np.int64, count=n),
            np.fromiter((k[2] for k in best), dtype=np.int64, count=n),
            np.fromiter((v[0] for v in best.values()), dtype=np.int64, count=n),
            np.fromiter((v[1] for v in best.values()), dtype=np.int64, count=n),
        )

    def _accept_entry(self, norm: Normalized, entry: int, s: int, e: int) -> bool:
        """Per-keyword precision guards: allow-list contexts and the word-boundary check."""
        text = norm.text
        for ctx in self._allow.get(entry, ()):
            if ctx in text[max(0, s - len(ctx) + 1) : e + len(ctx) - 1]:
                return False
        if self._entries[entry].mode is MatchMode.WORD:
            words = self._tables.words2
            if s > 0 and not norm.separated(s) and text[s - 1 : s + 1] in words:
                return False
            if e < len(text) and not norm.separated(e) and text[e - 1 : e + 1] in words:
                return False
        return True

    def _regex_hits(self, norm: Normalized) -> Candidates:
        found: list[tuple[int, int, int]] = []
        for entry, pattern in self._regexes:
            for m in pattern.finditer(norm.text):
                if m.end() == m.start() or "\0" in m.group():
                    continue  # empty, or across the texts of a batch
                if self._accept_entry(norm, entry, m.start(), m.end()):
                    found.append((entry, m.start(), m.end()))
        return arrays(found, KIND_REGEX)

    # -- homophone tier ----------------------------------------------------------------------

    def _suspects(self, norm: Normalized, h_entry: I64, h_start: I64, h_end: I64) -> Candidates:
        engine = self._phonetic_engine()
        codes = syllable_codes(norm.codes, self._tables)
        ids, ends = engine.scan(Subject(None, codes))
        if not len(ids):
            return EMPTY
        phon, phon_ids = self._c.phonetic_tables, self._c.phonetic_ids
        assert phon is not None and phon_ids is not None
        ids = phon_ids[ids]
        starts = ends - phon.length[ids]
        first = phon.start[ids].astype(np.int64)
        count = (phon.start[ids + 1] - first).astype(np.int64)
        if bool((count > 1).any()):  # keys shared by several keywords: one row per keyword
            row = np.repeat(np.arange(len(ids)), count)
            offset = np.arange(int(count.sum())) - np.repeat(np.cumsum(count) - count, count)
            entry = phon.entry[first[row] + offset].astype(np.int64)
            starts, ends = starts[row], ends[row]
        else:
            entry = phon.entry[first].astype(np.int64)
        # Drop suspects where the same keyword is already a hit, and apply per-keyword guards.
        check = self._guarded[entry]
        related = np.isin(h_entry, entry)
        if bool(related.any()):
            check |= np.isin(entry, h_entry[related])
        if not bool(check.any()):
            kinds = np.full(len(entry), KIND_PHONETIC, dtype=np.int64)
            return entry, starts, ends, kinds, np.full(len(entry), -1, dtype=np.int64)
        hits: dict[int, list[tuple[int, int]]] = {}
        for ent, a, b in zip(
            h_entry[related].tolist(),
            h_start[related].tolist(),
            h_end[related].tolist(),
            strict=True,
        ):
            hits.setdefault(ent, []).append((a, b))
        found: list[tuple[int, int, int]] = []
        for ent, s, e, slow in zip(
            entry.tolist(), starts.tolist(), ends.tolist(), check.tolist(), strict=True
        ):
            if slow:
                if any(a < e and s < b for a, b in hits.get(ent, ())):
                    continue  # already a hit there
                if self._guarded[ent] and not self._accept_entry(norm, ent, s, e):
                    continue
            found.append((ent, s, e))
        return arrays(found, KIND_PHONETIC)

    def _phonetic_engine(self) -> Any:
        if self._c.phonetic is None:
            load_phonetic(self._c)
        return self._c.phonetic


_LATIN = re.compile("[a-z]")
_WINDOWS_FROM = 4096
_WORD_CLASS = np.zeros(128, dtype=np.int8)
_WORD_CLASS[ord("a") : ord("z") + 1] = 1
_WORD_CLASS[ord("0") : ord("9") + 1] = 2
