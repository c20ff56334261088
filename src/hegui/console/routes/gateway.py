"""Gateway users and their enforcement ledger."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Form, HTTPException, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy import and_, or_, select

from hegui.console.accounts import ConsoleUser
from hegui.console.errors import ConsoleError
from hegui.console.security import ADMINS, ANYONE
from hegui.console.web import audit, render, state_of
from hegui.gateway import tables as g
from hegui.gateway.identity.records import EnforcementRecord, UserRecord
from hegui.gateway.identity.users import UserError, UserStore

router = APIRouter()

User = Annotated[ConsoleUser, Depends(ANYONE)]
Admin = Annotated[ConsoleUser, Depends(ADMINS)]
MAX_HOURS = 24 * 365


@router.get("/gateway/users", response_class=HTMLResponse)
def users(
    request: Request,
    user: User,
    after: Annotated[str | None, Query(max_length=40)] = None,
    status: Annotated[str | None, Query(max_length=16)] = None,
) -> Response:
    """Gateway users newest first, a page at a time (keyset on created_at, id)."""
    state = state_of(request)
    size = state.settings.page_size
    u = g.users
    query = select(u).order_by(u.c.created_at.desc(), u.c.id.desc()).limit(size + 1)
    if status in ("active", "suspended"):
        query = query.where(u.c.status == status)
    engine = state.gateway_engine()
    with engine.connect() as conn:
        if after:
            mark = conn.execute(select(u.c.created_at).where(u.c.id == after)).first()
            if mark is not None:
                query = query.where(
                    or_(
                        u.c.created_at < mark.created_at,
                        and_(u.c.created_at == mark.created_at, u.c.id < after),
                    )
                )
        rows = [UserRecord.from_row(r) for r in conn.execute(query)]
    more = rows[size - 1].id if len(rows) > size else None
    return render(
        request, "gateway_users.html", user, users=rows[:size], more=more, status_filter=status
    )


@router.get("/gateway/users/{user_id}", response_class=HTMLResponse)
def gateway_user(request: Request, user: User, user_id: str) -> Response:
    """One gateway user: status, counters and enforcement history."""
    store = UserStore(state_of(request).gateway_engine())
    try:
        record = store.user(user_id)
    except UserError:
        raise HTTPException(404, "user") from None
    return render(
        request,
        "gateway_user.html",
        user,
        record=record,
        history=store.history(record.id),
        keys=store.keys(record.id),
        error=None,
    )


def _reason(reason: str) -> str:
    reason = reason.strip()
    if not reason:
        raise ConsoleError("give the reason recorded in the enforcement ledger", field="reason")
    return reason


@router.post("/gateway/users/{user_id}/suspend")
def suspend(
    request: Request,
    user: Admin,
    user_id: str,
    reason: Annotated[str, Form(max_length=2000)] = "",
    hours: Annotated[float | None, Form(gt=0, le=MAX_HOURS)] = None,
) -> Response:
    """Suspend a gateway user (admins); recorded in the ledger and the audit log."""
    store = UserStore(state_of(request).gateway_engine())
    try:
        record = store.suspend(
            user_id, reason=_reason(reason), actor=f"console:{user.username}", hours=hours
        )
    except UserError:
        raise HTTPException(404, "user") from None
    audit(request, user.username, "gateway.suspend", record.id, {"reason": reason, "hours": hours})
    return RedirectResponse(f"/gateway/users/{record.id}", status_code=303)


@router.post("/gateway/users/{user_id}/reinstate")
def reinstate(
    request: Request,
    user: Admin,
    user_id: str,
    reason: Annotated[str, Form(max_length=2000)] = "",
) -> Response:
    """Lift a suspension or limit (admins)."""
    store = UserStore(state_of(request).gateway_engine())
    try:
        record = store.reinstate(user_id, reason=_reason(reason), actor=f"console:{user.username}")
    except UserError:
        raise HTTPException(404, "user") from None
    audit(request, user.username, "gateway.reinstate", record.id, {"reason": reason})
    return RedirectResponse(f"/gateway/users/{record.id}", status_code=303)


@router.get("/gateway/enforcement", response_class=HTMLResponse)
def enforcement(
    request: Request,
    user: User,
    before: Annotated[int | None, Query(ge=1)] = None,
) -> Response:
    """Every enforcement action (warn, limit, suspend, reinstate), newest first."""
    state = state_of(request)
    size = state.settings.page_size
    e = g.enforcement
    query = select(e).order_by(e.c.id.desc()).limit(size + 1)
    if before is not None:
        query = query.where(e.c.id < before)
    with state.gateway_engine().connect() as conn:
        rows = [EnforcementRecord.from_row(r) for r in conn.execute(query)]
    more = rows[size - 1].id if len(rows) > size else None
    return render(request, "enforcement.html", user, actions=rows[:size], more=more)
