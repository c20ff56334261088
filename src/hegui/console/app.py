"""The console's FastAPI app factory."""

from __future__ import annotations

import time
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from importlib.resources import files

from fastapi import FastAPI, HTTPException, Request, Response
from fastapi.exceptions import RequestValidationError
from fastapi.responses import RedirectResponse
from fastapi.staticfiles import StaticFiles
from starlette.middleware.sessions import SessionMiddleware

from hegui.console.accounts import AccountStore
from hegui.console.routes import (
    admin,
    auth,
    complaints,
    gateway,
    incidents,
    library,
    review,
    runs,
)
from hegui.console.security import NotSignedIn, session_user
from hegui.console.settings import ConsoleSettings
from hegui.console.state import ConsoleState
from hegui.console.web import render
from hegui.errors import HeguiError, ReportError, StoreError

SESSION_COOKIE = "hegui_console"
SECURITY_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
    # everything is served by the console itself: no CDN, no inline script
    "Content-Security-Policy": (
        "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; "
        "script-src 'self'; frame-ancestors 'none'; form-action 'self'"
    ),
}


def create_app(settings: ConsoleSettings, *, accounts: AccountStore | None = None) -> FastAPI:
    """The console app: sign-in, runs, review queue, gateway users, libraries, audit log.

    Raises :class:`~hegui.errors.ConfigError` when ``settings`` has no usable session secret
    outside development mode. ``accounts`` replaces the user store (tests use cheap hashes).
    """
    secret = settings.session_secret()
    state = ConsoleState.open(settings, accounts)

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        yield
        state.close()

    app = FastAPI(
        title="hegui console",
        docs_url=None,
        redoc_url=None,
        openapi_url=None,
        lifespan=lifespan,
    )
    app.state.console = state
    app.add_middleware(
        SessionMiddleware,
        secret_key=secret,
        session_cookie=SESSION_COOKIE,
        max_age=int(settings.session_hours * 3600),
        same_site="lax",
        https_only=not settings.dev,
    )

    @app.middleware("http")
    async def timing(
        request: Request, call_next: Callable[[Request], Awaitable[Response]]
    ) -> Response:
        started = time.perf_counter()
        response = await call_next(request)
        elapsed = (time.perf_counter() - started) * 1000
        response.headers["Server-Timing"] = f"app;dur={elapsed:.2f}"
        for name, value in SECURITY_HEADERS.items():
            response.headers.setdefault(name, value)
        return response

    @app.exception_handler(NotSignedIn)
    async def _signed_out(request: Request, _exc: NotSignedIn) -> Response:
        if request.headers.get("HX-Request"):
            return Response(status_code=401, headers={"HX-Redirect": "/login"})
        target = request.url.path
        if request.method == "GET" and request.url.query:
            target += "?" + request.url.query
        return RedirectResponse(f"/login?next={_quote(target)}", status_code=303)

    @app.exception_handler(HTTPException)
    async def _http_error(request: Request, exc: HTTPException) -> Response:
        user = session_user(request)
        return render(request, "error.html", user, status=exc.status_code, code=exc.status_code)

    @app.exception_handler(RequestValidationError)
    async def _invalid(request: Request, exc: RequestValidationError) -> Response:
        user = session_user(request)
        problems = "; ".join(
            f"field {'.'.join(str(p) for p in e['loc'][1:]) or e['loc'][0]!r}: {e['msg']}"
            for e in exc.errors()
        )
        return render(request, "error.html", user, status=400, code=400, message=problems)

    @app.exception_handler(HeguiError)
    async def _hegui_error(request: Request, exc: HeguiError) -> Response:
        user = session_user(request)
        # a step refused (bad input, wrong order) is the user's to fix; the store failing is not
        status = 500 if isinstance(exc, StoreError | ReportError) else 400
        return render(request, "error.html", user, status=status, code=status, message=str(exc))

    static = files("hegui.console").joinpath("static")
    app.mount("/static", StaticFiles(directory=str(static)), name="static")
    for module in (auth, runs, review, incidents, complaints, gateway, library, admin):
        app.include_router(module.router)
    return app


def _quote(path: str) -> str:
    from urllib.parse import quote

    return quote(path, safe="/")
