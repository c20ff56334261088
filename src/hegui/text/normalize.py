"""Evasion-resistant normalisation with an offset map back to the original text.

One function, :func:`normalize`, serves texts and keywords alike, so a keyword matches every
spelling that folds to the same string. Per character it applies NFKC (full width → half width,
circled and mathematical letters, compatibility ideographs), lower case, Latin diacritics removal
(tone-marked pinyin), digits of every script → ASCII, traditional and variant characters →
simplified (character level), Cyrillic/Greek look-alikes → Latin; then it removes zero-width and
format characters, combining marks, and every separator (spaces, punctuation, symbols, emoji).

Removing separators everywhere is what defeats ``法*轮 功``. For Latin letters and digits, where
spaces do carry meaning, the matcher checks afterwards with :meth:`Normalized.separated` that a
match does not straddle a removed separator it should not (``me th`` is not ``meth``).

The work is a handful of numpy gathers over the UTF-32 code points, with no Python loop per
character, except over the rare characters that fold to several characters (``㍿``, ``⑩``).
When the compiled ``hegui.text._fold`` is built (``pip install`` with a C compiler), short texts
without such characters are folded in one call, and the offset map and the rest are computed
(with numpy) only when a scan finds something: most texts a gateway checks find nothing.
"""

from __future__ import annotations

from types import ModuleType

import numpy as np
import numpy.typing as npt

from hegui.text.tables import (
    CLASS_SHIFT,
    CONTENT,
    EXPANDS,
    EXPANSION_BASE,
    IGNORABLE,
    SEPARATOR,
    Tables,
    load_tables,
)

IntArray = npt.NDArray[np.int64]

_fold: ModuleType | None
try:
    from hegui.text import _fold
except ImportError:  # built without a C compiler: numpy does it all
    _fold = None

_FOLD_UP_TO = 16_384
"""Longest text folded by the compiled fold. It saves numpy's fixed cost per call, which only
short texts notice; long ones (corpus chunks) nearly always have matches, which need the numpy
path's offset map as well."""
_EMPTY = np.zeros(0, dtype=np.int64)
_CLASS_ONE = 1 << CLASS_SHIFT
_EXPANDS_AT = EXPANDS << CLASS_SHIFT
_IGNORABLE_AT = IGNORABLE << CLASS_SHIFT
_FOLD_MASK = np.uint32(_CLASS_ONE - 1)


