"""Compile a keyword library into pattern tables for the multi-pattern engines.

Each entry contributes its normalised keyword, its normalised variants and (for all-hanzi keywords)
its pinyin and mixed spellings to the main tier, and its syllable keys to the homophone tier.
Patterns are deduplicated; each pattern keeps the list of its *owners* (entry, kind, which variant,
and the offsets between two Latin letters/digits where a removed separator is allowed: syllable
ends of a pinyin form, the dots of ``000.bbexe.cn``). Everything is stored in flat numpy arrays so
a compiled set can be cached on disk without pickle.
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import pairwise

import numpy as np
import numpy.typing as npt

from hegui.text.library import KeywordLibrary
from hegui.text.model import MatchMode
from hegui.text.normalize import normalize
from hegui.text.pinyin import homophone_keys, pinyin_forms
from hegui.text.tables import load_tables

KIND_KEYWORD, KIND_VARIANT, KIND_PINYIN = 0, 1, 2
COMPILER_VERSION = "11"
"""Bump when the pattern tables or the engines' encodings change, to invalidate caches."""

I32 = npt.NDArray[np.int32]


def _is_word_char(ch: str) -> bool:
    return ch.isascii() and ch.isalnum()


def word_class(ch: str) -> int:
    """Latin word class: 1 ASCII letter, 2 ASCII digit, 0 anything else. Two neighbours of the
    same non-zero class are glued (``tnt`` inside ``attnt``); a letter next to a digit is not."""
    if ch.isascii():
        if ch.isalpha():
            return 1
        if ch.isdigit():
            return 2
    return 0


@dataclass(frozen=True, eq=False)
class PatternTables:
    """Main-tier patterns and their owners (flat arrays; see the module docstring)."""

    patterns: tuple[str, ...]
    length: I32
    """Characters per pattern (normalised text offsets)."""
    left: npt.NDArray[np.int8]
    right: npt.NDArray[np.int8]
    """:func:`word_class` of the first and last character of each pattern."""
    latin_pair: npt.NDArray[np.bool_]
    """The pattern has two neighbouring Latin letters/digits (separators between them matter)."""
    owner_start: I32
    """Owners of pattern ``p`` are ``owner_*[owner_start[p]:owner_start[p + 1]]``."""
    owner_entry: I32
    owner_kind: npt.NDArray[np.int8]
    owner_variant: I32
    cuts_start: I32
    """Allowed cut offsets of owner ``o`` are ``cuts[cuts_start[o]:cuts_start[o + 1]]``."""
    cuts: I32
    phonetic: tuple[str, ...]
    """Homophone keys (syllable symbols); owners of key ``k`` are
    ``phonetic_entry[phonetic_start[k]:phonetic_start[k + 1]]``."""
    phonetic_start: I32
    phonetic_entry: I32

    def arrays(self) -> dict[str, npt.NDArray[np.generic]]:
        """The tables as named arrays, for the disk cache."""
        return {
            "patterns": _pack_strings(self.patterns),
            "length": self.length,
            "left": self.left,
            "latin_pair": self.latin_pair,
            "right": self.right,
            "owner_start": self.owner_start,
            "owner_entry": self.owner_entry,
            "owner_kind": self.owner_kind,
            "owner_variant": self.owner_variant,
            "cuts_start": self.cuts_start,
            "cuts": self.cuts,
            "phonetic": _pack_strings(self.phonetic),
            "phonetic_start": self.phonetic_start,
            "phonetic_entry": self.phonetic_entry,
        }

    @classmethod
    def from_arrays(cls, arrays: dict[str, npt.NDArray[np.generic]]) -> PatternTables:
        """Inverse of :meth:`arrays`."""
        return cls(
            patterns=_unpack_strings(arrays["patterns"]),
            length=arrays["length"].astype(np.int32),
            left=arrays["left"].astype(np.int8),
            latin_pair=arrays["latin_pair"].astype(np.bool_),
            right=arrays["right"].astype(np.int8),
            owner_start=arrays["owner_start"].astype(np.int32),
            owner_entry=arrays["owner_entry"].astype(np.int32),
            owner_kind=arrays["owner_kind"].astype(np.int8),
            owner_variant=arrays["owner_variant"].astype(np.int32),
            cuts_start=arrays["cuts_start"].astype(np.int32),
            cuts=arrays["cuts"].astype(np.int32),
            phonetic=_unpack_strings(arrays["phonetic"]),
            phonetic_start=arrays["phonetic_start"].astype(np.int32),
            phonetic_entry=arrays["phonetic_entry"].astype(np.int32),
        )


def _pack_strings(items: tuple[str, ...]) -> npt.NDArray[np.uint8]:
    # Patterns are normalised, so they never hold a newline.
    return np.frombuffer("\n".join(items).encode("utf-8"), dtype=np.uint8)


