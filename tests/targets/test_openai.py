"""OpenAITarget against a real local HTTP server (the mock), non-streaming paths."""

from __future__ import annotations

import asyncio
import socket
import time
from typing import Any

import pytest

from hegui.errors import ConfigError, RetryableTargetError, TargetError
from hegui.targets import ContentFilteredError, OpenAISpec, OpenAITarget, RateLimit, RetryPolicy
from hegui.targets.mock_process import MockServerProcess
from hegui.targets.mock_server import MockAnswer, MockConfig
from tests.targets.helpers import item, multi_turn, served


def test_answer_usage_and_model_are_returned() -> None:
    async def go() -> None:
        config = MockConfig(answers={"问题 1": MockAnswer("这是答案")})
        async with served(config) as (server, target):
            response = await target.send(item(1))
            assert response.text == "这是答案"
            assert response.model == "mock-model"
            assert response.finish_reason == "stop"
            assert response.prompt_tokens == len("问题 1")
            assert response.completion_tokens == 4
            assert response.latency_s > 0
            assert server.stats.by_prompt[item(1).content_hash()] == 1

    asyncio.run(go())


def test_multi_turn_and_generation_parameters_are_sent() -> None:
    async def go() -> None:
        params: dict[str, Any] = {
            "temperature": 0.2,
            "max_tokens": 64,
            "top_p": 0.9,
            "seed": 7,
            "stop": ["\n\n"],
        }
        async with served(extra_body={"top_k": 5}, **params) as (server, target):
            await target.send(multi_turn(), sample=2)
            body = server.bodies[-1]
            assert body["model"] == "mock-model"
            assert body["messages"] == [
                {"role": "system", "content": "你是助手"},
                {"role": "user", "content": "第一问"},
                {"role": "assistant", "content": "第一答"},
                {"role": "user", "content": "第二问"},
            ]
            assert body["seed"] == 9  # seed + sample, so repeated samples differ reproducibly
            assert {
                k: body[k] for k in ("temperature", "max_tokens", "top_p", "stop", "top_k")
            } == {
                "temperature": 0.2,
                "max_tokens": 64,
                "top_p": 0.9,
                "stop": ["\n\n"],
                "top_k": 5,
            }
            assert "stream" not in body
            assert server.stats.by_prompt[multi_turn().content_hash()] == 1

    asyncio.run(go())


def test_system_prompt_is_prepended_only_when_the_item_has_none() -> None:
    async def go() -> None:
        async with served(system_prompt="平台系统提示") as (server, target):
            await target.send(item(1))
            assert server.bodies[-1]["messages"][0] == {"role": "system", "content": "平台系统提示"}
            await target.send(multi_turn())
            assert server.bodies[-1]["messages"][0]["content"] == "你是助手"

    asyncio.run(go())


def test_429_is_retried_after_the_retry_after_delay() -> None:
    async def go() -> None:
        config = MockConfig(script=("429",), retry_after_s=0.3)
        async with served(config) as (server, target):
            start = time.perf_counter()
            response = await target.send(item(1))
            assert time.perf_counter() - start >= 0.3  # base_delay is 0.01: only the hint waits
            assert response.text == "Mock answer to: 问题 1"
            assert server.stats.faults["429"] == 1
            assert server.stats.by_prompt[item(1).content_hash()] == 2

    asyncio.run(go())


def test_retry_after_beyond_the_policy_ends_retries_at_once() -> None:
    async def go() -> None:
        config = MockConfig(script=("429",), retry_after_s=30)
        retry = RetryPolicy(max_attempts=5, base_delay=0.01, max_retry_after=5)
        async with served(config, retry=retry) as (server, target):
            with pytest.raises(RetryableTargetError, match="retry after 30 s") as caught:
                await target.send(item(1))
            assert caught.value.retry_after == 30
            assert server.stats.requests == 1

    asyncio.run(go())


def test_500_then_success() -> None:
    async def go() -> None:
        config = MockConfig(answers={"问题 1": MockAnswer("好", faults=("500", "500"))})
        async with served(config) as (server, target):
            assert (await target.send(item(1))).text == "好"
            assert server.stats.faults["500"] == 2
            assert server.stats.answered == 1

    asyncio.run(go())


