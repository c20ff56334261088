"""Sessions, roles and CSRF: who is signed in, and whether they may do this.

The session is Starlette's signed cookie (itsdangerous): HttpOnly, SameSite=Lax, Secure unless in
development mode. It holds the username, a CSRF token and the chosen language; the user's role
and status are read from the database on every request, so a change applies at once.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from typing import TYPE_CHECKING

from fastapi import HTTPException, Request
from starlette.concurrency import run_in_threadpool

from hegui.console.accounts import ConsoleUser, Role

if TYPE_CHECKING:
    from hegui.console.state import ConsoleState

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
CSRF_FIELD = "csrf"
CSRF_HEADER = "X-CSRF-Token"


class NotSignedIn(Exception):
    """The request has no valid session; the app redirects to the sign-in page."""


def csrf_token(request: Request) -> str:
    """The session's CSRF token, made on first use."""
    token = request.session.get("csrf")
    if not isinstance(token, str) or len(token) < 32:
        token = secrets.token_urlsafe(32)
        request.session["csrf"] = token
    return token


async def check_csrf(request: Request) -> None:
    """Reject a state-changing request whose CSRF token (form field or header) is wrong."""
    expected = request.session.get("csrf")
    sent = request.headers.get(CSRF_HEADER)
    if sent is None:
        content_type = request.headers.get("content-type", "")
        if content_type.startswith(("application/x-www-form-urlencoded", "multipart/form-data")):
            state: ConsoleState = request.app.state.console
            form = await request.form(max_part_size=state.settings.upload_limit)
            value = form.get(CSRF_FIELD)
            sent = value if isinstance(value, str) else None
    if not isinstance(expected, str) or sent is None or not secrets.compare_digest(expected, sent):
        raise HTTPException(403, "csrf")


def session_user(request: Request) -> ConsoleUser | None:
    """The signed-in, enabled user of this request, or ``None``."""
    username = request.session.get("user")
    if not isinstance(username, str):
        return None
    state: ConsoleState = request.app.state.console
    user = state.accounts.find(username)
    if user is None or user.disabled:
        request.session.clear()
        return None
    return user


@dataclass(frozen=True)
class RoleGate:
    """A route dependency: the signed-in user, if their role is one of ``roles``.

    State-changing methods also need the session's CSRF token. Every route of the console
    except sign-in and static files declares one (a test enumerates the routes to check it).
    """

    roles: frozenset[Role]

    async def __call__(self, request: Request) -> ConsoleUser:
        # the account lookup is blocking database I/O: keep it off the event loop
        user = await run_in_threadpool(session_user, request)
        if user is None:
            raise NotSignedIn()
        if user.role not in self.roles:
            raise HTTPException(403, "role")
        if request.method not in SAFE_METHODS:
            state: ConsoleState = request.app.state.console
            length = request.headers.get("content-length")
            if length is not None and length.isdigit() and int(length) > state.upload_bytes:
                raise HTTPException(413, "too-large")
            await check_csrf(request)
        return user


ANYONE = RoleGate(frozenset(Role))
"""Any signed-in user (reading runs, the queue, gateway users, libraries)."""
REVIEWERS = RoleGate(frozenset({Role.ADMIN, Role.REVIEWER}))
"""Those who label answers."""
AUDITORS = RoleGate(frozenset({Role.ADMIN, Role.AUDITOR}))
"""Those who read the audit log."""
STAFF = RoleGate(frozenset({Role.ADMIN, Role.REVIEWER}))
"""Those who open incidents and add notes (reviewers find the content)."""
ADMINS = RoleGate(frozenset({Role.ADMIN}))
"""Those who change settings, users and enforcement."""
