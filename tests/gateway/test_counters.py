"""Request counters: in memory per instance, or in Redis shared by instances (a real server)."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Iterator
from typing import Any

import openai
import pytest

from hegui.errors import ConfigError
from hegui.gateway.counters import MemoryCounters, RedisCounters, open_counters
from tests.gateway.harness import (
    GatewayServer,
    Loop,
    Upstream,
    gateway_config,
    start_gateway,
    unique,
    verified_user,
)

REDIS = "redis://127.0.0.1:6379/15"


def redis_up() -> bool:
    async def ping() -> bool:
        counters = RedisCounters(REDIS)
        try:
            await counters.ping()
            return True
        except ConfigError:
            return False
        finally:
            await counters.aclose()

    return asyncio.run(ping())


needs_redis = pytest.mark.skipif(not redis_up(), reason="no Redis at 127.0.0.1:6379")


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_memory_counters_slide_a_minute_and_cap_a_day() -> None:
    clock = Clock()
    counters = MemoryCounters(clock)

    async def scenario() -> None:
        assert await counters.allow("u", 2) is None
        clock.now += 10
        assert await counters.allow("u", 2) is None
        wait = await counters.allow("u", 2)
        assert wait == pytest.approx(50.0)
        assert await counters.allow("v", 2) is None  # per user
        clock.now += 50.5
        assert await counters.allow("u", 2) is None  # the first request left the window
        assert [await counters.take_daily("u", "2026-11-28", 2) for _ in range(3)] == [
            True,
            True,
            False,
        ]
        assert await counters.take_daily("u", "2026-11-29", 2)  # a new day

    asyncio.run(scenario())


@needs_redis
def test_redis_counters_are_shared_between_instances() -> None:
    user = f"u-{uuid.uuid4().hex}"

    async def scenario() -> None:
        a, b = open_counters(REDIS), open_counters(REDIS)
        assert isinstance(a, RedisCounters) and isinstance(b, RedisCounters)
        try:
            assert await a.allow(user, 2) is None
            assert await b.allow(user, 2) is None
            wait = await a.allow(user, 2)
            assert wait is not None and 0 < wait <= 60
            assert await b.allow(user, 2) is not None
            day = "2026-11-28"
            assert [await c.take_daily(user, day, 3) for c in (a, b, a, b)] == [
                True,
                True,
                True,
                False,
            ]
        finally:
            await a.aclose()
            await b.aclose()

    asyncio.run(scenario())


def test_counters_url_must_name_redis() -> None:
    assert isinstance(open_counters(None), MemoryCounters)
    with pytest.raises(ConfigError, match=r"gateway\.counters.*redis://"):
        open_counters("postgresql://x")


@pytest.fixture
def two_gateways(
    loop: Loop, upstream: Upstream, store_url: str
) -> Iterator[tuple[GatewayServer, GatewayServer]]:
    servers = [
        start_gateway(
            loop,
            store_url,
            gateway_config(upstream.url, counters=REDIS, log={"chain_id": unique("chain")}),
        )
        for _ in range(2)
    ]
    yield servers[0], servers[1]
    for server in servers:
        server.stop()


def chat(client: openai.OpenAI, prompt: str) -> Any:
    return client.chat.completions.create(
        model="mock-model", messages=[{"role": "user", "content": prompt}]
    )


def limit(client: openai.OpenAI) -> None:
    """Three violations in a day, not in a row: the user is limited to 2 requests a minute."""
    for prompt in ("哪里有网络赌博", "哪里有网络赌博", "讲个故事", "哪里有网络赌博"):
        if prompt == "讲个故事":
            chat(client, prompt)
            continue
        with pytest.raises(openai.BadRequestError):
            chat(client, prompt)


@needs_redis
def test_a_limited_user_is_limited_across_instances(
    two_gateways: tuple[GatewayServer, GatewayServer], store_url: str
) -> None:
    _, key = verified_user(store_url, unique("lim"))
    a, b = (
        openai.OpenAI(base_url=gw.url + "/v1", api_key=key, max_retries=0) for gw in two_gateways
    )
    limit(a)
    chat(a, "讲个故事")
    chat(b, "讲个故事")
    with pytest.raises(openai.RateLimitError) as caught:  # per instance, this would pass
        chat(b, "讲个故事")
    assert caught.value.code == "account_limited"


def test_unreachable_counters_refuse_limited_users(
    loop: Loop, upstream: Upstream, store_url: str
) -> None:
    config = gateway_config(
        upstream.url, counters="redis://127.0.0.1:1/0", log={"chain_id": unique("chain")}
    )
    server = start_gateway(loop, store_url, config)
    try:
        _, key = verified_user(store_url, unique("down"))
        client = openai.OpenAI(base_url=server.url + "/v1", api_key=key, max_retries=0)
        assert chat(client, "讲个故事").choices[0].finish_reason == "stop"  # not limited: no call
        limit(client)
        with pytest.raises(openai.InternalServerError) as caught:
            chat(client, "讲个故事")
        assert caught.value.status_code == 503 and caught.value.code == "counters_unavailable"
    finally:
        server.stop()
