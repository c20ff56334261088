"""Which language an answer is in, as far as the trained judges care: ``zh``, ``en`` or ``other``.

The trained judges learned Chinese and English only. A Japanese, Korean, Russian or French answer
is out of their depth, so they return ``unscored`` for it rather than a guess. Counting scripts is
enough for that: kana or hangul mean not Chinese; Latin letters need English function words.
"""

from __future__ import annotations

import re
from typing import Final, Literal

Language = Literal["zh", "en", "other"]

_CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
_KANA_HANGUL = re.compile(r"[\u3040-\u30ff\u31f0-\u31ff\uac00-\ud7af\u1100-\u11ff]")
_LATIN = re.compile(r"[a-zA-Z]")
_ACCENTED = re.compile(r"[\u00c0-\u024f]")
_OTHER_LETTER = re.compile(r"[\u0370-\u03ff\u0400-\u04ff\u0590-\u06ff\u0900-\u0dff\u0e00-\u0eff]")
_ENGLISH = frozenset(
    {
        "the",
        "a",
        "an",
        "and",
        "or",
        "to",
        "of",
        "in",
        "is",
        "are",
        "was",
        "it",
        "i",
        "you",
        "we",
        "that",
        "this",
        "for",
        "with",
        "not",
        "can",
        "be",
        "on",
        "as",
        "have",
        "do",
        "what",
        "how",
        "your",
        "my",
        "me",
        "there",
        "here",
        "if",
        "but",
    }
)
_WORD = re.compile(r"[a-zA-Z']+")
MIN_CJK: Final = 2
"""CJK characters that make a mostly-Latin answer Chinese (an English answer with two or more
Chinese characters is treated as Chinese: the Chinese model reads both)."""


def detect_language(text: str) -> Language:
    """``zh`` for (mostly) Chinese, ``en`` for English, ``other`` for anything else."""
    cjk = len(_CJK.findall(text))
    foreign = len(_KANA_HANGUL.findall(text))
    if foreign and foreign * 5 >= cjk:
        return "other"  # Japanese with kanji, Korean
    latin = len(_LATIN.findall(text))
    other = len(_OTHER_LETTER.findall(text)) + len(_ACCENTED.findall(text))
    if other * 3 > cjk + latin + other:
        return "other"
    if cjk >= MIN_CJK and cjk * 5 >= latin // 4:
        return "zh"  # a Latin letter weighs a quarter: an English word is ~4 letters
    if latin == 0:
        return "zh" if cjk else "other"
    words = [w.lower() for w in _WORD.findall(text)]
    if len(words) < 6 or any(w in _ENGLISH for w in words):
        return "en"
    return "other"
