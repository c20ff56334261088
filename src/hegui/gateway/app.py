"""The gateway's ASGI application: ``create_app(settings)``.

Routes: ``POST /v1/chat/completions``, ``POST /v1/completions``, ``GET /v1/models``,
``POST /v1/complaints``, ``GET /v1/complaints/{id}``, ``GET /healthz``, ``GET /readyz``,
``GET /metrics``. Every error, including unknown routes and unexpected failures, is an
OpenAI-style error object; a bug answers 500 with a request id, never a traceback.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from typing import Any

from fastapi import FastAPI
from fastapi.exceptions import RequestValidationError
from pydantic import ValidationError
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, Response
from starlette.types import Receive, Scope, Send

from hegui.gateway import proxy
from hegui.gateway.access import authorize, identify
from hegui.gateway.complaints import ComplaintError, ComplaintIn
from hegui.gateway.config import GatewaySettings
from hegui.gateway.context import RequestContext, record
from hegui.gateway.db import now_utc
from hegui.gateway.errors import ApiError
from hegui.gateway.eventlog import Event, ts_us
from hegui.gateway.openai_body import parse_object
from hegui.gateway.openapi import CHAT_BODY, COMPLAINT_BODY, COMPLETION_BODY, responses
from hegui.gateway.service import Gateway
from hegui.targets.openai_wire import dumps

log = logging.getLogger("hegui.gateway")

Handler = Callable[[Gateway, Request], Awaitable[Response]]


def create_app(settings: GatewaySettings) -> GatewayApp:
    """The gateway application; the runtime state is built now and started with the app."""
    gw = Gateway(settings)

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        await gw.start()
        try:
            yield
        finally:
            await gw.aclose()

    app = GatewayApp(
        title="hegui gateway",
        version="1",
        description="OpenAI-compatible moderation gateway (hegui 合规).",
        lifespan=lifespan,
        docs_url=None,
        redoc_url=None,
    )
    app.state.gateway = gw

    def route(handler: Handler) -> Callable[[Request], Awaitable[Response]]:
        async def endpoint(request: Request) -> Response:
            if gw.config.log.fail_closed and gw.writer.full:
                return ApiError(
                    503,
                    "the event log cannot be written; requests are refused until it recovers",
                    code="event_log_unavailable",
                ).response()
            return await handler(gw, request)

        endpoint.__name__ = handler.__name__
        endpoint.__doc__ = handler.__doc__
        return endpoint

    app.add_api_route(
        "/v1/chat/completions",
        route(proxy.chat_completions),
        methods=["POST"],
        openapi_extra={"requestBody": CHAT_BODY},
        responses=responses(200, 400, 401, 403, 404, 413, 415, 429, 502, 503, 504, stream=True),
        operation_id="chat-completions",
        tags=["openai"],
        summary="Chat completions (streaming and not)",
    )
    app.add_api_route(
        "/v1/completions",
        route(proxy.completions),
        methods=["POST"],
        openapi_extra={"requestBody": COMPLETION_BODY},
        responses=responses(200, 400, 401, 403, 404, 413, 415, 429, 502, 503, 504, stream=True),
        operation_id="completions",
        tags=["openai"],
        summary="Text completions (legacy)",
    )
    app.add_api_route(
        "/v1/models",
        route(models),
        methods=["GET"],
        responses=responses(200, 401, 403, 429, 503),
        operation_id="models-list",
        tags=["openai"],
        summary="Models served",
    )
    app.add_api_route(
        "/v1/complaints",
        route(submit_complaint),
        methods=["POST"],
        openapi_extra={"requestBody": COMPLAINT_BODY},
        responses=responses(201, 400, 401, 413, 415, 503),
        status_code=201,
        operation_id="complaints-create",
        tags=["complaints"],
        summary="File a complaint or report",
    )
    app.add_api_route(
        "/v1/complaints/{complaint_id}",
        route(get_complaint),
        methods=["GET"],
        responses=responses(200, 401, 404, 503),
        operation_id="complaints-get",
        tags=["complaints"],
        summary="A complaint's status and feedback",
    )
    app.add_api_route("/healthz", healthz_endpoint(gw), methods=["GET"], tags=["ops"])
    app.add_api_route(
        "/readyz",
        readyz_endpoint(gw),
        methods=["GET"],
        tags=["ops"],
        responses=responses(200, 503),
    )
    if gw.config.metrics:
        app.add_api_route(
            "/metrics",
            metrics_endpoint(gw),
            methods=["GET"],
            tags=["ops"],
            response_class=PlainTextResponse,
        )
    _install_error_handlers(app)
    app.fast_routes = {
        "/v1/chat/completions": route(proxy.chat_completions),
        "/v1/completions": route(proxy.completions),
    }
    return app


class GatewayApp(FastAPI):
    """FastAPI, with the two proxied endpoints served straight by their handlers.

    FastAPI's routing, dependency solving, telemetry check and middleware stack took about a
    third of the gateway's CPU per request; the proxied endpoints need none of it (they read
    the raw body and answer every error themselves). Their routes stay registered for the
    OpenAPI document; everything else goes through FastAPI as usual.
    """

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.fast_routes: dict[str, Callable[[Request], Awaitable[Response]]] = {}
        """Path → handler of the proxied endpoints (filled by :func:`create_app`)."""

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["method"] == "POST":
            endpoint = self.fast_routes.get(scope["path"])
            if endpoint is not None:
                request = Request(scope, receive)
                try:
                    response = await endpoint(request)
                except Exception:  # a bug: answer like FastAPI's handler would, never a traceback
                    log.exception("unexpected error on POST %s", scope["path"])
                    response = ApiError(500, "internal error", code="internal_error").response()
                await response(scope, receive, send)
                return
        await super().__call__(scope, receive, send)


async def models(gw: Gateway, request: Request) -> Response:
    """``GET /v1/models``: the models of every upstream."""
    ctx = RequestContext(endpoint="models")
    try:
        await authorize(gw, request, ctx)
        data = await gw.pool.models()
        return Response(
            dumps({"object": "list", "data": data}),
            media_type="application/json",
            headers=ctx.headers(),
        )
    except ApiError as exc:
        ctx.status, ctx.error = exc.status, exc.code
        record(gw, ctx)
        return exc.response(ctx.headers())


async def submit_complaint(gw: Gateway, request: Request) -> Response:
    """``POST /v1/complaints``: store a complaint; answer its id and feedback deadline."""
    ctx = RequestContext(endpoint="complaints")
    try:
        principal = await identify(gw, request, required=not gw.config.complaints.allow_anonymous)
        ctx.principal = principal
        body = await proxy.read_json_body(request, 256 * 1024)
        data = parse_object(body)
        try:
            complaint = ComplaintIn.model_validate(data)
        except ValidationError as exc:
            first = exc.errors()[0]
            where = ".".join(str(p) for p in first["loc"]) or None
            raise ApiError(
                400, f"{where}: {first['msg']}", code="invalid_complaint", param=where
            ) from None
        if len(complaint.description) > gw.config.complaints.max_chars:
            raise ApiError(
                400,
                f"the description exceeds {gw.config.complaints.max_chars} characters",
                code="invalid_complaint",
                param="description",
            )
        try:
            stored = await asyncio.to_thread(
                gw.complaints.add, complaint, user_id=principal.user_id if principal else None
            )
        except ComplaintError as exc:
            raise ApiError(400, str(exc), code="invalid_complaint") from None
        gw.writer.submit(
            Event(
                kind="complaint",
                ts_us=ts_us(now_utc()),
                request_id=complaint.request_id,
                user_id=principal.user_id if principal else None,
                key_id=principal.key_id if principal else None,
                action="received",
                detail={
                    "complaint": stored.id,
                    "category": stored.category.value,
                    "deadline": stored.feedback_deadline.isoformat(),
                },
            )
        )
        return Response(
            dumps(stored.public()),
            status_code=201,
            media_type="application/json",
            headers=ctx.headers(),
        )
    except ApiError as exc:
        ctx.status, ctx.error = exc.status, exc.code
        record(gw, ctx)
        return exc.response(ctx.headers())


async def get_complaint(gw: Gateway, request: Request) -> Response:
    """``GET /v1/complaints/{id}``: the caller's own complaint, with any feedback."""
    try:
        principal = await identify(gw, request)
        assert principal is not None
        cid = str(request.path_params.get("complaint_id", ""))
        try:
            found = await asyncio.to_thread(gw.complaints.get, cid)
        except ComplaintError:
            found = None
        if found is None or found.user_id != principal.user_id:
            raise ApiError(404, "no such complaint", code="complaint_not_found")
        return Response(dumps(found.public()), media_type="application/json")
    except ApiError as exc:
        return exc.response()