class Normalized:
    """A normalised text and how each of its characters maps back to the original.

    ``text[i]`` came from ``source[index[i]]``. Characters that folded to several characters share
    the index of their source character.
    """

    __slots__ = (
        "_barriers",
        "_changes",
        "_cls",
        "_codes",
        "_folded",
        "_ignorable",
        "_index",
        "_original",
        "_packed",
        "_sep_before",
        "source",
        "text",
    )

    def __init__(
        self,
        source: str,
        text: str,
        codes: npt.NDArray[np.uint32] | None,
        index: IntArray | None,
        cls: npt.NDArray[np.uint8] | None,
        original: npt.NDArray[np.uint32] | None = None,
        folded: npt.NDArray[np.uint32] | None = None,
        packed: npt.NDArray[np.uint32] | None = None,
    ) -> None:
        self.source = source
        self.text = text
        self._codes = codes
        self._index: IntArray | None = index
        self._barriers: IntArray | None = None
        self._cls = cls
        self._sep_before: npt.NDArray[np.bool_] | None = None
        self._ignorable: IntArray | None = None
        self._original = original
        self._folded = folded
        self._packed = packed
        """Source values of :attr:`Tables.packed`; class and fold are derived only when needed."""
        self._changes: IntArray | None = None

    @classmethod
    def _folded_only(cls, source: str, text: str, barriers: IntArray | None) -> Normalized:
        """A result of the compiled fold: the text; the rest on first use."""
        norm = cls(source, text, None, None, None)
        norm._barriers = barriers
        return norm

    @property
    def codes(self) -> npt.NDArray[np.uint32]:
        """Code points of ``text`` (uint32, read-only), for vectorised lookups. After the
        compiled fold they are made on first use: a clean text never needs them, and one numpy
        call costs some 40 µs on a CPU woken from idle."""
        if self._codes is None:
            data = self.text.encode("utf-32-le", "surrogatepass")
            self._codes = np.frombuffer(data, dtype=np.uint32)
        return self._codes

    def _complete(self) -> None:
        """Compute the offset map and the source's classes (the numpy path) if not yet done."""
        if self._index is not None:
            return
        full = _normalize_numpy(self.source, load_tables(), self._barriers)
        self._index, self._cls, self._original = full._index, full._cls, full._original
        self._folded, self._packed, self._ignorable = full._folded, full._packed, full._ignorable

    @property
    def index(self) -> IntArray:
        """``index[i]``: the position in ``source`` that ``text[i]`` came from."""
        if self._index is None:
            self._complete()
        assert self._index is not None
        return self._index

    def __len__(self) -> int:
        return len(self.text)

    def __repr__(self) -> str:
        return f"Normalized({self.text!r})"

    def span(self, start: int, end: int) -> tuple[int, int]:
        """The span of the original text that ``text[start:end]`` (non-empty) came from."""
        return int(self.index[start]), int(self.index[end - 1]) + 1

    def spans(self, starts: IntArray, ends: IntArray) -> tuple[IntArray, IntArray]:
        """Vectorised :meth:`span` for many non-empty spans."""
        return self.index[starts], self.index[ends - 1] + 1

    def unchanged(self, starts: IntArray, ends: IntArray) -> npt.NDArray[np.bool_]:
        """Per original span ``source[starts[i]:ends[i]]``: whether folding left every character
        as it was (removed characters aside). Used to tell literal from normalised matches."""
        self._complete()
        lengths = ends - starts
        total = int(lengths.sum())
        if self._changes is None and self._original is not None and total * 8 < len(self.source):
            # few, short spans (keyword matches): compare only their characters
            pos = np.repeat(starts - (np.cumsum(lengths) - lengths), lengths) + np.arange(total)
            if self._folded is not None:
                folded_at = self._folded[pos]
            elif self._packed is not None:
                folded_at = self._packed[pos] & _FOLD_MASK
            else:
                return np.ones(len(starts), dtype=np.bool_)
            changed = np.zeros(total + 1, dtype=np.int32)
            np.cumsum(self._original[pos] != folded_at, dtype=np.int32, out=changed[1:])
            last = np.cumsum(lengths)
            same_chars: npt.NDArray[np.bool_] = changed[last] == changed[last - lengths]
            return same_chars
        if self._changes is None:
            folded = self._folded
            if folded is None and self._packed is not None:
                folded = self._packed & _FOLD_MASK
            if self._original is None or folded is None:
                self._changes = _EMPTY
            else:  # positions of changed characters: usually few, so a sparse list is cheapest
                self._changes = np.flatnonzero(self._original != folded)
        if not len(self._changes):
            return np.ones(len(starts), dtype=np.bool_)
        inside = np.searchsorted(self._changes, ends) - np.searchsorted(self._changes, starts)
        same: npt.NDArray[np.bool_] = inside == 0
        return same

    def separated(self, pos: int) -> bool:
        """Whether a separator was removed between ``text[pos - 1]`` and ``text[pos]``.

        The start and the end of the text count as separated.
        """
        if pos <= 0 or pos >= len(self.text):
            return True
        return bool(self.boundaries()[pos])

    def separated_at(self, positions: IntArray) -> npt.NDArray[np.bool_]:
        """:meth:`separated` for each of ``positions``, vectorised, looking only at them (unless
        every boundary is known already, or needed for many positions anyway)."""
        self._complete()
        n = len(self.text)
        packed = self._packed
        if self._sep_before is not None or packed is None or len(positions) * 8 > n:
            return self.boundaries()[positions]
        inner = np.clip(positions, 1, max(n - 1, 1))
        out = self._removed_separator(self.index[inner - 1], self.index[inner], packed)
        out[(positions <= 0) | (positions >= n)] = True
        return out

    def _removed_separator(
        self, lo: IntArray, hi: IntArray, packed: npt.NDArray[np.uint32]
    ) -> npt.NDArray[np.bool_]:
        """Whether the characters removed between source positions ``lo`` and ``hi`` (of two
        neighbouring kept characters; the fast path's ``packed`` values) hold a separator: any
        removed character that is not ignorable (zero-width, format; rare, so only their
        positions are kept)."""
        if self._ignorable is None:
            self._ignorable = np.flatnonzero(packed >= _IGNORABLE_AT)
        if not len(self._ignorable):
            gap: npt.NDArray[np.bool_] = hi - lo > 1
            return gap
        ignored = np.searchsorted(self._ignorable, hi) - np.searchsorted(self._ignorable, lo + 1)
        separated: npt.NDArray[np.bool_] = hi - lo - 1 > ignored
        return separated

    def boundaries(self) -> npt.NDArray[np.bool_]:
        """``separated(p)`` for every ``p`` in ``0..len(text)`` (computed once, then cached)."""
        if self._sep_before is None:
            self._sep_before = self._compute_boundaries()
        return self._sep_before

    def _compute_boundaries(self) -> npt.NDArray[np.bool_]:
        self._complete()
        result = np.zeros(len(self.text) + 1, dtype=np.bool_)
        result[0] = result[-1] = True
        cls = self._cls
        if cls is None and self._packed is not None:
            if len(self.text) > 1:  # every character folded to at most one: look at the gaps
                gaps = np.flatnonzero(np.diff(self.index) > 1)
                result[gaps + 1] = self._removed_separator(
                    self.index[gaps], self.index[gaps + 1], self._packed
                )
            return result
        if cls is None or len(self.text) < 2:
            return result
        seps = np.cumsum(cls == SEPARATOR, dtype=np.int32)  # int32: far faster than int64
        # Separators strictly between the source characters of two neighbouring kept characters.
        result[1:-1] = seps[self.index[1:] - 1] > seps[self.index[:-1]]
        return result


