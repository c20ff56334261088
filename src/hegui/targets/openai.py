"""OpenAI-compatible chat completions over one shared aiohttp session."""

from __future__ import annotations

import asyncio
import os
import ssl
import time
from collections.abc import Mapping
from dataclasses import asdict
from types import TracebackType
from typing import Any

import aiohttp

from hegui.errors import ConfigError, RetryableTargetError, TargetError
from hegui.records import BankItem, TargetInfo, TargetResponse
from hegui.targets.openai_wire import (
    Answer,
    Endpoint,
    StreamAssembler,
    dumps,
    http_error,
    parse_completion,
)
from hegui.targets.policy import TokenBucket, call_with_retries
from hegui.targets.spec import OpenAISpec


def resolve_api_key(spec: OpenAISpec, environ: Mapping[str, str] | None = None) -> str | None:
    """The API key from the variable named by ``spec.api_key_env`` (``None`` if no key is used)."""
    name = spec.api_key_env
    if name is None:
        return None
    value = (os.environ if environ is None else environ).get(name, "").strip()
    if not value:
        raise ConfigError(
            f"the environment variable {name} holding the API key is not set; run "
            f"`export {name}=<your key>` first, or set `api_key_env: null` for an endpoint "
            "that needs no key (local vLLM, Ollama)",
            field="target.api_key_env",
        )
    return value