def healthz_endpoint(gw: Gateway) -> Callable[[], Awaitable[JSONResponse]]:
    """``GET /healthz``: the process is alive."""

    async def healthz() -> JSONResponse:
        return JSONResponse({"status": "ok"})

    return healthz


def readyz_endpoint(gw: Gateway) -> Callable[[], Awaitable[JSONResponse]]:
    """``GET /readyz``: started, database reachable, event log keeping up."""

    async def readyz() -> JSONResponse:
        checks = {
            "started": gw.started,
            "database": await gw.database_ok(),
            "event_log": gw.writer.healthy and not gw.writer.full,
        }
        ok = all(checks.values())
        body: dict[str, Any] = {"status": "ready" if ok else "not_ready", "checks": checks}
        return JSONResponse(body, status_code=200 if ok else 503)

    return readyz


def metrics_endpoint(gw: Gateway) -> Callable[[], Awaitable[Response]]:
    """``GET /metrics``: Prometheus text format."""

    async def metrics() -> Response:
        gw.metrics.events_queued.set(gw.writer.depth)
        gw.metrics.events_written.set(gw.writer.written)
        return PlainTextResponse(gw.metrics.render(), media_type="text/plain; version=0.0.4")

    return metrics


def _install_error_handlers(app: FastAPI) -> None:
    async def http_error(_request: Request, exc: Exception) -> Response:
        assert isinstance(exc, HTTPException)
        codes = {404: "not_found", 405: "method_not_allowed"}
        message = {404: "no such endpoint", 405: "method not allowed"}.get(
            exc.status_code, str(exc.detail)
        )
        return ApiError(
            exc.status_code, message, code=codes.get(exc.status_code, "http_error")
        ).response(dict(exc.headers or {}))

    async def validation_error(_request: Request, exc: Exception) -> Response:
        return ApiError(400, "the request is malformed", code="invalid_request").response()

    async def unexpected(request: Request, exc: Exception) -> Response:
        log.exception("unexpected error on %s %s", request.method, request.url.path)
        return ApiError(
            500, "internal error; the event was logged", code="internal_error"
        ).response()

    app.add_exception_handler(HTTPException, http_error)
    app.add_exception_handler(RequestValidationError, validation_error)
    app.add_exception_handler(Exception, unexpected)
