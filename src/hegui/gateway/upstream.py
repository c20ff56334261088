"""The model servers behind the gateway: one pooled aiohttp session each, routing by model,
retries and failover before any byte reaches the client.

A retry (429, 5xx, timeout, refused connection) moves to the next upstream serving the model,
so one upstream going down costs a retry, not an outage. Once a streamed answer has started,
nothing is retried: the client would see text twice.
"""

from __future__ import annotations

import asyncio
import os
import time
from collections.abc import AsyncIterator, Mapping
from dataclasses import dataclass, field
from itertools import count
from typing import Any

import aiohttp

from hegui.errors import ConfigError, HeguiError, RetryableTargetError
from hegui.gateway.config import UpstreamConfig
from hegui.targets import call_with_retries, parse_retry_after
from hegui.targets.openai_wire import JSON_ERRORS, RETRYABLE_STATUS, loads


class UpstreamError(HeguiError):
    """An upstream failure, as the client will see it (status, OpenAI error type and code)."""

    def __init__(
        self,
        message: str,
        *,
        status: int,
        code: str,
        kind: str = "upstream_error",
        retry_after: float | None = None,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.kind = kind
        self.retry_after = retry_after


class _Retryable(RetryableTargetError):
    def __init__(self, error: UpstreamError) -> None:
        super().__init__(str(error), retry_after=error.retry_after)
        self.error = error


@dataclass(slots=True)
class UpstreamReply:
    """A complete (non-streamed) answer."""

    status: int
    body: bytes
    upstream: str
    elapsed_s: float


@dataclass(slots=True)
class UpstreamStream:
    """An open streamed answer: iterate :meth:`chunks`, then :meth:`close`."""

    response: aiohttp.ClientResponse
    upstream: str
    started: float = field(default_factory=time.perf_counter)

    async def chunks(self) -> AsyncIterator[bytes]:
        """Bytes as they arrive; a stall longer than ``read_timeout_s`` raises UpstreamError."""
        try:
            async for chunk in self.response.content.iter_any():
                yield chunk
        except (TimeoutError, aiohttp.ServerTimeoutError):
            raise UpstreamError(
                f"upstream {self.upstream!r} stalled mid-stream",
                status=504,
                code="upstream_timeout",
            ) from None
        except aiohttp.ClientError as exc:
            raise UpstreamError(
                f"upstream {self.upstream!r} broke off the stream ({type(exc).__name__})",
                status=502,
                code="upstream_error",
            ) from None

    def close(self) -> None:
        """Drop the connection (this also stops the model generating)."""
        self.response.close()


class Upstream:
    """One model server."""

    def __init__(self, config: UpstreamConfig, index: int, environ: Mapping[str, str]) -> None:
        self.config = config
        self.name = config.name or f"upstream-{index + 1}"
        self.models = frozenset(config.models)
        self.headers = {"Content-Type": "application/json", **config.headers}
        if config.api_key_env is not None:
            key = environ.get(config.api_key_env, "").strip()
            if not key:
                raise ConfigError(
                    f"the environment variable {config.api_key_env} (the key of upstream "
                    f"{self.name!r}) is not set",
                    field=f"gateway.upstreams.{index}.api_key_env",
                )
            self.headers["Authorization"] = f"Bearer {key}"
        self.session: aiohttp.ClientSession | None = None
        self._whole = aiohttp.ClientTimeout(
            total=config.timeout_s, sock_connect=config.connect_timeout_s
        )
        self._stream = aiohttp.ClientTimeout(
            total=None, sock_connect=config.connect_timeout_s, sock_read=config.read_timeout_s
        )

    def serves(self, model: str | None) -> bool:
        """Whether this upstream takes requests for ``model``."""
        return not self.models or model in self.models

    def start(self) -> None:
        """Open the connection pool (inside the running event loop)."""
        connector = aiohttp.TCPConnector(
            limit=self.config.max_connections, ttl_dns_cache=300, enable_cleanup_closed=True
        )
        self.session = aiohttp.ClientSession(connector=connector, trust_env=False)

    async def aclose(self) -> None:
        """Close the pool."""
        session, self.session = self.session, None
        if session is not None:
            await session.close()

    async def post(
        self, path: str, payload: bytes, *, stream: bool
    ) -> UpstreamReply | UpstreamStream:
        """One attempt; retryable failures raise :class:`_Retryable`."""
        session = self.session
        if session is None:
            raise UpstreamError("the gateway is not started", status=503, code="not_ready")
        url = self.config.base_url + path
        start = time.perf_counter()
        timeout = self._stream if stream else self._whole
        try:
            response = await session.post(url, data=payload, headers=self.headers, timeout=timeout)
        except (TimeoutError, aiohttp.ServerTimeoutError):
            raise _Retryable(
                self._error("did not answer in time", 504, "upstream_timeout")
            ) from None
        except aiohttp.ClientError as exc:
            raise _Retryable(
                self._error(f"is unreachable ({type(exc).__name__})", 502, "upstream_unavailable")
            ) from None
        if response.status == 200 and stream and response.content_type == "text/event-stream":
            return UpstreamStream(response, self.name, start)
        try:
            body = await response.read()
        except (TimeoutError, aiohttp.ServerTimeoutError):
            response.close()
            raise _Retryable(
                self._error("did not finish in time", 504, "upstream_timeout")
            ) from None
        except aiohttp.ClientError as exc:
            response.close()
            raise _Retryable(
                self._error(f"broke off its answer ({type(exc).__name__})", 502, "upstream_error")
            ) from None
        finally:
            response.release()
        if response.status in RETRYABLE_STATUS or response.status >= 500:
            status = 429 if response.status == 429 else 502
            error = self._error(
                f"answered HTTP {response.status}: {_message(body)}",
                status,
                "upstream_rate_limited" if status == 429 else "upstream_error",
            )
            error.retry_after = parse_retry_after(response.headers.get("Retry-After"))
            raise _Retryable(error)
        return UpstreamReply(response.status, body, self.name, time.perf_counter() - start)

    def _error(self, what: str, status: int, code: str) -> UpstreamError:
        return UpstreamError(f"upstream {self.name!r} {what}", status=status, code=code)


class UpstreamPool:
    """All upstreams; picks those serving a model, in rotating order."""

    def __init__(self, configs: list[UpstreamConfig], environ: Mapping[str, str] | None = None):
        env = os.environ if environ is None else environ
        self.upstreams = [Upstream(c, i, env) for i, c in enumerate(configs)]
        self._turn = count()
        self._models: tuple[float, list[dict[str, Any]]] | None = None

    def start(self) -> None:
        """Open every upstream's pool."""
        for upstream in self.upstreams:
            upstream.start()

    async def aclose(self) -> None:
        """Close every pool."""
        await asyncio.gather(*(u.aclose() for u in self.upstreams))

    def candidates(self, model: str | None) -> list[Upstream]:
        """Upstreams serving ``model``, starting with the next in turn (round robin)."""
        serving = [u for u in self.upstreams if u.serves(model)]
        if len(serving) > 1:
            shift = next(self._turn) % len(serving)
            serving = serving[shift:] + serving[:shift]
        return serving

    async def post(
        self, path: str, payload: bytes, model: str | None, *, stream: bool
    ) -> UpstreamReply | UpstreamStream:
        """POST to an upstream serving ``model``, retrying and failing over per the first one's
        ``retry`` policy. Raises :class:`UpstreamError` with the status the client should get."""
        serving = self.candidates(model)
        if not serving:
            raise UpstreamError(
                f"the model {model!r} is not served by this gateway",
                status=404,
                code="model_not_found",
                kind="invalid_request_error",
            )
        attempt = count()

        async def once() -> UpstreamReply | UpstreamStream:
            upstream = serving[next(attempt) % len(serving)]
            return await upstream.post(path, payload, stream=stream)

        try:
            return await call_with_retries(serving[0].config.retry, once, what="upstream")
        except RetryableTargetError as exc:
            cause = exc if isinstance(exc, _Retryable) else exc.__cause__
            if isinstance(cause, _Retryable):
                raise cause.error from None
            raise UpstreamError(str(exc), status=502, code="upstream_error") from None

    async def models(self) -> list[dict[str, Any]]:
        """The models of all upstreams (configured lists, else each upstream's /models),
        cached for a minute."""
        now = time.monotonic()
        if self._models is not None and now - self._models[0] < 60:
            return self._models[1]
        found: dict[str, dict[str, Any]] = {}
        for upstream in self.upstreams:
            if upstream.models:
                for name in sorted(upstream.models):
                    found.setdefault(
                        name, {"id": name, "object": "model", "owned_by": upstream.name}
                    )
                continue
            for entry in await _list_models(upstream):
                found.setdefault(str(entry["id"]), entry)
        data = list(found.values())
        self._models = (now, data)
        return data


async def _list_models(upstream: Upstream) -> list[dict[str, Any]]:
    session = upstream.session
    if session is None:
        return []
    try:
        async with session.get(
            upstream.config.base_url + "/models",
            headers=upstream.headers,
            timeout=aiohttp.ClientTimeout(total=upstream.config.connect_timeout_s * 2),
        ) as response:
            if response.status != 200:
                return []
            data = loads(await response.read())
    except (TimeoutError, aiohttp.ClientError):
        return []
    except JSON_ERRORS:
        return []
    entries = data.get("data") if isinstance(data, dict) else None
    if not isinstance(entries, list):
        return []
    return [e for e in entries if isinstance(e, dict) and isinstance(e.get("id"), str)]


def _message(body: bytes) -> str:
    """The upstream's error message, short (never echoed content of the request)."""
    try:
        data = loads(body)
    except JSON_ERRORS:
        return f"{len(body)} bytes"
    if isinstance(data, dict):
        err = data.get("error")
        if isinstance(err, dict) and isinstance(err.get("message"), str):
            return str(err["message"])[:200]
    return f"{len(body)} bytes"


def upstream_error_body(body: bytes) -> dict[str, Any] | None:
    """The ``error`` object of an upstream's 4xx answer, when it has one."""
    try:
        data = loads(body)
    except JSON_ERRORS:
        return None
    if isinstance(data, dict) and isinstance(data.get("error"), dict):
        return dict(data["error"])
    return None
