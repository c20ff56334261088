"""A local mock of an OpenAI-compatible chat endpoint, for tests, demos and benchmarks.

In-process::

    async with MockServer(MockConfig(latency_s=0.05)) as server:
        target = OpenAITarget(OpenAISpec(base_url=server.url, model="m", api_key_env=None))
        ...
        assert server.stats.by_prompt[item.content_hash()] == 1

As a process (prints its base URL once it accepts connections; stops on SIGTERM/SIGINT)::

    python -m hegui.targets.mock_server --port 0 --latency-ms 200 --answers a.jsonl \\
        --fail-rate 0.1 --fail-kinds 429,500

Endpoints: ``POST /v1/chat/completions`` (streaming or not), ``GET /v1/models``,
``GET /stats`` (JSON counts per conversation hash), ``POST /stats/reset``.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import signal
import sys
import time
from collections import Counter, deque
from collections.abc import Sequence
from dataclasses import dataclass, field
from types import TracebackType
from typing import Any

from aiohttp import web

from hegui.errors import HeguiError
from hegui.targets.mock_config import (
    FAULT_KINDS,
    MockAnswer,
    MockConfig,
    conversation_hash,
    load_answers,
)

__all__ = ["FAULT_KINDS", "MockAnswer", "MockConfig", "MockServer", "MockStats", "main"]


@dataclass
class MockStats:
    """Counts since start (or the last reset). Keys of the per-prompt counters are conversation
    hashes (:meth:`BankItem.content_hash` of what was sent)."""

    requests: int = 0
    answered: int = 0
    faults: Counter[str] = field(default_factory=Counter)
    by_prompt: Counter[str] = field(default_factory=Counter)
    answered_by_prompt: Counter[str] = field(default_factory=Counter)

    def to_json(self) -> dict[str, Any]:
        """The ``/stats`` document."""
        return {
            "requests": self.requests,
            "answered": self.answered,
            "faults": dict(self.faults),
            "by_prompt": dict(self.by_prompt),
            "answered_by_prompt": dict(self.answered_by_prompt),
        }


def _json(data: Any, status: int = 200, headers: dict[str, str] | None = None) -> web.Response:
    body = json.dumps(data, ensure_ascii=False).encode()
    return web.Response(body=body, status=status, headers=headers, content_type="application/json")


def _error(status: int, message: str, headers: dict[str, str] | None = None) -> web.Response:
    kind = "invalid_request_error" if status < 500 else "server_error"
    return _json({"error": {"message": message, "type": kind, "code": status}}, status, headers)


def _sse(data: Any) -> bytes:
    return b"data: " + json.dumps(data, ensure_ascii=False).encode() + b"\n\n"


class MockServer:
    """The mock endpoint; an async context manager that serves on ``host:port`` (0 = any free).

    ``url`` is the base URL to configure (``http://127.0.0.1:PORT/v1``). ``stats`` and
    ``bodies`` (recent request bodies, oldest first) are live; :meth:`reset` clears them.
    """

    def __init__(self, config: MockConfig | None = None, *, host: str = "127.0.0.1", port: int = 0):
        self.config = config or MockConfig()
        self.host, self.port = host, port
        self.stats = MockStats()
        self.bodies: deque[dict[str, Any]] = deque(maxlen=self.config.keep_bodies)
        self._runner: web.AppRunner | None = None

    @property
    def url(self) -> str:
        """Base URL of the OpenAI-compatible API, ending in ``/v1``."""
        return f"http://{self.host}:{self.port}/v1"

    def reset(self) -> None:
        """Forget counts and recorded bodies (scripted faults start over too)."""
        self.stats = MockStats()
        self.bodies.clear()

    def app(self) -> web.Application:
        """The aiohttp application (for embedding in another server)."""
        app = web.Application(client_max_size=64 * 1024 * 1024)
        app.router.add_post("/v1/chat/completions", self._chat)
        app.router.add_get("/v1/models", self._models)
        app.router.add_get("/stats", self._stats)
        app.router.add_post("/stats/reset", self._reset)
        return app

    async def start(self) -> str:
        """Start serving; return :attr:`url`."""
        # Hanging requests (fault "hang") end when their client gives up, and must not delay
        # shutdown.
        self._runner = web.AppRunner(
            self.app(), access_log=None, shutdown_timeout=0.2, handler_cancellation=True
        )
        await self._runner.setup()
        site = web.TCPSite(self._runner, self.host, self.port)
        await site.start()
        self.port = self._runner.addresses[0][1]
        return self.url

    async def stop(self) -> None:
        """Stop serving (idempotent)."""
        runner, self._runner = self._runner, None
        if runner is not None:
            await runner.cleanup()

    async def __aenter__(self) -> MockServer:
        await self.start()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.stop()

    async def _models(self, request: web.Request) -> web.Response:
        names = self.config.models or ("mock-model",)
        data = [{"id": n, "object": "model", "owned_by": "hegui-mock"} for n in names]
        return _json({"object": "list", "data": data})

    async def _stats(self, request: web.Request) -> web.Response:
        return _json(self.stats.to_json())

    async def _reset(self, request: web.Request) -> web.Response:
        self.reset()
        return _json({"ok": True})

    async def _chat(self, request: web.Request) -> web.StreamResponse:
        cfg = self.config
        if cfg.api_key is not None and request.headers.get("Authorization") != (
            f"Bearer {cfg.api_key}"
        ):
            return _error(401, "Incorrect API key provided.")
        try:
            body = json.loads(await request.read())
        except ValueError:
            return _error(400, "the request body is not JSON")
        messages = body.get("messages") if isinstance(body, dict) else None
        if (
            not isinstance(messages, list)
            or not messages
            or not all(isinstance(m, dict) and isinstance(m.get("content"), str) for m in messages)
        ):
            return _error(400, "'messages' must be a non-empty list of {role, content}")
        length = sum(len(m["content"]) for m in messages)
        if cfg.max_prompt_chars is not None and length > cfg.max_prompt_chars:
            return _error(
                400,
                f"This model's maximum context length is {cfg.max_prompt_chars} characters; "
                f"the messages have {length}.",
            )
        model = body.get("model")
        if cfg.models and model not in cfg.models:
            return _error(404, f"The model `{model}` does not exist.")

        key = conversation_hash(messages)
        stats = self.stats
        stats.requests += 1
        stats.by_prompt[key] += 1
        self.bodies.append(body)
        prompt = messages[-1]["content"]
        entry = cfg.answers.get(key) or cfg.answers.get(prompt)
        fault = cfg.fault_for(stats.requests, key, stats.by_prompt[key], entry)
        delay = entry.delay_s if entry is not None and entry.delay_s is not None else cfg.latency_s
        if delay:
            await asyncio.sleep(delay)

        if fault != "ok":
            stats.faults[fault] += 1
            if fault == "429":
                retry = cfg.retry_after_s
                headers = {"Retry-After": f"{retry:g}"} if retry is not None else None
                return _error(429, "Rate limit reached; retry later.", headers)
            if fault == "500":
                return _error(500, "The server had an error while processing your request.")
            if fault == "hang":
                await asyncio.sleep(cfg.hang_s)
                return _error(504, "hung")
            if fault == "non_json":
                return web.Response(
                    text="<html><body><h1>502 Bad Gateway</h1></body></html>",
                    content_type="text/html",
                )
            if fault == "disconnect":
                if request.transport is not None:
                    request.transport.close()
                return web.Response()
        text = entry.answer if entry is not None else cfg.default_answer.format(prompt=prompt)
        finish = "stop"
        if fault == "content_filter":
            text, finish = "", "content_filter"
        max_tokens = body.get("max_tokens")
        if isinstance(max_tokens, int) and 0 < max_tokens < len(text):
            text, finish = text[:max_tokens], "length"
        usage = {
            "prompt_tokens": length,
            "completion_tokens": len(text),
        }
        usage["total_tokens"] = usage["prompt_tokens"] + usage["completion_tokens"]
        completion_id = f"chatcmpl-mock-{stats.requests}"
        if body.get("stream"):
            return await self._stream(request, body, completion_id, text, finish, usage, fault, key)
        data = {
            "id": completion_id,
            "object": "chat.completion",
            "created": int(time.time()),
            "model": model,
            "choices": [
                {
                    "index": 0,
                    "message": {"role": "assistant", "content": text},
                    "finish_reason": finish,
                }
            ],
            "usage": usage,
        }
        if fault == "truncate":
            return await self._truncated(request, json.dumps(data).encode())
        stats.answered += 1
        stats.answered_by_prompt[key] += 1
        return _json(data)

    async def _truncated(self, request: web.Request, full: bytes) -> web.StreamResponse:
        """Promise the whole body, send half, close the connection."""
        resp = web.StreamResponse()
        resp.content_type = "application/json"
        resp.content_length = len(full)
        await resp.prepare(request)
        await resp.write(full[: len(full) // 2])
        if request.transport is not None:
            request.transport.close()
        return resp

    async def _stream(
        self,
        request: web.Request,
        body: dict[str, Any],
        completion_id: str,
        text: str,
        finish: str,
        usage: dict[str, int],
        fault: str,
        key: str,
    ) -> web.StreamResponse:
        resp = web.StreamResponse(headers={"Cache-Control": "no-cache"})
        resp.content_type = "text/event-stream"
        await resp.prepare(request)
        base = {"id": completion_id, "object": "chat.completion.chunk", "model": body.get("model")}

        def chunk(delta: dict[str, str], reason: str | None = None) -> bytes:
            return _sse(
                {**base, "choices": [{"index": 0, "delta": delta, "finish_reason": reason}]}
            )

        # A keep-alive comment first, as real servers send while the model warms up.
        out = [b": keep-alive\n\n", chunk({"role": "assistant", "content": ""})]
        step = self.config.chunk_chars
        out += [chunk({"content": text[i : i + step]}) for i in range(0, len(text), step)]
        if fault == "truncate":
            await resp.write(b"".join(out[: max(2, len(out) // 2)]))
            if request.transport is not None:
                request.transport.close()
            return resp
        out.append(chunk({}, finish))
        options = body.get("stream_options")
        if isinstance(options, dict) and options.get("include_usage"):
            out.append(_sse({**base, "choices": [], "usage": usage}))
        out.append(b"data: [DONE]\n\n")
        await resp.write(b"".join(out))
        await resp.write_eof()
        self.stats.answered += 1
        self.stats.answered_by_prompt[key] += 1
        return resp


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="python -m hegui.targets.mock_server",
        description="Mock OpenAI-compatible chat endpoint (prints its base URL when ready).",
    )
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=0, help="0 picks a free port (default)")
    p.add_argument("--latency-ms", type=float, default=0.0, help="fixed delay per request")
    p.add_argument("--answers", help="JSONL of {prompt|prompt_sha256, answer[, faults, delay_s]}")
    p.add_argument("--default-answer", default=MockConfig.default_answer, help="uses {prompt}")
    p.add_argument("--fail-rate", type=float, default=0.0, help="fraction of requests to fail")
    p.add_argument("--fail-kinds", default="429,500", help=f"comma list from {FAULT_KINDS}")
    p.add_argument("--seed", type=int, default=0, help="seed of the failure draw")
    p.add_argument("--script", default="", help="faults for the first requests, e.g. 429,ok,500")
    p.add_argument("--retry-after", type=float, default=1.0, help="Retry-After seconds for 429")
    p.add_argument("--hang-s", type=float, default=3600.0)
    p.add_argument("--api-key", help="require this bearer key")
    p.add_argument("--model", action="append", default=[], help="accepted model (repeatable)")
    return p


def _split(value: str) -> tuple[str, ...]:
    return tuple(v.strip() for v in value.split(",") if v.strip())


def config_from_args(argv: Sequence[str] | None = None) -> tuple[MockConfig, str, int]:
    """Parse command-line arguments into a config, host and port."""
    args = _parser().parse_args(argv)
    config = MockConfig(
        latency_s=args.latency_ms / 1000.0,
        answers=load_answers(args.answers) if args.answers else {},
        default_answer=args.default_answer,
        fail_rate=args.fail_rate,
        fail_kinds=_split(args.fail_kinds),
        seed=args.seed,
        script=_split(args.script),
        retry_after_s=args.retry_after,
        hang_s=args.hang_s,
        api_key=args.api_key,
        models=tuple(args.model),
    )
    return config, args.host, args.port


async def _serve(config: MockConfig, host: str, port: int) -> None:
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    async with MockServer(config, host=host, port=port) as server:
        print(server.url, flush=True)
        await stop.wait()


def main(argv: Sequence[str] | None = None) -> None:
    """Run the mock server until SIGTERM or SIGINT; a bad option exits with status 2."""
    try:
        config, host, port = config_from_args(argv)
    except HeguiError as exc:
        print(f"mock_server: {exc}", file=sys.stderr)
        raise SystemExit(2) from None
    asyncio.run(_serve(config, host, port))


if __name__ == "__main__":
    main()