def test_exhausted_retries_say_how_many_attempts() -> None:
    async def go() -> None:
        config = MockConfig(script=("500", "500", "500", "ok"))
        async with served(config) as (server, target):
            with pytest.raises(RetryableTargetError) as caught:
                await target.send(item(1))
            message = str(caught.value)
            assert "item 'q1': gave up after 3 attempts" in message
            assert "HTTP 500" in message
            assert server.stats.requests == 3

    asyncio.run(go())


def test_timeout_is_retryable() -> None:
    async def go() -> None:
        config = MockConfig(script=("hang",))
        async with served(config, timeout_s=0.2, retry=RetryPolicy(max_attempts=1)) as (_, target):
            start = time.perf_counter()
            with pytest.raises(RetryableTargetError, match=r"within target.timeout_s=0.2"):
                await target.send(item(1))
            assert time.perf_counter() - start < 2

    asyncio.run(go())


def test_hang_then_success_with_retries() -> None:
    async def go() -> None:
        config = MockConfig(script=("hang",))
        async with served(config, timeout_s=0.2) as (server, target):
            assert (await target.send(item(1))).text
            assert server.stats.answered == 1

    asyncio.run(go())


@pytest.mark.parametrize(
    ("fault", "error", "pattern"),
    [
        ("non_json", TargetError, "not JSON .*check target.base_url"),
        ("truncate", RetryableTargetError, "cut off mid-body"),
        ("disconnect", RetryableTargetError, "closed the connection"),
        ("content_filter", ContentFilteredError, "content filter withheld"),
    ],
)
def test_broken_answers_give_clear_errors(fault: str, error: type[Exception], pattern: str) -> None:
    async def go() -> None:
        config = MockConfig(script=(fault,))
        async with served(config, retry=RetryPolicy(max_attempts=1)) as (_, target):
            with pytest.raises(error, match=pattern) as caught:
                await target.send(item(1))
            retryable = isinstance(caught.value, RetryableTargetError)
            assert retryable == (error is RetryableTargetError)

    asyncio.run(go())


def test_truncated_answer_is_retried_to_success() -> None:
    async def go() -> None:
        async with served(MockConfig(script=("truncate", "disconnect"))) as (server, target):
            assert (await target.send(item(1))).text == "Mock answer to: 问题 1"
            assert server.stats.requests == 3

    asyncio.run(go())


def test_bad_key_401_names_the_variable_not_the_key() -> None:
    async def go() -> None:
        config = MockConfig(api_key="right-key")
        environ = {"VENDOR_KEY": "wrong-key"}
        async with served(config, api_key_env="VENDOR_KEY", environ=environ) as (server, target):
            with pytest.raises(TargetError) as caught:
                await target.send(item(1))
            message = str(caught.value)
            assert not isinstance(caught.value, RetryableTargetError)
            assert "HTTP 401" in message and "environment variable VENDOR_KEY" in message
            assert "wrong-key" not in message
            assert server.stats.requests == 0  # rejected before counting: no retries either

    asyncio.run(go())


def test_right_key_is_sent_as_bearer() -> None:
    async def go() -> None:
        config = MockConfig(api_key="right-key")
        environ = {"VENDOR_KEY": "right-key"}
        async with served(config, api_key_env="VENDOR_KEY", environ=environ) as (_, target):
            assert (await target.send(item(1))).text
            assert "right-key" not in target.info.model_dump_json()

    asyncio.run(go())


def test_missing_key_variable_is_a_config_error_with_the_fix() -> None:
    spec = OpenAISpec(base_url="http://127.0.0.1:1/v1", model="m", api_key_env="NO_SUCH_KEY_VAR")
    with pytest.raises(ConfigError) as caught:
        OpenAITarget(spec, environ={})
    message = str(caught.value)
    assert "NO_SUCH_KEY_VAR" in message and "export NO_SUCH_KEY_VAR=" in message
    assert "api_key_env: null" in message
    assert caught.value.field == "target.api_key_env"


