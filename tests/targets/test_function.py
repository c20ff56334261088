"""CallableTarget: sync functions in a thread, async functions awaited, clear errors."""

from __future__ import annotations

import asyncio
import threading

import pytest

from hegui.errors import ConfigError, RetryableTargetError, TargetError
from hegui.records import TargetResponse
from hegui.targets import CallableTarget
from tests.targets.helpers import item, multi_turn

seen_threads: list[str] = []


def sync_model(messages: list[dict[str, str]]) -> str:
    seen_threads.append(threading.current_thread().name)
    return f"{len(messages)} turns, last: {messages[-1]['content']}"


async def async_model(messages: list[dict[str, str]]) -> TargetResponse:
    await asyncio.sleep(0)
    return TargetResponse(text="async " + messages[-1]["content"], model="local", latency_s=0.5)


def test_sync_function_runs_in_a_worker_thread() -> None:
    target = CallableTarget(sync_model)
    response = asyncio.run(target.send(multi_turn()))
    assert response.text == "4 turns, last: 第二问"
    assert response.latency_s > 0
    assert seen_threads[-1] != threading.main_thread().name
    assert target.info.identity == f"callable|{__name__}:sync_model|version=-"
    assert target.info.details["async"] is False


def test_async_function_and_its_response_are_kept() -> None:
    target = CallableTarget(async_model, name="local", version="2")
    response = asyncio.run(target.send(item(1)))
    assert (response.text, response.model, response.latency_s) == ("async 问题 1", "local", 0.5)
    assert target.info.name == "local" and target.info.identity.endswith("version=2")


def test_object_with_async_call_is_awaited() -> None:
    class Model:
        async def __call__(self, messages: list[dict[str, str]]) -> str:
            return "obj"

    target = CallableTarget(Model())
    assert target.info.details["async"] is True
    assert asyncio.run(target.send(item(1))).text == "obj"


def test_exceptions_are_wrapped_hegui_errors_pass_through() -> None:
    def boom(messages: list[dict[str, str]]) -> str:
        raise ValueError("model crashed")

    with pytest.raises(TargetError, match="boom raised ValueError for item 'q1': model crashed"):
        asyncio.run(CallableTarget(boom).send(item(1)))

    async def busy(messages: list[dict[str, str]]) -> str:
        raise RetryableTargetError("busy", retry_after=1)

    with pytest.raises(RetryableTargetError, match=r"^busy$"):
        asyncio.run(CallableTarget(busy).send(item(1)))


def test_wrong_return_type_and_non_callable() -> None:
    def wrong(messages: list[dict[str, str]]) -> int:
        return 3

    with pytest.raises(TargetError, match=r"returned int.*must return str"):
        asyncio.run(CallableTarget(wrong).send(item(1)))  # type: ignore[arg-type]
    with pytest.raises(ConfigError, match="not callable"):
        CallableTarget("nope")  # type: ignore[arg-type]
