"""Helpers shared by the corpus tests: an extra scanner (the harm seam), report comparison,
interrupting executors."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from hegui.corpus import REASONS, Document, Flag, LocalExecutor, Manifest, ReasonInfo
from hegui.corpus.executors.base import ProgressSink
from hegui.corpus.plan import AuditPlan
from hegui.corpus.report_model import CorpusReport


class HarmScanner:
    """Stands in for a judge-backed scanner: flags ``harm`` (A.1.4) on a trigger word."""

    name = "test-harm"
    version = "0.1"

    def __init__(self, trigger: str) -> None:
        self.trigger = trigger

    def reasons(self) -> Sequence[ReasonInfo]:
        return [REASONS["harm"]]

    def scan(self, doc: Document) -> list[Flag]:
        return [Flag("harm", "A.1.4")] if self.trigger in doc.normalized().text else []


def harm_scanner(manifest: Manifest) -> HarmScanner:
    """Factory named in ``options.scanners`` (called once per worker process)."""
    return HarmScanner("炸药")


def comparable(report: CorpusReport) -> dict[str, Any]:
    """The report without what legitimately differs between runs (timing, executor)."""
    return report.model_dump(mode="json", exclude={"execution", "generated_at"})


class InterruptedExecutor(LocalExecutor):
    """Runs ``limit`` shards, then fails as a killed launch would."""

    def __init__(self, limit: int) -> None:
        super().__init__(workers=1)
        self.limit = limit

    def run(
        self,
        plan: AuditPlan,
        out: Path,
        shards: Sequence[int],
        progress: ProgressSink | None = None,
    ) -> None:
        super().run(plan, out, list(shards)[: self.limit], progress)
        raise KeyboardInterrupt


class RecordingSink:
    """A progress sink that remembers what it was told."""

    def __init__(self) -> None:
        self.docs = 0
        self.bytes = 0
        self.shards: list[int] = []

    def advance(self, docs: int, nbytes: int) -> None:
        self.docs += docs
        self.bytes += nbytes

    def shard_done(self, index: int) -> None:
        self.shards.append(index)