def test_unknown_model_404_points_at_base_url_and_model() -> None:
    async def go() -> None:
        async with served(MockConfig(models=("served-model",))) as (_, target):
            with pytest.raises(TargetError, match=r"HTTP 404.*base_url.*'mock-model'") as caught:
                await target.send(item(1))
            assert not isinstance(caught.value, RetryableTargetError)

    asyncio.run(go())


def test_400_shows_the_servers_message() -> None:
    async def go() -> None:
        async with served(MockConfig(max_prompt_chars=3)) as (_, target):
            with pytest.raises(TargetError, match=r"HTTP 400.*maximum context length") as caught:
                await target.send(item(1, prompt="一个太长的问题"))
            assert "check the generation parameters" in str(caught.value)
            assert not isinstance(caught.value, RetryableTargetError)

    asyncio.run(go())


def test_connection_refused_is_retryable_and_says_so() -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]  # closed again before use: nothing listens there

    async def go() -> None:
        spec = OpenAISpec(
            base_url=f"http://127.0.0.1:{port}/v1",
            model="m",
            api_key_env=None,
            retry=RetryPolicy(max_attempts=1),
        )
        async with OpenAITarget(spec) as target:
            with pytest.raises(RetryableTargetError, match=r"cannot connect.*server running"):
                await target.send(item(1))

    asyncio.run(go())


def test_rate_limit_caps_requests_per_second() -> None:
    async def go() -> None:
        limit = RateLimit(rps=20, burst=2)
        async with served(rate_limit=limit) as (server, target):
            start = time.perf_counter()
            await asyncio.gather(*(target.send(item(i)) for i in range(12)))
            elapsed = time.perf_counter() - start
            # 2 at once, then one per 50 ms: the 12th starts at 0.5 s.
            assert 0.45 <= elapsed < 2.0
            assert server.stats.answered == 12

    asyncio.run(go())


def test_concurrent_requests_are_each_made_once() -> None:
    async def go() -> None:
        async with served(MockConfig(latency_s=0.05), concurrency=50) as (server, target):
            start = time.perf_counter()
            responses = await asyncio.gather(*(target.send(item(i)) for i in range(200)))
            assert time.perf_counter() - start < 3  # 4 waves of 50 at 50 ms, not 200 in series
            assert [r.text for r in responses] == [f"Mock answer to: 问题 {i}" for i in range(200)]
            assert set(server.stats.by_prompt.values()) == {1}

    asyncio.run(go())


def test_info_identity_is_stable_and_secret_free() -> None:
    spec = OpenAISpec(
        base_url="http://h:8000/v1/", model="qwen", api_key_env="K", temperature=0.0, seed=1
    )
    first = OpenAITarget(spec, environ={"K": "sk-secret"}).info
    second = OpenAITarget(spec, environ={"K": "sk-other"}).info
    assert first == second
    assert first.kind == "openai" and first.name == "qwen"
    assert first.identity.startswith("openai|http://h:8000/v1|qwen|")
    assert "sk-" not in first.model_dump_json()
    other = OpenAITarget(spec.model_copy(update={"temperature": 0.7}), api_key="x").info
    assert other.identity != first.identity


def test_one_target_across_event_loops_needs_aclose_between() -> None:
    with MockServerProcess() as server:
        spec = OpenAISpec(base_url=server.url, model="m", api_key_env=None)

        async def send_and_close(target: OpenAITarget, i: int) -> str:
            try:
                return (await target.send(item(i))).text
            finally:
                await target.aclose()

        closed = OpenAITarget(spec)
        assert asyncio.run(send_and_close(closed, 1)) == "Mock answer to: 问题 1"
        assert asyncio.run(send_and_close(closed, 2)) == "Mock answer to: 问题 2"

        left_open = OpenAITarget(spec)
        first_loop = asyncio.new_event_loop()
        try:
            assert first_loop.run_until_complete(left_open.send(item(3))).text
            with pytest.raises(TargetError, match=r"another event loop; call aclose\(\) there"):
                asyncio.run(left_open.send(item(4)))
        finally:
            first_loop.run_until_complete(left_open.aclose())
            first_loop.close()
        assert server.stats()["answered"] == 3
