"""Write evasion.tsv: the evasion test set for hegui.text (run once; the output is committed).

Every case is built here with hand-written transforms (their own small character tables, not
hegui's), from the keywords of keywords.tsv beside this file:

    id  class  text  keyword  expect

``expect`` is ``hit`` (the keyword must be found as a hit), ``none`` (it must NOT be a hit: a
benign near-miss) or ``suspect`` (homophone spelling: reported as suspect, never as a hit).

    python tests/text/data/make_evasion_set.py
"""

from __future__ import annotations

import random
from pathlib import Path

HERE = Path(__file__).resolve().parent

CJK = [
    "赌博", "网络赌博", "赌场", "毒品", "贩毒", "冰毒", "海洛因", "摇头丸", "枪支", "炸弹",
    "炸药", "枪支弹药", "诈骗", "传销", "绑架", "杀人", "色情", "卖淫", "招嫖", "人肉搜索",
    "娘炮", "死胖子",
]  # fmt: skip
LATIN = ["heroin", "meth", "ak47", "tnt", "ddos"]

# Traditional and variant spellings, written by hand.
TRADITIONAL = {
    "赌博": "賭博", "网络赌博": "網絡賭博", "赌场": "賭場", "贩毒": "販毒", "摇头丸": "搖頭丸",
    "枪支": "槍支", "炸弹": "炸彈", "炸药": "炸藥", "枪支弹药": "槍支彈藥", "诈骗": "詐騙",
    "传销": "傳銷", "绑架": "綁架", "杀人": "殺人", "卖淫": "賣淫",
}  # fmt: skip
VARIANT_FORMS = {"赌博": "賭愽", "枪支": "鎗支", "炸弹": "炸弾", "冰毒": "氷毒"}
PINYIN = {
    "赌博": ["du", "bo"], "网络赌博": ["wang", "luo", "du", "bo"], "赌场": ["du", "chang"],
    "毒品": ["du", "pin"], "贩毒": ["fan", "du"], "冰毒": ["bing", "du"],
    "海洛因": ["hai", "luo", "yin"], "摇头丸": ["yao", "tou", "wan"], "枪支": ["qiang", "zhi"],
    "炸弹": ["zha", "dan"], "炸药": ["zha", "yao"], "诈骗": ["zha", "pian"],
    "传销": ["chuan", "xiao"], "绑架": ["bang", "jia"], "杀人": ["sha", "ren"],
    "色情": ["se", "qing"], "卖淫": ["mai", "yin"], "招嫖": ["zhao", "piao"],
    "人肉搜索": ["ren", "rou", "sou", "suo"], "娘炮": ["niang", "pao"],
    "枪支弹药": ["qiang", "zhi", "dan", "yao"],
    "死胖子": ["si", "pang", "zi"],
}  # fmt: skip
TONES = {"du": "dǔ", "bo": "bó", "bing": "bīng", "zha": "zhà", "dan": "dàn", "hai": "hǎi",
         "luo": "luò", "yin": "yīn", "sha": "shā", "ren": "rén"}  # fmt: skip
CYRILLIC = {"a": "а", "e": "е", "o": "о", "p": "р", "c": "с", "x": "х", "i": "і", "h": "һ",
            "t": "т", "k": "к", "m": "м", "d": "ԁ", "s": "ѕ"}  # fmt: skip
GREEK = {"o": "ο", "i": "ι", "t": "τ", "k": "κ", "n": "η", "e": "ε"}
CONTEXTS = [
    ("有人在群里说", "的事"), ("请不要讨论", "。"), ("他昨天提到", "，大家都很惊讶"),
    ("", "相关的内容"), ("新闻里报道了", "案件"),
]  # fmt: skip
SEPARATORS = [" ", "*", "·", "😀", "、", "-", "_", "~", "//", "！", "　", " . ", "🔥", "|"]
ZERO_WIDTH = ["\u200b", "\u200c", "\u200d", "\ufeff", "\u2060", "\u00ad"]

