"""Regression runs started from the console, run in a worker thread.

A regression run asks the fixed model every regression item: minutes against a real endpoint,
far beyond a page's budget. The verify form starts one here and returns at once; the incident
page shows it running and polls (htmx) until it ends, then reloads with the run linked. One run
per incident at a time; runs of several incidents take turns (one worker). Jobs live in memory:
a console stopped mid-run loses the job, not the answers already stored, and the run can then be
linked from the verify form's list of stored runs (or run again).
"""

from __future__ import annotations

import asyncio
import logging
import threading
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, replace
from datetime import datetime

from hegui.config import ProjectConfig
from hegui.console.errors import ConsoleError
from hegui.errors import HeguiError
from hegui.incidents import IncidentService

log = logging.getLogger("hegui.console.jobs")


@dataclass(frozen=True, slots=True)
class VerificationJob:
    """One regression run started from the console, and how it ended."""

    incident_id: str
    target: str
    actor: str
    started_at: datetime
    finished_at: datetime | None = None
    run_id: str | None = None
    passed: bool | None = None
    error: str | None = None
    """Why the run could not be made or linked (the run's own FAIL is ``passed=False``)."""

    @property
    def running(self) -> bool:
        """Whether the run has not ended yet."""
        return self.finished_at is None


class VerificationJobs:
    """The console's regression runs, the latest per incident."""

    def __init__(self, project: ProjectConfig, service: Callable[[], IncidentService]) -> None:
        self.project = project
        self._service = service
        self._jobs: dict[str, VerificationJob] = {}
        self._futures: dict[str, Future[VerificationJob]] = {}
        self._lock = threading.Lock()
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="hegui-verify")

    def start(self, incident_id: str, target: str, *, actor: str) -> VerificationJob:
        """Start a regression run of the incident's items against ``target``.

        Checked at once: the incident is ready to verify and has no run under way. Whatever else
        goes wrong (the target, the answers, the judges) ends up in the job's ``error``.
        """
        service = self._service()
        service.check_verifiable(incident_id)
        with self._lock:
            current = self._jobs.get(incident_id)
            if current is not None and current.running:
                raise ConsoleError(
                    f"a regression run of {incident_id} is under way (started "
                    f"{current.started_at:%Y-%m-%d %H:%M}); wait for it to end"
                )
            job = VerificationJob(incident_id, target, actor, service.clock())
            self._jobs[incident_id] = job
            self._futures[incident_id] = self._pool.submit(self._run, job)
        return job

    def get(self, incident_id: str) -> VerificationJob | None:
        """The incident's latest job, if one was started since the console started."""
        with self._lock:
            return self._jobs.get(incident_id)

    def wait(self, incident_id: str, timeout: float = 600.0) -> VerificationJob:
        """Block until the incident's job has ended (tests, scripts)."""
        with self._lock:
            future = self._futures[incident_id]
        return future.result(timeout=timeout)

    def close(self) -> None:
        """Start no more jobs (a run under way goes on storing its answers until it ends)."""
        self._pool.shutdown(wait=False, cancel_futures=True)

    def _run(self, job: VerificationJob) -> VerificationJob:
        service = self._service()
        try:
            incident = asyncio.run(
                service.verify(job.incident_id, self.project, actor=job.actor, target=job.target)
            )
        except HeguiError as exc:
            ended = replace(job, finished_at=service.clock(), error=str(exc))
        except Exception as exc:  # a bug must show on the page, not end the worker silently
            log.exception("regression run of %s failed", job.incident_id)
            ended = replace(job, finished_at=service.clock(), error=f"{type(exc).__name__}: {exc}")
        else:
            latest = incident.verification
            ended = replace(
                job,
                finished_at=service.clock(),
                run_id=latest.run_id if latest else None,
                passed=latest.passed if latest else None,
            )
        with self._lock:
            self._jobs[job.incident_id] = ended
        return ended
