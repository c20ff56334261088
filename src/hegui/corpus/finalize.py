"""Merging shard results into the corpus report, deterministically and in bounded memory.

Shard results are read one at a time; samples are merged as bottom-k by hash (so the merged
sample does not depend on which executor ran which shard in which order); duplicates are found
across all shards (:mod:`hegui.corpus.dedup`).
"""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from datetime import UTC, datetime

from pydantic import ValidationError

from hegui.assess.stats import wilson
from hegui.corpus.checks import evaluate, source_verdict
from hegui.corpus.dedup import Duplicates, find_duplicates
from hegui.corpus.errors import AuditStateError
from hegui.corpus.layout import AuditDir
from hegui.corpus.plan import AuditPlan
from hegui.corpus.provenance import (
    Finding,
    FindingLevel,
    check_sources,
    foreign_open_source_share,
)
from hegui.corpus.report_model import (
    CorpusReport,
    ExecutionInfo,
    FileProblems,
    ReviewSummary,
    SourceSummary,
    SourceVerdict,
    Totals,
)
from hegui.corpus.results import (
    ProblemRecord,
    ReasonCount,
    ReviewEntry,
    SampleEntry,
    ScannerInfo,
    ShardResult,
)
from hegui.corpus.sampling import BottomK
from hegui.reports._atomic import atomic_target

PROBLEM_EXAMPLES_PER_SOURCE = 20


class _SourceTotals:
    """Running sums of one source while shard results stream in."""

    def __init__(self, k: int) -> None:
        self.shards = 0
        self.docs = self.scanned = self.chars = self.bytes = self.violations = 0
        self.reason_docs: Counter[tuple[str, str | None]] = Counter()
        self.reason_hits: Counter[tuple[str, str | None]] = Counter()
        self.languages: Counter[str] = Counter()
        self.problems: Counter[str] = Counter()
        self.examples: list[ProblemRecord] = []
        self.files: list[FileProblems] = []
        self.sample: BottomK[SampleEntry] = BottomK(k)
        self.cleaned = 0

    def add(self, result: ShardResult) -> None:
        self.shards += 1
        self.docs += result.docs
        self.scanned += result.scanned
        self.chars += result.chars
        self.bytes += result.bytes
        self.violations += result.violations
        self.cleaned += result.cleaned
        for r in result.reasons:
            self.reason_docs[r.reason, r.risk] += r.docs
            self.reason_hits[r.reason, r.risk] += r.hits
        self.languages.update(result.languages)
        self.problems.update(result.problems)
        if result.problems:
            self.files.append(
                FileProblems(shard=result.shard, path=result.path, problems=result.problems)
            )
        room = PROBLEM_EXAMPLES_PER_SOURCE - len(self.examples)
        self.examples.extend(result.problem_examples[: max(room, 0)])
        self.sample.extend((e.hash, e.key, e) for e in result.sample)


def load_result(layout: AuditDir, name: str, fingerprint: str) -> ShardResult:
    """A shard's stored result; raises :class:`AuditStateError` when missing or foreign."""
    path = layout.result(name)
    try:
        result = ShardResult.model_validate_json(path.read_text(encoding="utf-8"))
    except (OSError, ValidationError) as exc:
        raise AuditStateError(
            f"{path}: shard result unreadable ({exc}); run the audit again"
        ) from exc
    if result.plan != fingerprint:
        raise AuditStateError(f"{path}: belongs to another audit plan; run the audit again")
    return result


