"""Real servers for the gateway tests: a mock upstream and the gateway on uvicorn, both on
127.0.0.1 with port 0, served from one background event loop."""

from __future__ import annotations

import asyncio
import json
import threading
import time
from collections.abc import Coroutine, Mapping
from concurrent.futures import Future
from pathlib import Path
from typing import Any, TypeVar

import uvicorn
from aiohttp import web

from hegui.gateway import GatewaySettings, create_app, parse_gateway_config
from hegui.gateway.db import open_gateway_engine
from hegui.gateway.identity import FieldCipher, IdentityClaim, LocalVerifier, UserStore
from hegui.gateway.service import Gateway
from hegui.targets.mock_server import MockServer

T = TypeVar("T")

PRODUCER = "001191440300708461136T1XGW3"
"""A valid 27-character provider code (regulation.md §3.5)."""
KEY = FieldCipher.generate_key()
ENV = {"HEGUI_GATEWAY_KEY": KEY}
DATA = Path(__file__).parent / "data"
ADULT_ID = "53010219200508011X"
"""GB 11643 test vector (regulation.md §5.4): born 1920."""


class Loop:
    """One asyncio loop in a daemon thread; ``run(coro)`` runs a coroutine there and waits."""

    def __init__(self) -> None:
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, daemon=True)
        self.thread.start()

    def run(self, coro: Coroutine[Any, Any, T], timeout: float = 30) -> T:
        future: Future[T] = asyncio.run_coroutine_threadsafe(coro, self.loop)
        return future.result(timeout)

    def close(self) -> None:
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(5)


class Upstream(MockServer):
    """The mock upstream of hegui.targets plus ``/v1/completions`` (text completions)."""

    slow_cancelled = 0
    """Slow streams whose reader went away before the end."""

    def app(self) -> web.Application:
        app = super().app()
        app.router.add_post("/v1/completions", self._text)
        app.router.add_post("/slow/v1/chat/completions", self._slow)
        app.router.add_get("/slow/v1/models", self._models)
        return app

    async def _slow(self, request: web.Request) -> web.StreamResponse:
        """A chat stream of 200 two-character chunks, 20 ms apart."""
        await request.read()
        resp = web.StreamResponse(headers={"Content-Type": "text/event-stream"})
        await resp.prepare(request)
        base = {"id": "slow", "object": "chat.completion.chunk", "model": "m"}
        try:
            for _ in range(200):
                choice = {"index": 0, "delta": {"content": "慢慢"}, "finish_reason": None}
                await resp.write(
                    b"data: " + json.dumps({**base, "choices": [choice]}).encode() + b"\n\n"
                )
                await asyncio.sleep(0.02)
        except (ConnectionResetError, asyncio.CancelledError):
            type(self).slow_cancelled += 1
            raise
        await resp.write(b"data: [DONE]\n\n")
        return resp

    async def _text(self, request: web.Request) -> web.StreamResponse:
        body = json.loads(await request.read())
        self.bodies.append(body)
        prompt = body["prompt"] if isinstance(body["prompt"], str) else body["prompt"][0]
        entry = self.config.answers.get(prompt)
        text = entry.answer if entry else self.config.default_answer.format(prompt=prompt)
        base = {"id": "cmpl-mock", "object": "text_completion", "model": body.get("model")}
        if not body.get("stream"):
            choice = {"index": 0, "text": text, "finish_reason": "stop", "logprobs": None}
            return web.json_response({**base, "choices": [choice]})
        resp = web.StreamResponse(headers={"Content-Type": "text/event-stream"})
        await resp.prepare(request)
        step = self.config.chunk_chars
        for i in range(0, len(text), step):
            choice = {"index": 0, "text": text[i : i + step], "finish_reason": None}
            await resp.write(
                b"data: " + json.dumps({**base, "choices": [choice]}).encode() + b"\n\n"
            )
        final = {"index": 0, "text": "", "finish_reason": "stop"}
        await resp.write(b"data: " + json.dumps({**base, "choices": [final]}).encode() + b"\n\n")
        await resp.write(b"data: [DONE]\n\n")
        await resp.write_eof()
        return resp


