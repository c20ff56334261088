"""The human review queue: fill it, label answers 合格/不合格, agreement, workbook upload."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Form, HTTPException, Query, Request, UploadFile
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from hegui.console.accounts import ConsoleUser
from hegui.console.errors import ConsoleError
from hegui.console.review import (
    agreement,
    fill_queue,
    next_item,
    queue_status,
    submit,
)
from hegui.console.rundata import item_line, runs_page
from hegui.console.security import ADMINS, ANYONE, REVIEWERS
from hegui.console.state import ConsoleState
from hegui.console.upload import read_review_upload
from hegui.console.web import audit, render, state_of
from hegui.errors import StoreError
from hegui.judges.human import REVIEW_MINIMUM
from hegui.judges.review_sheet import ReviewError

router = APIRouter()


def _known(state: ConsoleState, run_id: str) -> None:
    try:
        state.store.get_run(run_id)
    except StoreError:
        raise HTTPException(404, "run") from None


def _minimum(state: ConsoleState, run_id: str) -> int:
    manual = next((r for r in state.pack(run_id).assessment if r.method == "manual"), None)
    return manual.min_sample.count if manual is not None else REVIEW_MINIMUM


@router.get("/review", response_class=HTMLResponse)
def queues(request: Request, user: Annotated[ConsoleUser, Depends(ANYONE)]) -> Response:
    """Runs with their review queues and progress."""
    state = state_of(request)
    needed = state.settings.reviewers_per_item
    lines = runs_page(state.store, after=None, limit=state.settings.page_size)
    status = [(r, queue_status(state.store, r.run_id, user.username, needed=needed)) for r in lines]
    return render(request, "review_index.html", user, queues=status, needed=needed)


@router.post("/review/{run_id}/queue")
def make_queue(
    request: Request,
    user: Annotated[ConsoleUser, Depends(ADMINS)],
    run_id: str,
    n: Annotated[int | None, Form(ge=1, le=1_000_000)] = None,
) -> Response:
    """Fill a run's queue with the seeded review sample (admins)."""
    state = state_of(request)
    _known(state, run_id)
    size = n or state.settings.review_sample or _minimum(state, run_id)
    seed = state.store.get_run(run_id).spec.seed
    queued = fill_queue(state.store, run_id, size, seed, by=user.username)
    audit(request, user.username, "review.queue", run_id, {"asked": size, "queued": queued})
    return RedirectResponse("/review", status_code=303)


def _item_view(
    request: Request,
    user: ConsoleUser,
    run_id: str,
    after: int,
    *,
    shown: tuple[str, int] | None = None,
    error: ConsoleError | None = None,
) -> Response:
    """The next queued answer for ``user`` (or ``shown`` again, with the form's ``error``)."""
    state = state_of(request)
    needed = state.settings.reviewers_per_item
    key, position = shown, None
    if key is None:
        found = next_item(state.store, run_id, user.username, needed=needed, after=after)
        if found is None and after >= 0:  # skipped past the end: start again from the top
            found = next_item(state.store, run_id, user.username, needed=needed)
        key = None if found is None else (found.item_id, found.sample)
        position = None if found is None else found.pos
    line = None if key is None else item_line(state.store, run_id, state.pack(run_id), *key)
    return render(
        request,
        "review_item.html",
        user,
        status=400 if error else 200,
        run_id=run_id,
        line=line,
        position=position,
        progress=queue_status(state.store, run_id, user.username, needed=needed),
        error=error,
    )


@router.get("/review/{run_id}", response_class=HTMLResponse)
def review_page(
    request: Request,
    user: Annotated[ConsoleUser, Depends(REVIEWERS)],
    run_id: str,
    after: Annotated[int, Query(ge=-1)] = -1,
) -> Response:
    """The next answer for this reviewer (``after`` skips to later positions)."""
    _known(state_of(request), run_id)
    return _item_view(request, user, run_id, after)


