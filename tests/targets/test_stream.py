"""Streaming: SSE assembly on raw bytes, and end to end against the mock server."""

from __future__ import annotations

import asyncio
import json

import pytest

from hegui.errors import RetryableTargetError, TargetError
from hegui.targets import ContentFilteredError, RetryPolicy
from hegui.targets.mock_server import MockAnswer, MockConfig
from hegui.targets.openai_wire import Endpoint, StreamAssembler
from tests.targets.helpers import item, served

EP = Endpoint(
    url="http://x/v1/chat/completions", base_url="http://x/v1", model="m", api_key_env=None
)


def event(content: str | None = None, finish: str | None = None, **extra: object) -> bytes:
    delta = {} if content is None else {"content": content}
    data: dict[str, object] = {
        "model": "m1",
        "choices": [{"index": 0, "delta": delta, "finish_reason": finish}],
    }
    data.update(extra)
    return b"data: " + json.dumps(data, ensure_ascii=False).encode() + b"\n\n"


STREAM = (
    b": keep-alive\n\n"
    + b"event: message\nid: 1\n"
    + event("你好")
    + event("，世界")
    + b": ping\r\n\r\n"
    + event(None, "stop")
    + b"data: "
    + json.dumps({"choices": [], "usage": {"prompt_tokens": 3, "completion_tokens": 4}}).encode()
    + b"\n\ndata: [DONE]\n\n"
)


def assemble(*chunks: bytes) -> StreamAssembler:
    assembler = StreamAssembler(EP)
    for chunk in chunks:
        assembler.feed(chunk)
    return assembler


def test_assembles_deltas_split_at_every_byte_boundary() -> None:
    for cut in range(len(STREAM)):
        answer = assemble(STREAM[:cut], STREAM[cut:]).result()
        assert (answer.text, answer.finish_reason, answer.model) == ("你好，世界", "stop", "m1")
        assert (answer.prompt_tokens, answer.completion_tokens) == (3, 4)


def test_tolerates_missing_blank_lines_crlf_and_no_space_after_colon() -> None:
    raw = (
        b'data:{"choices":[{"index":0,"delta":{"content":"a"}}]}\r\n'
        b'data: {"choices":[{"index":0,"delta":{"content":"b"},"finish_reason":"length"}]}\n'
        b"data: [DONE]"
    )
    answer = assemble(raw).result()
    assert (answer.text, answer.finish_reason) == ("ab", "length")


def test_multi_line_data_event_is_joined() -> None:
    raw = (
        b'data: {"choices": [{"index": 0,\n'
        b'data: "delta": {"content": "x"}, "finish_reason": "stop"}]}\n\n'
    )
    assert assemble(raw).result().text == "x"


def test_finish_reason_without_done_is_accepted() -> None:
    assert assemble(event("x", "stop")).result().text == "x"


def test_stream_cut_short_is_retryable() -> None:
    with pytest.raises(RetryableTargetError, match=r"ended before \[DONE\]"):
        assemble(event("x"), event("y")).result()
    with pytest.raises(RetryableTargetError, match="malformed stream event"):
        assemble(event("x"), b'data: {"choices": [{"ind').result()


def test_error_event_and_content_filter() -> None:
    overloaded = b'data: {"error": {"message": "overloaded", "type": "server_error"}}\n\n'
    with pytest.raises(RetryableTargetError, match="overloaded"):
        assemble(event("x"), overloaded)
    bad = b'data: {"error": {"message": "bad prompt", "code": 400}}\n\n'
    with pytest.raises(TargetError, match="bad prompt") as caught:
        assemble(bad)
    assert not isinstance(caught.value, RetryableTargetError)
    with pytest.raises(ContentFilteredError):
        assemble(event(None, "content_filter"), b"data: [DONE]\n\n").result()


def test_no_choices_at_all_is_an_error() -> None:
    with pytest.raises(TargetError, match="no 'choices'"):
        assemble(b'data: {"id": "x"}\n\n', b"data: [DONE]\n\n").result()


def test_streaming_against_the_mock() -> None:
    async def go() -> None:
        long = "这是一个比较长的流式回答，" * 20
        config = MockConfig(answers={"问题 1": MockAnswer(long)}, chunk_chars=3)
        extra = {"stream_options": {"include_usage": True}}
        async with served(config, stream=True, extra_body=extra) as (server, target):
            response = await target.send(item(1))
            assert response.text == long
            assert response.finish_reason == "stop"
            assert response.completion_tokens == len(long)
            assert server.bodies[-1]["stream"] is True
            assert server.stats.answered == 1

    asyncio.run(go())


def test_truncated_stream_is_retryable_then_retried() -> None:
    async def go() -> None:
        config = MockConfig(script=("truncate",))
        async with served(config, stream=True, retry=RetryPolicy(max_attempts=1)) as (_, target):
            with pytest.raises(RetryableTargetError, match=r"cut off|ended before"):
                await target.send(item(1))
        async with served(config, stream=True) as (server, target):
            assert (await target.send(item(1))).text == "Mock answer to: 问题 1"
            assert server.stats.requests == 2

    asyncio.run(go())


def test_stream_content_filter_and_max_tokens() -> None:
    async def go() -> None:
        async with served(MockConfig(script=("content_filter",)), stream=True) as (_, target):
            with pytest.raises(ContentFilteredError):
                await target.send(item(1))
        async with served(stream=True, max_tokens=4) as (_, target):
            response = await target.send(item(1))
            assert (response.text, response.finish_reason) == ("Mock", "length")

    asyncio.run(go())
