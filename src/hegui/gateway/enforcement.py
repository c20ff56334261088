"""The enforcement ladder (IM Art. 14; TC260-003 7(e), REQ-OPS-05): warn → limit → suspend.

A violation is an input the input chain blocked or answered with a canned reply (and, if
configured, a blocked model answer). Each user has two counters: violations in a row (reset by a
clean request) and violations in the current calendar day. With the defaults, the first
violation of a day warns, the third limits the user to a few requests a minute for 24 hours,
and 3 in a row or 5 in a day suspend the account until an operator reinstates it.
"""

from __future__ import annotations

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
