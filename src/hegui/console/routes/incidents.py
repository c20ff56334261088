"""Incidents (IM Art. 14): open, contain, report, remediate, regression items, verify, close.

Everything is done through :class:`hegui.incidents.IncidentService`, which keeps each incident's
hash-chained timeline; the console adds its audit log. Reviewers open incidents and add notes;
only admins take the other steps (so a reviewer cannot close an incident).
"""

from __future__ import annotations

import tempfile
from datetime import timedelta
from pathlib import Path
from typing import Annotated

from fastapi import APIRouter, Depends, Form, HTTPException, Query, Request
from fastapi import Path as Path_
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import ValidationError

from hegui.console.accounts import ConsoleUser
from hegui.console.errors import ConsoleError
from hegui.console.rundata import runs_page
from hegui.console.security import ADMINS, ANYONE, STAFF
from hegui.console.web import audit, render, state_of
from hegui.errors import HeguiError
from hegui.incidents import (
    AuthorityReportIn,
    ContainmentAction,
    ContainmentIn,
    Evidence,
    IncidentIn,
    IncidentSource,
    IncidentStatus,
    OverdueItem,
    RemediationIn,
    SourceKind,
)
from hegui.incidents.candidates import gateway_candidates
from hegui.incidents.export import export_overdue
from hegui.incidents.sources import from_gateway_event, from_run
from hegui.records import Message

router = APIRouter()

User = Annotated[ConsoleUser, Depends(ANYONE)]
Staff = Annotated[ConsoleUser, Depends(STAFF)]
Admin = Annotated[ConsoleUser, Depends(ADMINS)]
Text = Annotated[str, Form(max_length=5000)]
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CANDIDATE_DAYS = 30
"""How far back ``/incidents`` looks for gateway output stops without an incident."""


def actor(user: ConsoleUser) -> str:
    """How a console user is named on timelines and logs."""
    return f"console:{user.username}"


def _invalid(exc: ValidationError) -> ConsoleError:
    first = exc.errors()[0]
    field = ".".join(str(p) for p in first["loc"]) or None
    return ConsoleError(first["msg"], field=field)


def _done(
    request: Request, user: ConsoleUser, step: str, incident_id: str, **detail: object
) -> Response:
    audit(request, user.username, f"incident.{step}", incident_id, dict(detail))
    return RedirectResponse(f"/incidents/{incident_id}", status_code=303)


def _overdue(request: Request) -> list[OverdueItem]:
    """Every incident step and complaint feedback past its deadline, most overdue first."""
    state = state_of(request)
    service = state.incidents()
    now = service.clock()
    late = service.overdue(now)
    late += [c.overdue_item(now) for c in state.desk().list(overdue=True)]
    return sorted(late, key=lambda item: item.due)


@router.get("/incidents", response_class=HTMLResponse)
def incidents(
    request: Request,
    user: User,
    status: Annotated[str | None, Query(max_length=16)] = None,
) -> Response:
    """Incidents newest first, and every step (and complaint feedback) past its deadline."""
    service = state_of(request).incidents()
    wanted = IncidentStatus(status) if status in {s.value for s in IncidentStatus} else None
    found = service.list(status=wanted, limit=500)
    since = service.clock() - timedelta(days=CANDIDATE_DAYS)
    candidates = gateway_candidates(state_of(request).gateway_engine(), service.engine, since=since)
    return render(
        request,
        "incidents.html",
        user,
        incidents=found,
        candidates=candidates,
        candidate_days=CANDIDATE_DAYS,
        overdue=_overdue(request),
        status_filter=status,
        statuses=list(IncidentStatus),
    )


@router.get("/incidents/overdue.{fmt}")
def overdue_export(
    request: Request, user: User, fmt: Annotated[str, Path_(pattern="^(csv|xlsx)$")]
) -> Response:
    """The overdue list as CSV or XLSX (the same file as ``hegui incident overdue --out``)."""
    items = _overdue(request)
    with tempfile.TemporaryDirectory(prefix="hegui-overdue-") as folder:
        data = export_overdue(Path(folder) / f"overdue.{fmt}", items).read_bytes()
    audit(request, user.username, "incident.export-overdue", fmt, {"items": len(items)})
    media = "text/csv" if fmt == "csv" else XLSX
    stamp = state_of(request).incidents().clock().strftime("%Y%m%d")
    headers = {"Content-Disposition": f'attachment; filename="overdue-{stamp}.{fmt}"'}
    return Response(data, media_type=media, headers=headers)


