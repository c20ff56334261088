"""Typed results of one shard, as written to the audit folder and merged at the end."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field


class ReasonCount(BaseModel):
    """How often a reason (with its risk code) was found: documents flagged and matches."""

    model_config = ConfigDict(frozen=True)

    reason: str
    risk: str | None
    docs: int
    hits: int


class ProblemRecord(BaseModel):
    """One read problem: file, line or row (None when it concerns the whole file), why."""

    model_config = ConfigDict(frozen=True)

    kind: str
    path: str
    line: int | None
    message: str


class SampleEntry(BaseModel):
    """A document of a per-source sample: enough to compute its violation rate."""

    model_config = ConfigDict(frozen=True)

    hash: int
    key: str
    violation: bool
    reasons: tuple[str, ...] = ()


class ReviewEntry(BaseModel):
    """A document of the corpus sample for human review (REQ-ASSESS-03)."""

    model_config = ConfigDict(frozen=True)

    hash: int
    key: str
    id: str
    source: str
    text: str
    truncated: bool = False
    scanned: bool
    violation: bool
    flags: tuple[str, ...] = ()
    """``reason`` or ``reason:risk`` of each flag, for reviewers."""


class ScannerInfo(BaseModel):
    """A scanner that ran, as recorded in the report."""

    model_config = ConfigDict(frozen=True)

    name: str
    version: str


class ShardResult(BaseModel):
    """Counts, problems and samples of one shard; written atomically before its marker."""

    model_config = ConfigDict(frozen=True)

    plan: str
    """Fingerprint of the audit plan the shard belongs to."""
    shard: int
    source: str
    path: str
    docs: int = 0
    scanned: int = 0
    chars: int = 0
    scanned_chars: int = 0
    bytes: int = 0
    """Bytes of the file read (compressed bytes for compressed files)."""
    violations: int = 0
    reasons: list[ReasonCount] = Field(default_factory=list)
    languages: dict[str, int] = Field(default_factory=dict)
    problems: dict[str, int] = Field(default_factory=dict)
    problem_examples: list[ProblemRecord] = Field(default_factory=list)
    sample: list[SampleEntry] = Field(default_factory=list)
    dedup_records: int = 0
    cleaned: int = 0
    """Documents written to the cleaned copy (before duplicates are removed)."""
    scanners: list[ScannerInfo] = Field(default_factory=list)
    seconds: float = 0.0
    cpu_seconds: float = 0.0
    """CPU time of the worker process on this shard (for judging parallel efficiency)."""