def normalize(text: str, *, barriers: IntArray | None = None) -> Normalized:
    """Fold ``text`` for matching (see the module docstring) and keep the offset map.

    ``barriers`` (internal, for batches) are positions of NUL characters to keep as ``\0`` in
    the normalised text: no pattern holds a NUL, so no match crosses them.
    """
    if not text:
        return Normalized(text, "", np.zeros(0, dtype=np.uint32), _EMPTY, None)
    tables = load_tables()
    if _fold is not None and len(text) <= _FOLD_UP_TO:
        stops = None if barriers is None else np.ascontiguousarray(barriers, dtype=np.int64)
        folded = _fold.fold(text, tables.packed, _CLASS_ONE, _EXPANDS_AT, stops)
        if folded is not None:
            return Normalized._folded_only(text, folded, barriers)
    return _normalize_numpy(text, tables, barriers)


def _normalize_numpy(text: str, tables: Tables, barriers: IntArray | None) -> Normalized:
    """:func:`normalize` in numpy, with the offset map (the reference for the compiled fold)."""
    codes = np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
    packed = tables.packed[codes]
    if barriers is not None and len(barriers):
        packed[barriers] = 0  # NUL, kept as content
    top = int(packed.max())
    if top < _EXPANDS_AT:  # fast path: every character folds to at most one
        kept = np.flatnonzero(packed < _CLASS_ONE)
        if len(kept) == len(codes):  # nothing removed: the values are the folded characters
            return Normalized(text, packed.tobytes().decode("utf-32-le"), packed, kept, None,
                              codes, packed)  # fmt: skip
        normal = packed[kept]
        norm = Normalized(text, normal.tobytes().decode("utf-32-le"), normal, kept, None,
                          codes, None, packed)  # fmt: skip
        if top < _IGNORABLE_AT:
            norm._ignorable = _EMPTY  # known from the maximum: no need to look for them
        return norm
    folded = first_fold = tables.fold[codes]
    source_index: IntArray | None = None
    if int(folded.max()) >= EXPANSION_BASE:
        folded, source_index = _expand(folded, tables.expansions)
    cls = tables.klass[folded]
    if barriers is not None and len(barriers):
        at = barriers if source_index is None else np.flatnonzero(np.isin(source_index, barriers))
        cls[at] = CONTENT
    keep = cls == CONTENT
    kept = np.flatnonzero(keep)
    if len(kept) == len(folded):
        normal = folded
        index = kept if source_index is None else source_index
        out_cls = None
    else:
        normal = folded[kept]
        index = kept if source_index is None else source_index[kept]
        out_cls = cls if source_index is None else _source_classes(cls, source_index, len(codes))
    return Normalized(
        text, normal.tobytes().decode("utf-32-le"), normal, index, out_cls, codes, first_fold
    )


def _expand(
    folded: npt.NDArray[np.uint32], expansions: tuple[tuple[int, ...], ...]
) -> tuple[npt.NDArray[np.uint32], IntArray]:
    """Replace expansion markers by their characters; return codes and their source indices."""
    marked = np.flatnonzero(folded >= EXPANSION_BASE)
    lengths = np.ones(len(folded), dtype=np.int64)
    parts = [expansions[int(folded[i]) - EXPANSION_BASE] for i in marked]
    lengths[marked] = [len(p) for p in parts]
    source_index = np.repeat(np.arange(len(folded), dtype=np.int64), lengths)
    out = np.repeat(folded, lengths)
    starts = np.cumsum(lengths) - lengths
    for i, part in zip(marked, parts, strict=True):
        out[starts[i] : starts[i] + len(part)] = part
    return out, source_index


def _source_classes(
    cls: npt.NDArray[np.uint8], source_index: IntArray, n_source: int
) -> npt.NDArray[np.uint8]:
    """Per source character: SEPARATOR if any of its expanded characters is a separator.

    Boundary checks count separators between source characters, so expanded classes are folded
    back onto the source positions (``⑴`` → ``(1)`` separates, like a space would).
    """
    out = np.full(n_source, CONTENT, dtype=np.uint8)
    sep_sources = source_index[cls == SEPARATOR]
    out[sep_sources] = SEPARATOR
    return out


def normalize_joined(texts: list[str]) -> tuple[Normalized, IntArray]:
    """Normalise texts as one, joined by kept NUL barriers; also return where each text starts
    in the joined source (for :meth:`KeywordMatcher.scan_many`)."""
    lengths = np.fromiter((len(t) + 1 for t in texts), dtype=np.int64, count=len(texts))
    starts = np.cumsum(lengths) - lengths
    return normalize("\0".join(texts), barriers=starts[1:] - 1), starts


def normalize_many(texts: list[str]) -> list[str]:
    """``[normalize(t).text for t in texts]``, in one vectorised pass (for whole libraries)."""
    if not texts:
        return []
    joined = normalize("\n".join(texts))
    lengths = np.fromiter((len(t) + 1 for t in texts), dtype=np.int64, count=len(texts))
    starts = np.cumsum(lengths) - lengths
    # Normalised characters whose source index falls in text k's range belong to text k.
    cut = [*np.searchsorted(joined.index, starts).tolist(), len(joined.text)]
    out = joined.text
    return [out[cut[k] : cut[k + 1]] for k in range(len(texts))]
