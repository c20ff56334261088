"""The proxied endpoints: ``/v1/chat/completions`` and ``/v1/completions``, streamed or not.

Order of work for one request: account checks → body limits and validation → input chain
(block: an error; canned: a 代答 answer without calling the model; redact: the body is
rewritten) → upstream (retries and failover before the first byte) → output chain on the whole
answer, or on each window of a stream → labels → response. The request's event is queued once
the answer has been sent (for a stream: when it ends, however it ends).
"""

from __future__ import annotations

import logging
import time
from typing import Any

from starlette.background import BackgroundTask
from starlette.requests import Request
from starlette.responses import Response, StreamingResponse

from hegui.gateway.access import authorize, clean_request, count_violation
from hegui.gateway.context import RequestContext, record
from hegui.gateway.errors import ApiError
from hegui.gateway.openai_body import (
    ChatRequest,
    CompletionRequest,
    chat_request,
    completion_request,
    parse_object,
)
from hegui.gateway.output import FILTERED, Kind, moderate_completion
from hegui.gateway.records import Action, ChainDecision, Stage
from hegui.gateway.relay import replacement, stream_response
from hegui.gateway.service import Gateway, Policy
from hegui.gateway.sse import DONE_EVENT, event
from hegui.gateway.upstream import (
    UpstreamError,
    UpstreamReply,
    UpstreamStream,
    upstream_error_body,
)
from hegui.targets.openai_wire import JSON_ERRORS, dumps, loads

log = logging.getLogger("hegui.gateway.proxy")


async def read_json_body(request: Request, limit: int) -> bytes:
    """The body of a JSON request, refused early when too large or of another type."""
    content_type = request.headers.get("content-type", "")
    if content_type.split(";", 1)[0].strip().lower() != "application/json":
        raise ApiError(
            415,
            "send the request body as JSON with 'Content-Type: application/json'",
            code="unsupported_media_type",
        )
    length = request.headers.get("content-length")
    if length is not None:
        if not length.isdigit():
            raise ApiError(400, "the Content-Length header is not a number", code="invalid_request")
        if int(length) > limit:
            raise _too_large(limit)
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise _too_large(limit)
        chunks.append(chunk)
    return b"".join(chunks)


def _too_large(limit: int) -> ApiError:
    return ApiError(413, f"the request body exceeds {limit} bytes", code="request_too_large")


async def chat_completions(gw: Gateway, request: Request) -> Response:
    """``POST /v1/chat/completions``."""
    return await _serve(gw, request, "chat")


async def completions(gw: Gateway, request: Request) -> Response:
    """``POST /v1/completions`` (legacy text completions)."""
    return await _serve(gw, request, "text")


async def _serve(gw: Gateway, request: Request, kind: Kind) -> Response:
    ctx = RequestContext(endpoint="chat.completions" if kind == "chat" else "completions")
    response: Response | None = None
    try:
        await authorize(gw, request, ctx)
        body = await read_json_body(request, gw.config.limits.max_body_bytes)
        data = parse_object(body)
        req: ChatRequest | CompletionRequest
        if kind == "chat":
            req = chat_request(
                data,
                scope=gw.config.input.scope,
                non_text=gw.config.input.non_text,
                max_messages=gw.config.limits.max_messages,
            )
        else:
            req = completion_request(data)
        ctx.model, ctx.stream = req.model, req.stream
        response = await _moderated(gw, ctx, req, body, kind)
    except ApiError as exc:
        ctx.status, ctx.error = exc.status, exc.code
        response = exc.response(ctx.headers())
    finally:
        if response is None:  # a bug (the app answers 500): record what is known
            ctx.status, ctx.error = 500, "internal_error"
            _finish(gw, ctx)
    if not isinstance(response, StreamingResponse):  # a stream records itself when it ends
        # after the answer has been sent: the client does not wait for the bookkeeping
        response.background = BackgroundTask(_finish_sent, gw, ctx)
    return response


def _finish(gw: Gateway, ctx: RequestContext) -> None:
    record(gw, ctx)
    if not ctx.stream and ctx.upstream is not None:
        overhead = time.perf_counter() - ctx.started - ctx.upstream_s
        gw.metrics.overhead_seconds.labels(ctx.endpoint).observe(max(overhead, 0.0))


