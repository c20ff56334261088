"""RetryPolicy, Retry-After parsing, the token bucket and the retry loop."""

from __future__ import annotations

import asyncio
import time
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime

import pytest
from pydantic import ValidationError

from hegui.errors import RetryableTargetError, TargetError
from hegui.targets import RateLimit, RetryPolicy, TokenBucket, call_with_retries, parse_retry_after


def test_backoff_is_exponential_capped_and_jittered() -> None:
    policy = RetryPolicy(5, 0.5, 3.0)
    assert [policy.delay(n, None, 1.0) for n in (1, 2, 3, 4)] == [0.5, 1.0, 2.0, 3.0]
    assert policy.delay(2, None, 0.0) == 0.5  # jitter keeps at least half
    assert policy.delay(1, 2.0, 0.0) == 2.0  # the server's hint replaces the backoff
    assert policy.delay(1, 61.0, 0.0) is None  # beyond max_retry_after


def test_value_objects_validate() -> None:
    with pytest.raises(ValidationError):
        RetryPolicy(max_attempts=0)
    with pytest.raises(ValidationError):
        RateLimit(rps=0)
    with pytest.raises(ValidationError):
        RateLimit(rps=1, burst=0)


def test_parse_retry_after() -> None:
    now = datetime(2025, 5, 1, 12, 0, 0, tzinfo=UTC)
    assert parse_retry_after("3", now) == 3.0
    assert parse_retry_after(" 0.25 ", now) == 0.25
    assert parse_retry_after(format_datetime(now + timedelta(seconds=30), usegmt=True), now) == 30
    assert parse_retry_after("Thu, 01 May 2025 11:00:00 GMT", now) == 0.0  # in the past
    assert parse_retry_after("soon", now) is None
    assert parse_retry_after(None, now) is None


def test_token_bucket_is_a_hard_cap_from_the_start() -> None:
    async def go() -> list[float]:
        bucket = TokenBucket(RateLimit(rps=50, burst=3))
        start = time.perf_counter()
        stamps = []
        for _ in range(8):
            await bucket.acquire()
            stamps.append(time.perf_counter() - start)
        return stamps

    stamps = asyncio.run(go())
    assert stamps[2] < 0.015  # the burst passes at once
    assert stamps[3] >= 0.018 and stamps[7] >= 0.095  # then one per 20 ms: 5 more take 100 ms


def test_retry_loop_retries_only_retryable_errors() -> None:
    calls: list[int] = []
    waits: list[float] = []

    async def sleep(seconds: float) -> None:
        waits.append(seconds)

    async def flaky() -> str:
        calls.append(1)
        if len(calls) < 3:
            raise RetryableTargetError("busy", retry_after=None if len(calls) == 1 else 0.2)
        return "ok"

    policy = RetryPolicy(max_attempts=3, base_delay=1.0)
    result = asyncio.run(call_with_retries(policy, flaky, what="x", sleep=sleep, rand=lambda: 0.0))
    assert result == "ok" and waits == [0.5, 0.2]

    async def broken() -> str:
        calls.append(1)
        raise TargetError("bad key")

    calls.clear()
    with pytest.raises(TargetError, match="bad key"):
        asyncio.run(call_with_retries(policy, broken, what="x", sleep=sleep))
    assert len(calls) == 1


def test_single_attempt_policy_raises_the_original_error() -> None:
    async def fail() -> None:
        raise RetryableTargetError("once", retry_after=4)

    with pytest.raises(RetryableTargetError, match=r"^once$") as caught:
        asyncio.run(call_with_retries(RetryPolicy(max_attempts=1), fail, what="x"))
    assert caught.value.retry_after == 4
