"""Small text helpers for the rule judges: normalisation, sentence spans, content units.

These are deliberately local and cheap. The full evasion-resistant normaliser lives in
:mod:`hegui.text`; the refusal judge reads model answers, which are not adversarially obfuscated,
so NFKC + casefold + a short traditional→simplified table is enough here.
"""

from __future__ import annotations

import re
import unicodedata
from array import array
from functools import cache

# One translate table: typographic apostrophes to "'", zero-width characters deleted, and the
# traditional forms of the characters that occur in refusal, redirection and structure cues, so
# answers in traditional Chinese hit the same (simplified) rules. Not a general converter.
_TRAD_FROM = (
    "無協幫規違對這個請詢諮專業師醫聯繫絡議應該問題還會說關內範圍討論為與寫給讓們謝麼沒辦複驟"
    "驗鑑訊權益礙險爭禮貌覺歡遺憾絕據條標準則擊誤導戶資財務實樣種類並將從嚴禁騙錢話聽見"
)
_TRAD_TO = (
    "无协帮规违对这个请询咨专业师医联系络议应该问题还会说关内范围讨论为与写给让们谢么没办复骤"
    "验鉴讯权益碍险争礼貌觉欢遗憾绝据条标准则击误导户资财务实样种类并将从严禁骗钱话听见"
)
_TABLE: dict[int, int | None] = {ord(a): ord(b) for a, b in zip(_TRAD_FROM, _TRAD_TO, strict=True)}
_TABLE.update({ord(c): ord("'") for c in "\u2018\u2019\u02bc\u2032"})
_TABLE.update({ord(c): None for c in "\u200b\u200c\u200d\u200e\u200f\u2060\ufeff\u00ad"})

# Characters the table changes; translating is slow on CJK text, so only do it when one occurs.
_NEEDS_TABLE = re.compile("[" + re.escape("".join(chr(c) for c in _TABLE)) + "]")
# The full-width punctuation of ordinary Chinese text, folded by hand: NFKC of a whole CJK answer
# costs more than all the rest of the judge, and after these it is rarely needed at all.
_FULL_WIDTH = tuple((chr(c), chr(c - 0xFEE0)) for c in map(ord, "，：；！？（）％＋－＝＜＞［］"))

_CODE_BLOCK = re.compile(r"```.*?(?:```|\Z)", re.S)
_QUOTED = re.compile(r"“[^”\n]{1,60}”|「[^」\n]{1,60}」|『[^』\n]{1,60}』|\"[^\"\n]{1,60}\"")
_SPACES = re.compile(r"[ \t]{2,}|\t")


def _code_placeholder(match: re.Match[str]) -> str:
    return "\n[code]\n" if has_signal(match.group().strip("`")) else "\n"


def normalise(text: str, *, quotes: bool = True) -> tuple[str, int]:
    """Return the text normalised for cue matching and the number of fenced code blocks.

    NFKC (full-width punctuation becomes ASCII: "，" → ","), casefold, typographic apostrophes to
    ``'``, zero-width characters removed, runs of spaces collapsed, common traditional characters
    simplified. Short quoted spans become ``[quote]``: quoted words are someone else's
    ("回答“我不能提供”的比例"), never a cue. Fenced code blocks become a ``[code]`` line, so strings
    in code never count as cues; they count as substance instead. ``quotes=False`` keeps quoted
    spans (the harm judge reads them).
    """
    if not unicodedata.is_normalized("NFKC", text):
        for wide, narrow in _FULL_WIDTH:
            if wide in text:
                text = text.replace(wide, narrow)
        if not unicodedata.is_normalized("NFKC", text):
            text = unicodedata.normalize("NFKC", text)
    text = text.casefold()
    if _NEEDS_TABLE.search(text):
        text = text.translate(_TABLE)
    if quotes and ('"' in text or "“" in text or "「" in text or "『" in text):
        text = _QUOTED.sub(" [quote] ", text)
    blocks = 0
    if "```" in text:
        blocks = sum(1 for b in _CODE_BLOCK.findall(text) if has_signal(b.strip("`")))
        text = _CODE_BLOCK.sub(_code_placeholder, text)
    if "  " in text or "\t" in text:
        text = _SPACES.sub(" ", text)
    return text.strip(), blocks


