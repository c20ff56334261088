"""The stream moderator on synthetic upstream events: several choices, tool calls held and
checked whole, usage passed through, labels, and a block ending every choice."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import pytest

from hegui.gateway import Chain, WindowPolicy
from hegui.gateway.records import ChainDecision, DecisionTally
from hegui.gateway.scanners import KeywordScanner, KeywordScannerConfig
from hegui.gateway.sse import SseParser
from hegui.gateway.stream import StreamModerator


@pytest.fixture(scope="module")
def chain() -> Chain:
    config = KeywordScannerConfig(type="keyword", terms=["制作炸药", "冰毒配方"], risk="A.1.8")
    return Chain("output", [KeywordScanner.from_config("keyword", config, Path())])


def moderator(chain: Chain, **kw: Any) -> StreamModerator:
    policy = WindowPolicy(window_chars=8, min_chars=4, holdback_chars=chain.lookahead)

    def replace(decision: ChainDecision) -> str:
        return "REFUSED"

    return StreamModerator("chat", chain, policy, DecisionTally("output"), replace, **kw)


def chunk(index: int, delta: dict[str, Any], finish: str | None = None) -> dict[str, Any]:
    return {
        "id": "c",
        "object": "chat.completion.chunk",
        "choices": [{"index": index, "delta": delta, "finish_reason": finish}],
    }


def run(m: StreamModerator, events: list[dict[str, Any]]) -> list[dict[str, Any]]:
    async def go() -> list[dict[str, Any]]:
        out: list[dict[str, Any]] = []
        for e in events:
            out.extend(await m.on_event(e))
            if m.blocked is not None:
                return out
        out.extend(await m.finish())
        return out

    return asyncio.run(go())


def texts(events: list[dict[str, Any]]) -> dict[int, str]:
    got: dict[int, str] = {}
    for e in events:
        for c in e.get("choices") or ():
            got[c["index"]] = got.get(c["index"], "") + (c["delta"].get("content") or "")
    return got


def finishes(events: list[dict[str, Any]]) -> dict[int, str]:
    return {
        c["index"]: c["finish_reason"]
        for e in events
        for c in e.get("choices") or ()
        if c["finish_reason"]
    }


def test_two_choices_are_moderated_independently(chain: Chain) -> None:
    a, b = "第一个回答很平常，没有问题。", "第二个回答也很平常。"
    events = [chunk(0, {"role": "assistant"}), chunk(1, {"role": "assistant"})]
    for i in range(0, 14, 3):
        events += [chunk(0, {"content": a[i : i + 3]}), chunk(1, {"content": b[i : i + 3]})]
    events += [
        chunk(0, {}, "stop"),
        chunk(1, {}, "length"),
        {"id": "c", "choices": [], "usage": {"total_tokens": 9}},
    ]
    out = run(moderator(chain, prefix="【AI生成】", suffix=""), events)
    assert texts(out) == {0: "【AI生成】" + a, 1: "【AI生成】" + b}
    assert finishes(out) == {0: "stop", 1: "length"}
    assert out[-1] == {"id": "c", "choices": [], "usage": {"total_tokens": 9}}


def test_a_block_in_one_choice_ends_all(chain: Chain) -> None:
    events = [
        chunk(0, {"content": "正常内容，"}),
        chunk(1, {"content": "教你制作"}),
        chunk(1, {"content": "炸药吧"}),
    ]
    m = moderator(chain, extra=lambda d: {"hegui": {"output": d.action.value}})
    out = run(m, events)
    assert m.blocked is not None and m.blocked.risk == "A.1.8"
    assert "炸" not in "".join(texts(out).values())
    assert finishes(out) == {0: "content_filter", 1: "content_filter"}
    assert out[-1]["hegui"] == {"output": "block"}


def call(args: str) -> dict[str, Any]:
    return {"index": 0, "function": {"arguments": args}}


def test_tool_calls_are_held_and_checked_whole(chain: Chain) -> None:
    clean = [
        chunk(
            0,
            {
                "tool_calls": [
                    {"index": 0, "id": "t", "function": {"name": "search", "arguments": ""}}
                ]
            },
        )
    ]
    clean += [
        chunk(0, {"tool_calls": [call('{"q": "')]}),
        chunk(0, {"tool_calls": [call('天气"}')]}),
    ]
    m = moderator(chain)

    async def first() -> list[dict[str, Any]]:
        return [e for ev in clean for e in await m.on_event(ev)]

    assert asyncio.run(first()) == []  # nothing released before the choice finishes
    out = asyncio.run(m.on_event(chunk(0, {}, "tool_calls")))
    args = "".join(
        c["delta"]["tool_calls"][0]["function"].get("arguments", "")
        for e in out[:-1]
        for c in e["choices"]
    )
    assert args == '{"q": "天气"}' and finishes(out) == {0: "tool_calls"}
    bad = [
        chunk(0, {"tool_calls": [call('{"q": "冰毒')]}),
        chunk(0, {"tool_calls": [call('配方"}')]}),
        chunk(0, {}, "tool_calls"),
    ]
    out = run(moderator(chain), bad)
    assert finishes(out) == {0: "content_filter"} and "冰毒" not in str(out)


def test_sse_parser_handles_any_framing() -> None:
    raw = (
        b': ping\r\n\r\ndata: {"a": 1}\r\n\r\nevent: x\ndata:{"b": 2}\n\n'
        b'data: {"c": 3}\ndata: [DONE]\n\n'
    )
    for cut in range(1, len(raw)):
        parser = SseParser()
        events = parser.feed(raw[:cut]) + parser.feed(raw[cut:]) + parser.close()
        assert events == [b'{"a": 1}', b'{"b": 2}', b'{"c": 3}', b"[DONE]"]