async def _finish_sent(gw: Gateway, ctx: RequestContext) -> None:
    try:
        _finish(gw, ctx)
    except Exception:  # the answer is out; a bug here must not end in uvicorn's traceback
        log.exception("could not record request %s", ctx.request_id)


async def _moderated(
    gw: Gateway,
    ctx: RequestContext,
    req: ChatRequest | CompletionRequest,
    body: bytes,
    kind: Kind,
) -> Response:
    policy = gw.policy(ctx.minor)
    text = req.inputs.text
    if gw.config.log.retain_content:
        ctx.input_text = text
    decision = await policy.input.run(text) if policy.input and text else None
    if decision is not None:
        decision = _escalate(decision, policy, "input")
        ctx.input = decision
    if decision is not None and decision.action.stops:
        await count_violation(gw, ctx, decision.risk)
        if decision.action is Action.BLOCK:
            raise _blocked(gw, ctx)
        return _canned(gw, ctx, req, kind, gw.canned(decision, policy))
    await clean_request(gw, ctx)
    payload = body
    if decision is not None and decision.action is Action.REDACT:
        req.inputs.apply(decision.redactions)
        payload = dumps(req.data)
    path = "/chat/completions" if kind == "chat" else "/completions"
    try:
        reply = await gw.pool.post(path, payload, req.model, stream=req.stream)
    except UpstreamError as exc:
        gw.metrics.upstream_errors.labels(exc.code).inc()
        headers = {"Retry-After": f"{exc.retry_after:.0f}"} if exc.retry_after else None
        raise ApiError(
            exc.status, str(exc), code=exc.code, kind=exc.kind, headers=headers
        ) from None
    ctx.upstream = reply.upstream
    if isinstance(reply, UpstreamStream):
        # a stream's upstream time is its time to the start of the answer (as in the metric)
        ctx.upstream_s = time.perf_counter() - reply.started
        gw.metrics.upstream_seconds.labels(reply.upstream).observe(ctx.upstream_s)
        return stream_response(gw, ctx, reply, kind, policy)
    ctx.upstream_s = reply.elapsed_s
    gw.metrics.upstream_seconds.labels(reply.upstream).observe(reply.elapsed_s)
    return await _complete(gw, ctx, reply, kind, policy, streamed=req.stream)


def _escalate(decision: ChainDecision, policy: Policy, stage: Stage) -> ChainDecision:
    """Minors' policy: a flag blocks."""
    if policy.escalate_flags and decision.action is Action.FLAG:
        return ChainDecision(
            stage,
            Action.BLOCK,
            decision.risk,
            decision.outcomes,
            (),
            decision.elapsed_ms,
        )
    return decision


def _blocked(gw: Gateway, ctx: RequestContext) -> ApiError:
    message = gw.config.block_message
    if ctx.violation is not None and ctx.violation.level.value != "none":
        message = f"{message} {gw.config.enforcement.warning}"
    return ApiError(
        400,
        message,
        code="content_policy_violation",
        extra={"hegui": ctx.summary()},
    )


def _label_fields(gw: Gateway, ctx: RequestContext, data: dict[str, Any]) -> dict[str, str]:
    """Add the implicit label (body field) and the ``hegui`` summary; return label headers."""
    label = gw.labeler.implicit(ctx.request_id)
    if label is not None:
        data[gw.config.labels.field] = label
    data["hegui"] = ctx.summary()
    return gw.labeler.headers(label)


