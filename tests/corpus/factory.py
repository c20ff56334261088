"""Generated Chinese corpora for the corpus-audit tests and benchmark (nothing downloaded).

Text is drawn from the frequent-word list that ships with hegui.text; keywords, personal
information, copyright notices and duplicates are planted at known places so tests can count
them exactly.
"""

from __future__ import annotations

import json
import random
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from pathlib import Path

KEYWORDS = ("炸药配方", "洗钱通道", "赌博网站")
"""Planted keywords (risk A.1.8 in :func:`write_keywords`)."""
PUNCTUATION = "，。；！？"


@cache
def words() -> tuple[str, ...]:
    text = resources.files("hegui.text").joinpath("data/words2.txt").read_text(encoding="utf-8")
    return tuple(w for w in text.split() if w and not w.startswith("#"))


def chinese(rng: random.Random, chars: int) -> str:
    """Random Chinese text of about ``chars`` characters with punctuation."""
    vocab = words()
    parts: list[str] = []
    size = 0
    while size < chars:
        word = rng.choice(vocab)
        parts.append(word)
        size += len(word)
        if rng.random() < 0.12:
            parts.append(rng.choice(PUNCTUATION))
            size += 1
    return "".join(parts)


def id_number(rng: random.Random) -> str:
    """A valid resident ID number (checksum computed here, independently of hegui.text.pii)."""
    body = f"110105{rng.randint(1950, 2000)}{rng.randint(1, 12):02d}{rng.randint(1, 28):02d}"
    body += f"{rng.randint(0, 999):03d}"
    weights = [2 ** (17 - i) % 11 for i in range(17)]
    return body + "10X98765432"[sum(int(d) * w for d, w in zip(body, weights, strict=True)) % 11]


def write_keywords(path: Path, terms: tuple[str, ...] = KEYWORDS) -> Path:
    """A keyword library in the 附件4 layout."""
    rows = ["关键词\t一级分类\t二级分类"] + [f"{t}\tA.1\tA.1.8" for t in terms]
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    return path


@dataclass
class Planted:
    """What a generated file holds, for exact assertions."""

    docs: int = 0
    keyword_docs: int = 0
    id_docs: int = 0
    mobile_docs: int = 0
    copyright_docs: int = 0
    exact_copies: int = 0
    near_copies: int = 0
    keys_with_keyword: list[int] = field(default_factory=list)


def documents(
    seed: int,
    count: int,
    *,
    chars: int = 300,
    keyword_rate: float = 0.0,
    pii_rate: float = 0.0,
    copyright_rate: float = 0.0,
    exact_rate: float = 0.0,
    near_rate: float = 0.0,
    planted: Planted | None = None,
) -> Iterator[str]:
    """``count`` texts; rates are the share of documents carrying each planted feature."""
    rng = random.Random(seed)
    planted = planted if planted is not None else Planted()
    history: list[str] = []
    for n in range(count):
        roll = rng.random()
        if history and roll < exact_rate:
            text = rng.choice(history)
            planted.exact_copies += 1
        elif history and roll < exact_rate + near_rate:
            base = list(rng.choice(history))
            for _ in range(max(1, len(base) // 200)):
                base[rng.randrange(len(base))] = rng.choice("的是在了")
            text = "".join(base)
            planted.near_copies += 1
        else:
            text = chinese(rng, chars)
            if rng.random() < keyword_rate:
                cut = rng.randrange(len(text))
                text = text[:cut] + rng.choice(KEYWORDS) + text[cut:]
                planted.keyword_docs += 1
                planted.keys_with_keyword.append(n)
            if rng.random() < pii_rate:
                mobile = f"1{rng.choice('3578')}{rng.randint(10**8, 10**9 - 1)}"
                text += f"身份证号{id_number(rng)}，手机{mobile}。"
                planted.id_docs += 1
                planted.mobile_docs += 1
            if rng.random() < copyright_rate:
                text += "版权所有，未经授权不得转载。"
                planted.copyright_docs += 1
            history.append(text)
            if len(history) > 50:
                history.pop(0)
        planted.docs += 1
        yield text


def write_jsonl(path: Path, texts: Iterator[str] | list[str], *, field_name: str = "text") -> Path:
    with open(path, "w", encoding="utf-8") as out:
        for i, text in enumerate(texts):
            out.write(json.dumps({"id": f"{path.stem}-{i}", field_name: text}, ensure_ascii=False))
            out.write("\n")
    return path
