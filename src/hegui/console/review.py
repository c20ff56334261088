"""The human review queue (人工抽检, REQ-ASSESS-06) of a run, worked through in the browser.

An admin fills a run's queue once with the same seeded sample ``hegui review export`` takes
(:func:`hegui.judges.human.sample_for_review`). Each queued answer is labelled 合格/不合格 by
``reviewers_per_item`` different reviewers; every label is a row of the store's append-only
``reviews`` table whose ``source`` records the console, so it flows into the run's statistics
(:func:`hegui.judges.human.human_verdicts`) exactly like an imported workbook. The latest review
of an answer counts; disagreements between reviewers are listed for an admin to decide with a
further review.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import UTC, datetime

from sqlalchemy import (
    ColumnElement,
    Exists,
    ScalarSelect,
    and_,
    distinct,
    exists,
    func,
    insert,
    select,
)

from hegui.console import tables as t
from hegui.console.errors import ConsoleError
from hegui.errors import StoreError
from hegui.judges.acceptable import ACCEPTABLE, UNACCEPTABLE
from hegui.judges.human import Agreement, cohen_kappa, sample_for_review
from hegui.store import RunStore
from hegui.store import schema as s
from hegui.store.store import Review

VERDICTS = (ACCEPTABLE, UNACCEPTABLE)
MAX_REASON = 2000


@dataclass(frozen=True, slots=True)
class QueueStatus:
    """How far a run's review queue is."""

    run_id: str
    size: int
    started: int
    """Queued answers with at least one review."""
    complete: int
    """Queued answers with reviews by the required number of reviewers."""
    mine: int
    """Queued answers the asking reviewer has labelled."""


@dataclass(frozen=True, slots=True)
class QueuedItem:
    """The next answer a reviewer should label."""

    pos: int
    item_id: str
    sample: int


@dataclass(frozen=True, slots=True)
class Disagreement:
    """A queued answer two reviewers labelled differently."""

    item_id: str
    sample: int
    first: Review
    second: Review
    latest: Review
    """The review that counts now (an admin's deciding review, when given)."""


def fill_queue(store: RunStore, run_id: str, n: int, seed: int, *, by: str) -> int:
    """Put a seeded sample of ``n`` answered generation items in the run's queue.

    A run's queue is filled once; a :class:`ConsoleError` when it already has one. Returns the
    number queued (fewer than ``n`` when the run has fewer answered generation items).
    """
    if n < 1:
        raise ConsoleError("the sample size must be at least 1", field="n")
    with store.engine.connect() as conn:
        have = conn.execute(
            select(func.count())
            .select_from(t.review_queue)
            .where(t.review_queue.c.run_id == run_id)
        ).scalar_one()
    if have:
        raise ConsoleError(f"run {run_id} already has a review queue of {have} answers")
    chosen = sample_for_review(store.plan(run_id), store.answered_keys(run_id), n, seed)
    now = datetime.now(UTC)
    rows = [
        {
            "run_id": run_id,
            "pos": pos,
            "item_id": p.item.id,
            "sample": p.sample,
            "created_at": now,
            "created_by": by,
        }
        for pos, p in enumerate(chosen)
    ]
    with store.engine.begin() as conn:
        for start in range(0, len(rows), 2000):
            conn.execute(insert(t.review_queue), rows[start : start + 2000])
    return len(rows)


def _queued(run_id: str) -> ColumnElement[bool]:
    return t.review_queue.c.run_id == run_id


def _same_answer() -> ColumnElement[bool]:
    q = t.review_queue
    return and_(
        s.reviews.c.run_id == q.c.run_id,
        s.reviews.c.item_id == q.c.item_id,
        s.reviews.c.sample == q.c.sample,
    )


def _reviewers() -> ScalarSelect[int]:
    """Correlated count of distinct reviewers of a queued answer."""
    return (
        select(func.count(distinct(s.reviews.c.reviewer))).where(_same_answer()).scalar_subquery()
    )


def _by(reviewer: str) -> Exists:
    return exists().where(_same_answer(), s.reviews.c.reviewer == reviewer)


