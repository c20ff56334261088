"""Sign-in, sign-out and the UI language."""

from __future__ import annotations

from typing import Annotated
from urllib.parse import quote

from fastapi import APIRouter, Depends, Form, HTTPException, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from hegui.console.accounts import ConsoleUser
from hegui.console.i18n import LANGUAGES
from hegui.console.security import ANYONE, check_csrf, session_user
from hegui.console.web import audit, render, state_of

router = APIRouter()


def _safe_next(target: str | None) -> str:
    # only local paths: never redirect a signed-in user to another site
    if target and target.startswith("/") and not target.startswith("//"):
        return target
    return "/runs"


@router.get("/login", response_class=HTMLResponse)
def login_page(request: Request, next: str | None = None) -> Response:
    """The sign-in form."""
    user = session_user(request)
    if user is not None:
        return RedirectResponse(_safe_next(next), status_code=303)
    return render(request, "login.html", None, next=_safe_next(next), error=None)


@router.post("/login", response_class=HTMLResponse)
async def login(
    request: Request,
    username: Annotated[str, Form(max_length=64)] = "",
    password: Annotated[str, Form(max_length=1024)] = "",
    next: Annotated[str, Form(max_length=2000)] = "/runs",
) -> Response:
    """Check the password; on success start a new session."""
    await check_csrf(request)
    state = state_of(request)
    username = username.strip()
    if not username or not password:
        return render(
            request, "login.html", None, status=400, next=_safe_next(next), error="login.missing"
        )
    if state.throttle.locked(username):
        audit(request, username, "sign-in.locked")
        return render(
            request, "login.html", None, status=429, next=_safe_next(next), error="login.locked"
        )
    # argon2 costs ~0.2 s of CPU by design: never on the event loop
    user = await run_in_threadpool(state.accounts.authenticate, username, password)
    if user is None:
        state.throttle.failed(username)
        audit(request, username, "sign-in.failed")
        return render(
            request, "login.html", None, status=401, next=_safe_next(next), error="login.failed"
        )
    state.throttle.clear(username)
    lang = request.session.get("lang")
    request.session.clear()  # a fresh session (and CSRF token) on every sign-in
    request.session["user"] = user.username
    if lang in LANGUAGES:
        request.session["lang"] = lang
    audit(request, user.username, "sign-in")
    return RedirectResponse(_safe_next(next), status_code=303)


@router.post("/logout")
def logout(request: Request, user: Annotated[ConsoleUser, Depends(ANYONE)]) -> Response:
    """End the session."""
    audit(request, user.username, "sign-out")
    request.session.clear()
    return RedirectResponse("/login", status_code=303)


@router.post("/language")
def set_language(
    request: Request,
    user: Annotated[ConsoleUser, Depends(ANYONE)],
    lang: Annotated[str, Form()],
    back: Annotated[str, Form(max_length=2000)] = "/runs",
) -> Response:
    """Switch the UI language (kept on the account)."""
    if lang not in LANGUAGES:
        raise HTTPException(400, "language")
    request.session["lang"] = lang
    state_of(request).accounts.set_language(user.username, lang)
    return RedirectResponse(_safe_next(back), status_code=303)


@router.post("/login/language")
async def anonymous_language(
    request: Request, lang: Annotated[str, Form()], next: Annotated[str, Form()] = "/runs"
) -> Response:
    """Switch the language on the sign-in page."""
    await check_csrf(request)
    if lang not in LANGUAGES:
        raise HTTPException(400, "language")
    request.session["lang"] = lang
    return RedirectResponse(f"/login?next={quote(_safe_next(next))}", status_code=303)


@router.get("/")
def home(user: Annotated[ConsoleUser, Depends(ANYONE)]) -> Response:
    """The runs page."""
    return RedirectResponse("/runs", status_code=303)
