"""The hold-back window: nothing the output chain has not passed reaches the client."""

from __future__ import annotations

import asyncio
import random
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from hegui.gateway import Chain, StreamWindow, WindowPolicy
from hegui.gateway.records import DecisionTally
from hegui.gateway.scanners import (
    KeywordScanner,
    KeywordScannerConfig,
    PiiScanner,
    PiiScannerConfig,
)

KEYWORDS = ["网络赌博", "冰毒配方", "制作炸药", "代开发票"]
BENIGN = "今天天气很好我们一起去公园散步看看花草树木听听鸟叫，。！？ abcXYZ123"


@pytest.fixture(scope="module")
def keyword_chain(tmp_path_factory: pytest.TempPathFactory) -> Chain:
    import os

    os.environ.setdefault("HEGUI_CACHE_DIR", str(tmp_path_factory.mktemp("cache")))
    config = KeywordScannerConfig(type="keyword", terms=KEYWORDS, risk="A.1.8")
    return Chain("output", [KeywordScanner.from_config("keyword", config, Path())])


def policy(chain: Chain, window: int = 16) -> WindowPolicy:
    return WindowPolicy(window_chars=window, holdback_chars=chain.lookahead, context_chars=64)


async def stream(chain: Chain, pieces: list[str], window: int = 16) -> tuple[str, bool]:
    """Feed pieces; return (released text, blocked)."""
    w = StreamWindow(chain, policy(chain, window), DecisionTally("output"))
    out = []
    for piece in pieces:
        step = await w.feed(piece)
        if step.blocked is not None:
            return "".join(out), True
        out.append(step.released)
    step = await w.finish()
    if step.blocked is not None:
        return "".join(out), True
    out.append(step.released)
    return "".join(out), False


def chunked(text: str, rng: random.Random) -> list[str]:
    pieces, i = [], 0
    while i < len(text):
        n = rng.randint(1, 7)
        pieces.append(text[i : i + n])
        i += n
    return pieces


def evasive(keyword: str, rng: random.Random) -> str:
    """The keyword as written, or with separators between its characters."""
    if rng.random() < 0.5:
        return keyword
    return "".join(c + rng.choice(["", "*", " ", "#"]) for c in keyword[:-1]) + keyword[-1]


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=BENIGN, max_size=300), st.integers(0, 10_000), st.integers(0, 3))
def test_no_character_of_a_planted_keyword_is_released(
    keyword_chain: Chain, text: str, seed: int, which: int
) -> None:
    rng = random.Random(seed)
    at = rng.randint(0, len(text))
    planted = evasive(KEYWORDS[which], rng)
    full = text[:at] + planted + text[at:]
    released, blocked = asyncio.run(stream(keyword_chain, chunked(full, rng)))
    assert blocked
    assert full.startswith(released)
    assert len(released) <= at, f"leaked {len(released) - at} characters"


@settings(max_examples=150, deadline=None)
@given(st.text(alphabet=BENIGN, max_size=400), st.integers(0, 10_000))
def test_clean_text_is_released_whole_and_unchanged(
    keyword_chain: Chain, text: str, seed: int
) -> None:
    released, blocked = asyncio.run(stream(keyword_chain, chunked(text, random.Random(seed))))
    assert not blocked
    assert released == text


def test_release_waits_for_a_sentence_end_or_the_window(keyword_chain: Chain) -> None:
    async def go() -> list[str]:
        w = StreamWindow(keyword_chain, policy(keyword_chain, window=40), DecisionTally("output"))
        hold = keyword_chain.lookahead
        out = [(await w.feed("第一句话。")).released]
        out.append((await w.feed("后面" * hold)).released)
        return out

    first, second = asyncio.run(go())
    assert first == ""  # the sentence end is still inside the held-back tail
    assert second == "第一句话。"


def test_pii_split_across_chunks_is_released_masked() -> None:
    config = PiiScannerConfig(type="pii", kinds=["mobile"])
    chain = Chain("output", [PiiScanner("pii", config)])
    text = "请打电话给我：13800138000，谢谢你的帮助，祝你今天愉快。"
    for seed in range(20):
        released, blocked = asyncio.run(stream(chain, chunked(text, random.Random(seed)), window=8))
        assert not blocked
        assert released == "请打电话给我：[手机号]，谢谢你的帮助，祝你今天愉快。"