async def _complete(
    gw: Gateway,
    ctx: RequestContext,
    reply: UpstreamReply,
    kind: Kind,
    policy: Policy,
    *,
    streamed: bool,
) -> Response:
    if reply.status != 200:
        error = upstream_error_body(reply.body) or {}
        message = str(error.get("message") or f"the upstream answered HTTP {reply.status}")
        code = error.get("code")
        raise ApiError(
            reply.status if 400 <= reply.status < 500 else 502,
            message[:500],
            code=code if isinstance(code, str) and code else "upstream_rejected",
            kind=str(error.get("type") or "invalid_request_error"),
        )
    if streamed:
        raise ApiError(502, "the upstream answered without streaming", code="upstream_error")
    try:
        data = loads(reply.body)
    except JSON_ERRORS:
        data = None
    if not isinstance(data, dict) or not isinstance(data.get("choices"), list):
        raise ApiError(502, "the upstream's answer is not a completion", code="upstream_error")
    replaced = await moderate_completion(
        data,
        kind,
        policy.output,
        ctx.output,
        replacement(gw, policy),
        gw.labeler.explicit,
    )
    if ctx.output.checks and policy.escalate_flags and ctx.output.action is Action.FLAG:
        # minors: a flagged answer is replaced too
        _replace_all(data, kind, gw.config.refusal_message)
        ctx.output.action = Action.BLOCK
        replaced = True
    if replaced and gw.config.enforcement.count_output:
        await count_violation(gw, ctx, ctx.output.risk)
    usage = data.get("usage")
    if isinstance(usage, dict):
        ctx.usage = {k: v for k, v in usage.items() if isinstance(v, int)}
    if gw.config.log.retain_content:
        ctx.output_text.append(_texts(data, kind))
    headers = {**ctx.headers(), **_label_fields(gw, ctx, data)}
    overhead = (time.perf_counter() - ctx.started - ctx.upstream_s) * 1000
    # Server-Timing (W3C): the gateway's own time and the upstream's, for clients and benchmarks
    headers["Server-Timing"] = (
        f"gateway;dur={overhead:.3f}, upstream;dur={ctx.upstream_s * 1000:.3f}"
    )
    return Response(dumps(data), media_type="application/json", headers=headers)


def _replace_all(data: dict[str, Any], kind: Kind, text: str) -> None:
    for choice in data.get("choices") or ():
        if isinstance(choice, dict):
            if kind == "chat":
                choice["message"] = {"role": "assistant", "content": text}
            else:
                choice["text"] = text
            choice["finish_reason"] = FILTERED
            choice.pop("logprobs", None)


def _texts(data: dict[str, Any], kind: Kind) -> str:
    parts = []
    for choice in data.get("choices") or ():
        if not isinstance(choice, dict):
            continue
        if kind == "text":
            parts.append(str(choice.get("text") or ""))
        elif isinstance(choice.get("message"), dict):
            parts.append(str(choice["message"].get("content") or ""))
    return "\n".join(parts)


# -- canned answers (input stage) --------------------------------------------------------------


def _canned(
    gw: Gateway,
    ctx: RequestContext,
    req: ChatRequest | CompletionRequest,
    kind: Kind,
    text: str,
) -> Response:
    created = int(time.time())
    base = {
        "id": f"{'chatcmpl' if kind == 'chat' else 'cmpl'}-{ctx.request_id}",
        "created": created,
    }
    base["model"] = req.model
    headers = ctx.headers()
    if ctx.violation is not None and ctx.violation.level.value != "none":
        text = f"{text}\n\n{gw.config.enforcement.warning}"
    if not req.stream:
        choice: dict[str, Any]
        if kind == "chat":
            choice = {"index": 0, "message": {"role": "assistant", "content": text}}
            obj = "chat.completion"
        else:
            choice = {"index": 0, "text": text, "logprobs": None}
            obj = "text_completion"
        choice["finish_reason"] = FILTERED
        usage = {"prompt_tokens": 0, "completion_tokens": 0, "total_tokens": 0}
        data = {**base, "object": obj, "choices": [choice], "usage": usage, "hegui": ctx.summary()}
        return Response(dumps(data), media_type="application/json", headers=headers)
    obj = "chat.completion.chunk" if kind == "chat" else "text_completion"

    def chunk(body: dict[str, Any], finish: str | None = None) -> dict[str, Any]:
        if kind == "chat":
            choice = {"index": 0, "delta": body, "finish_reason": finish}
        else:
            choice = {"index": 0, "text": body.get("content", ""), "finish_reason": finish}
        return {**base, "object": obj, "choices": [choice]}

    final = chunk({}, FILTERED)
    final["hegui"] = ctx.summary()
    events = [
        event(chunk({"role": "assistant", "content": ""})) if kind == "chat" else b"",
        event(chunk({"content": text})),
        event(final),
        DONE_EVENT,
    ]
    return Response(b"".join(events), media_type="text/event-stream", headers=headers)
