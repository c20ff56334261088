"""Records of users, API keys and enforcement actions (no personal numbers in any of them)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum
from typing import Any

from pydantic import BaseModel, ConfigDict

from hegui.gateway.db import as_utc


class UserStatus(StrEnum):
    """Whether a user may use the service."""

    ACTIVE = "active"
    SUSPENDED = "suspended"


class EnforcementAction(StrEnum):
    """Actions recorded in the enforcement ledger (IM Art. 14: keep records)."""

    WARN = "warn"
    LIMIT = "limit"
    SUSPEND = "suspend"
    REINSTATE = "reinstate"
    VERIFY = "verify"
    VERIFY_FAILED = "verify_failed"
    KEY_CREATED = "key_created"
    KEY_REVOKED = "key_revoked"


class UserRecord(BaseModel):
    """A user as listed by ``hegui users``: status and counters, never ID or phone numbers."""

    model_config = ConfigDict(frozen=True)

    id: str
    handle: str
    status: UserStatus
    verified: bool
    verified_at: datetime | None = None
    verifier: str | None = None
    minor_until: date | None = None
    limited_until: datetime | None = None
    suspended_until: datetime | None = None
    consecutive_violations: int = 0
    day_violations: int = 0
    violation_day: date | None = None
    created_at: datetime

    @classmethod
    def from_row(cls, row: Any) -> UserRecord:
        """From a ``gw_users`` row."""
        return cls(
            id=row.id,
            handle=row.handle,
            status=UserStatus(row.status),
            verified=bool(row.verified),
            verified_at=as_utc(row.verified_at),
            verifier=row.verifier,
            minor_until=row.minor_until,
            limited_until=as_utc(row.limited_until),
            suspended_until=as_utc(row.suspended_until),
            consecutive_violations=row.consecutive_violations,
            day_violations=row.day_violations,
            violation_day=row.violation_day,
            created_at=as_utc(row.created_at),
        )


class ApiKeyRecord(BaseModel):
    """An API key as listed (its hint only; the secret is shown once, at creation)."""

    model_config = ConfigDict(frozen=True)

    id: str
    user_id: str
    hint: str
    label: str | None = None
    created_at: datetime
    revoked_at: datetime | None = None


class EnforcementRecord(BaseModel):
    """One entry of the enforcement ledger."""

    model_config = ConfigDict(frozen=True)

    id: int
    user_id: str
    action: EnforcementAction
    reason: str
    actor: str
    request_id: str | None = None
    until: datetime | None = None
    created_at: datetime

    @classmethod
    def from_row(cls, row: Any) -> EnforcementRecord:
        """A row of ``gw_enforcement``."""
        return cls(
            id=row.id,
            user_id=row.user_id,
            action=EnforcementAction(row.action),
            reason=row.reason,
            actor=row.actor,
            request_id=row.request_id,
            until=as_utc(row.until),
            created_at=as_utc(row.created_at),
        )


@dataclass(slots=True)
class Principal:
    """The user behind an API key, as the request path needs it (cached per instance)."""

    user_id: str
    key_id: str
    handle: str
    status: UserStatus
    verified: bool
    minor_until: date | None
    limited_until: datetime | None
    suspended_until: datetime | None
    consecutive_violations: int

    def suspended(self, now: datetime) -> bool:
        """Whether a suspension is in force at ``now``."""
        if self.status is not UserStatus.SUSPENDED:
            return False
        return self.suspended_until is None or now < self.suspended_until

    def limited(self, now: datetime) -> bool:
        """Whether a rate limit is in force at ``now``."""
        return self.limited_until is not None and now < self.limited_until

    def minor(self, today: date) -> bool:
        """Whether the user is a minor on ``today``."""
        return self.minor_until is not None and today < self.minor_until


@dataclass(frozen=True, slots=True)
class CreatedKey:
    """A new API key: ``secret`` is shown once and never stored."""

    id: str
    user_id: str
    secret: str
    hint: str
