"""Rendering pages: the Jinja2 environment, the per-request context, and audit helpers."""

from __future__ import annotations

from datetime import datetime
from functools import lru_cache
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse
from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape

from hegui.console.accounts import ConsoleUser, Role
from hegui.console.i18n import choose, translator
from hegui.console.security import CSRF_HEADER, csrf_token
from hegui.console.state import ConsoleState
from hegui.reports.labels import interval_text, pct, threshold_text

CLIP = 600


def _when(value: datetime | None) -> str:
    return value.strftime("%Y-%m-%d %H:%M") if value else "—"


def _clip(text: str | None, limit: int = CLIP) -> str:
    if text is None:
        return ""
    return text if len(text) <= limit else text[:limit] + "…"


@lru_cache(maxsize=1)
def environment() -> Environment:
    """The template environment (autoescaping on, unknown variables are errors)."""
    env = Environment(
        loader=PackageLoader("hegui.console", "templates"),
        autoescape=select_autoescape(default=True, default_for_string=True),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters.update(when=_when, clip=_clip, pct=pct)
    env.globals.update(interval_text=interval_text, threshold_text=threshold_text)
    return env


def state_of(request: Request) -> ConsoleState:
    """The app's :class:`ConsoleState`."""
    state: ConsoleState = request.app.state.console
    return state


def language(request: Request, user: ConsoleUser | None) -> str:
    """The UI language of this request."""
    return choose(
        request.session.get("lang"),
        user.language if user else None,
        request.headers.get("accept-language"),
    )


def render(
    request: Request,
    name: str,
    user: ConsoleUser | None,
    *,
    status: int = 200,
    **context: Any,
) -> HTMLResponse:
    """A page or an htmx fragment, with the translator, CSRF token and user in its context."""
    lang = language(request, user)
    values = {
        "request": request,
        "_": translator(lang),
        "lang": lang,
        "csrf": csrf_token(request),
        "csrf_header": CSRF_HEADER,
        "user": user,
        "Role": Role,
        "page_size": state_of(request).settings.page_size,
        **context,
    }
    return HTMLResponse(environment().get_template(name).render(values), status_code=status)


def client(request: Request) -> str:
    """The client address as this server saw it."""
    return request.client.host if request.client else ""


def audit(
    request: Request,
    user: str,
    action: str,
    target: str = "",
    detail: dict[str, Any] | None = None,
) -> None:
    """Record a console action in the audit log."""
    state_of(request).audit.record(user, action, target, detail, client=client(request))
