"""Retry and rate-limit value objects, and the small machinery that applies them to target calls."""

from __future__ import annotations

import asyncio
import random
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Annotated, TypeVar

from pydantic import ConfigDict, Field
from pydantic.dataclasses import dataclass

from hegui.errors import RetryableTargetError

T = TypeVar("T")

_VALUE_OBJECT = ConfigDict(extra="forbid")


@dataclass(frozen=True, config=_VALUE_OBJECT)
class RetryPolicy:
    """How a target retries failures that may go away (429, 5xx, timeouts, dropped connections).

    ``max_attempts`` counts the first try: 1 means never retry. Retry ``n`` (1-based) waits
    ``min(max_delay, base_delay * 2**(n-1))`` scaled by a random factor in [0.5, 1] (jitter, so
    that many clients do not retry in lockstep). A server's ``Retry-After`` hint replaces that
    delay; a hint longer than ``max_retry_after`` ends the retries at once, because waiting that
    long inside one request would stall the run.
    """

    max_attempts: Annotated[int, Field(ge=1, le=50)] = 3
    base_delay: Annotated[float, Field(ge=0)] = 0.5
    max_delay: Annotated[float, Field(ge=0)] = 20.0
    max_retry_after: Annotated[float, Field(ge=0)] = 60.0

    def delay(self, retry: int, retry_after: float | None, rand: float) -> float | None:
        """Seconds to wait before retry number ``retry``; ``None`` if the server asks too much.

        ``rand`` is a uniform random number in [0, 1), passed in so tests can fix it.
        """
        if retry_after is not None:
            if retry_after > self.max_retry_after:
                return None
            # A little jitter on top of the server's hint spreads the herd it just rate-limited.
            return retry_after * (1.0 + 0.1 * rand)
        cap = min(self.max_delay, self.base_delay * 2.0 ** (retry - 1))
        return cap * (0.5 + rand / 2.0)


@dataclass(frozen=True, config=_VALUE_OBJECT)
class RateLimit:
    """At most ``rps`` requests per second on average, and at most ``burst`` at once.

    This is a hard cap: over any window of ``w`` seconds at most ``burst + w * rps`` requests
    start, including right after start-up (unlike a leaky bucket that starts full of credit).
    """

    rps: Annotated[float, Field(gt=0)]
    burst: Annotated[int, Field(ge=1)] = 1


class TokenBucket:
    """An async token bucket enforcing a :class:`RateLimit` (GCRA form: no background task).

    Each ``acquire`` reserves the next free slot at once (there is no ``await`` between reading
    and updating the state), so waiters are served in arrival order without a lock.
    """

    def __init__(self, limit: RateLimit) -> None:
        self.limit = limit
        self._interval = 1.0 / limit.rps
        self._tolerance = (limit.burst - 1) * self._interval
        self._tat: float | None = None  # theoretical arrival time of the next request

    async def acquire(self) -> float:
        """Wait for a slot; return the seconds waited."""
        now = asyncio.get_running_loop().time()
        tat = now if self._tat is None or self._tat < now else self._tat
        wait = tat - self._tolerance - now
        self._tat = tat + self._interval
        if wait > 0:
            await asyncio.sleep(wait)
            return wait
        return 0.0


def parse_retry_after(value: str | None, now: datetime | None = None) -> float | None:
    """Seconds from a ``Retry-After`` header (delta-seconds or an HTTP date); ``None`` if absent.

    Fractional seconds are accepted (some gateways send them). Unparseable values are ignored
    rather than failing the request: the normal backoff applies instead.
    """
    if value is None:
        return None
    value = value.strip()
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - (now or datetime.now(UTC))).total_seconds())


async def call_with_retries(
    policy: RetryPolicy,
    attempt: Callable[[], Awaitable[T]],
    *,
    what: str,
    sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    rand: Callable[[], float] = random.random,
) -> T:
    """Run ``attempt`` until it succeeds, retrying :class:`RetryableTargetError` per ``policy``.

    Other exceptions propagate at once. When the attempts are used up, a
    :class:`RetryableTargetError` says how many were made and carries the last error's message
    and ``retry_after``; ``what`` names the call in that message.
    """
    retry = 0
    while True:
        try:
            return await attempt()
        except RetryableTargetError as exc:
            retry += 1
            if retry >= policy.max_attempts:
                if policy.max_attempts == 1:
                    raise
                raise RetryableTargetError(
                    f"{what}: gave up after {retry} attempts (retry.max_attempts): {exc}",
                    retry_after=exc.retry_after,
                ) from exc
            delay = policy.delay(retry, exc.retry_after, rand())
            if delay is None:
                raise RetryableTargetError(
                    f"{what}: the server asks to retry after {exc.retry_after:.0f} s, more than "
                    f"retry.max_retry_after={policy.max_retry_after:g} s: {exc}",
                    retry_after=exc.retry_after,
                ) from exc
            await sleep(delay)
