"""Relaying a streamed answer: upstream SSE → the stream moderator → the client.

However the stream ends — finished, blocked, cut off by the upstream, or abandoned by the
client — the upstream connection is closed (which stops generation) and the request's event is
recorded.
"""

from __future__ import annotations

import time
from collections.abc import AsyncIterator, Callable
from typing import Any

from starlette.responses import StreamingResponse

from hegui.gateway.access import count_violation
from hegui.gateway.context import RequestContext, record
from hegui.gateway.output import Kind
from hegui.gateway.records import Action, ChainDecision
from hegui.gateway.service import Gateway, Policy
from hegui.gateway.sse import DONE, DONE_EVENT, SseParser, event
from hegui.gateway.stream import StreamModerator
from hegui.gateway.upstream import UpstreamError, UpstreamStream
from hegui.targets.openai_wire import JSON_ERRORS, loads


def replacement(gw: Gateway, policy: Policy) -> Callable[[ChainDecision], str]:
    """The text that replaces a blocked answer: the canned answer, or the refusal message."""

    def replace(decision: ChainDecision) -> str:
        if decision.action is Action.CANNED:
            return gw.canned(decision, policy)
        return gw.config.refusal_message

    return replace


def stream_response(
    gw: Gateway, ctx: RequestContext, upstream: UpstreamStream, kind: Kind, policy: Policy
) -> StreamingResponse:
    """The client's streamed response; the implicit label goes in a header and the first
    chunk."""
    label = gw.labeler.implicit(ctx.request_id)
    headers = {
        **ctx.headers(),
        **gw.labeler.headers(label),
        "Cache-Control": "no-cache",
        "X-Accel-Buffering": "no",
    }
    moderator = StreamModerator(
        kind,
        policy.output,
        policy.window,
        ctx.output,
        replacement(gw, policy),
        prefix=gw.labeler.prefix,
        suffix=gw.labeler.suffix,
        extra=lambda _decision: {"hegui": ctx.summary()},
    )
    first = {gw.config.labels.field: label} if label is not None else {}
    return StreamingResponse(
        _relay(gw, ctx, upstream, moderator, first),
        media_type="text/event-stream",
        headers=headers,
    )


async def _relay(
    gw: Gateway,
    ctx: RequestContext,
    upstream: UpstreamStream,
    moderator: StreamModerator,
    first: dict[str, Any],
) -> AsyncIterator[bytes]:
    """Upstream SSE → moderator → client (see the module docstring)."""
    parser = SseParser()
    done = False
    pending_first = dict(first)
    first_text: float | None = None
    released_at: float | None = None

    def emit(events: list[dict[str, Any]]) -> bytes:
        nonlocal pending_first, released_at
        out = []
        for e in events:
            if pending_first and e.get("choices"):
                e = {**e, **pending_first}
                pending_first = {}
            if released_at is None and _has_text(e):
                released_at = time.perf_counter()
            if gw.config.log.retain_content:
                ctx.output_text.append(_chunk_text(e))
            out.append(event(e))
        return b"".join(out)

    try:
        async for chunk in upstream.chunks():
            for payload in parser.feed(chunk):
                if payload.strip() == DONE:
                    done = True
                    break
                try:
                    data = loads(payload)
                except JSON_ERRORS:
                    raise UpstreamError(
                        "the upstream sent a malformed stream event",
                        status=502,
                        code="upstream_error",
                    ) from None
                if not isinstance(data, dict):
                    continue
                if "error" in data and not data.get("choices"):
                    raise UpstreamError(
                        "the upstream reported an error mid-stream",
                        status=502,
                        code="upstream_error",
                    )
                if first_text is None and data.get("choices"):
                    first_text = time.perf_counter()
                out = emit(await moderator.on_event(data))
                if out:
                    yield out
                if moderator.blocked is not None:
                    break
            if done or moderator.blocked is not None:
                break
        if moderator.blocked is None:
            tail = emit(await moderator.finish())
            if tail:
                yield tail
        if moderator.blocked is not None:
            gw.metrics.stream_blocks.inc()
            if gw.config.enforcement.count_output:
                await count_violation(gw, ctx, moderator.blocked.risk)
        elif not done:
            ctx.error = "upstream_incomplete"
            yield _error_event("the upstream ended the stream early", "upstream_error")
        yield DONE_EVENT
    except UpstreamError as exc:
        ctx.error = exc.code
        gw.metrics.upstream_errors.labels(exc.code).inc()
        yield _error_event(str(exc), exc.code)
    except BaseException:
        ctx.client_gone = True  # cancelled: the client went away
        raise
    finally:
        upstream.close()
        ctx.released_chars = moderator.released_chars
        if first_text is not None and released_at is not None:
            gw.metrics.first_release_seconds.observe(max(released_at - first_text, 0.0))
        record(gw, ctx)


def _error_event(message: str, code: str) -> bytes:
    return event(
        {"error": {"message": message, "type": "upstream_error", "param": None, "code": code}}
    )


def _has_text(e: dict[str, Any]) -> bool:
    for choice in e.get("choices") or ():
        delta = choice.get("delta") if isinstance(choice, dict) else None
        if isinstance(delta, dict) and delta.get("content"):
            return True
        if isinstance(choice, dict) and choice.get("text"):
            return True
    return False


def _chunk_text(e: dict[str, Any]) -> str:
    parts = []
    for choice in e.get("choices") or ():
        if not isinstance(choice, dict):
            continue
        delta = choice.get("delta")
        if isinstance(delta, dict) and isinstance(delta.get("content"), str):
            parts.append(delta["content"])
        elif isinstance(choice.get("text"), str):
            parts.append(choice["text"])
    return "".join(parts)