# Benign near-misses: the keyword must not be a hit here.
NEAR_MISSES = [
    # homophones (the homophone tier may say suspect, never hit)
    ("homophone-near-miss", "他打算读博，研究古代文学", "赌博"),
    ("homophone-near-miss", "我读博三年了", "赌博"),
    ("homophone-near-miss", "厨师做了一道炸蛋", "炸弹"),
    ("homophone-near-miss", "早餐吃炸蛋和粥", "炸弹"),
    ("homophone-near-miss", "他在渡口等船", "赌博"),
    ("homophone-near-miss", "这本书很厚，一本读不完", "毒品"),
    ("homophone-near-miss", "今年冬天冰都化了", "冰毒"),
    ("homophone-near-miss", "摇头晚会很热闹", "摇头丸"),
    ("homophone-near-miss", "诈骗电话少了，炸片很好吃", "炸弹"),
    ("homophone-near-miss", "他专门传校内消息", "传销"),
    # allow-list contexts and the word-boundary check
    ("allow-list", "我的洗钱包被雨淋湿了", "洗钱"),
    ("allow-list", "帮我洗钱包上的污渍", "洗钱"),
    ("allow-list", "家里新买了一台洗钱机", "洗钱"),
    ("word-boundary", "打雷管理条例已经出台", "雷管"),
    ("word-boundary", "地雷管控很严格", "雷管"),
    # Latin keywords inside longer words
    ("latin-inside-word", "The heroine of the novel is brave", "heroin"),
    ("latin-inside-word", "Methane is a greenhouse gas", "meth"),
    ("latin-inside-word", "a scientific method", "meth"),
    ("latin-inside-word", "model ak470 is a printer", "ak47"),
    ("latin-inside-word", "the ddoser project", "ddos"),
    ("latin-inside-word", "attntion please", "tnt"),
    ("latin-inside-word", "Hetnt club", "tnt"),
    # separators inside Latin words split them: not the keyword
    ("latin-split", "her oin tea", "heroin"),
    ("latin-split", "me th od", "meth"),
    ("latin-split", "ak 4 7 apples", "ak47"),
    ("latin-split", "dd os", "ddos"),
    # pinyin inside longer Latin words, or syllables cut elsewhere
    ("pinyin-inside-word", "dubois is a surname", "赌博"),
    ("pinyin-inside-word", "bingduo", "冰毒"),
    ("pinyin-inside-word", "shareholders", "杀人"),
    ("pinyin-inside-word", "zhadanz", "炸弹"),
    ("pinyin-bad-cut", "d ubo", "赌博"),
    ("pinyin-bad-cut", "zh adan", "炸弹"),
    # unrelated words sharing characters
    ("shared-chars", "赌气不说话", "赌博"),
    ("shared-chars", "博物馆开门了", "赌博"),
    ("shared-chars", "炸鸡和弹簧", "炸弹"),
    ("shared-chars", "冰淇淋有毒吗", "冰毒"),
    ("shared-chars", "色彩很丰富的情景", "色情"),
    ("shared-chars", "人肉眼看不见", "人肉搜索"),
]

# Homophone spellings of keywords of three or more characters (the default minimum).
HOMOPHONES = [
    ("海洛因", "海落因"), ("海洛因", "海罗音"), ("摇头丸", "摇头完"), ("摇头丸", "遥头丸"),
    ("枪支弹药", "枪枝弹药"), ("人肉搜索", "人肉搜所"), ("死胖子", "四胖子"),
    ("网络赌博", "网罗赌搏"),
]  # fmt: skip


def fullwidth(text: str) -> str:
    return "".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else c for c in text)


def circled(text: str) -> str:
    out = []
    for c in text:
        if "a" <= c <= "z":
            out.append(chr(0x24D0 + ord(c) - ord("a")))
        elif "1" <= c <= "9":
            out.append(chr(0x2460 + ord(c) - ord("1")))
        else:
            out.append(c)
    return "".join(out)


def math_bold(text: str) -> str:
    out = []
    for c in text:
        if "a" <= c <= "z":
            out.append(chr(0x1D41A + ord(c) - ord("a")))
        elif "0" <= c <= "9":
            out.append(chr(0x1D7CE + ord(c) - ord("0")))
        else:
            out.append(c)
    return "".join(out)


