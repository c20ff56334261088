"""Who may send a request: API key, real-name verification, suspension, limits, minors' hours.

Every refusal is an OpenAI-style error with a ``code`` a client can act on:
``missing_api_key``/``invalid_api_key`` (401), ``identity_not_verified``, ``account_suspended``,
``minor_time_restricted`` (403), ``account_limited``, ``minor_daily_limit`` (429),
``counters_unavailable`` (503: the shared counters of a limited user or a minor cannot be reached).
"""

from __future__ import annotations

import asyncio
import logging
import math
from collections.abc import Awaitable
from typing import TypeVar

from starlette.requests import Request

from hegui.gateway.context import RequestContext
from hegui.gateway.db import now_utc
from hegui.gateway.enforcement import Level
from hegui.gateway.errors import ApiError
from hegui.gateway.eventlog import Event, ts_us
from hegui.gateway.identity.records import Principal
from hegui.gateway.identity.users import KEY_PREFIX
from hegui.gateway.service import Gateway

log = logging.getLogger("hegui.gateway.access")
T = TypeVar("T")


def bearer(request: Request) -> str | None:
    """The bearer token of a request, if any."""
    header = request.headers.get("authorization", "")
    if header[:7].lower() != "bearer ":
        return None
    return header[7:].strip() or None


async def identify(gw: Gateway, request: Request, *, required: bool = True) -> Principal | None:
    """The request's principal; 401 when a key is required and missing, unknown or revoked."""
    secret = bearer(request)
    if secret is None:
        if not required:
            return None
        raise ApiError(
            401,
            "no API key: send 'Authorization: Bearer <key>' (keys are issued with "
            "`hegui users key create`)",
            code="missing_api_key",
        )
    principal = None
    if secret.startswith(KEY_PREFIX) and len(secret) < 200:
        principal = await gw.principal(secret)
    if principal is None:
        raise ApiError(401, "the API key is not valid or has been revoked", code="invalid_api_key")
    return principal


async def authorize(gw: Gateway, request: Request, ctx: RequestContext) -> Principal:
    """Identify the caller and apply the account checks, in order (see the module docstring)."""
    principal = await identify(gw, request)
    assert principal is not None
    ctx.principal = principal
    now = now_utc()
    if principal.suspended(now):
        until = principal.suspended_until
        when = f" until {until.isoformat(timespec='minutes')}" if until else ""
        raise ApiError(
            403,
            f"this account is suspended{when} for repeated violations; file an appeal at "
            "POST /v1/complaints (category 'account')",
            code="account_suspended",
        )
    if gw.config.identity.require_verified and not principal.verified:
        raise ApiError(
            403,
            "this account has not completed real-name verification (实名认证); the service "
            "is available after verification",
            code="identity_not_verified",
        )
    local = gw.local_now()
    if principal.minor(local.date()):
        ctx.minor = True
        minors = gw.config.identity.minors
        window = minors.window()
        if window is not None and not window[0] <= local.time() <= window[1]:
            raise ApiError(
                403,
                f"minors mode: the service is available {minors.hours} "
                f"({gw.config.server.timezone})",
                code="minor_time_restricted",
            )
        if minors.daily_requests is not None and not await _counted(
            gw.counters.take_daily(
                principal.user_id, local.date().isoformat(), minors.daily_requests
            )
        ):
            raise ApiError(
                429,
                f"minors mode: the daily limit of {minors.daily_requests} requests is reached",
                code="minor_daily_limit",
            )
    if principal.limited(now):
        wait = await _counted(gw.counters.allow(principal.user_id, gw.config.enforcement.limit_rpm))
        if wait is not None:
            raise ApiError(
                429,
                f"this account is limited to {gw.config.enforcement.limit_rpm} requests a minute "
                "after violations",
                code="account_limited",
                headers={"Retry-After": str(max(1, math.ceil(wait)))},
            )
    return principal


async def _counted(check: Awaitable[T]) -> T:
    """Await a counter; when the shared counters cannot be reached, refuse (fail closed)."""
    try:
        return await check
    except ApiError:
        raise
    except Exception as exc:  # the Redis client's connection and timeout errors
        raise ApiError(
            503,
            "the request counters are unavailable; try again shortly",
            code="counters_unavailable",
        ) from exc


async def count_violation(gw: Gateway, ctx: RequestContext, risk: str | None) -> None:
    """Record a violation against the caller and apply the ladder (warn → limit → suspend)."""
    principal = ctx.principal
    if principal is None:
        return
    outcome = await asyncio.to_thread(
        gw.users.record_violation,
        principal.user_id,
        today=gw.today(),
        policy=gw.config.enforcement,
        risk=risk,
        request_id=ctx.request_id,
    )
    ctx.violation = outcome
    principal.consecutive_violations = outcome.consecutive
    if outcome.level is Level.NONE:
        return
    gw.metrics.enforcement.labels(outcome.level.value).inc()
    gw.forget(principal.user_id)
    gw.writer.submit(
        Event(
            kind="enforcement",
            ts_us=ts_us(now_utc()),
            request_id=ctx.request_id,
            user_id=principal.user_id,
            key_id=principal.key_id,
            action=outcome.level.value,
            detail={
                "reason": outcome.reason,
                "until": outcome.until.isoformat() if outcome.until else None,
                "consecutive": outcome.consecutive,
                "today": outcome.day_count,
            },
        )
    )
    if outcome.level is Level.SUSPEND:
        log.warning("user %s suspended: %s", principal.user_id, outcome.reason)


async def clean_request(gw: Gateway, ctx: RequestContext) -> None:
    """A request without a violation ends the user's run of violations."""
    principal = ctx.principal
    if principal is not None and principal.consecutive_violations > 0:
        await asyncio.to_thread(gw.users.reset_consecutive, principal.user_id)
        principal.consecutive_violations = 0
