"""The record that flows through the audit pipeline, and what a reader reports instead of one."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any, NamedTuple

from hegui.text import Normalized, normalize


class Flag(NamedTuple):
    """A named, counted reason found in one document. ``risk`` is the GB/T 45654 Appendix A code
    of a content reason; data-quality reasons (duplicates, language, empty) carry none.

    A NamedTuple: scanners create one per reason per document, cheaply.
    """

    reason: str
    risk: str | None
    hits: int = 1


@dataclass(slots=True)
class Document:
    """One training document as read from a shard.

    ``key`` (``<file>:<line>``) is stable across runs, executors and shard splits: samples and
    duplicate detection are keyed by it. ``id`` is the dataset's own id when ``id_field`` is set.
    """

    text: str
    source: str
    shard: int
    ordinal: int
    """0-based position in the shard (dense, in reading order)."""
    line: int
    """1-based line (JSONL, CSV, text) or row (Parquet, Arrow) in the file."""
    key: str
    id: str
    record: dict[str, Any] | None = None
    """The original record, kept only when a cleaned copy is written."""
    hash: int = 0
    """Seeded 64-bit sampling hash of (source, key); set by the pipeline."""
    scanned: bool = False
    """Selected for the automated scan (all documents unless ``scan_fraction`` < 1)."""
    flags: list[Flag] = field(default_factory=list)
    violation: bool = False
    language: str | None = None
    """Detected language (script based), when the language scanner ran."""
    _norm: Normalized | None = field(default=None, repr=False)

    def normalized(self) -> Normalized:
        """The text through :func:`hegui.text.normalize`, computed once and shared by scanners."""
        if self._norm is None:
            self._norm = normalize(self.text)
        return self._norm


class ProblemKind(StrEnum):
    """Why a piece of input could not become a document."""

    MISSING_FILE = "missing_file"
    UNREADABLE = "unreadable"
    """The file or stream cannot be read (I/O error, corrupt compression, not Parquet…)."""
    MALFORMED = "malformed"
    """A line or row that does not parse (invalid JSON, not an object, wrong cell count)."""
    MISSING_TEXT = "missing_text"
    """The text field is absent or not a string."""
    BAD_ENCODING = "bad_encoding"
    TOO_LARGE = "too_large"
    """One document larger than ``max_doc_mb``."""


PROBLEM_TITLES: dict[ProblemKind, str] = {
    ProblemKind.MISSING_FILE: "文件不存在",
    ProblemKind.UNREADABLE: "文件无法读取",
    ProblemKind.MALFORMED: "行格式错误",
    ProblemKind.MISSING_TEXT: "缺少文本字段",
    ProblemKind.BAD_ENCODING: "编码错误",
    ProblemKind.TOO_LARGE: "文档过大",
}


@dataclass(frozen=True, slots=True)
class ReadProblem:
    """Input that was skipped: where (file, 1-based line or row when known) and why."""

    kind: ProblemKind
    path: str
    line: int | None
    message: str
