"""The OpenAI chat-completions wire format: answers, SSE streams and HTTP errors.

Kept free of I/O so each rule is testable on bytes. Parsing reads only the fields hegui needs
(no validation of the whole body), because this runs once per request on the hot path.
"""

from __future__ import annotations

import importlib
import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from hegui.errors import RetryableTargetError, TargetError
from hegui.targets.base import ContentFilteredError
from hegui.targets.policy import parse_retry_after


def _json_codec() -> tuple[
    Callable[[bytes], Any], Callable[[Any], bytes], tuple[type[Exception], ...]
]:
    """orjson when installed (faster on large bodies, same results), else the standard library."""
    try:
        orjson = importlib.import_module("orjson")
    except ImportError:
        return (
            json.loads,
            lambda obj: json.dumps(obj, ensure_ascii=False, separators=(",", ":")).encode(),
            (ValueError,),
        )
    return orjson.loads, orjson.dumps, (orjson.JSONDecodeError, ValueError)


loads, dumps, JSON_ERRORS = _json_codec()
"""``loads(bytes)``, ``dumps(obj) -> bytes`` and the exceptions ``loads`` raises on bad input."""


RETRYABLE_STATUS = frozenset({408, 409, 425, 429, 500, 502, 503, 504})
_EXCERPT = 300


@dataclass(frozen=True)
class Endpoint:
    """What error messages need to know about the endpoint (never the key)."""

    url: str
    base_url: str
    model: str
    api_key_env: str | None


@dataclass(slots=True)
class Answer:
    """The fields of one chat completion that hegui keeps."""

    text: str
    model: str | None = None
    finish_reason: str | None = None
    prompt_tokens: int | None = None
    completion_tokens: int | None = None


def _excerpt(body: bytes) -> str:
    text = body[:_EXCERPT].decode("utf-8", "replace").strip()
    return text + ("…" if len(body) > _EXCERPT else "")


def _error_message(body: bytes) -> str:
    """The server's own error text: ``{"error": {"message": …}}`` and common variants."""
    try:
        data = loads(body)
    except JSON_ERRORS:
        return _excerpt(body) or "(empty body)"
    if isinstance(data, dict):
        err = data.get("error", data)
        if isinstance(err, dict):
            for key in ("message", "detail", "msg"):
                if isinstance(err.get(key), str):
                    return str(err[key])[:_EXCERPT]
        elif isinstance(err, str):
            return err[:_EXCERPT]
    return _excerpt(body)


def http_error(status: int, headers: Mapping[str, str], body: bytes, ep: Endpoint) -> TargetError:
    """The error for a non-2xx answer, saying what to check."""
    msg = _error_message(body)
    where = f"HTTP {status} from {ep.url}: {msg}"
    if status in (401, 403):
        if ep.api_key_env is None:
            return TargetError(
                f"{where}. The endpoint wants an API key: set target.api_key_env to the name of "
                "the environment variable that holds it"
            )
        return TargetError(
            f"{where}. Check the API key in the environment variable {ep.api_key_env} "
            "(wrong, expired, or without access to this model)"
        )
    if status == 404:
        return TargetError(
            f"{where}. Check target.base_url (usually ends in /v1; GET {ep.base_url}/models "
            f"lists the models) and that model {ep.model!r} is served there"
        )
    if status in RETRYABLE_STATUS or status >= 500:
        hint = "; lower target.rate_limit or the concurrency" if status == 429 else ""
        return RetryableTargetError(
            where + hint, retry_after=parse_retry_after(headers.get("Retry-After"))
        )
    if status in (400, 413, 422):
        return TargetError(
            f"{where}. The endpoint rejected the request: check the generation parameters, "
            "extra_body and the conversation length"
        )
    return TargetError(where)


def _error_object(err: Any, ep: Endpoint) -> TargetError:
    """An ``{"error": …}`` object inside a 200 answer or a stream."""
    if isinstance(err, dict):
        message = str(err.get("message") or err)
        code = err.get("code") or err.get("status")
        kind = str(err.get("type") or "")
    else:
        message, code, kind = str(err), None, ""
    text = f"{ep.url} answered with an error: {message[:_EXCERPT]}"
    try:
        status = int(code) if code is not None else 0
    except (TypeError, ValueError):
        status = 0
    transient = ("overload", "rate", "timeout", "unavailable", "server_error")
    if status in RETRYABLE_STATUS or status >= 500 or any(t in kind.lower() for t in transient):
        return RetryableTargetError(text)
    return TargetError(text)


def _text_of(content: Any) -> str | None:
    """Message content as text: a string, or a list of ``{"type": "text", "text": …}`` parts."""
    if content is None or isinstance(content, str):
        return content
    if isinstance(content, list):
        return "".join(
            str(p.get("text", "")) for p in content if isinstance(p, dict) and "text" in p
        )
    return str(content)


def _usage(data: dict[str, Any], answer: Answer) -> None:
    usage = data.get("usage")
    if isinstance(usage, dict):
        prompt, completion = usage.get("prompt_tokens"), usage.get("completion_tokens")
        answer.prompt_tokens = prompt if isinstance(prompt, int) else None
        answer.completion_tokens = completion if isinstance(completion, int) else None


