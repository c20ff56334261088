"""Pinyin and homophone forms of keywords, generated when a library is compiled.

Texts are never converted to pinyin for the pinyin tier: a keyword such as 海洛因 is expanded
into the patterns ``hailuoyin`` and mixed forms (``hai洛因``, ``海luo因``, ``hailuo因``…), and
the matcher only checks that separators inside a Latin run fall on syllable boundaries.

The homophone tier is different: it maps each text character to one syllable symbol (a private-use
code point per toneless syllable, so syllables cannot collide across boundaries the way ``xian`` and
``xi an`` do in plain letters) and matches keyword syllable keys against that. It is a lower-
confidence signal, reported as ``suspect`` only (读博 is not 赌博).
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import islice, product

import numpy as np
import numpy.typing as npt

from hegui.text.tables import Tables

SYLLABLE_BASE = 0xE000
"""Syllable ``k`` is written as ``chr(SYLLABLE_BASE + k)`` in homophone keys."""

MAX_PINYIN_CHARS = 6
"""Longer keywords get no pinyin forms: evaders respell short names and slogans."""
MIN_FULL_PINYIN_LETTERS = 4
"""A fully spelled keyword needs at least this many letters (``dubo`` yes, ``fa`` never)."""
READINGS_PER_CHAR = 2
FULL_PINYIN_COMBINATIONS = 2
"""Polyphonic characters: the all-pinyin form is generated for this many reading combinations;
mixed forms use each character's most common reading only (the pattern count stays ~6 per
keyword instead of growing with 2ⁿ × readings)."""
HOMOPHONE_COMBINATIONS = 4
MIN_HOMOPHONE_CHARS = 2
"""One-character keywords get no homophone key: 法 would flag every 发."""


@dataclass(frozen=True, slots=True)
class PinyinForm:
    """One pinyin or mixed spelling of a keyword."""

    text: str
    """The pattern, e.g. ``fa轮功``."""
    cuts: tuple[int, ...]
    """Offsets inside ``text`` where a syllable ends and a separator may stand (``fa lun gong``)."""


def is_hanzi_keyword(normalized: str, tables: Tables) -> bool:
    """Whether every character of a normalised keyword is a Chinese character with a reading."""
    return bool(normalized) and all(ch in tables.readings for ch in normalized)


def pinyin_forms(normalized: str, tables: Tables) -> list[PinyinForm]:
    """All-pinyin and mixed hanzi/pinyin spellings of a normalised all-hanzi keyword.

    Short keywords are guarded: one character gets none, and the all-pinyin form needs
    :data:`MIN_FULL_PINYIN_LETTERS` letters. Mixed forms keep at least one character in hanzi,
    which anchors them: every form with one character spelled (``法lun功``) and, for three or four
    characters, every form with one character kept (``hailuo因``).
    """
    n = len(normalized)
    if n < 2 or n > MAX_PINYIN_CHARS or not is_hanzi_keyword(normalized, tables):
        return []
    readings = [tables.readings[ch][:READINGS_PER_CHAR] for ch in normalized]
    forms: dict[str, PinyinForm] = {}
    for combo in islice(product(*readings), FULL_PINYIN_COMBINATIONS):
        text, cuts = _join(combo)
        if len(text) >= MIN_FULL_PINYIN_LETTERS:
            forms.setdefault(text, PinyinForm(text, cuts))
    spelled: list[tuple[int, ...]] = [(i,) for i in range(n)]
    if 3 <= n <= 4:
        spelled += [tuple(j for j in range(n) if j != i) for i in range(n)]
    for subset in spelled:
        pieces = tuple(readings[i][0] if i in subset else normalized[i] for i in range(n))
        text, cuts = _join(pieces)
        forms.setdefault(text, PinyinForm(text, cuts))
    return list(forms.values())


def _join(pieces: tuple[str, ...]) -> tuple[str, tuple[int, ...]]:
    cuts: list[int] = []
    pos = 0
    for piece in pieces[:-1]:
        pos += len(piece)
        cuts.append(pos)
    return "".join(pieces), tuple(cuts)


def homophone_keys(normalized: str, tables: Tables) -> list[str]:
    """Syllable keys (one private-use symbol per syllable) of a normalised all-hanzi keyword."""
    if len(normalized) < MIN_HOMOPHONE_CHARS or not is_hanzi_keyword(normalized, tables):
        return []
    ids = tables.syllable_ids
    choices = [
        tuple(chr(SYLLABLE_BASE + ids[r]) for r in tables.readings[ch][:READINGS_PER_CHAR])
        for ch in normalized
    ]
    return ["".join(c) for c in islice(product(*choices), HOMOPHONE_COMBINATIONS)]


def syllable_codes(codes: npt.NDArray[np.uint32], tables: Tables) -> npt.NDArray[np.uint32]:
    """Map normalised code points to syllable symbols; characters without a reading stay as is.

    Normalised text holds no private-use characters (they are separators), so a kept character can
    never be mistaken for a syllable symbol.
    """
    ids = tables.syllable[codes].astype(np.uint32)
    return np.where(ids > 0, ids + (SYLLABLE_BASE - 1), codes).astype(np.uint32)
