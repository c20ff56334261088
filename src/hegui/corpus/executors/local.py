"""Local executor: shards across processes on this machine (or in this process for 1 worker).

Workers are started with ``forkserver`` (``spawn`` where it is missing), never plain ``fork``:
the CLI's progress thread and pyarrow's thread pools do not survive a fork. Each worker builds
its scanners once, in parallel with the others, then takes shards largest first.
"""

from __future__ import annotations

import multiprocessing
import queue
from collections.abc import Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from multiprocessing import forkserver
from multiprocessing.context import BaseContext
from pathlib import Path
from typing import Any

from hegui.corpus.errors import AuditStateError
from hegui.corpus.executors.base import ProgressSink, largest_first
from hegui.corpus.plan import AuditPlan
from hegui.corpus.worker import runner_for

_state: dict[str, Any] = {}


def _init_worker(plan_json: str, out: str, progress: Any) -> None:
    plan = AuditPlan.model_validate_json(plan_json)
    _state["plan"], _state["out"], _state["queue"] = plan, Path(out), progress
    runner_for(plan, Path(out))  # build the scanners now, not on the first shard


def _run_in_worker(index: int) -> int:
    sink = _state["queue"]

    def report(docs: int, nbytes: int) -> None:
        sink.put((docs, nbytes))

    runner_for(_state["plan"], _state["out"]).run(index, report)
    return index


class LocalExecutor:
    """Runs shards on ``workers`` local processes."""

    name = "local"

    def __init__(self, workers: int = 1) -> None:
        if workers < 1:
            raise ValueError("workers must be at least 1")
        self.workers = workers
        if workers > 1 and _context().get_start_method() == "forkserver":
            # Start the fork server now: it imports hegui while the caller builds the plan.
            forkserver.ensure_running()

    def run(
        self,
        plan: AuditPlan,
        out: Path,
        shards: Sequence[int],
        progress: ProgressSink | None = None,
    ) -> None:
        order = largest_first(plan, shards)
        if not order:
            return
        if self.workers == 1 or len(order) == 1:
            self._run_here(plan, out, order, progress)
        else:
            self._run_pool(plan, out, order, progress)

    def _run_here(
        self, plan: AuditPlan, out: Path, order: list[int], progress: ProgressSink | None
    ) -> None:
        runner = runner_for(plan, out)
        for index in order:
            runner.run(index, progress.advance if progress else None)
            if progress:
                progress.shard_done(index)

    def _run_pool(
        self, plan: AuditPlan, out: Path, order: list[int], progress: ProgressSink | None
    ) -> None:
        context = _context()
        sink = context.Queue()
        pool = ProcessPoolExecutor(
            max_workers=min(self.workers, len(order)),
            mp_context=context,
            initializer=_init_worker,
            initargs=(plan.model_dump_json(), str(out), sink),
        )
        pending: set[Future[int]] = set()
        try:
            pending = {pool.submit(_run_in_worker, i) for i in order}
            while pending:
                done, pending = wait(pending, timeout=0.2, return_when=FIRST_COMPLETED)
                _drain(sink, progress)
                for future in done:
                    index = future.result()  # re-raises a worker's error here
                    if progress:
                        progress.shard_done(index)
            _drain(sink, progress)
        except BrokenProcessPool as exc:
            raise AuditStateError(
                f"a worker process died ({exc}); completed shards are kept, run again to resume"
            ) from exc
        finally:
            for future in pending:
                future.cancel()
            pool.shutdown(wait=True, cancel_futures=True)
            sink.close()
            sink.join_thread()


def _context() -> BaseContext:
    """``forkserver`` (preloading the worker module) where available, else ``spawn``."""
    if "forkserver" in multiprocessing.get_all_start_methods():
        context = multiprocessing.get_context("forkserver")
        context.set_forkserver_preload(["hegui.corpus.worker"])
        return context
    return multiprocessing.get_context("spawn")


def _drain(sink: Any, progress: ProgressSink | None) -> None:
    while True:
        try:
            docs, nbytes = sink.get_nowait()
        except queue.Empty:
            return
        if progress:
            progress.advance(docs, nbytes)
