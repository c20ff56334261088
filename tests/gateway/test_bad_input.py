"""Bad input and failing upstreams: OpenAI-style errors with the right status, never a 500."""

from __future__ import annotations

import json
import socket
from collections.abc import Iterator
from typing import Any

import openai
import pytest

from hegui.gateway.db import open_gateway_engine
from hegui.gateway.identity import UserStore
from hegui.targets.mock_server import MockConfig
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

CHAT = {"model": "mock-model", "messages": [{"role": "user", "content": "讲个故事"}]}


@pytest.fixture
def gw(loop: Loop, upstream: Upstream, sqlite_url: str) -> Iterator[GatewayServer]:
    server = start_gateway(
        loop, sqlite_url, gateway_config(upstream.url, limits={"max_body_bytes": 2048})
    )
    yield server
    server.stop()


@pytest.fixture
def key(gw: GatewayServer, sqlite_url: str) -> str:
    return verified_user(sqlite_url, unique("bob"))[1]


def call(
    gw: GatewayServer, key: str | None, body: Any, **headers: str
) -> tuple[int, dict[str, str], Any]:
    sent = {"Content-Type": "application/json", **headers}
    if key is not None:
        sent["Authorization"] = f"Bearer {key}"
    data = body if isinstance(body, bytes) else json.dumps(body).encode()
    return post(gw.url + "/v1/chat/completions", data, sent)


def error(result: tuple[int, dict[str, str], Any]) -> tuple[int, str]:
    status, _, data = result
    assert set(data["error"]) == {"message", "type", "param", "code"}
    return status, data["error"]["code"]


@pytest.mark.parametrize(
    ("body", "headers", "expected"),
    [
        (b"{not json", {}, (400, "invalid_json")),
        (b"", {}, (400, "invalid_json")),
        (b"[1, 2]", {}, (400, "invalid_json")),
        ({"model": "m"}, {}, (400, "invalid_request")),
        ({"model": "m", "messages": "hi"}, {}, (400, "invalid_request")),
        (
            {"model": "", "messages": [{"role": "user", "content": "x"}]},
            {},
            (400, "invalid_request"),
        ),
        (
            {"model": "m", "messages": [{"role": "robot", "content": "x"}]},
            {},
            (400, "invalid_request"),
        ),
        ({**CHAT, "stream": "yes"}, {}, (400, "invalid_request")),
        (
            {"model": "m", "messages": [{"role": "user", "content": [{"type": "image_url"}]}]},
            {},
            (400, "unsupported_content"),
        ),
        (CHAT, {"Content-Type": "text/plain"}, (415, "unsupported_media_type")),
        ({**CHAT, "pad": "x" * 5000}, {}, (413, "request_too_large")),
    ],
)
def test_malformed_requests(
    gw: GatewayServer, key: str, body: Any, headers: dict[str, str], expected: tuple[int, str]
) -> None:
    assert error(call(gw, key, body, **headers)) == expected


def test_keys(gw: GatewayServer, key: str, sqlite_url: str) -> None:
    assert error(call(gw, None, CHAT)) == (401, "missing_api_key")
    assert error(call(gw, "hg-not-a-real-key", CHAT)) == (401, "invalid_api_key")
    assert error(call(gw, "sk-something-else", CHAT)) == (401, "invalid_api_key")
    assert call(gw, key, CHAT)[0] == 200
    engine = open_gateway_engine(sqlite_url)
    users = UserStore(engine)
    principal = users.principal(key)
    assert principal is not None
    users.revoke_key(principal.key_id, reason="leaked", actor="test")
    engine.dispose()
    assert error(call(gw, key, CHAT)) == (401, "invalid_api_key")


def test_unknown_routes_and_methods(gw: GatewayServer) -> None:
    assert error(post(gw.url + "/v1/nothing", b"{}")) == (404, "not_found")
    assert error(post(gw.url + "/v1/chat/completions", b"", method="GET")) == (
        405,
        "method_not_allowed",
    )


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def faulty(loop: Loop) -> Iterator[Any]:
    """Start mock upstreams with given configs; stop them afterwards."""
    started: list[Upstream] = []

    def make(config: MockConfig) -> Upstream:
        server = Upstream(config)
        loop.run(server.start())
        started.append(server)
        return server

    yield make
    for server in started:
        loop.run(server.stop())


def run_gateway(loop: Loop, url: str, upstreams: list[dict[str, Any]]) -> tuple[GatewayServer, str]:
    gw = start_gateway(loop, url, gateway_config("http://unused/v1", upstreams=upstreams))
    return gw, verified_user(url, unique("carol"))[1]