def _unpack_strings(data: npt.NDArray[np.generic]) -> tuple[str, ...]:
    text = data.tobytes().decode("utf-8")
    return tuple(text.split("\n")) if text else ()


@dataclass
class _Owner:
    entry: int
    kind: int
    variant: int
    cuts: tuple[int, ...]


def compile_patterns(library: KeywordLibrary, *, pinyin: bool = True) -> PatternTables:
    """Expand and deduplicate the patterns of every non-regex entry of ``library``."""
    tables = load_tables()
    owners: dict[str, list[_Owner]] = {}
    phonetic: dict[str, dict[int, None]] = {}
    sources: list[tuple[int, int, int, str]] = []  # entry, kind, variant, text
    for i, entry in enumerate(library.entries):
        if entry.mode is MatchMode.REGEX:
            continue
        sources.append((i, KIND_KEYWORD, -1, entry.keyword))
        sources.extend((i, KIND_VARIANT, k, v) for k, v in enumerate(entry.variants))
    for (entry_id, kind, variant, _), (text, cuts) in zip(
        sources, _normalise_with_cuts([s[3] for s in sources]), strict=True
    ):
        owners.setdefault(text, []).append(_Owner(entry_id, kind, variant, _latin_cuts(text, cuts)))
        if kind != KIND_KEYWORD:
            continue
        if pinyin:
            for form in pinyin_forms(text, tables):
                owner = _Owner(entry_id, KIND_PINYIN, -1, _latin_cuts(form.text, set(form.cuts)))
                owners.setdefault(form.text, []).append(owner)
        for key in homophone_keys(text, tables):
            phonetic.setdefault(key, {})[entry_id] = None
    return _tables(owners, phonetic)


def _normalise_with_cuts(texts: list[str]) -> list[tuple[str, set[int]]]:
    """Normalised texts and, per text, the offsets where the original had a separator."""
    if not texts:
        return []
    joined = normalize("\n".join(texts))
    lengths = np.fromiter((len(t) + 1 for t in texts), dtype=np.int64, count=len(texts))
    cut = [*np.searchsorted(joined.index, np.cumsum(lengths) - lengths).tolist(), len(joined)]
    out: list[tuple[str, set[int]]] = []
    for k in range(len(texts)):
        a, b = cut[k], cut[k + 1]
        text = joined.text[a:b]
        has_latin_pair = any(_is_word_char(x) and _is_word_char(y) for x, y in pairwise(text))
        cuts = {p - a for p in range(a + 1, b) if joined.separated(p)} if has_latin_pair else set()
        out.append((text, cuts))
    return out


def _latin_cuts(text: str, allowed: set[int]) -> tuple[int, ...]:
    """The allowed cuts that lie between two Latin letters/digits (the only ones checked)."""
    return tuple(
        sorted(p for p in allowed if _is_word_char(text[p - 1]) and _is_word_char(text[p]))
    )


def _tables(owners: dict[str, list[_Owner]], phonetic: dict[str, dict[int, None]]) -> PatternTables:
    patterns = tuple(owners)
    flat = [o for p in patterns for o in owners[p]]
    return PatternTables(
        patterns=patterns,
        length=np.fromiter((len(p) for p in patterns), dtype=np.int32, count=len(patterns)),
        left=np.fromiter((word_class(p[0]) for p in patterns), dtype=np.int8, count=len(patterns)),
        latin_pair=np.fromiter(
            (any(_is_word_char(a) and _is_word_char(b) for a, b in pairwise(p)) for p in patterns),
            dtype=np.bool_,
            count=len(patterns),
        ),
        right=np.fromiter(
            (word_class(p[-1]) for p in patterns), dtype=np.int8, count=len(patterns)
        ),
        owner_start=_starts([len(owners[p]) for p in patterns]),
        owner_entry=np.fromiter((o.entry for o in flat), dtype=np.int32, count=len(flat)),
        owner_kind=np.fromiter((o.kind for o in flat), dtype=np.int8, count=len(flat)),
        owner_variant=np.fromiter((o.variant for o in flat), dtype=np.int32, count=len(flat)),
        cuts_start=_starts([len(o.cuts) for o in flat]),
        cuts=np.fromiter((c for o in flat for c in o.cuts), dtype=np.int32),
        phonetic=tuple(phonetic),
        phonetic_start=_starts([len(v) for v in phonetic.values()]),
        phonetic_entry=np.fromiter((e for v in phonetic.values() for e in v), dtype=np.int32),
    )


def _starts(counts: list[int]) -> I32:
    """Offsets of consecutive groups of the given sizes, plus the end: [0, c0, c0 + c1, …]."""
    out = np.zeros(len(counts) + 1, dtype=np.int32)
    np.cumsum(np.array(counts, dtype=np.int32), out=out[1:])
    return out