def _checked(answer: Answer, ep: Endpoint, *, has_content: bool) -> Answer:
    if not answer.text and answer.finish_reason == "content_filter":
        raise ContentFilteredError(
            f"{ep.url}: the endpoint's content filter withheld the answer "
            "(finish_reason=content_filter, no text)",
            model=answer.model,
        )
    if not has_content:
        hint = " (max_tokens too small for a reasoning model?)"
        raise TargetError(
            f"{ep.url}: the answer has no text content (finish_reason={answer.finish_reason!r})"
            + (hint if answer.finish_reason == "length" else "")
        )
    return answer


def parse_completion(body: bytes, ep: Endpoint) -> Answer:
    """Parse a non-streamed chat completion."""
    try:
        data = loads(body)
    except JSON_ERRORS as exc:
        if body.lstrip()[:1] in (b"{", b"["):
            raise RetryableTargetError(
                f"{ep.url}: the answer is truncated JSON ({len(body)} bytes): {exc}"
            ) from None
        raise TargetError(
            f"{ep.url}: the answer is not JSON (starts {_excerpt(body[:80])!r}); check "
            "target.base_url points at an OpenAI-compatible API"
        ) from None
    if not isinstance(data, dict):
        raise TargetError(f"{ep.url}: expected a JSON object, got {type(data).__name__}")
    choices = data.get("choices")
    if not isinstance(choices, list) or not choices or not isinstance(choices[0], dict):
        if "error" in data:
            raise _error_object(data["error"], ep)
        raise TargetError(f"{ep.url}: the answer has no 'choices': {_excerpt(body)}")
    choice = choices[0]
    message = choice.get("message")
    content = _text_of(message.get("content")) if isinstance(message, dict) else None
    model = data.get("model")
    answer = Answer(
        text=content or "",
        model=model if isinstance(model, str) else None,
        finish_reason=choice.get("finish_reason"),
    )
    _usage(data, answer)
    return _checked(answer, ep, has_content=content is not None)


@dataclass
class StreamAssembler:
    """Assembles a streamed chat completion from raw SSE bytes, chunk boundaries anywhere.

    Tolerates comments (``: keep-alive``), ``event:``/``id:`` lines, ``data:`` without a space,
    CRLF line ends, and servers that omit the blank line between events.
    """

    ep: Endpoint
    _buffer: bytes = b""
    _pending: list[bytes] = field(default_factory=list)
    _parts: list[str] = field(default_factory=list)
    _answer: Answer = field(default_factory=lambda: Answer(text=""))
    _saw_choice: bool = False
    done: bool = False

    def feed(self, chunk: bytes) -> None:
        """Consume bytes as they arrive."""
        data = self._buffer + chunk
        *lines, self._buffer = data.split(b"\n")
        for line in lines:
            self._line(line.rstrip(b"\r"))

    def _line(self, line: bytes) -> None:
        if not line:
            self._dispatch_pending()
        elif line.startswith(b"data:"):
            value = line[5:]
            if value.startswith(b" "):
                value = value[1:]
            if not self._pending and self._event(value, final=False):
                return
            self._pending.append(value)
        # Comments (":…") and event:/id:/retry: lines carry nothing hegui needs.

    def _dispatch_pending(self) -> None:
        if self._pending:
            payload = b"\n".join(self._pending)
            self._pending.clear()
            self._event(payload, final=True)

    def _event(self, payload: bytes, *, final: bool) -> bool:
        """Handle one event; with ``final=False`` return False if it may continue on a next line."""
        if payload.strip() == b"[DONE]":
            self.done = True
            return True
        try:
            data = loads(payload)
        except JSON_ERRORS:
            if not final:
                return False
            raise RetryableTargetError(
                f"{self.ep.url}: malformed stream event (truncated?): {_excerpt(payload)}"
            ) from None
        if not isinstance(data, dict):
            raise TargetError(f"{self.ep.url}: stream event is not a JSON object")
        if "error" in data and not data.get("choices"):
            raise _error_object(data["error"], self.ep)
        answer = self._answer
        if isinstance(data.get("model"), str):
            answer.model = data["model"]
        if data.get("usage"):
            _usage(data, answer)
        for choice in data.get("choices") or ():
            if not isinstance(choice, dict) or choice.get("index", 0) != 0:
                continue
            self._saw_choice = True
            delta = choice.get("delta") or choice.get("message") or {}
            text = _text_of(delta.get("content")) if isinstance(delta, dict) else None
            if text:
                self._parts.append(text)
            if choice.get("finish_reason"):
                answer.finish_reason = choice["finish_reason"]
        return True

    def result(self) -> Answer:
        """The assembled answer once the body has ended; errors if the stream was cut short."""
        if self._buffer:
            self._line(self._buffer.rstrip(b"\r"))
            self._buffer = b""
        self._dispatch_pending()
        if not self.done and self._answer.finish_reason is None:
            raise RetryableTargetError(
                f"{self.ep.url}: the stream ended before [DONE] and without a finish_reason "
                "(connection cut short)"
            )
        if not self._saw_choice:
            raise TargetError(f"{self.ep.url}: the stream carried no 'choices'")
        self._answer.text = "".join(self._parts)
        return _checked(self._answer, self.ep, has_content=True)
