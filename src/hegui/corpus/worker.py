"""Running one shard end to end inside any worker process, and the per-process scanner cache.

Outputs go to temporary files that are moved into place when the shard is done; the completion
marker is written last. A worker killed mid-shard leaves no marker, so the shard runs again on
relaunch, and its stale temporaries are removed.
"""

from __future__ import annotations

import hashlib
import importlib
import time
from collections.abc import Callable, Iterator
from pathlib import Path

from hegui.corpus.dedup import DedupWriter
from hegui.corpus.document import Document
from hegui.corpus.errors import AuditStateError
from hegui.corpus.layout import AuditDir, publish, temporary
from hegui.corpus.pipeline import (
    Block,
    CleanBlock,
    DedupBlock,
    SampleBlock,
    ScanBlock,
    SelectBlock,
    ShardState,
    StatsBlock,
)
from hegui.corpus.plan import AuditPlan
from hegui.corpus.readers import ReadContext, read_shard
from hegui.corpus.results import ShardResult
from hegui.corpus.scanners.base import Scanner
from hegui.corpus.scanners.copyright import CopyrightScanner
from hegui.corpus.scanners.harm import HarmScanner
from hegui.corpus.scanners.keyword import KeywordScanner, load_keywords
from hegui.corpus.scanners.language import LanguageScanner
from hegui.corpus.scanners.pii import PiiScanner
from hegui.reports._atomic import write_text_atomic

Progress = Callable[[int, int], None]
"""``progress(documents, bytes)``: increments since the previous call."""

_PROGRESS_EVERY_S = 0.25


def build_scanners(plan: AuditPlan) -> list[Scanner]:
    """The scanners of a plan: keywords (when a library is given), PII, copyright markers,
    language, the harm judge (``options.harm``), then the extra factories of
    ``options.scanners``."""
    scanners: list[Scanner] = []
    if plan.keywords:
        for kw in plan.keywords:
            path = Path(kw.path)
            if hashlib.sha256(path.read_bytes()).hexdigest() != kw.sha256:
                raise AuditStateError(f"{path}: keyword library changed since the audit started")
        library = load_keywords([Path(k.path) for k in plan.keywords])
        scanners.append(KeywordScanner(library, homophones=plan.options.homophones))
    scanners.append(PiiScanner())
    scanners.append(CopyrightScanner())
    declared = {s.id: s.language for s in plan.manifest.sources if s.checks_language}
    scanners.append(LanguageScanner(declared))
    if plan.options.harm:
        scanners.append(HarmScanner(window=plan.options.harm_window))
    for spec in plan.options.scanners:
        scanners.append(load_factory(spec)(plan.manifest))
    return scanners


def load_factory(spec: str) -> Callable[..., Scanner]:
    """Import ``module:function`` (an extra scanner factory)."""
    module_name, _, attr = spec.partition(":")
    if not module_name or not attr:
        raise AuditStateError(f"scanner factory {spec!r}: write it as module:function")
    try:
        factory = getattr(importlib.import_module(module_name), attr)
    except (ImportError, AttributeError) as exc:
        raise AuditStateError(f"scanner factory {spec!r} cannot be loaded: {exc}") from exc
    if not callable(factory):
        raise AuditStateError(f"scanner factory {spec!r} is not callable")
    return factory  # type: ignore[no-any-return]


class ShardRunner:
    """Runs shards of one plan, writing into one audit folder; scanners are built once."""

    def __init__(self, plan: AuditPlan, out: Path) -> None:
        self.plan = plan
        self.fingerprint = plan.fingerprint()
        self.layout = AuditDir(out)
        self.scanners = build_scanners(plan)
        self.hasher = plan.hasher()

    def run(self, index: int, progress: Progress | None = None) -> ShardResult:
        """Run shard ``index``; write its outputs and marker; return its result."""
        started, cpu_started = time.perf_counter(), time.process_time()
        plan, layout = self.plan, self.layout
        shard = plan.shards[index]
        source = plan.manifest.source(shard.source)
        clean = plan.options.clean
        state = ShardState(plan, shard)
        ctx = ReadContext(
            shard=shard,
            source=source,
            max_doc_bytes=plan.options.max_doc_mb << 20,
            keep_record=clean != "none",
        )
        blocks: list[Block] = [
            SelectBlock(),
            ScanBlock(self.scanners, plan.policy.violation_reasons),
        ]
        dedup_tmp = temporary(layout.dedup_part(shard.name))
        writer = DedupWriter(dedup_tmp, self.hasher) if plan.options.dedup else None
        if writer is not None:
            blocks.append(DedupBlock(writer))
        blocks += [StatsBlock(), SampleBlock()]
        clean_final = layout.clean_parts / f"{shard.name}.jsonl"
        ords_final = layout.clean_parts / f"{shard.name}.ord.npy"
        clean_tmp, ords_tmp = temporary(clean_final), temporary(ords_final)
        if clean != "none":
            blocks.append(CleanBlock(clean_tmp, ords_tmp, mask=clean == "mask"))
        try:
            self._drain(blocks, state, ctx, progress)
        finally:
            if writer is not None:
                writer.close()
        if writer is not None:
            publish(dedup_tmp, layout.dedup_part(shard.name))
        if clean != "none":
            publish(clean_tmp, clean_final)
            publish(ords_tmp, ords_final)
        state.dedup_records = writer.records if writer is not None else 0
        review = "".join(e.model_dump_json() + "\n" for e in state.review_entries())
        write_text_atomic(layout.review_part(shard.name), review, errors="replace")
        result = state.result(self.fingerprint, ctx.consumed, self.scanners)
        timing = {
            "seconds": round(time.perf_counter() - started, 3),
            "cpu_seconds": round(time.process_time() - cpu_started, 3),
        }
        result = result.model_copy(update=timing)
        write_text_atomic(layout.result(shard.name), result.model_dump_json(), errors="replace")
        layout.mark_complete(shard.name, self.fingerprint)
        return result

    def _drain(
        self, blocks: list[Block], state: ShardState, ctx: ReadContext, progress: Progress | None
    ) -> None:
        def split() -> Iterator[Document]:
            for item in read_shard(ctx):
                if isinstance(item, Document):
                    yield item
                else:
                    state.problem(item)

        stream = split()
        for block in blocks:
            stream = block.run(stream, state)
        last_time, last_docs, last_bytes = time.monotonic(), 0, 0
        for n, _ in enumerate(stream, start=1):
            if progress is not None and n % 64 == 0:
                now = time.monotonic()
                if now - last_time >= _PROGRESS_EVERY_S:
                    progress(n - last_docs, ctx.consumed - last_bytes)
                    last_time, last_docs, last_bytes = now, n, ctx.consumed
        if progress is not None:
            progress(state.docs - last_docs, ctx.consumed - last_bytes)


_RUNNERS: dict[tuple[str, str], ShardRunner] = {}


def runner_for(plan: AuditPlan, out: Path) -> ShardRunner:
    """The process's runner for this plan and folder (scanners built on first use)."""
    key = (plan.fingerprint(), str(out))
    runner = _RUNNERS.get(key)
    if runner is None:
        _RUNNERS.clear()  # one audit per process at a time: free the previous matcher
        runner = _RUNNERS[key] = ShardRunner(plan, out)
    return runner