def test_retry_then_success_and_failover(loop: Loop, faulty: Any, sqlite_url: str) -> None:
    flaky = faulty(MockConfig(script=("500",)))
    dead = f"http://127.0.0.1:{free_port()}/v1"
    retry = {"max_attempts": 3, "base_delay": 0.01}
    gw, key = run_gateway(
        loop,
        sqlite_url,
        [{"base_url": flaky.url, "retry": retry}, {"base_url": dead, "retry": retry}],
    )
    try:
        client = openai.OpenAI(base_url=gw.url + "/v1", api_key=key, max_retries=0)
        for _ in range(4):  # round robin starts on either upstream; every call must succeed
            answer = client.chat.completions.create(**CHAT)  # type: ignore[call-overload]
            assert answer.choices[0].message.content.startswith("Mock answer")
    finally:
        gw.stop()


@pytest.mark.parametrize(
    ("config", "upstream_extra", "expected"),
    [
        (MockConfig(fail_rate=1.0, fail_kinds=("500",)), {}, (502, "upstream_error")),
        (
            MockConfig(fail_rate=1.0, fail_kinds=("429",), retry_after_s=1),
            {},
            (429, "upstream_rate_limited"),
        ),
        (
            MockConfig(fail_rate=1.0, fail_kinds=("hang",), hang_s=30),
            {"timeout_s": 0.3},
            (504, "upstream_timeout"),
        ),
        (MockConfig(fail_rate=1.0, fail_kinds=("non_json",)), {}, (502, "upstream_error")),
        (MockConfig(max_prompt_chars=2), {}, (400, "upstream_rejected")),
    ],
)
def test_upstream_failures(
    loop: Loop,
    faulty: Any,
    sqlite_url: str,
    config: MockConfig,
    upstream_extra: dict[str, Any],
    expected: tuple[int, str],
) -> None:
    server = faulty(config)
    entry = {
        "base_url": server.url,
        "retry": {"max_attempts": 2, "base_delay": 0.01},
        **upstream_extra,
    }
    gw, key = run_gateway(loop, sqlite_url, [entry])
    try:
        assert error(call(gw, key, CHAT)) == expected
    finally:
        gw.stop()


def test_unreachable_upstream(loop: Loop, sqlite_url: str) -> None:
    dead = f"http://127.0.0.1:{free_port()}/v1"
    gw, key = run_gateway(loop, sqlite_url, [{"base_url": dead, "retry": {"max_attempts": 1}}])
    try:
        assert error(call(gw, key, CHAT)) == (502, "upstream_unavailable")
    finally:
        gw.stop()


def test_a_stream_cut_short_ends_with_an_error_and_no_unchecked_text(
    loop: Loop, faulty: Any, sqlite_url: str
) -> None:
    text = "这是一段很长的回答，" * 10 + "制作炸药" + "的方法。"
    server = faulty(MockConfig(default_answer=text, script=("truncate",), chunk_chars=5))
    gw, key = run_gateway(loop, sqlite_url, [{"base_url": server.url}])
    try:
        client = openai.OpenAI(base_url=gw.url + "/v1", api_key=key, max_retries=0)
        received = []
        with pytest.raises(openai.APIError):
            for chunk in client.chat.completions.create(**CHAT, stream=True):  # type: ignore[call-overload]
                if chunk.choices:
                    received.append(chunk.choices[0].delta.content or "")
        assert text.startswith("".join(received))
    finally:
        gw.stop()


def test_the_gateway_fails_closed_when_events_cannot_be_written(
    loop: Loop, upstream: Upstream, sqlite_url: str
) -> None:
    from hegui.gateway import eventlog
    from hegui.gateway import tables as t

    config = gateway_config(upstream.url, log={"max_queue": 10, "batch_size": 1})
    gw = start_gateway(loop, sqlite_url, config)
    key = verified_user(sqlite_url, unique("dan"))[1]
    try:
        engine = gw.gateway.engine
        t.events.drop(engine)  # the database loses the event table
        statuses = []
        for _ in range(30):
            status, _, data = call(gw, key, CHAT)
            statuses.append(status)
            if status == 503:
                assert data["error"]["code"] == "event_log_unavailable"
                break
        assert statuses[-1] == 503, statuses
        assert post(gw.url + "/readyz", b"", method="GET")[0] == 503
        t.events.create(engine)  # back
        gw.flush()
        assert call(gw, key, CHAT)[0] == 200
        gw.flush()
        assert post(gw.url + "/readyz", b"", method="GET")[0] == 200
        report = eventlog.verify_log(engine, gw.gateway.chain_id)
        assert report.ok and report.events >= 10
    finally:
        gw.stop()