@router.post("/review/{run_id}", response_class=HTMLResponse)
def label(
    request: Request,
    user: Annotated[ConsoleUser, Depends(REVIEWERS)],
    run_id: str,
    item_id: Annotated[str, Form(max_length=256)],
    sample: Annotated[int, Form(ge=0)],
    verdict: Annotated[str, Form(max_length=32)] = "",
    reason: Annotated[str, Form(max_length=4000)] = "",
) -> Response:
    """Store the reviewer's label and show the next answer."""
    state = state_of(request)
    _known(state, run_id)
    try:
        review = submit(
            state.store,
            run_id,
            reviewer=user.username,
            item_id=item_id,
            sample=sample,
            verdict=verdict,
            reason=reason,
            source=f"console, reviewer {user.username}",
        )
    except ConsoleError as exc:
        return _item_view(request, user, run_id, -1, shown=(item_id, sample), error=exc)
    audit(
        request,
        user.username,
        "review.label",
        f"{run_id}/{item_id}/{sample}",
        {"verdict": review.verdict, "reason": review.reason},
    )
    return _item_view(request, user, run_id, -1)


@router.get("/review/{run_id}/agreement", response_class=HTMLResponse)
def review_agreement(
    request: Request, user: Annotated[ConsoleUser, Depends(ANYONE)], run_id: str
) -> Response:
    """Agreement between the two reviewers of each answer, and the answers they differ on."""
    state = state_of(request)
    _known(state, run_id)
    kappa, differ = agreement(state.store, run_id)
    return render(request, "review_agreement.html", user, run_id=run_id, kappa=kappa, differ=differ)


@router.post("/review/{run_id}/decide")
def decide(
    request: Request,
    user: Annotated[ConsoleUser, Depends(ADMINS)],
    run_id: str,
    item_id: Annotated[str, Form(max_length=256)],
    sample: Annotated[int, Form(ge=0)],
    verdict: Annotated[str, Form(max_length=32)] = "",
    reason: Annotated[str, Form(max_length=4000)] = "",
) -> Response:
    """An admin's deciding review of an answer the reviewers disagree on (it then counts)."""
    state = state_of(request)
    _known(state, run_id)
    review = submit(
        state.store,
        run_id,
        reviewer=user.username,
        item_id=item_id,
        sample=sample,
        verdict=verdict,
        reason=reason,
        source=f"console, deciding review by {user.username}",
    )
    audit(
        request,
        user.username,
        "review.decide",
        f"{run_id}/{item_id}/{sample}",
        {"verdict": review.verdict, "reason": review.reason},
    )
    return RedirectResponse(f"/review/{run_id}/agreement", status_code=303)


def _import(
    state: ConsoleState, run_id: str, data: bytes, filename: str, reviewer: str
) -> tuple[int, int]:
    """Check an uploaded workbook and store its reviews: (added, blank rows)."""
    limit = state.settings.upload_limit
    reviews, blank = read_review_upload(data, filename, run_id, reviewer=reviewer, limit=limit)
    answered = state.store.answered_keys(run_id)
    unknown = [r for r in reviews if r.key not in answered]
    if unknown:
        raise ConsoleError(
            f"{len(unknown)} row(s) name answers not in run {run_id}, first: "
            f"{unknown[0].source}: item {unknown[0].item_id!r} sample {unknown[0].sample}",
            field="file",
        )
    return state.store.add_reviews(run_id, reviews), blank


@router.post("/review/{run_id}/upload", response_class=HTMLResponse)
async def upload(
    request: Request,
    user: Annotated[ConsoleUser, Depends(REVIEWERS)],
    run_id: str,
    file: UploadFile,
) -> Response:
    """Import a filled review workbook (hegui review export), size-limited and validated."""
    state = state_of(request)
    await run_in_threadpool(_known, state, run_id)
    data = await file.read(state.settings.upload_limit + 1)
    name = file.filename or ""
    try:
        # parsing and the store are blocking work: off the event loop
        added, blank = await run_in_threadpool(_import, state, run_id, data, name, user.username)
    except (ConsoleError, ReviewError) as exc:
        message = exc.message if isinstance(exc, ConsoleError) else str(exc)
        return render(
            request,
            "upload_result.html",
            user,
            status=400,
            run_id=run_id,
            added=0,
            blank=0,
            message=message,
        )
    audit(
        request,
        user.username,
        "review.upload",
        run_id,
        {"file": name, "added": added, "blank": blank},
    )
    return render(
        request, "upload_result.html", user, run_id=run_id, added=added, blank=blank, message=None
    )
