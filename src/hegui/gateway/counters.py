"""Request counters behind the enforcement limits: a limited user's requests per minute and a
minor's requests per day.

Two implementations with one interface: :class:`MemoryCounters` (the default) counts inside one
gateway process, so N instances behind a load balancer let a user make up to N times the limit;
:class:`RedisCounters` (``gateway.counters: redis://…``) counts in Redis, shared by every instance.
Redis is asked once per limited or minor request (one round trip, an atomic Lua script), never
for ordinary users.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Protocol

from hegui.errors import ConfigError, MissingExtraError

_PREFIX = "hegui:gw:"
_WINDOW_S = 60.0

# A sliding-window log in a sorted set: drop entries older than the window, then admit the
# request if fewer than the limit remain (returning 0) or return the milliseconds to wait.
_RATE_SCRIPT = """
local key, now, window, limit, member = KEYS[1], tonumber(ARGV[1]), tonumber(ARGV[2]),
    tonumber(ARGV[3]), ARGV[4]
redis.call('ZREMRANGEBYSCORE', key, '-inf', now - window)
if redis.call('ZCARD', key) >= limit then
  local oldest = redis.call('ZRANGE', key, 0, 0, 'WITHSCORES')
  return math.max(1, math.ceil(window - (now - tonumber(oldest[2]))))
end
redis.call('ZADD', key, now, member)
redis.call('PEXPIRE', key, window)
return 0
"""
# A day's count that never exceeds the limit (a refused request is not counted).
_DAILY_SCRIPT = """
local used = tonumber(redis.call('GET', KEYS[1]) or '0')
if used >= tonumber(ARGV[1]) then return 0 end
redis.call('INCR', KEYS[1])
redis.call('EXPIRE', KEYS[1], 172800)
return 1
"""


class Counters(Protocol):
    """What the access checks ask before admitting a request."""

    async def allow(self, user_id: str, per_minute: int) -> float | None:
        """``None`` when a limited user's request may go ahead (and it is counted); else the
        seconds to wait."""
        ...

    async def take_daily(self, user_id: str, day: str, limit: int) -> bool:
        """Count one request of ``day``; False (not counted) when ``limit`` is already used."""
        ...

    async def aclose(self) -> None:
        """Release connections."""
        ...


class MemoryCounters:
    """Counters of this process only (a sliding-window log per user; a count per user and day)."""

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self._clock = clock
        self._log: dict[str, list[float]] = {}
        self._day = ""
        self._counts: dict[str, int] = {}

    async def allow(self, user_id: str, per_minute: int) -> float | None:
        t = self._clock()
        window = [x for x in self._log.get(user_id, ()) if t - x < _WINDOW_S]
        self._log[user_id] = window
        if len(window) >= per_minute:
            return _WINDOW_S - (t - window[0])
        window.append(t)
        return None

    async def take_daily(self, user_id: str, day: str, limit: int) -> bool:
        if day != self._day:
            self._day, self._counts = day, {}
        used = self._counts.get(user_id, 0)
        if used >= limit:
            return False
        self._counts[user_id] = used + 1
        return True

    async def aclose(self) -> None:
        return None


class RedisCounters:
    """Counters in Redis, shared by every gateway instance using the same server and database.

    Keys: ``hegui:gw:rate:<user>`` (a sorted set, expires after a minute idle) and
    ``hegui:gw:day:<day>:<user>`` (expires after two days). Time comes from this host's clock in
    milliseconds; keep the instances' clocks in sync (NTP), as the event log needs anyway.
    """

    def __init__(self, url: str) -> None:
        try:
            from redis.asyncio import Redis
        except ImportError:
            raise MissingExtraError("gateway.counters: redis", "gateway") from None
        self.url = url
        self._redis = Redis.from_url(url)
        self._rate = self._redis.register_script(_RATE_SCRIPT)
        self._daily = self._redis.register_script(_DAILY_SCRIPT)
        self._seq = 0

    async def allow(self, user_id: str, per_minute: int) -> float | None:
        now_ms = int(time.time() * 1000)
        self._seq += 1
        member = f"{now_ms}-{id(self)}-{self._seq}"  # unique per request across instances
        wait_ms = await self._rate(
            keys=[f"{_PREFIX}rate:{user_id}"],
            args=[now_ms, int(_WINDOW_S * 1000), per_minute, member],
        )
        return None if int(wait_ms) == 0 else int(wait_ms) / 1000

    async def take_daily(self, user_id: str, day: str, limit: int) -> bool:
        taken = await self._daily(keys=[f"{_PREFIX}day:{day}:{user_id}"], args=[limit])
        return bool(int(taken))

    async def ping(self) -> None:
        """Raise :class:`ConfigError` when the server cannot be reached."""
        try:
            await self._redis.ping()
        except Exception as exc:  # redis raises its own ConnectionError / TimeoutError tree
            raise ConfigError(
                f"cannot reach the counters' Redis at {self.url}: {exc}; start it or fix "
                "gateway.counters",
                field="gateway.counters",
            ) from None

    async def aclose(self) -> None:
        await self._redis.aclose()


def open_counters(url: str | None) -> MemoryCounters | RedisCounters:
    """The counters ``gateway.counters`` names: Redis for a ``redis://``/``rediss://``/
    ``unix://`` URL, else this process's memory."""
    if url is None:
        return MemoryCounters()
    if not url.startswith(("redis://", "rediss://", "unix://")):
        raise ConfigError(
            f"gateway.counters must be a redis:// URL (or null for per-instance counters), "
            f"not {url!r}",
            field="gateway.counters",
        )
    return RedisCounters(url)
