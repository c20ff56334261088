"""Build the character tables that ``hegui.text`` ships (run once; the output is committed).

Writes, under ``src/hegui/text/data/``:

* ``fold.tsv``    code point → folded text: NFKC (full width, circled, mathematical), lower case,
  Latin diacritics stripped (so tone-marked pinyin folds to plain letters), digits of every script
  to ASCII, traditional and variant characters to simplified (OpenCC, character level), Cyrillic
  and Greek look-alikes to Latin.
* ``classes.tsv`` code point ranges that are separators (spaces, punctuation, symbols, emoji,
  controls) or ignorable (zero-width, format, combining marks, fillers). Everything else is content.
* ``pinyin.tsv``  simplified character → toneless pinyin readings, most common first (pypinyin).
* ``words2.txt``  frequent two-character words (jieba's dictionary, MIT), used by the optional
  word-boundary check (洗钱 in 洗钱包, 雷管 in 雷管理).

Usage::

    pip download jieba==0.42.1 --no-deps -d /tmp/jieba
    python scripts/build_text_tables.py --jieba-sdist /tmp/jieba/jieba-0.42.1.tar.gz

Needs opencc and pypinyin (a dev dependency); neither pypinyin nor jieba is needed at run time.
"""

from __future__ import annotations

import argparse
import tarfile
import unicodedata
from pathlib import Path

import opencc
from pypinyin.pinyin_dict import pinyin_dict

OUT = Path(__file__).resolve().parents[1] / "src" / "hegui" / "text" / "data"
MAX_CP = 0x110000

# Look-alikes NFKC leaves alone. Only unambiguous shapes: folding 0/o or 1/l would create hits.
HOMOGLYPHS = {
    # Cyrillic (lower case; upper case is lowered first)
    "а": "a",
    "в": "b",
    "е": "e",
    "ё": "e",
    "к": "k",
    "м": "m",
    "н": "h",
    "о": "o",
    "р": "p",
    "с": "c",
    "т": "t",
    "у": "y",
    "х": "x",
    "ѕ": "s",
    "і": "i",
    "ї": "i",
    "ј": "j",
    "ԁ": "d",
    "ԛ": "q",
    "ԝ": "w",
    "ѡ": "w",
    "ү": "y",
    "һ": "h",
    "ɡ": "g",
    "ӏ": "l",
    "ʏ": "y",
    # Greek
    "α": "a",
    "β": "b",
    "γ": "y",
    "ε": "e",
    "ζ": "z",
    "η": "n",
    "ι": "i",
    "κ": "k",
    "ν": "v",
    "ο": "o",
    "ρ": "p",
    "τ": "t",
    "υ": "u",
    "χ": "x",
    "ω": "w",
    "ϲ": "c",
    "ϳ": "j",
    "ς": "c",
    # Latin small capitals and other forms
    "ᴀ": "a",
    "ʙ": "b",
    "ᴄ": "c",
    "ᴅ": "d",
    "ᴇ": "e",
    "ғ": "f",
    "ʜ": "h",
    "ɪ": "i",
    "ᴊ": "j",
    "ᴋ": "k",
    "ʟ": "l",
    "ᴍ": "m",
    "ɴ": "n",
    "ᴏ": "o",
    "ᴘ": "p",
    "ʀ": "r",
    "ꜱ": "s",
    "ᴛ": "t",
    "ᴜ": "u",
    "ᴠ": "v",
    "ᴡ": "w",
    "ᴢ": "z",
    "ı": "i",
    "ȷ": "j",
    "ø": "o",
    "đ": "d",
    "ħ": "h",
    "ł": "l",
    "ŧ": "t",
    "ƀ": "b",
    "ɨ": "i",
    "ʉ": "u",
}
# Variant characters (異體字) OpenCC's converters leave alone but evaders use.
EXTRA_VARIANTS = {
    "鎗": "枪",
    "愽": "博",
    "砲": "炮",
    "氷": "冰",
    "麪": "面",
    "銲": "焊",
    "攷": "考",
}
# Invisible characters Unicode files under letters or symbols.
INVISIBLE = {0x115F, 0x1160, 0x3164, 0xFFA0, 0x2800, 0x17B4, 0x17B5, 0x180E, 0x034F}

CONTENT, SEPARATOR, IGNORABLE = 0, 1, 2


def _is_cjk(ch: str) -> bool:
    return unicodedata.name(ch, "").startswith(("CJK UNIFIED", "CJK COMPATIBILITY IDEOGRAPH"))


class Folder:
    """Folds one code point; OpenCC converters are built once."""

    def __init__(self) -> None:
        self.t2s = opencc.OpenCC("t2s")
        self.tw2s = opencc.OpenCC("tw2s")
        self.hk2s = opencc.OpenCC("hk2s")
        self.jp2t = opencc.OpenCC("jp2t")

    def simplify(self, ch: str) -> str:
        if ch in EXTRA_VARIANTS:
            return EXTRA_VARIANTS[ch]
        for convert in (self.t2s.convert, self.tw2s.convert, self.hk2s.convert):
            out = convert(ch)
            if out != ch and len(out) == 1:
                return out
        out = self.t2s.convert(self.jp2t.convert(ch))
        return out if len(out) == 1 else ch

    def fold_char(self, ch: str) -> str:
        if _is_cjk(ch):
            return self.simplify(ch)
        out = ch.lower()
        if len(out) == 1 and unicodedata.category(out) == "Nd":
            return str(unicodedata.decimal(out))
        if out.isalpha() and "LATIN" in unicodedata.name(out[0], ""):
            base = "".join(
                c for c in unicodedata.normalize("NFD", out) if not unicodedata.combining(c)
            )
            out = base or out
        return "".join(HOMOGLYPHS.get(c, c) for c in out)

    def fold(self, cp: int) -> str:
        ch = chr(cp)
        nfkc = unicodedata.normalize("NFKC", ch)
        out = "".join(self.fold_char(c) for c in nfkc)
        # Further passes settle chains (NFKC → upper-case Cyrillic → lower → Latin, 乾 → 干 → 干)
        # so that folding is idempotent: fold(fold(x)) == fold(x).
        for _ in range(4):
            again = "".join(self.fold_char(c) for c in unicodedata.normalize("NFKC", out))
            if again == out:
                break
            out = again
        return out