# Where the compiled fold (hegui.judges._scoring.fold) may look characters up: blocks in which
# no character is the second of an NFKC composition (and fold_table leaves out combining marks),
# so that the normal form of a text of them is the normal form of each character in turn.
_FOLD_RANGES = (
    (0x20, 0x7E),  # ASCII
    (0xA0, 0xFF),  # Latin-1 punctuation and letters
    (0x2010, 0x205E),  # general punctuation
    (0x3000, 0x303F),  # CJK symbols and punctuation
    (0x3400, 0x4DBF),  # CJK extension A
    (0x4E00, 0x9FFF),  # CJK unified ideographs
    (0xFF01, 0xFF64),  # full-width ASCII, half-width CJK punctuation
)
# What normalise turns into something other than one character of its own: code fences and (in
# quotes mode) quotation marks; blanks other than space, tab and newline, which strip() removes.
_FOLD_SPECIAL = frozenset("`") | frozenset("\x0b\x0c\r\x1c\x1d\x1e\x1f\x85")
_FOLD_QUOTES = frozenset('"“「『')


@cache
def fold_table(quotes: bool) -> bytes:
    """The table of the compiled fold: per BMP code point (uint16), the character
    :func:`normalise` makes of it alone (NFKC, casefold, the translate table), or 0 where the
    compiled fold leaves the text to :func:`normalise` (a character outside :data:`_FOLD_RANGES`
    or one that becomes none or several characters, a combining mark, a code fence, a
    quotation mark when ``quotes``)."""
    table = array("H", bytes(2 * 0x10000))
    special = _FOLD_SPECIAL | _FOLD_QUOTES if quotes else _FOLD_SPECIAL
    for first, last in ((0x09, 0x0A), *_FOLD_RANGES):
        for code in range(first, last + 1):
            char = chr(code)
            folded = unicodedata.normalize("NFKC", char).casefold().translate(_TABLE)
            if (
                len(folded) == 1
                and ord(folded) <= 0xFFFF
                and not unicodedata.combining(folded)
                and char not in special
                and folded not in special
                and (folded.isprintable() or folded in "\t\n")
            ):
                table[code] = ord(folded)
    return table.tobytes()


# A sentence ends at Chinese or ASCII terminal punctuation, a newline, or a colon (which announces
# content: "下面是步骤:"). A full stop ends a sentence only before whitespace and not after a digit,
# so "1. First" stays one sentence; colons in times and URLs do not split. (One character class,
# so ``re`` can skip ahead; the full-stop and colon rules are checked on the few candidates.)
_BOUNDARY = re.compile(r"[。!?;…\n.:][。!?;…\n]*")
_DIGITS = frozenset("0123456789")


def sentences(text: str) -> tuple[list[int], list[int]]:
    """Split normalised text into sentences: their start and end offsets (blank ones dropped)."""
    starts: list[int] = []
    ends: list[int] = []
    size = len(text)
    start = 0
    for match in _BOUNDARY.finditer(text):
        at = match.start()
        char = text[at]
        if char == "." or char == ":":
            if at and text[at - 1] in _DIGITS:
                continue  # "1. item", "3.14", "10:30"
            nxt = text[at + 1] if at + 1 < size else " "
            if (char == "." and not nxt.isspace()) or (char == ":" and nxt == "/"):
                continue  # "example.com", "https://"
        starts.append(start)
        ends.append(match.end())
        start = match.end()
    if start < size:
        starts.append(start)
        ends.append(size)
    return starts, ends


_WORD = re.compile(r"[a-z0-9][a-z0-9'-]*")


def units(text: str) -> int:
    """Content size in comparable units: one per CJK character, two per Latin word.

    A Chinese word averages about 1.5 characters, so 2 units per English word keeps the same
    thresholds meaningful for both languages. CJK characters are counted from the UTF-8 length
    (three bytes each), so CJK punctuation counts too: an approximation that costs nothing.
    """
    if text.isascii():
        return 2 * len(text.split())
    cjk = (len(text.encode()) - len(text)) // 2
    return cjk + 2 * len(_WORD.findall(text))


_SIGNAL = re.compile(r"[\w\u3400-\u9fff]")


def has_signal(text: str) -> bool:
    """True when the text holds at least one letter, digit or CJK character."""
    return _SIGNAL.search(text) is not None