@router.post("/incidents")
def open_incident(
    request: Request,
    user: Staff,
    title: Annotated[str, Form(max_length=300)] = "",
    risk: Annotated[str, Form(max_length=8)] = "",
    question: Text = "",
    answer: Text = "",
    model_version: Annotated[str, Form(max_length=128)] = "",
) -> Response:
    """Open an incident by hand, with the conversation and answer as evidence."""
    try:
        evidence = (
            (
                Evidence(
                    messages=(Message(role="user", content=question),) if question.strip() else (),
                    answer=answer,
                    risk=risk or None,
                ),
            )
            if question.strip() or answer.strip()
            else ()
        )
        incident = IncidentIn(
            title=title.strip(),
            source=IncidentSource(kind=SourceKind.MANUAL),
            evidence=evidence,
            risk=risk or None,
            model_version=model_version.strip() or None,
        )
    except ValidationError as exc:
        raise _invalid(exc) from None
    opened = state_of(request).incidents().open(incident, actor=actor(user))
    return _done(request, user, "open", opened.id, title=opened.title)


@router.post("/incidents/from-gateway")
def open_from_gateway(
    request: Request, user: Staff, event: Annotated[str, Form(max_length=200)]
) -> Response:
    """Open an incident from a gateway event (an output stop listed on ``/incidents``)."""
    state = state_of(request)
    incident = from_gateway_event(state.gateway_engine(), event)
    opened = state.incidents().open(incident, actor=actor(user))
    return _done(request, user, "open", opened.id, event=event)


@router.post("/runs/{run_id}/incident")
def open_from_run(
    request: Request,
    user: Staff,
    run_id: str,
    item_id: Annotated[str, Form(max_length=256)],
) -> Response:
    """Open an incident for a failed answer of an assessment run (its evidence is copied)."""
    state = state_of(request)
    incident = from_run(state.store, run_id, [item_id], title=f"{run_id}: {item_id}")
    opened = state.incidents().open(incident, actor=actor(user))
    return _done(request, user, "open", opened.id, run=run_id, item=item_id)


@router.get("/incidents/{incident_id}", response_class=HTMLResponse)
def incident(request: Request, user: User, incident_id: str) -> Response:
    """One incident: evidence, deadlines, measures, verification runs and its timeline."""
    state = state_of(request)
    service = state.incidents()
    try:
        record = service.get(incident_id)
    except HeguiError:
        raise HTTPException(404, "incident") from None
    return render(
        request,
        "incident.html",
        user,
        incident=record,
        timeline=service.timeline(incident_id),
        check=service.verify_timeline(incident_id),
        overdue=record.overdue(service.clock()),
        actions=list(ContainmentAction),
        runs=runs_page(state.store, after=None, limit=50),
        today=service.clock().date().isoformat(),
        job=state.verifications().get(incident_id),
        incident_id=incident_id,
    )


@router.post("/incidents/{incident_id}/note")
def note(request: Request, user: Staff, incident_id: str, text: Text = "") -> Response:
    """Add a note to the timeline."""
    state_of(request).incidents().note(incident_id, text, actor=actor(user))
    return _done(request, user, "note", incident_id, text=text)


@router.post("/incidents/{incident_id}/assign")
def assign(
    request: Request,
    user: Admin,
    incident_id: str,
    owner: Annotated[str, Form(max_length=128)] = "",
) -> Response:
    """Make someone responsible."""
    state_of(request).incidents().assign(incident_id, owner.strip(), actor=actor(user))
    return _done(request, user, "assign", incident_id, owner=owner)


@router.post("/incidents/{incident_id}/contain")
def contain(
    request: Request,
    user: Admin,
    incident_id: str,
    action: Annotated[str, Form(max_length=32)] = "",
    detail: Text = "",
    user_id: Annotated[str, Form(max_length=40)] = "",
) -> Response:
    """Record a containment measure (generation stopped, content removed, user action…)."""
    try:
        measure = ContainmentIn(action=action, detail=detail, user_id=user_id or None)
    except ValidationError as exc:
        raise _invalid(exc) from None
    state_of(request).incidents().contain(incident_id, [measure], actor=actor(user))
    return _done(request, user, "contain", incident_id, action=action, detail=detail)


@router.post("/incidents/{incident_id}/report")
def report(
    request: Request,
    user: Admin,
    incident_id: str,
    authority: Annotated[str, Form(max_length=200)] = "",
    reference: Annotated[str, Form(max_length=200)] = "",
    reported_on: Annotated[str, Form(max_length=10)] = "",
) -> Response:
    """Record the report to the competent authority."""
    try:
        filed = AuthorityReportIn(authority=authority, reference=reference, reported_on=reported_on)
    except ValidationError as exc:
        raise _invalid(exc) from None
    state_of(request).incidents().report(incident_id, filed, actor=actor(user))
    return _done(request, user, "report", incident_id, authority=authority, reference=reference)


