"""The per-shard pipeline: reader → select → scanners → dedup → stats → samples → cleaned copy.

Blocks follow datatrove's shape: each takes the document stream and yields it on, adding what
it found to the shard's :class:`ShardState`. The same blocks run under every executor.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any, NamedTuple, Protocol

import numpy as np

from hegui.corpus.dedup import DedupWriter
from hegui.corpus.document import Document, Flag, ReadProblem
from hegui.corpus.plan import AuditPlan
from hegui.corpus.results import (
    ProblemRecord,
    ReasonCount,
    ReviewEntry,
    SampleEntry,
    ScannerInfo,
    ShardResult,
)
from hegui.corpus.sampling import BottomK, doc_hash, selected
from hegui.corpus.scanners.base import Scanner
from hegui.corpus.shards import Shard
from hegui.text.pii import PiiDetector

MAX_PROBLEM_EXAMPLES = 50


class ShardState:
    """What the blocks accumulate for one shard."""

    def __init__(self, plan: AuditPlan, shard: Shard) -> None:
        self.plan = plan
        self.shard = shard
        self.docs = 0
        self.scanned = 0
        self.chars = 0
        self.scanned_chars = 0
        self.violations = 0
        self.reason_docs: Counter[tuple[str, str | None]] = Counter()
        self.reason_hits: Counter[tuple[str, str | None]] = Counter()
        self.languages: Counter[str] = Counter()
        self.problems: Counter[str] = Counter()
        self.problem_examples: list[ProblemRecord] = []
        # Plain tuples while streaming (most offered items are evicted again); the typed
        # entries are built once at the end for the k that remain.
        self.sample: BottomK[tuple[bool, tuple[str, ...]]] = BottomK(plan.policy.source_sample)
        self.review: BottomK[_ReviewItem] = BottomK(plan.policy.manual_sample)
        self.dedup_records = 0
        self.cleaned = 0

    def problem(self, problem: ReadProblem) -> None:
        self.problems[problem.kind.value] += 1
        if len(self.problem_examples) < MAX_PROBLEM_EXAMPLES:
            self.problem_examples.append(
                ProblemRecord(
                    kind=problem.kind.value,
                    path=problem.path,
                    line=problem.line,
                    message=problem.message,
                )
            )

    def result(self, fingerprint: str, consumed: int, scanners: Sequence[Scanner]) -> ShardResult:
        reasons = [
            ReasonCount(reason=r, risk=k, docs=n, hits=self.reason_hits[r, k])
            for (r, k), n in sorted(
                self.reason_docs.items(), key=lambda x: (x[0][0], x[0][1] or "")
            )
        ]
        return ShardResult(
            plan=fingerprint,
            shard=self.shard.index,
            source=self.shard.source,
            path=self.shard.rel,
            docs=self.docs,
            scanned=self.scanned,
            chars=self.chars,
            scanned_chars=self.scanned_chars,
            bytes=consumed,
            violations=self.violations,
            reasons=reasons,
            languages=dict(sorted(self.languages.items())),
            problems=dict(sorted(self.problems.items())),
            problem_examples=self.problem_examples,
            sample=self.sample_entries(),
            dedup_records=self.dedup_records,
            cleaned=self.cleaned,
            scanners=[ScannerInfo(name=s.name, version=s.version) for s in scanners],
        )

    def sample_entries(self) -> list[SampleEntry]:
        """The shard's source sample as typed entries, in sample order."""
        return [
            SampleEntry(hash=h, key=k, violation=v, reasons=r)
            for h, k, (v, r) in self.sample.entries()
        ]

    def review_entries(self) -> list[ReviewEntry]:
        """The shard's review sample as typed entries, in sample order."""
        return [ReviewEntry(**item._asdict()) for item in self.review.items()]


class _ReviewItem(NamedTuple):
    hash: int
    key: str
    id: str
    source: str
    text: str
    truncated: bool
    scanned: bool
    violation: bool
    flags: tuple[str, ...]


class Block(Protocol):
    """One step of the pipeline."""

    name: str

    def run(self, docs: Iterator[Document], state: ShardState) -> Iterator[Document]:
        """Yield every document on (a block observes and annotates; it never drops)."""
        ...


