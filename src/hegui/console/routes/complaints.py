"""The complaint desk (IM Art. 15): complaints from the gateway and entered by staff, their
acknowledgement, feedback deadline, the outcome sent, and the incident they led to."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Form, HTTPException, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import ValidationError

from hegui.console.accounts import ConsoleUser
from hegui.console.errors import ConsoleError
from hegui.console.routes.incidents import actor
from hegui.console.security import ADMINS, ANYONE
from hegui.console.web import audit, render, state_of
from hegui.gateway.complaints import ComplaintCategory, ComplaintError, ComplaintIn
from hegui.gateway.db import now_utc
from hegui.incidents.complaints import ComplaintChannel
from hegui.incidents.sources import from_complaint

router = APIRouter()

User = Annotated[ConsoleUser, Depends(ANYONE)]
Admin = Annotated[ConsoleUser, Depends(ADMINS)]


def _done(request: Request, user: ConsoleUser, step: str, cid: str, **detail: object) -> Response:
    audit(request, user.username, f"complaint.{step}", cid, dict(detail))
    return RedirectResponse("/complaints", status_code=303)


def _known(request: Request, cid: str) -> None:
    try:
        state_of(request).desk().get(cid)
    except ComplaintError:
        raise HTTPException(404, "complaint") from None


@router.get("/complaints", response_class=HTMLResponse)
def complaints(
    request: Request,
    user: User,
    show: Annotated[str | None, Query(max_length=16)] = None,
) -> Response:
    """Complaints by feedback deadline; ``show=open`` or ``show=overdue`` narrows the list."""
    desk = state_of(request).desk()
    cases = desk.list(open_only=show == "open", overdue=show == "overdue", limit=500)
    return render(
        request,
        "complaints.html",
        user,
        cases=cases,
        now=now_utc(),
        show=show,
        categories=list(ComplaintCategory),
        channels=[c for c in ComplaintChannel if c is not ComplaintChannel.API],
    )


@router.post("/complaints")
def enter(
    request: Request,
    user: Admin,
    category: Annotated[str, Form(max_length=32)] = "",
    description: Annotated[str, Form(max_length=20_000)] = "",
    channel: Annotated[str, Form(max_length=16)] = "",
    contact: Annotated[str, Form(max_length=256)] = "",
) -> Response:
    """Enter a complaint received by phone, e-mail, letter or in person."""
    try:
        complaint = ComplaintIn(
            category=category,
            description=description.strip(),
            contact=contact.strip() or None,
        )
        how = ComplaintChannel(channel)
    except ValidationError as exc:
        first = exc.errors()[0]
        raise ConsoleError(first["msg"], field=".".join(map(str, first["loc"]))) from None
    except ValueError:
        raise ConsoleError(f"unknown channel {channel!r}", field="channel") from None
    case = state_of(request).desk().enter(complaint, channel=how, actor=actor(user))
    return _done(request, user, "enter", case.id, category=category, channel=channel)


@router.post("/complaints/{complaint_id}/acknowledge")
def acknowledge(request: Request, user: Admin, complaint_id: str) -> Response:
    """Record that the complainant was told the complaint was received."""
    _known(request, complaint_id)
    state_of(request).desk().acknowledge(complaint_id, actor=actor(user))
    return _done(request, user, "acknowledge", complaint_id)


@router.post("/complaints/{complaint_id}/outcome")
def outcome(
    request: Request,
    user: Admin,
    complaint_id: str,
    response: Annotated[str, Form(max_length=8000)] = "",
    channel: Annotated[str, Form(max_length=64)] = "",
) -> Response:
    """Record the outcome sent to the complainant (and how it was sent)."""
    _known(request, complaint_id)
    state_of(request).desk().send_outcome(
        complaint_id, channel=channel.strip(), actor=actor(user), response=response.strip() or None
    )
    return _done(request, user, "outcome", complaint_id, channel=channel, response=response)


@router.post("/complaints/{complaint_id}/incident")
def open_incident(
    request: Request,
    user: Admin,
    complaint_id: str,
    incident_id: Annotated[str, Form(max_length=64)] = "",
    risk: Annotated[str, Form(max_length=8)] = "",
) -> Response:
    """Link the complaint to an incident: an existing one, or a new one opened from it."""
    _known(request, complaint_id)
    state = state_of(request)
    desk, service = state.desk(), state.incidents()
    target = incident_id.strip()
    if not target:
        case = desk.get(complaint_id)
        try:
            target = service.open(
                from_complaint(case.complaint, risk=risk or None), actor=actor(user)
            ).id
        except ValidationError as exc:
            raise ConsoleError(exc.errors()[0]["msg"], field="risk") from None
    desk.link_incident(complaint_id, target, actor=actor(user), incidents=service)
    audit(request, user.username, "complaint.incident", complaint_id, {"incident": target})
    return RedirectResponse(f"/incidents/{target}", status_code=303)
