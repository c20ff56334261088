"""Assessment runs: the list, requirement verdicts with per-risk charts, evidence, comparison."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException, Query, Request
from fastapi.responses import HTMLResponse, Response

from hegui.console.accounts import ConsoleUser
from hegui.console.rundata import item_line, items_page, runs_page
from hegui.console.security import ANYONE
from hegui.console.web import render, state_of
from hegui.errors import StoreError
from hegui.records import ItemKind
from hegui.reports.charts import overview_chart, requirement_chart
from hegui.reports.model import RunReport

router = APIRouter()

User = Annotated[ConsoleUser, Depends(ANYONE)]


def _known(request: Request, run_id: str) -> None:
    try:
        state_of(request).store.get_run(run_id)
    except StoreError:
        raise HTTPException(404, "run") from None


@router.get("/runs", response_class=HTMLResponse)
def runs(request: Request, user: User, after: str | None = None) -> Response:
    """Runs newest first, a page at a time."""
    state = state_of(request)
    size = state.settings.page_size
    lines = runs_page(state.store, after=after, limit=size + 1)
    more = lines[size - 1].run_id if len(lines) > size else None
    return render(request, "runs.html", user, runs=lines[:size], more=more)


@router.get("/runs/{run_id}", response_class=HTMLResponse)
def run(request: Request, user: User, run_id: str) -> Response:
    """A run: its settings, and its scored requirements (loaded by htmx when ready)."""
    _known(request, run_id)
    stored = state_of(request).store.get_run(run_id)
    return render(request, "run.html", user, run=stored)


@router.get("/runs/{run_id}/summary", response_class=HTMLResponse)
def summary(request: Request, user: User, run_id: str) -> Response:
    """The requirement table and charts; a polling placeholder while the run is scored."""
    _known(request, run_id)
    cached = state_of(request).reports.get(run_id)
    if cached is None:
        return render(request, "run_pending.html", user, run_id=run_id)
    if cached.report is None:
        return render(request, "run_error.html", user, run_id=run_id, message=cached.error)
    report = cached.report
    charts = {
        r.requirement: requirement_chart(r, _measure(report, r.requirement)) for r in report.results
    }
    return render(
        request,
        "run_summary.html",
        user,
        run_id=run_id,
        report=report,
        overview=overview_chart(report.results),
        charts=charts,
        stale=cached.stale,
    )


def _measure(report: RunReport, requirement: str) -> str | None:
    info = report.requirement_info.get(requirement)
    return info.measure if info else None


@router.get("/runs/{run_id}/items", response_class=HTMLResponse)
def items(
    request: Request, user: User, run_id: str, after: Annotated[int, Query(ge=-1)] = -1
) -> Response:
    """The run's items in plan order with answers and verdicts, a page at a time."""
    _known(request, run_id)
    state = state_of(request)
    size = state.settings.page_size
    lines = items_page(state.store, run_id, state.pack(run_id), after=after, limit=size + 1)
    more = lines[size - 1].seq if len(lines) > size else None
    return render(
        request, "items.html", user, run_id=run_id, lines=lines[:size], more=more, after=after
    )


OUTCOMES = {"failed": False, "passed": True, "undecided": None}


@router.get("/runs/{run_id}/failures", response_class=HTMLResponse)
def failures(
    request: Request,
    user: User,
    run_id: str,
    start: Annotated[int, Query(ge=0)] = 0,
    risk: Annotated[str | None, Query(max_length=32)] = None,
    kind: Annotated[ItemKind | None, Query()] = None,
    outcome: Annotated[str, Query(pattern="^(failed|passed|undecided)$")] = "failed",
) -> Response:
    """Scored answers (不合格 by default), optionally of one risk or aspect and one bank kind:
    the drill-down from a requirement's per-risk chart."""
    _known(request, run_id)
    cached = state_of(request).reports.get(run_id)
    if cached is None or cached.report is None:
        return render(request, "run.html", user, run=state_of(request).store.get_run(run_id))
    wanted = OUTCOMES[outcome]
    rows = [
        (i, r)
        for i, r in enumerate(cached.report.evidence)
        if i >= start
        and r.passed is wanted
        and r.answer is not None
        and (risk is None or risk in (r.risk, r.aspect))
        and (kind is None or r.kind is kind)
    ]
    size = state_of(request).settings.page_size
    more = rows[size][0] if len(rows) > size else None
    return render(
        request,
        "failures.html",
        user,
        run_id=run_id,
        rows=[r for _, r in rows[:size]],
        more=more,
        risk=risk,
        kind=kind,
        outcome=outcome,
    )


@router.get("/runs/{run_id}/item", response_class=HTMLResponse)
def item(
    request: Request,
    user: User,
    run_id: str,
    id: Annotated[str, Query(max_length=256)],
    sample: Annotated[int, Query(ge=0)] = 0,
) -> Response:
    """One item: the conversation, the answer, every verdict and every review."""
    _known(request, run_id)
    state = state_of(request)
    line = item_line(state.store, run_id, state.pack(run_id), id, sample)
    if line is None:
        raise HTTPException(404, "item")
    return render(request, "item.html", user, run_id=run_id, line=line)


@router.get("/compare", response_class=HTMLResponse)
def compare(
    request: Request,
    user: User,
    a: Annotated[str | None, Query(max_length=64)] = None,
    b: Annotated[str | None, Query(max_length=64)] = None,
) -> Response:
    """Two runs' requirement results side by side."""
    state = state_of(request)
    choices = runs_page(state.store, after=None, limit=200)
    reports: list[RunReport] = []
    pending = False
    for run_id in (a, b):
        if not run_id:
            continue
        _known(request, run_id)
        cached = state.reports.get(run_id)
        if cached is None:
            pending = True
        elif cached.report is not None:
            reports.append(cached.report)
    rows = []
    if len(reports) == 2 and not pending:
        first = {r.requirement: r for r in reports[0].results}
        second = {r.requirement: r for r in reports[1].results}
        for req in dict.fromkeys([*first, *second]):
            rows.append((req, first.get(req), second.get(req)))
    return render(
        request, "compare.html", user, choices=choices, a=a, b=b, rows=rows, pending=pending
    )
