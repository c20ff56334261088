"""The corpus audit report: the one record the JSON, HTML and XLSX outputs are rendered from."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field

from hegui.corpus.plan import KeywordFile
from hegui.corpus.policy import AuditOptions, CorpusPolicy
from hegui.corpus.provenance import Finding
from hegui.corpus.results import ProblemRecord, ReasonCount, ScannerInfo
from hegui.records import RateEstimate

REPORT_SCHEMA = 1


class SourceVerdict(StrEnum):
    """REQ-DATA-01 verdict of one source."""

    KEEP = "keep"
    BLACKLIST = "blacklist"
    NO_DATA = "no_data"
    """No document could be read or sampled."""
    UNASSESSED = "unassessed"
    """No content scanner ran (no keyword library, no harm scanner)."""


class CheckStatus(StrEnum):
    PASS = "pass"
    FAIL = "fail"
    PENDING = "pending"
    """Not decidable yet (manual review not imported, no content scanner)."""
    INFO = "info"
    """Reported for a reviewer; no threshold."""


class FileProblems(BaseModel):
    """Read problems of one shard."""

    model_config = ConfigDict(frozen=True)

    shard: int
    path: str
    problems: dict[str, int]


class SourceSummary(BaseModel):
    """One source: provenance, counts, sample, verdict."""

    model_config = ConfigDict(frozen=True)

    id: str
    type: str
    origin: str
    licence: str | None
    language: tuple[str, ...]
    files: int
    shards: int
    docs: int
    scanned: int
    chars: int
    bytes: int
    violations: int
    """Violating documents among all scanned documents (the full automated pass)."""
    sample: RateEstimate
    """Violation rate of the source sample (REQ-DATA-01), with its Wilson interval."""
    verdict: SourceVerdict
    reasons: list[ReasonCount] = Field(default_factory=list)
    languages: dict[str, int] = Field(default_factory=dict)
    duplicates_exact: int = 0
    duplicates_near: int = 0
    problems: dict[str, int] = Field(default_factory=dict)
    problem_files: list[FileProblems] = Field(default_factory=list)
    """Problem counts per shard (file or file range) that had any, in audit order."""
    problem_examples: list[ProblemRecord] = Field(default_factory=list)


class CheckResult(BaseModel):
    """A requirement judged on the whole corpus."""

    model_config = ConfigDict(frozen=True)

    id: str
    title_zh: str
    status: CheckStatus
    measured: str
    required: str
    estimate: RateEstimate | None = None
    detail: str = ""


class ReviewSummary(BaseModel):
    """Reviewers' verdicts imported from the review workbook."""

    model_config = ConfigDict(frozen=True)

    workbook: str
    sha256: str
    imported_at: datetime
    sample: int
    """Documents in the review sample."""
    reviewed: int
    acceptable: int
    unacceptable: int


class Totals(BaseModel):
    """Corpus-wide counts."""

    model_config = ConfigDict(frozen=True)

    sources: int
    shards: int
    docs: int
    scanned: int
    chars: int
    bytes: int
    violations: int
    duplicates_exact: int
    duplicates_near: int
    problems: dict[str, int]
    foreign_open_source_share: float | None
    cleaned: int | None = None
    """Documents in the cleaned copy, when one was written."""


class ExecutionInfo(BaseModel):
    """How the audit ran (differs between runs; everything else is determined by the plan)."""

    model_config = ConfigDict(frozen=True)

    executor: str
    workers: int
    seconds: float
    shards_run: int
    """Shards processed by this launch (the others were complete from an earlier one)."""


class CorpusReport(BaseModel):
    """Everything the audit found."""

    model_config = ConfigDict(frozen=True)

    schema_version: int = REPORT_SCHEMA
    title: str
    generated_at: datetime
    manifest: str
    plan: str
    """Fingerprint of the audit plan."""
    policy: CorpusPolicy
    options: AuditOptions
    keywords: list[KeywordFile]
    scanners: list[ScannerInfo]
    content_scanned: bool
    """Whether a content scanner (keywords or an extra scanner) ran: without one, violation rates
    mean nothing and the thresholds on them stay pending."""
    execution: ExecutionInfo
    totals: Totals
    reasons: list[ReasonCount]
    sources: list[SourceSummary]
    findings: list[Finding]
    checks: list[CheckResult]
    review_sample: int
    review: ReviewSummary | None = None
    status: CheckStatus

    def source(self, source_id: str) -> SourceSummary:
        return next(s for s in self.sources if s.id == source_id)
