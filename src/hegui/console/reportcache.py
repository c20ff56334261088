"""Scored runs for the console, built in the background and cached until the run changes.

Scoring a run of 100,000 answers takes seconds (:func:`hegui.reports.builder.build_report`),
far above a page's budget, so pages ask the cache: a ready report is returned at once; otherwise
one build starts in a worker thread and the page shows a placeholder that polls (htmx). A report
is current while the run's judging, its reviews and (for unfinished runs) its answers are
unchanged: the key of a run is read with two indexed queries.
"""

from __future__ import annotations

import threading
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, replace

from sqlalchemy import func, select

from hegui.config import ProjectConfig
from hegui.errors import HeguiError
from hegui.reports.builder import build_project_report
from hegui.reports.model import RunReport
from hegui.store import RunStore
from hegui.store import schema as s


@dataclass(frozen=True, slots=True)
class RunVersion:
    """What a cached report depends on."""

    judging: int
    reviews: int
    last_review: int
    answers: int
    """Answers so far for unfinished runs; 0 for complete ones (they cannot change)."""


@dataclass(frozen=True, slots=True)
class CachedReport:
    """A report (or the error that stopped it) for one version of a run."""

    version: RunVersion
    report: RunReport | None
    error: str | None = None
    stale: bool = False
    """True when the run changed since (a new build is under way)."""


class ReportCache:
    """Reports by run id, rebuilt when the run's :class:`RunVersion` changes."""

    def __init__(self, store: RunStore, project: ProjectConfig, *, keep: int = 8) -> None:
        self.store = store
        self.project = project
        self.keep = keep
        self._done: dict[str, CachedReport] = {}
        self._pending: dict[str, tuple[RunVersion, Future[CachedReport]]] = {}
        self._lock = threading.Lock()
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="hegui-report")

    def version(self, run_id: str) -> RunVersion:
        """The current version of a run (a :class:`~hegui.errors.StoreError` if unknown)."""
        with self.store.engine.connect() as conn:
            run = conn.execute(
                select(s.runs.c.judging, s.runs.c.status).where(s.runs.c.id == run_id)
            ).first()
            if run is None:
                self.store.get_run(run_id)  # raises the store's clear error
                raise AssertionError("unreachable")
            count, last = conn.execute(
                select(func.count(), func.max(s.reviews.c.id)).where(s.reviews.c.run_id == run_id)
            ).one()
            answers = 0
            if run.status != "complete":
                answers = conn.execute(
                    select(func.count())
                    .select_from(s.attempts)
                    .where(s.attempts.c.run_id == run_id)
                ).scalar_one()
        return RunVersion(int(run.judging), int(count), int(last or 0), int(answers))

    def get(self, run_id: str) -> CachedReport | None:
        """The current report; else the previous one marked ``stale``, or ``None`` when there
        is none yet. Either way a build of the current version is under way (one per run)."""
        version = self.version(run_id)
        with self._lock:
            pending = self._pending.get(run_id)
            if pending is not None and pending[1].done():
                self._done[run_id] = pending[1].result()
                del self._pending[run_id]
                self._trim()
                pending = None
            done = self._done.get(run_id)
            if done is not None and done.version == version:
                return done
            if pending is None:
                # at most one build per run in flight: a run that keeps changing is rebuilt
                # after the current build ends, never queued up
                future = self._pool.submit(self._build, run_id, version)
                self._pending[run_id] = (version, future)
            return None if done is None else replace(done, stale=True)

    def wait(self, run_id: str, timeout: float = 600.0) -> CachedReport:
        """Block until the run's current report is built (CLI warm-up, tests, benchmarks)."""
        while True:
            found = self.get(run_id)
            if found is not None and not found.stale:
                return found
            with self._lock:
                pending = self._pending.get(run_id)
            if pending is not None:
                pending[1].result(timeout=timeout)

    def _build(self, run_id: str, version: RunVersion) -> CachedReport:
        try:
            return CachedReport(version, build_project_report(self.store, run_id, self.project))
        except HeguiError as exc:
            return CachedReport(version, None, str(exc))
        except Exception as exc:  # a bug must show on the page, not kill the worker silently
            return CachedReport(version, None, f"{type(exc).__name__}: {exc}")

    def _trim(self) -> None:
        while len(self._done) > self.keep:
            del self._done[next(iter(self._done))]

    def close(self) -> None:
        """Stop the worker (a build in progress is abandoned)."""
        self._pool.shutdown(wait=False, cancel_futures=True)
