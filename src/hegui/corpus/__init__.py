"""Training-corpus audit (GB/T 45654-2025 ch.5; REQ-DATA-01..06, REQ-ASSESS-03/04).

A manifest lists the sources with their provenance; the audit streams every file through the
same blocks (reader → scanners → dedup → stats → samples → cleaned copy) on local processes or on
Ray, keeps per-shard results and completion markers so a relaunch resumes, and merges them into a
report with counts per reason and risk code and verdicts against each threshold.

>>> # plan = build_plan("sources.yaml", keywords=[Path("keywords.tsv")])
>>> # report = run_audit(plan, Path("audit"), LocalExecutor(workers=2))

See docs/corpus.md.
"""

from hegui.corpus.audit import load_report, rerender, run_audit
from hegui.corpus.document import Document, Flag, ProblemKind, ReadProblem
from hegui.corpus.errors import AuditStateError, ManifestError, ReviewError
from hegui.corpus.executors import Executor, LocalExecutor, ProgressSink, RayExecutor
from hegui.corpus.manifest import Format, Manifest, Origin, Source, SourceType, load_manifest
from hegui.corpus.plan import AuditPlan, build_plan
from hegui.corpus.policy import POLICY_BASIS, AuditOptions, CorpusPolicy
from hegui.corpus.provenance import Finding, FindingLevel
from hegui.corpus.report_model import (
    CheckResult,
    CheckStatus,
    CorpusReport,
    SourceSummary,
    SourceVerdict,
)
from hegui.corpus.review import export_review, import_review
from hegui.corpus.scanners.base import REASONS, ReasonInfo, Scanner

__all__ = [
    "POLICY_BASIS",
    "REASONS",
    "AuditOptions",
    "AuditPlan",
    "AuditStateError",
    "CheckResult",
    "CheckStatus",
    "CorpusPolicy",
    "CorpusReport",
    "Document",
    "Executor",
    "Finding",
    "FindingLevel",
    "Flag",
    "Format",
    "LocalExecutor",
    "Manifest",
    "ManifestError",
    "Origin",
    "ProblemKind",
    "ProgressSink",
    "RayExecutor",
    "ReadProblem",
    "ReasonInfo",
    "ReviewError",
    "Scanner",
    "Source",
    "SourceSummary",
    "SourceType",
    "SourceVerdict",
    "build_plan",
    "export_review",
    "import_review",
    "load_manifest",
    "load_report",
    "rerender",
    "run_audit",
]
