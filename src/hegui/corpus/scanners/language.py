"""Script-based language identification (no model): enough to tell Chinese from Japanese,
Korean, Latin-script, Cyrillic and Arabic text and to flag documents that do not match the
source's declared language."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import numpy.typing as npt

from hegui.corpus.document import Document, Flag
from hegui.corpus.scanners.base import REASONS, ReasonInfo

# Declared codes written in the Latin script: a "latin" detection matches any of them.
LATIN_LANGUAGES = frozenset(
    {
        *("en", "fr", "de", "es", "it", "pt", "nl", "sv", "da", "no", "nb", "fi", "pl", "cs"),
        *("sk", "sl", "hr", "ro", "hu", "tr", "vi", "id", "ms", "tl", "sw", "et", "lv", "lt"),
        *("la", "ca", "eu", "ga", "cy", "is", "sq"),
    }
)
_BOUNDS = np.array(
    [
        0x41, 0x5B, 0x61, 0x7B, 0xC0, 0x250,  # Latin (ASCII letters, Latin-1, Extended-A/B)
        0x400, 0x530,  # Cyrillic
        0x600, 0x700,  # Arabic
        0x1100, 0x1200,  # Hangul Jamo
        0x3040, 0x3100,  # Hiragana, Katakana
        0x3400, 0xA000,  # CJK ideographs (Ext. A + unified)
        0xAC00, 0xD7B0,  # Hangul syllables
        0xF900, 0xFB00,  # CJK compatibility ideographs
        0x20000, 0x30000,  # CJK Ext. B and later
    ],
    dtype=np.uint32,
)  # fmt: skip
# Script of each interval between consecutive bounds (index from searchsorted).
_SCRIPT = np.array(
    [0, 1, 0, 1, 0, 1, 0, 2, 0, 3, 0, 5, 0, 6, 0, 4, 0, 5, 0, 4, 0, 4, 0], dtype=np.int8
)
_NAMES = ("", "latin", "ru", "ar", "zh", "ko", "ja")
_TABLE_END = 0x30000
# Script of every code point below _TABLE_END (one gather per text instead of a binary search);
# everything above is "other".
_TABLE = _SCRIPT[np.searchsorted(_BOUNDS, np.arange(_TABLE_END + 1, dtype=np.uint32), "right")]
_TABLE[_TABLE_END] = 0


def detect_script_language(codes: npt.NDArray[np.uint32]) -> str:
    """``zh``, ``ja``, ``ko``, ``latin``, ``ru``, ``ar``, or ``und`` (no letters)."""
    if not len(codes):
        return "und"
    counts = np.bincount(_TABLE[np.minimum(codes, _TABLE_END)], minlength=7)
    letters = int(counts[1:].sum())
    if not letters:
        return "und"
    if counts[6] >= 0.1 * letters:  # kana: Japanese even when kanji dominate
        return "ja"
    if counts[5] >= 0.3 * letters:
        return "ko"
    if counts[4] >= 0.3 * letters:  # Chinese text with some Latin words is still Chinese
        return "zh"
    return _NAMES[int(np.argmax(counts[1:])) + 1]


def matches(detected: str, declared: Sequence[str]) -> bool:
    """Whether a detection agrees with any declared code (``zh-Hant`` counts as ``zh``)."""
    if detected == "und":
        return True
    for code in declared:
        base = code.split("-")[0].lower()
        if base == detected or (detected == "latin" and base in LATIN_LANGUAGES):
            return True
    return False


class LanguageScanner:
    """Sets ``doc.language`` and flags ``language_mismatch`` against the source's languages."""

    name = "language"
    version = "1"

    def __init__(self, declared: dict[str, tuple[str, ...]]) -> None:
        self.declared = declared
        """Per source id: the declared languages; sources absent here are not checked."""

    def reasons(self) -> Sequence[ReasonInfo]:
        return [REASONS["language_mismatch"]]

    def scan(self, doc: Document) -> list[Flag]:
        codes = np.frombuffer(doc.text.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
        doc.language = detect_script_language(codes)
        declared = self.declared.get(doc.source)
        if declared and not matches(doc.language, declared):
            return [Flag("language_mismatch", None)]
        return []
