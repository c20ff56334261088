"""What an executor is: something that runs a list of shards of a plan into an audit folder."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Protocol

from hegui.corpus.plan import AuditPlan


class ProgressSink(Protocol):
    """Receives progress while shards run (the CLI draws a Rich progress bar from it)."""

    def advance(self, docs: int, nbytes: int) -> None:
        """``docs`` more documents and ``nbytes`` more input bytes were processed."""
        ...

    def shard_done(self, index: int) -> None:
        """Shard ``index`` finished (its result and marker are on disk)."""
        ...


class Executor(Protocol):
    """Runs shards with :class:`hegui.corpus.worker.ShardRunner`, wherever it likes."""

    name: str
    workers: int

    def run(
        self,
        plan: AuditPlan,
        out: Path,
        shards: Sequence[int],
        progress: ProgressSink | None = None,
    ) -> None:
        """Run the given shard indices; return when all have completion markers."""
        ...


def largest_first(plan: AuditPlan, shards: Sequence[int]) -> list[int]:
    """Longest-processing-time-first order: big shards start early so workers end together."""
    return sorted(shards, key=lambda i: (-plan.shards[i].size, i))