class GatewayServer:
    """A gateway app served by uvicorn on a free port."""

    def __init__(self, loop: Loop, settings: GatewaySettings) -> None:
        self.loop = loop
        self.app = create_app(settings)
        self.gateway: Gateway = self.app.state.gateway
        config = uvicorn.Config(
            self.app, host="127.0.0.1", port=0, log_level="warning", lifespan="on"
        )
        self.server = uvicorn.Server(config)
        self.task = asyncio.run_coroutine_threadsafe(self.server.serve(), loop.loop)
        deadline = time.monotonic() + 20
        while not self.server.started:
            if self.task.done():
                self.task.result()
            if time.monotonic() > deadline:
                raise RuntimeError("the gateway did not start")
            time.sleep(0.01)
        port = self.server.servers[0].sockets[0].getsockname()[1]
        self.url = f"http://127.0.0.1:{port}"

    def flush(self) -> None:
        """Wait until every queued event is written."""
        self.loop.run(self.gateway.writer.flush())

    def stop(self) -> None:
        self.server.should_exit = True
        self.task.result(20)


def gateway_config(upstream_url: str, **sections: Any) -> dict[str, Any]:
    """A gateway section with the test keyword library on input and output."""
    keyword = {"type": "keyword", "libraries": [str(DATA / "keywords.tsv")]}
    data: dict[str, Any] = {
        "upstreams": [{"base_url": upstream_url, "retry": {"max_attempts": 2, "base_delay": 0.01}}],
        "input": {"scanners": [dict(keyword)]},
        "output": {"scanners": [dict(keyword)]},
        "labels": {"producer": PRODUCER},
        "log": {"flush_interval_ms": 5},
        "identity": {"cache_ttl_s": 0},
    }
    for key, value in sections.items():
        if isinstance(value, dict) and isinstance(data.get(key), dict):
            data[key] = {**data[key], **value}
        else:
            data[key] = value
    return data


def start_gateway(
    loop: Loop, store_url: str, config: Mapping[str, Any], environ: Mapping[str, str] = ENV
) -> GatewayServer:
    settings = GatewaySettings(
        parse_gateway_config(dict(config)), store_url=store_url, base_dir=DATA, environ=environ
    )
    return GatewayServer(loop, settings)


def verified_user(store_url: str, handle: str, id_number: str | None = None) -> tuple[str, str]:
    """A verified user with an API key: (user id, key). Without ``id_number``, an adult with a
    random valid number (tests share a PostgreSQL schema, and identities carry suspensions)."""
    if id_number is None:
        import random

        born = f"{random.randint(1960, 2000)}{random.randint(1, 12):02d}{random.randint(1, 28):02d}"
        id_number = resident_id(born, seq=f"{random.randint(0, 999):03d}")
    engine = open_gateway_engine(store_url)
    try:
        users = UserStore(engine)
        user = users.create_user(handle)
        claim = IdentityClaim(name="张三", id_number=id_number, mobile="13800138000")
        result = asyncio.run(LocalVerifier().verify(claim))
        cipher = FieldCipher.from_env("HEGUI_GATEWAY_KEY", ENV)
        users.record_verification(user.id, claim, result, cipher, adult_age=18, actor="test")
        key = users.create_key(user.id, actor="test")
        return user.id, key.secret
    finally:
        engine.dispose()


def unverified_user(store_url: str, handle: str) -> tuple[str, str]:
    engine = open_gateway_engine(store_url)
    try:
        users = UserStore(engine)
        user = users.create_user(handle)
        return user.id, users.create_key(user.id).secret
    finally:
        engine.dispose()


def unique(prefix: str) -> str:
    """A unique name (handles and chain ids are shared by tests on one PostgreSQL schema)."""
    import uuid

    return f"{prefix}-{uuid.uuid4().hex[:8]}"


def post(
    url: str, body: bytes, headers: Mapping[str, str] | None = None, method: str = "POST"
) -> tuple[int, dict[str, str], Any]:
    """A raw HTTP request (for bodies an SDK would never send): status, headers, parsed JSON."""
    import urllib.error
    import urllib.request

    request = urllib.request.Request(url, data=body if method == "POST" else None, method=method)
    for name, value in (headers or {}).items():
        request.add_header(name, value)
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            status, raw, got = response.status, response.read(), dict(response.headers)
    except urllib.error.HTTPError as exc:
        status, raw, got = exc.code, exc.read(), dict(exc.headers)
    try:
        data = json.loads(raw)
    except ValueError:
        data = raw
    return status, got, data


def resident_id(born: str, area: str = "110101", seq: str = "123") -> str:
    """A GB 11643 resident ID number with a correct check character (born ``YYYYMMDD``)."""
    body = area + born + seq
    weights = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
    return body + "10X98765432"[sum(int(d) * w for d, w in zip(body, weights, strict=True)) % 11]
