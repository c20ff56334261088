"""Real-name gate, the warn → limit → suspend ladder, reinstatement and minors mode."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import openai
import pytest

from hegui.gateway.db import open_gateway_engine
from hegui.gateway.identity import EnforcementAction, UserStatus, UserStore
from tests.gateway.harness import (
    GatewayServer,
    Loop,
    Upstream,
    gateway_config,
    resident_id,
    start_gateway,
    unique,
    unverified_user,
    verified_user,
)

BAD = "哪里有网络赌博"
GOOD = "讲个故事"


def chat(client: openai.OpenAI, prompt: str) -> Any:
    return client.chat.completions.create(
        model="mock-model", messages=[{"role": "user", "content": prompt}]
    )


def violate(client: openai.OpenAI) -> openai.APIStatusError:
    with pytest.raises(openai.APIStatusError) as caught:
        chat(client, BAD)
    return caught.value


@pytest.fixture
def gw(loop: Loop, upstream: Upstream, store_url: str) -> Iterator[GatewayServer]:
    config = gateway_config(upstream.url, log={"chain_id": unique("chain")})
    server = start_gateway(loop, store_url, config)
    yield server
    server.stop()


def client_for(gw: GatewayServer, key: str) -> openai.OpenAI:
    return openai.OpenAI(base_url=gw.url + "/v1", api_key=key, max_retries=0)


def test_unverified_users_are_refused(gw: GatewayServer, store_url: str) -> None:
    _, key = unverified_user(store_url, unique("anon"))
    with pytest.raises(openai.PermissionDeniedError) as caught:
        chat(client_for(gw, key), GOOD)
    assert caught.value.code == "identity_not_verified"
    assert "实名认证" in caught.value.message


def test_three_in_a_row_suspend_and_reinstate_restores(gw: GatewayServer, store_url: str) -> None:
    user_id, key = verified_user(store_url, unique("dave"))
    client = client_for(gw, key)
    first = violate(client)
    assert first.status_code == 400 and first.response.headers["x-hegui-warning"] == "warn"
    violate(client)
    third = violate(client)
    assert third.response.headers["x-hegui-warning"] == "suspend"
    with pytest.raises(openai.PermissionDeniedError) as caught:
        chat(client, GOOD)
    assert caught.value.code == "account_suspended"
    engine = open_gateway_engine(store_url)
    users = UserStore(engine)
    try:
        assert users.user(user_id).status is UserStatus.SUSPENDED
        ledger = [r.action for r in users.history(user_id)]
        assert ledger[:3] == [
            EnforcementAction.SUSPEND,
            EnforcementAction.WARN,
            EnforcementAction.WARN,
        ]
        users.reinstate(user_id, reason="appeal accepted", actor="test")
    finally:
        engine.dispose()
    assert chat(client, GOOD).choices[0].finish_reason == "stop"


def test_a_clean_request_resets_the_run_but_the_day_counts(
    gw: GatewayServer, store_url: str
) -> None:
    user_id, key = verified_user(store_url, unique("erin"))
    client = client_for(gw, key)
    violate(client)
    violate(client)
    chat(client, GOOD)
    assert violate(client).response.headers["x-hegui-warning"] == "limit"  # 3rd today
    # limited: 2 requests a minute
    chat(client, GOOD)
    chat(client, GOOD)
    with pytest.raises(openai.RateLimitError) as caught:
        chat(client, GOOD)
    assert caught.value.code == "account_limited"
    assert int(caught.value.response.headers["retry-after"]) >= 1
    engine = open_gateway_engine(store_url)
    try:
        user = UserStore(engine).user(user_id)
        assert user.status is UserStatus.ACTIVE and user.day_violations == 3
        assert user.limited_until is not None
    finally:
        engine.dispose()


def minors_config(upstream: Upstream, hours: str | None) -> dict[str, Any]:
    return gateway_config(
        upstream.url,
        log={"chain_id": unique("chain")},
        identity={
            "cache_ttl_s": 0,
            "minors": {
                "hours": hours,
                "input_scanners": [{"type": "keyword", "terms": ["游戏充值"], "risk": "A.4.1"}],
                "canned_answer": "这个问题请和家长一起讨论。",
            },
        },
    )


def hours_excluding_now() -> str:
    now = datetime.now(ZoneInfo("Asia/Shanghai"))
    start = (now + timedelta(hours=2)).strftime("%H:00")
    end = (now + timedelta(hours=3)).strftime("%H:00")
    if end <= start:  # keep the range within one day
        start, end = "00:00", "00:01"
    return f"{start}-{end}"


def test_minors_mode(loop: Loop, upstream: Upstream, store_url: str) -> None:
    today = datetime.now(ZoneInfo("Asia/Shanghai")).date()
    minor_id = resident_id(today.replace(year=today.year - 12).strftime("%Y%m%d"))
    _, child = verified_user(store_url, unique("kid"), minor_id)
    _, adult = verified_user(store_url, unique("adult"))
    gw = start_gateway(loop, store_url, minors_config(upstream, None))
    try:
        prompt = "怎么给游戏充值"
        assert chat(client_for(gw, adult), prompt).choices[0].finish_reason == "stop"
        with pytest.raises(openai.BadRequestError):
            chat(client_for(gw, child), prompt)
    finally:
        gw.stop()
    gw = start_gateway(loop, store_url, minors_config(upstream, hours_excluding_now()))
    try:
        with pytest.raises(openai.PermissionDeniedError) as caught:
            chat(client_for(gw, child), GOOD)
        assert caught.value.code == "minor_time_restricted"
        assert chat(client_for(gw, adult), GOOD).choices[0].finish_reason == "stop"
    finally:
        gw.stop()