def next_item(
    store: RunStore, run_id: str, reviewer: str, *, needed: int, after: int = -1
) -> QueuedItem | None:
    """The first queued answer after position ``after`` that ``reviewer`` has not labelled and
    that still lacks reviewers; ``None`` when there is none."""
    q = t.review_queue
    query = (
        select(q.c.pos, q.c.item_id, q.c.sample)
        .where(_queued(run_id), q.c.pos > after, ~_by(reviewer), _reviewers() < needed)
        .order_by(q.c.pos)
        .limit(1)
    )
    with store.engine.connect() as conn:
        row = conn.execute(query).first()
    return None if row is None else QueuedItem(row.pos, row.item_id, row.sample)


def queue_status(store: RunStore, run_id: str, reviewer: str, *, needed: int) -> QueueStatus:
    """Size and progress of a run's queue (all zero when it has none)."""
    q = t.review_queue

    def count(*conditions: ColumnElement[bool]) -> int:
        query = select(func.count()).select_from(q).where(_queued(run_id), *conditions)
        return int(conn.execute(query).scalar_one())

    with store.engine.connect() as conn:
        size = count()
        if not size:
            return QueueStatus(run_id, 0, 0, 0, 0)
        return QueueStatus(
            run_id=run_id,
            size=size,
            started=count(exists().where(_same_answer())),
            complete=count(_reviewers() >= needed),
            mine=count(_by(reviewer)),
        )


def in_queue(store: RunStore, run_id: str, item_id: str, sample: int) -> bool:
    """Whether the answer is in the run's queue."""
    q = t.review_queue
    with store.engine.connect() as conn:
        row = conn.execute(
            select(q.c.pos).where(_queued(run_id), q.c.item_id == item_id, q.c.sample == sample)
        ).first()
    return row is not None


def check_review(verdict: str, reason: str) -> tuple[str, str]:
    """The verdict and the trimmed reason, or a :class:`ConsoleError` naming the field."""
    if verdict not in VERDICTS:
        raise ConsoleError("choose 合格 (acceptable) or 不合格 (unacceptable)", field="verdict")
    reason = reason.strip()
    if verdict == UNACCEPTABLE and not reason:
        raise ConsoleError("say why the answer is 不合格 (unacceptable)", field="reason")
    if len(reason) > MAX_REASON:
        raise ConsoleError(f"the reason is longer than {MAX_REASON} characters", field="reason")
    return verdict, reason


def submit(
    store: RunStore,
    run_id: str,
    *,
    reviewer: str,
    item_id: str,
    sample: int,
    verdict: str,
    reason: str,
    source: str,
) -> Review:
    """Store one reviewer's label of a queued answer (appended to the run's reviews)."""
    verdict, reason = check_review(verdict, reason)
    if not in_queue(store, run_id, item_id, sample):
        raise ConsoleError(
            f"item {item_id!r} sample {sample} is not in the review queue of run {run_id}",
            field="item_id",
        )
    review = Review(
        item_id=item_id,
        sample=sample,
        reviewer=reviewer,
        verdict=verdict,
        reason=reason,
        source=source,
    )
    try:
        store.add_reviews(run_id, [review])
    except StoreError as exc:
        raise ConsoleError(str(exc), field="item_id") from None
    return replace(review, created_at=datetime.now(UTC))


def queued_reviews(store: RunStore, run_id: str) -> dict[tuple[str, int], list[Review]]:
    """Every review of the run's queued answers, oldest first per answer."""
    query = (
        select(s.reviews)
        .where(s.reviews.c.run_id == run_id, exists().where(_queued(run_id), _same_answer()))
        .order_by(s.reviews.c.id)
    )
    found: dict[tuple[str, int], list[Review]] = {}
    with store.engine.connect() as conn:
        for r in conn.execute(query):
            found.setdefault((r.item_id, r.sample), []).append(Review.from_row(r))
    return found


def agreement(store: RunStore, run_id: str) -> tuple[Agreement, list[Disagreement]]:
    """Cohen's kappa between the first two reviewers of each answer, and where they differ.

    Each reviewer's latest label counts; answers with one reviewer are left out.
    """
    pairs: list[tuple[str, str]] = []
    differ: list[Disagreement] = []
    for key, reviews in queued_reviews(store, run_id).items():
        latest: dict[str, Review] = {}
        for review in reviews:
            latest[review.reviewer] = review  # dicts keep first-insertion order of reviewers
        if len(latest) < 2:
            continue
        first, second = list(latest.values())[:2]
        pairs.append((first.verdict, second.verdict))
        if first.verdict != second.verdict:
            differ.append(Disagreement(key[0], key[1], first, second, reviews[-1]))
    return cohen_kappa(pairs), differ