@router.post("/incidents/{incident_id}/waive-report")
def waive_report(request: Request, user: Admin, incident_id: str, reason: Text = "") -> Response:
    """Record why no report to the authority is due."""
    state_of(request).incidents().waive_report(incident_id, reason, actor=actor(user))
    return _done(request, user, "waive-report", incident_id, reason=reason)


@router.post("/incidents/{incident_id}/remediate")
def remediate(
    request: Request,
    user: Admin,
    incident_id: str,
    description: Text = "",
    keyword_library_version: Annotated[str, Form(max_length=128)] = "",
    judge_change: Annotated[str, Form(max_length=500)] = "",
    model_version: Annotated[str, Form(max_length=128)] = "",
) -> Response:
    """Record the fix: keyword library, judge or threshold, model version."""
    try:
        fix = RemediationIn(
            description=description,
            keyword_library_version=keyword_library_version or None,
            judge_change=judge_change or None,
            model_version=model_version or None,
        )
    except ValidationError as exc:
        raise _invalid(exc) from None
    state_of(request).incidents().remediate(incident_id, fix, actor=actor(user))
    return _done(request, user, "remediate", incident_id, **fix.model_dump(exclude_none=True))


def project_path(request: Request, value: str, field: str) -> Path:
    """A file inside the project folder (the console never writes elsewhere)."""
    project = state_of(request).settings.project
    if not value.strip():
        raise ConsoleError("give a path inside the project folder", field=field)
    base = project.base_dir.resolve()
    path = (base / value.strip()).resolve()
    if not path.is_relative_to(base):
        raise ConsoleError(f"{value!r} is outside the project folder {base}", field=field)
    return path


@router.post("/incidents/{incident_id}/regression")
def regression(
    request: Request,
    user: Admin,
    incident_id: str,
    bank: Annotated[str, Form(max_length=500)] = "regression.jsonl",
) -> Response:
    """Add the incident's prompts as regression items to a bank in the project folder."""
    path = project_path(request, bank, "bank")
    if path.suffix != ".jsonl":
        raise ConsoleError("the regression bank must be a .jsonl file", field="bank")
    added = state_of(request).incidents().add_regression(incident_id, path, actor=actor(user))
    return _done(
        request, user, "regression", incident_id, bank=str(path), items=list(added.item_ids)
    )


@router.post("/incidents/{incident_id}/verify")
def verify(
    request: Request,
    user: Admin,
    incident_id: str,
    run_id: Annotated[str, Form(max_length=64)] = "",
    target: Annotated[str, Form(max_length=1000)] = "",
) -> Response:
    """Check a stored run against the regression items, or run one against ``target`` now
    (``replay:FILE`` in the project folder, or ``openai:MODEL@URL``) and link it as evidence."""
    state = state_of(request)
    service = state.incidents()
    if run_id.strip():
        result = service.record_verification(
            incident_id, run_id.strip(), state.store, actor=actor(user)
        )
    elif target.strip():
        value = target.strip()
        if value.startswith("replay:"):
            value = "replay:" + str(project_path(request, value.removeprefix("replay:"), "target"))
        state.verifications().start(incident_id, value, actor=actor(user))
        return _done(request, user, "verify", incident_id, target=value, started=True)
    else:
        raise ConsoleError("choose a stored run, or give a target to run now", field="run_id")
    latest = result.verification
    return _done(
        request,
        user,
        "verify",
        incident_id,
        run=latest.run_id if latest else None,
        passed=latest.passed if latest else None,
    )


@router.get("/incidents/{incident_id}/verification", response_class=HTMLResponse)
def verification(request: Request, user: User, incident_id: str) -> Response:
    """The regression run started from the console: a polling box while it runs; when it has
    linked its run, an empty answer that makes htmx reload the page."""
    job = state_of(request).verifications().get(incident_id)
    if job is not None and not job.running and job.error is None:
        return Response(status_code=200, headers={"HX-Refresh": "true"})
    return render(request, "_verification_job.html", user, job=job, incident_id=incident_id)


@router.post("/incidents/{incident_id}/close")
def close(request: Request, user: Admin, incident_id: str, note: Text = "") -> Response:
    """Close the incident (needs containment, the report or a waiver, and a passing run)."""
    state_of(request).incidents().close(incident_id, actor=actor(user), note=note)
    return _done(request, user, "close", incident_id, note=note)
