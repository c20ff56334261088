"""The enforcement ladder (IM Art. 14; TC260-003 7(e), REQ-OPS-05): warn → limit → suspend.

A violation is an input the input chain blocked or answered with a canned reply (and, if
configured, a blocked model answer). Each user has two counters: violations in a row (reset by a
clean request) and violations in the current calendar day. With the defaults, the first
violation of a day warns, the third limits the user to a few requests a minute for 24 hours,
and 3 in a row or 5 in a day suspend the account until an operator reinstates it.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from hegui.gateway.config import EnforcementConfig


class Level(StrEnum):
    """The rung of the ladder a violation lands on."""

    NONE = "none"
    WARN = "warn"
    LIMIT = "limit"
    SUSPEND = "suspend"


def decide(consecutive: int, day_count: int, policy: EnforcementConfig) -> Level:
    """The rung for a user with these counters (the violation just recorded included)."""
    if consecutive >= policy.consecutive_limit or day_count >= policy.daily_limit:
        return Level.SUSPEND
    if day_count >= policy.limit_at:
        return Level.LIMIT
    if day_count >= policy.warn_at:
        return Level.WARN
    return Level.NONE


def reason(consecutive: int, day_count: int, level: Level, risk: str | None) -> str:
    """Why a rung was reached, for the ledger."""
    what = f" ({risk})" if risk else ""
    return (
        f"{level.value}: violation{what}; {consecutive} in a row, {day_count} today"
        if level is not Level.NONE
        else f"violation{what}"
    )


@dataclass(frozen=True, slots=True)
class ViolationOutcome:
    """What recording a violation did to the user."""

    level: Level
    consecutive: int
    day_count: int
    until: datetime | None
    reason: str


class RateLimiter:
    """Requests per minute for limited users, per gateway instance (a sliding-window log).

    Kept in memory: each instance limits on its own, so N instances let a limited user make up
    to N times the rate (documented in docs/gateway.md).
    """

    def __init__(self, per_minute: int) -> None:
        self.per_minute = per_minute
        self._log: dict[str, list[float]] = {}

    def allow(self, user_id: str, now: float | None = None) -> float | None:
        """``None`` when the request may go ahead (and it is counted); else seconds to wait."""
        t = time.monotonic() if now is None else now
        window = [x for x in self._log.get(user_id, ()) if t - x < 60.0]
        if len(window) >= self.per_minute:
            self._log[user_id] = window
            return 60.0 - (t - window[0])
        window.append(t)
        self._log[user_id] = window
        return None


class DailyCounter:
    """Requests per calendar day per user (the minors' daily cap), per instance."""

    def __init__(self) -> None:
        self._day: str = ""
        self._counts: dict[str, int] = {}

    def take(self, user_id: str, day: str, limit: int) -> bool:
        """Count one request; False when the user already made ``limit`` today."""
        if day != self._day:
            self._day, self._counts = day, {}
        used = self._counts.get(user_id, 0)
        if used >= limit:
            return False
        self._counts[user_id] = used + 1
        return True