def math_double_struck(text: str) -> str:
    return "".join(chr(0x1D552 + ord(c) - ord("a")) if "a" <= c <= "z" else c for c in text)


def cases() -> list[tuple[str, str, str, str]]:
    rnd = random.Random(20261128)
    out: list[tuple[str, str, str, str]] = []

    def add(klass: str, text: str, keyword: str, expect: str = "hit") -> None:
        out.append((klass, text, keyword, expect))

    def ctx(word: str) -> str:
        before, after = rnd.choice(CONTEXTS)
        return before + word + after

    for kw in CJK:
        add("literal", ctx(kw), kw)
        for sep in rnd.sample(SEPARATORS, 3):
            add("separator", ctx(sep.join(kw)), kw)
        add("zero-width", ctx(rnd.choice(ZERO_WIDTH).join(kw)), kw)
        if kw in TRADITIONAL:
            add("traditional", ctx(TRADITIONAL[kw]), kw)
            add("traditional+separator", ctx("＊".join(TRADITIONAL[kw])), kw)
        if kw in VARIANT_FORMS:
            add("variant-form", ctx(VARIANT_FORMS[kw]), kw)
        syllables = PINYIN[kw]
        add("pinyin", ctx("".join(syllables)), kw)
        add("pinyin-spaced", ctx(" " + " ".join(syllables) + " "), kw)
        add("pinyin-case", ctx("".join(s.capitalize() for s in syllables)), kw)
        add("pinyin-fullwidth", ctx(fullwidth("".join(syllables).upper())), kw)
        if all(s in TONES for s in syllables):
            add("pinyin-tones", ctx(" ".join(TONES[s] for s in syllables)), kw)
        i = rnd.randrange(len(kw))
        mixed = "".join(syllables[j] if j == i else kw[j] for j in range(len(kw)))
        add("pinyin-mixed", ctx(mixed), kw)
    for kw in LATIN:
        add("literal", f"I read about {kw} yesterday", kw)
        add("case", f"I read about {kw.upper()} yesterday", kw)
        add("case", f"{kw.capitalize()}!", kw)
        add("fullwidth", f"网上有人卖{fullwidth(kw)}吗", kw)
        add("fullwidth", f"这个{fullwidth(kw.upper())}是什么", kw)
        add("circled", f"他说{circled(kw)}很危险", kw)
        add("math-letters", f"看到{math_bold(kw)}了", kw)
        if kw.isalpha():
            add("math-letters", f"看到{math_double_struck(kw)}了", kw)
        swapped = "".join(CYRILLIC.get(c, c) for c in kw)
        if swapped != kw:
            add("homoglyph-cyrillic", f"buy {swapped} now", kw)
        greek = "".join(GREEK.get(c, c) for c in kw)
        if greek != kw:
            add("homoglyph-greek", f"buy {greek} now", kw)
        add("zero-width", f"buy {chr(0x200B).join(kw)} now", kw)
        add("adjacent-cjk", f"买{kw}的人", kw)
    add("regex", "现在300元一克", r"\d{3}元一克")
    add("regex", "现在３００元一克", r"\d{3}元一克")
    add("variant-column", "他昨天被人开盒了", "人肉搜索")
    add("variant-column", "有人把她起·底了", "人肉搜索")
    for klass, text, kw in NEAR_MISSES:
        add(klass, text, kw, "none")
    for kw, spelled in HOMOPHONES:
        add("homophone", ctx(spelled), kw, "suspect")
    return out


def main() -> None:
    rows = ["id\tclass\ttext\tkeyword\texpect"]
    for n, (klass, text, keyword, expect) in enumerate(cases(), start=1):
        assert "\t" not in text and "\n" not in text
        rows.append(f"e{n:03d}\t{klass}\t{text}\t{keyword}\t{expect}")
    (HERE / "evasion.tsv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    print(f"{len(rows) - 1} cases")


if __name__ == "__main__":
    main()