class OpenAITarget:
    """A chat-completions endpoint: OpenAI, vLLM, SGLang, Ollama, or a vendor's compatible API.

    One aiohttp session (created on first use, inside the running event loop) is shared by all
    requests, with ``spec.concurrency`` pooled connections. Each HTTP attempt waits for the rate
    limit, runs under ``spec.timeout_s``, and is retried per ``spec.retry``. ``latency_s`` in the
    answer is the duration of the successful attempt. Use ``async with`` or call :meth:`aclose`.

    ``api_key`` overrides the environment variable (for library use); the key never appears in
    :attr:`info` or in error messages.
    """

    def __init__(
        self,
        spec: OpenAISpec,
        *,
        api_key: str | None = None,
        environ: Mapping[str, str] | None = None,
    ) -> None:
        self.spec = spec
        key = api_key if api_key is not None else resolve_api_key(spec, environ)
        self._headers = {"Content-Type": "application/json", **spec.headers}
        if key:
            self._headers["Authorization"] = f"Bearer {key}"
        if spec.stream:
            self._headers["Accept"] = "text/event-stream"
        self._endpoint = Endpoint(
            url=f"{spec.base_url}/chat/completions",
            base_url=spec.base_url,
            model=spec.model,
            api_key_env=spec.api_key_env,
        )
        self._params = spec.generation_params()
        self._system = spec.system_prompt
        self._timeout = aiohttp.ClientTimeout(total=spec.timeout_s)
        self._bucket = TokenBucket(spec.rate_limit) if spec.rate_limit else None
        self._session: aiohttp.ClientSession | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._info = TargetInfo(
            kind="openai",
            name=spec.name or spec.model,
            identity=spec.identity(),
            details={
                "base_url": spec.base_url,
                "model": spec.model,
                "params": dict(self._params),
                "system_prompt": spec.system_prompt,
                "stream": spec.stream,
                "timeout_s": spec.timeout_s,
                "retry": asdict(spec.retry),
                "rate_limit": asdict(spec.rate_limit) if spec.rate_limit else None,
                "concurrency": spec.concurrency,
            },
        )

    @property
    def info(self) -> TargetInfo:
        """What the run records about this endpoint (no key, no extra headers)."""
        return self._info

    def request_body(self, item: BankItem, sample: int = 0) -> dict[str, Any]:
        """The JSON body sent for ``item``: its conversation and the generation parameters."""
        conversation = item.conversation()
        messages = [{"role": m.role, "content": m.content} for m in conversation]
        if self._system is not None and conversation[0].role != "system":
            messages.insert(0, {"role": "system", "content": self._system})
        body: dict[str, Any] = {"model": self.spec.model, "messages": messages, **self._params}
        if sample and isinstance(body.get("seed"), int):
            body["seed"] += sample
        if self.spec.stream:
            body["stream"] = True
        return body

    async def send(self, item: BankItem, sample: int = 0) -> TargetResponse:
        """Ask ``item``'s conversation; retry transient failures per ``spec.retry``."""
        return await self.post(self.request_body(item, sample), what=f"item {item.id!r}")

    async def post(self, body: Mapping[str, Any], *, what: str = "request") -> TargetResponse:
        """POST a ready chat-completions ``body`` as is and return the answer; retry transient
        failures per ``spec.retry``. For conversations a bank item cannot hold, e.g. a guard
        model's, which ends with the assistant turn to classify; ``what`` names it in errors."""
        payload = dumps(body)
        answer, latency = await call_with_retries(
            self.spec.retry, lambda: self._attempt(payload), what=what
        )
        return TargetResponse(
            text=answer.text,
            model=answer.model,
            finish_reason=answer.finish_reason,
            latency_s=latency,
            prompt_tokens=answer.prompt_tokens,
            completion_tokens=answer.completion_tokens,
        )

    def _open(self) -> aiohttp.ClientSession:
        loop = asyncio.get_running_loop()
        if self._session is not None:
            # Connections belong to the loop that opened them; a second asyncio.run() cannot
            # use them, and they can only be closed from the first loop.
            raise TargetError(
                "this OpenAITarget was used in another event loop; call aclose() there first, "
                "or create one target per asyncio.run()"
            )
        connector = aiohttp.TCPConnector(limit=self.spec.concurrency, ttl_dns_cache=300)
        self._session = aiohttp.ClientSession(
            connector=connector, timeout=self._timeout, trust_env=self.spec.trust_env
        )
        self._loop = loop
        return self._session

    async def _attempt(self, payload: bytes) -> tuple[Answer, float]:
        if self._bucket is not None:
            await self._bucket.acquire()
        session = self._session
        if session is None or self._loop is not asyncio.get_running_loop():
            session = self._open()
        ep = self._endpoint
        start = time.perf_counter()
        try:
            async with session.post(ep.url, data=payload, headers=self._headers) as resp:
                if resp.status // 100 != 2:
                    raise http_error(resp.status, resp.headers, await resp.read(), ep)
                if resp.content_type == "text/event-stream":
                    assembler = StreamAssembler(ep)
                    async for chunk in resp.content.iter_any():
                        assembler.feed(chunk)
                    answer = assembler.result()
                else:  # also when a server ignores stream=true and answers in one piece
                    answer = parse_completion(await resp.read(), ep)
        except TimeoutError:
            raise RetryableTargetError(
                f"{ep.url}: no complete answer within target.timeout_s={self.spec.timeout_s:g} s"
            ) from None
        except (aiohttp.ClientSSLError, ssl.SSLError) as exc:
            raise TargetError(f"{ep.url}: TLS failed: {exc}") from None
        except aiohttp.ClientConnectorError as exc:
            raise RetryableTargetError(
                f"cannot connect to {ep.base_url} ({exc.os_error or exc}); is the server "
                "running and target.base_url right?"
            ) from None
        except aiohttp.ClientPayloadError as exc:
            raise RetryableTargetError(
                f"{ep.url}: the answer was cut off mid-body ({exc})"
            ) from None
        except aiohttp.ServerDisconnectedError:
            raise RetryableTargetError(
                f"{ep.url}: the server closed the connection without answering"
            ) from None
        except aiohttp.ClientError as exc:
            raise RetryableTargetError(f"{ep.url}: {type(exc).__name__}: {exc}") from None
        return answer, time.perf_counter() - start

    async def aclose(self) -> None:
        """Close the pooled connections (idempotent)."""
        session, self._session = self._session, None
        if session is not None and self._loop is asyncio.get_running_loop():
            await session.close()

    async def __aenter__(self) -> OpenAITarget:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.aclose()


__all__ = ["OpenAITarget", "resolve_api_key"]