def finalize(plan: AuditPlan, layout: AuditDir, execution: ExecutionInfo) -> CorpusReport:
    """Merge every shard of ``plan`` (all must be complete) into the report; write the review
    sample, the duplicate list and (when asked) the cleaned copy."""
    fingerprint = plan.fingerprint()
    missing = [s.name for s in plan.shards if not layout.is_complete(s.name, fingerprint)]
    if missing:
        raise AuditStateError(
            f"{len(missing)} shard(s) not complete (first: {missing[0]}); run the audit again"
        )
    per_source = {s.id: _SourceTotals(plan.policy.source_sample) for s in plan.manifest.sources}
    scanners: list[ScannerInfo] = []
    for shard in plan.shards:
        result = load_result(layout, shard.name, fingerprint)
        per_source[shard.source].add(result)
        scanners = scanners or result.scanners
    duplicates = _duplicates(plan, layout)
    dup_counts: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for shard_index, (exact, near) in duplicates.counts().items():
        counts = dup_counts[plan.shards[shard_index].source]
        counts[0] += exact
        counts[1] += near
    review_n = _review_sample(plan, layout)
    content = (
        any(s.name in ("keyword", "harm") for s in scanners)
        or plan.options.harm
        or bool(plan.options.scanners)
    )
    sources = [
        _summary(plan, sid, totals, dup_counts[sid], content) for sid, totals in per_source.items()
    ]
    findings = _findings(plan, sources)
    reasons = _corpus_reasons(sources)
    chars = {s.id: s.chars for s in sources}
    totals = Totals(
        sources=len(sources),
        shards=len(plan.shards),
        docs=sum(s.docs for s in sources),
        scanned=sum(s.scanned for s in sources),
        chars=sum(chars.values()),
        bytes=sum(s.bytes for s in sources),
        violations=sum(s.violations for s in sources),
        duplicates_exact=sum(s.duplicates_exact for s in sources),
        duplicates_near=sum(s.duplicates_near for s in sources),
        problems=dict(sorted(sum((Counter(s.problems) for s in sources), Counter()).items())),
        foreign_open_source_share=foreign_open_source_share(plan.manifest, chars),
    )
    review = load_review_summary(layout)
    checks, status = evaluate(
        policy=plan.policy,
        totals=totals,
        sources=sources,
        findings=findings,
        reasons=reasons,
        content_scanned=content,
        review_sample=review_n,
        review=review,
    )
    report = CorpusReport(
        title=plan.manifest.name or plan.manifest.path.stem,
        generated_at=datetime.now(tz=UTC),
        manifest=str(plan.manifest.path),
        plan=fingerprint,
        policy=plan.policy,
        options=plan.options,
        keywords=list(plan.keywords),
        scanners=scanners,
        content_scanned=content,
        execution=execution,
        totals=totals,
        reasons=reasons,
        sources=sources,
        findings=findings,
        checks=checks,
        review_sample=review_n,
        review=review,
        status=status,
    )
    if plan.options.clean != "none":
        from hegui.corpus.clean import write_cleaned_copy

        kept = write_cleaned_copy(plan, layout, duplicates, report)
        report = report.model_copy(update={"totals": totals.model_copy(update={"cleaned": kept})})
    return report


def _duplicates(plan: AuditPlan, layout: AuditDir) -> Duplicates:
    if not plan.options.dedup:
        return Duplicates.empty()
    files = [(s.index, layout.dedup_part(s.name)) for s in plan.shards]
    found = find_duplicates(files, layout.dedup / "work")
    found.save(layout.duplicates)
    return found


def _review_sample(plan: AuditPlan, layout: AuditDir) -> int:
    """Merge the shards' review samples into ``review_sample.jsonl``; return its size."""
    merged: BottomK[str] = BottomK(plan.policy.manual_sample)
    for shard in plan.shards:
        path = layout.review_part(shard.name)
        with open(path, encoding="utf-8") as handle:
            for line in handle:
                if not line.strip():
                    continue
                head = json.loads(line)
                if merged.would_take(head["hash"]):
                    merged.offer(head["hash"], head["key"], line)
    items = merged.items()
    with atomic_target(layout.review_sample) as tmp:
        tmp.write_text("".join(items), encoding="utf-8")
    return len(items)


def read_review_sample(layout: AuditDir) -> list[ReviewEntry]:
    """The merged review sample, in sample order."""
    if not layout.review_sample.is_file():
        raise AuditStateError(f"{layout.root}: no review sample; run the audit first")
    with open(layout.review_sample, encoding="utf-8") as handle:
        return [ReviewEntry.model_validate_json(line) for line in handle if line.strip()]