class SelectBlock:
    """Sampling hash per document, and whether it is in the automated scan selection."""

    name = "select"

    def run(self, docs: Iterator[Document], state: ShardState) -> Iterator[Document]:
        seed, fraction = state.plan.options.seed, state.plan.options.scan_fraction
        for doc in docs:
            doc.hash = doc_hash(seed, doc.source, doc.key)
            doc.scanned = selected(doc.hash, fraction)
            yield doc


class ScanBlock:
    """Runs the scanners on selected documents and decides violations."""

    name = "scan"

    def __init__(self, scanners: Sequence[Scanner], violation_reasons: Sequence[str]) -> None:
        self.scanners = list(scanners)
        self.violation_reasons = frozenset(violation_reasons)

    def run(self, docs: Iterator[Document], state: ShardState) -> Iterator[Document]:
        for doc in docs:
            if doc.scanned:
                flags: list[Flag] = []
                if not doc.normalized().text:
                    flags.append(Flag("empty_text", None))
                for scanner in self.scanners:
                    flags.extend(scanner.scan(doc))
                doc.flags = flags
                doc.violation = any(f.reason in self.violation_reasons for f in flags)
            yield doc


class DedupBlock:
    """Writes exact and MinHash band keys of selected documents to the shard's dedup file."""

    name = "dedup"

    def __init__(self, writer: DedupWriter) -> None:
        self.writer = writer

    def run(self, docs: Iterator[Document], state: ShardState) -> Iterator[Document]:
        for doc in docs:
            if doc.scanned:
                self.writer.add(doc)
            yield doc


class StatsBlock:
    """Counts documents, characters, violations, reasons and languages."""

    name = "stats"

    def run(self, docs: Iterator[Document], state: ShardState) -> Iterator[Document]:
        for doc in docs:
            n = len(doc.text)
            state.docs += 1
            state.chars += n
            if doc.scanned:
                state.scanned += 1
                state.scanned_chars += n
                state.violations += doc.violation
                for flag in doc.flags:
                    state.reason_docs[flag.reason, flag.risk] += 1
                    state.reason_hits[flag.reason, flag.risk] += flag.hits
                if doc.language is not None:
                    state.languages[doc.language] += 1
            yield doc


class SampleBlock:
    """Keeps the shard's bottom-k for the source sample and for the review sample."""

    name = "sample"

    def run(self, docs: Iterator[Document], state: ShardState) -> Iterator[Document]:
        limit = state.plan.options.review_chars
        for doc in docs:
            if doc.scanned and state.sample.would_take(doc.hash):
                reasons = tuple(sorted({f.reason for f in doc.flags}))
                state.sample.offer(doc.hash, doc.key, (doc.violation, reasons))
            if state.review.would_take(doc.hash):
                flags = tuple(f"{f.reason}:{f.risk}" if f.risk else f.reason for f in doc.flags)
                item = _ReviewItem(
                    doc.hash,
                    doc.key,
                    doc.id,
                    doc.source,
                    doc.text[:limit],
                    len(doc.text) > limit,
                    doc.scanned,
                    doc.violation,
                    flags,
                )
                state.review.offer(doc.hash, doc.key, item)
            yield doc


class CleanBlock:
    """Writes kept documents (no violation; PII masked in ``mask`` mode) to the shard's part of
    the cleaned copy, with their ordinals so that duplicates can be dropped after the merge."""

    name = "clean"

    def __init__(self, path: Path, ordinals: Path, mask: bool) -> None:
        self.path = path
        self.ordinals = ordinals
        self.mask = mask
        self.detector = PiiDetector() if mask else None

    def run(self, docs: Iterator[Document], state: ShardState) -> Iterator[Document]:
        field = state.plan.manifest.source(state.shard.source).text_field
        kept: list[int] = []
        with open(self.path, "w", encoding="utf-8") as out:
            for doc in docs:
                if doc.scanned and not doc.violation:
                    record: dict[str, Any] = dict(doc.record or {field: doc.text})
                    text = doc.text
                    if self.detector is not None:
                        text = self.detector.mask(text)
                    record[field] = text
                    out.write(json.dumps(record, ensure_ascii=False, default=str) + "\n")
                    kept.append(doc.ordinal)
                yield doc
        with open(self.ordinals, "wb") as handle:
            np.save(handle, np.asarray(kept, dtype=np.uint64))
        state.cleaned = len(kept)
