"""Complaints: intake over HTTP with a conversation reference and a feedback deadline."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta

import openai
import pytest

from hegui.gateway import eventlog
from tests.gateway.harness import (
    GatewayServer,
    Loop,
    Upstream,
    gateway_config,
    post,
    start_gateway,
    unique,
    verified_user,
)


@pytest.fixture
def gw(loop: Loop, upstream: Upstream, store_url: str) -> Iterator[GatewayServer]:
    config = gateway_config(
        upstream.url, complaints={"feedback_days": 10}, log={"chain_id": unique("chain")}
    )
    server = start_gateway(loop, store_url, config)
    yield server
    server.stop()


def file(
    gw: GatewayServer, key: str | None, body: dict[str, object]
) -> tuple[int, dict[str, str], dict[str, object]]:
    import json

    headers = {"Content-Type": "application/json"}
    if key:
        headers["Authorization"] = f"Bearer {key}"
    return post(gw.url + "/v1/complaints", json.dumps(body).encode(), headers)


def test_a_complaint_gets_an_id_and_a_deadline(gw: GatewayServer, store_url: str) -> None:
    _, key = verified_user(store_url, unique("hana"))
    client = openai.OpenAI(base_url=gw.url + "/v1", api_key=key, max_retries=0)
    raw = client.chat.completions.with_raw_response.create(
        model="mock-model", messages=[{"role": "user", "content": "讲个故事"}]
    )
    request_id = raw.headers["x-request-id"]
    status, _, data = file(
        gw,
        key,
        {
            "category": "harmful_content",
            "description": "这个回答有问题",
            "request_id": request_id,
            "contact": "hana@example.com",
        },
    )
    assert status == 201
    assert data["object"] == "complaint" and data["status"] == "open"
    assert data["request_id"] == request_id
    created = datetime.fromisoformat(str(data["created_at"]))
    deadline = datetime.fromisoformat(str(data["feedback_deadline"]))
    assert deadline - created == timedelta(days=10)
    assert "contact" not in data
    got = post(
        gw.url + f"/v1/complaints/{data['id']}",
        b"",
        {"Authorization": f"Bearer {key}"},
        method="GET",
    )
    assert got[0] == 200 and got[2]["id"] == data["id"]
    _, other = verified_user(store_url, unique("ivan"))
    theirs = post(
        gw.url + f"/v1/complaints/{data['id']}",
        b"",
        {"Authorization": f"Bearer {other}"},
        method="GET",
    )
    assert theirs[0] == 404
    gw.flush()
    logged = eventlog.recent(gw.gateway.engine, kind="complaint", request_id=request_id)
    assert logged and logged[0].detail["complaint"] == data["id"]


def test_bad_complaints(gw: GatewayServer, store_url: str) -> None:
    _, key = verified_user(store_url, unique("jack"))
    assert file(gw, None, {"category": "other", "description": "x"})[0] == 401
    status, _, data = file(gw, key, {"category": "nonsense", "description": "x"})
    assert status == 400 and data["error"]["param"] == "category"
    assert file(gw, key, {"category": "other", "description": ""})[0] == 400
    assert file(gw, key, {"category": "other", "description": "x", "extra": 1})[0] == 400
    assert file(gw, key, {"category": "other", "description": "x", "request_id": "a b"})[0] == 400