def load_review_summary(layout: AuditDir) -> ReviewSummary | None:
    """The imported reviewers' verdicts, when any."""
    if not layout.review.is_file():
        return None
    raw = json.loads(layout.review.read_text(encoding="utf-8"))
    return ReviewSummary.model_validate(raw["summary"])


def _summary(
    plan: AuditPlan, source_id: str, totals: _SourceTotals, dups: list[int], content: bool
) -> SourceSummary:
    source = plan.manifest.source(source_id)
    sample = totals.sample.items()
    bad = sum(1 for e in sample if e.violation)
    reason_docs = totals.reason_docs.copy()
    reason_hits = totals.reason_hits.copy()
    for reason, count in (("duplicate_exact", dups[0]), ("duplicate_near", dups[1])):
        if count:
            reason_docs[reason, None] += count
            reason_hits[reason, None] += count
    return SourceSummary(
        id=source.id,
        type=source.type.value,
        origin=source.origin.value,
        licence=source.licence,
        language=source.language,
        files=plan.files_per_source.get(source.id, 0),
        shards=totals.shards,
        docs=totals.docs,
        scanned=totals.scanned,
        chars=totals.chars,
        bytes=totals.bytes,
        violations=totals.violations,
        sample=wilson(bad, len(sample)),
        verdict=source_verdict(len(sample), bad, plan.policy, content),
        reasons=_reason_list(reason_docs, reason_hits),
        languages=dict(sorted(totals.languages.items())),
        duplicates_exact=dups[0],
        duplicates_near=dups[1],
        problems=dict(sorted(totals.problems.items())),
        problem_files=sorted(totals.files, key=lambda f: f.shard),
        problem_examples=totals.examples,
    )


def _reason_list(
    docs: Counter[tuple[str, str | None]], hits: Counter[tuple[str, str | None]]
) -> list[ReasonCount]:
    keys = sorted(docs, key=lambda k: (k[0], k[1] or ""))
    return [ReasonCount(reason=r, risk=k, docs=docs[r, k], hits=hits[r, k]) for r, k in keys]


def _corpus_reasons(sources: list[SourceSummary]) -> list[ReasonCount]:
    docs: Counter[tuple[str, str | None]] = Counter()
    hits: Counter[tuple[str, str | None]] = Counter()
    for s in sources:
        for r in s.reasons:
            docs[r.reason, r.risk] += r.docs
            hits[r.reason, r.risk] += r.hits
    return _reason_list(docs, hits)


def _findings(plan: AuditPlan, sources: list[SourceSummary]) -> list[Finding]:
    findings = check_sources(plan.manifest)
    for s in sources:
        if plan.files_per_source.get(s.id, 0) == 0:
            findings.append(
                Finding(
                    code="no_files",
                    level=FindingLevel.ERROR,
                    requirement="REQ-DATA-03",
                    source=s.id,
                    message="no file matched the source's paths",
                )
            )
        elif s.docs == 0:
            findings.append(
                Finding(
                    code="no_documents",
                    level=FindingLevel.WARNING,
                    requirement="REQ-DATA-01",
                    source=s.id,
                    message="no document could be read; see the read problems",
                )
            )
    chars = {s.id: s.chars for s in sources}
    share = foreign_open_source_share(plan.manifest, chars)
    if share is not None and share > plan.policy.foreign_open_source_share:
        findings.append(
            Finding(
                code="foreign_open_source_share",
                level=FindingLevel.ERROR,
                requirement="REQ-DATA-02",
                source=None,
                message=(
                    f"foreign open-source data is {share:.1%} of the corpus "
                    f"(limit {plan.policy.foreign_open_source_share:.0%})"
                ),
            )
        )
    return findings


def blacklisted(report: CorpusReport) -> set[str]:
    """Ids of the sources the report blacklists."""
    return {s.id for s in report.sources if s.verdict is SourceVerdict.BLACKLIST}