def char_class(cp: int) -> int:
    if cp in INVISIBLE:
        return IGNORABLE
    if 0xD800 <= cp <= 0xDFFF:
        return SEPARATOR
    cat = unicodedata.category(chr(cp))
    if cat in ("Mn", "Me", "Cf"):
        return IGNORABLE
    if cat[0] == "L" or cat in ("Nd", "Nl", "No", "Mc"):
        return CONTENT
    return SEPARATOR


def build_fold(folder: Folder) -> list[str]:
    lines = []
    for cp in range(MAX_CP):
        if 0xD800 <= cp <= 0xDFFF or unicodedata.category(chr(cp)) == "Cn":
            continue
        folded = _essential(folder.fold(cp))
        if folded != chr(cp):
            lines.append(f"{cp:X}\t{' '.join(f'{ord(c):X}' for c in folded)}")
    return lines


def _essential(folded: str) -> str:
    """Drop the separators of a multi-character fold when that leaves at most one character
    (``…`` → ``.``, ``⑴`` → ``1``): the matcher keeps a fast path for one-to-one folds, and
    ``…`` is common in Chinese text."""
    if len(folded) <= 1:
        return folded
    content = [c for c in folded if char_class(ord(c)) == CONTENT]
    if len(content) == 1:
        return content[0]
    if not content:
        return folded[0]
    return folded


def build_classes() -> list[str]:
    lines, start, current = [], 0, char_class(0)
    for cp in range(1, MAX_CP):
        klass = char_class(cp)
        if klass != current:
            if current != CONTENT:
                lines.append(f"{start:X}\t{cp - 1:X}\t{current}")
            start, current = cp, klass
    if current != CONTENT:
        lines.append(f"{start:X}\t{MAX_CP - 1:X}\t{current}")
    return lines


def toneless(reading: str) -> str:
    plain = "".join(
        c for c in unicodedata.normalize("NFD", reading) if not unicodedata.combining(c)
    )
    return plain.lower()


def build_pinyin(folder: Folder) -> list[str]:
    readings: dict[str, list[str]] = {}
    for cp, value in sorted(pinyin_dict.items()):
        folded = folder.fold(cp)
        if len(folded) != 1 or not _is_cjk(folded):
            continue
        target = readings.setdefault(folded, [])
        for reading in value.split(","):
            syllable = toneless(reading)
            if syllable.isascii() and syllable.isalpha() and syllable not in target:
                target.append(syllable)
    return [f"{ch}\t{','.join(r[:4])}" for ch, r in sorted(readings.items()) if r]


def build_words(folder: Folder, sdist: Path, limit: int) -> list[str]:
    with tarfile.open(sdist) as tar:
        member = next(m for m in tar.getmembers() if m.name.endswith("jieba/dict.txt"))
        handle = tar.extractfile(member)
        assert handle is not None
        text = handle.read().decode("utf-8")
    scored: dict[str, int] = {}
    for line in text.splitlines():
        parts = line.split()
        if len(parts) < 2 or len(parts[0]) != 2 or not all(_is_cjk(c) for c in parts[0]):
            continue
        word = "".join(folder.fold(ord(c)) for c in parts[0])
        scored[word] = max(scored.get(word, 0), int(parts[1]))
    best = sorted(scored, key=lambda w: (-scored[w], w))[:limit]
    return sorted(best)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--jieba-sdist", type=Path, help="jieba-0.42.1.tar.gz (for words2.txt)")
    parser.add_argument("--words", type=int, default=40000, help="how many two-character words")
    args = parser.parse_args()
    folder = Folder()
    OUT.mkdir(parents=True, exist_ok=True)
    header = f"# generated by scripts/build_text_tables.py; Unicode {unicodedata.unidata_version}\n"
    fold = build_fold(folder)
    (OUT / "fold.tsv").write_text(header + "\n".join(fold) + "\n", encoding="utf-8")
    classes = build_classes()
    (OUT / "classes.tsv").write_text(header + "\n".join(classes) + "\n", encoding="utf-8")
    pinyin = build_pinyin(folder)
    (OUT / "pinyin.tsv").write_text(header + "\n".join(pinyin) + "\n", encoding="utf-8")
    print(f"fold {len(fold)}, class ranges {len(classes)}, pinyin {len(pinyin)}")
    if args.jieba_sdist:
        words = build_words(folder, args.jieba_sdist, args.words)
        note = header + "# frequent two-character words from jieba 0.42.1 dict.txt (MIT licence)\n"
        (OUT / "words2.txt").write_text(note + "\n".join(words) + "\n", encoding="utf-8")
        print(f"words {len(words)}")


if __name__ == "__main__":
    main()
