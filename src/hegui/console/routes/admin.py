"""The audit log, and console users (admins)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Form, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from hegui.console.accounts import ConsoleUser, parse_role
from hegui.console.errors import ConsoleError
from hegui.console.security import ADMINS, AUDITORS
from hegui.console.web import audit, render, state_of

router = APIRouter()

Admin = Annotated[ConsoleUser, Depends(ADMINS)]


@router.get("/audit", response_class=HTMLResponse)
def audit_log(
    request: Request,
    user: Annotated[ConsoleUser, Depends(AUDITORS)],
    before: Annotated[int | None, Query(ge=1)] = None,
    who: Annotated[str | None, Query(max_length=64)] = None,
) -> Response:
    """Every console action, newest first (keyset on id)."""
    state = state_of(request)
    size = state.settings.page_size
    entries = state.audit.page(before=before, limit=size + 1, username=who or None)
    more = entries[size - 1].id if len(entries) > size else None
    return render(request, "audit.html", user, entries=entries[:size], more=more, who=who or "")


@router.get("/admin/users", response_class=HTMLResponse)
def console_users(request: Request, user: Admin) -> Response:
    """Console users and their roles."""
    return render(
        request, "admin_users.html", user, users=state_of(request).accounts.list(), error=None
    )


@router.post("/admin/users", response_class=HTMLResponse)
def add_user(
    request: Request,
    user: Admin,
    username: Annotated[str, Form(max_length=64)] = "",
    password: Annotated[str, Form(max_length=1024)] = "",
    role: Annotated[str, Form(max_length=16)] = "",
) -> Response:
    """Add a console user."""
    state = state_of(request)
    try:
        created = state.accounts.create(username.strip(), password, parse_role(role))
    except ConsoleError as exc:
        return render(
            request, "admin_users.html", user, status=400, users=state.accounts.list(), error=exc
        )
    audit(request, user.username, "console-user.create", created.username, {"role": role})
    return RedirectResponse("/admin/users", status_code=303)


@router.post("/admin/users/{username}", response_class=HTMLResponse)
def change_user(
    request: Request,
    user: Admin,
    username: str,
    role: Annotated[str | None, Form(max_length=16)] = None,
    disabled: Annotated[str | None, Form(max_length=8)] = None,
) -> Response:
    """Change a console user's role, or disable/enable them (not yourself)."""
    state = state_of(request)
    if username == user.username:
        raise ConsoleError("you cannot change your own role or disable yourself", field="username")
    target = state.accounts.get(username)
    if role is not None:
        state.accounts.set_role(target.username, parse_role(role))
        audit(request, user.username, "console-user.role", target.username, {"role": role})
    if disabled is not None:
        state.accounts.set_disabled(target.username, disabled == "yes")
        audit(
            request, user.username, "console-user.disable", target.username, {"disabled": disabled}
        )
    return RedirectResponse("/admin/users", status_code=303)
