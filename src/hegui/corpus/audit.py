"""Running an audit end to end: prepare the folder, run the missing shards, merge, render.

>>> # report = run_audit(build_plan("sources.yaml"), Path("audit"), LocalExecutor(workers=2))
"""

from __future__ import annotations

import json
import shutil
import time
from pathlib import Path

from hegui.corpus.checks import evaluate
from hegui.corpus.errors import AuditStateError
from hegui.corpus.executors.base import Executor, ProgressSink
from hegui.corpus.executors.local import LocalExecutor
from hegui.corpus.finalize import finalize, load_review_summary
from hegui.corpus.layout import AuditDir, remove_stale_temporaries
from hegui.corpus.plan import AuditPlan
from hegui.corpus.render import write_outputs
from hegui.corpus.report_model import CorpusReport, ExecutionInfo
from hegui.reports._atomic import write_text_atomic

_STATE = ("shards", "completions", "clean-parts", "dedup", "clean")
_FILES = (
    "plan.json",
    "review_sample.jsonl",
    "review.json",
    "report.json",
    "report.html",
    "report.xlsx",
)


def prepare(plan: AuditPlan, layout: AuditDir, *, fresh: bool = False) -> list[int]:
    """Create or reuse the audit folder; return the shards still to run.

    A folder holding an audit of another plan (manifest, settings, keyword library or data
    changed) is refused unless ``fresh``, which deletes hegui's files in it (and nothing else).
    """
    fingerprint = plan.fingerprint()
    if layout.plan.is_file():
        try:
            stored = json.loads(layout.plan.read_text(encoding="utf-8"))["fingerprint"]
        except (OSError, ValueError, KeyError):
            stored = None
        if stored != fingerprint:
            if not fresh:
                raise AuditStateError(
                    f"{layout.root} holds an audit of another plan (the manifest, settings, "
                    "keyword library or data changed): use --fresh to start over, or another --out"
                )
            clear(layout)
    elif fresh:
        clear(layout)
    layout.make()
    for folder in (layout.shards, layout.completions, layout.clean_parts):
        remove_stale_temporaries(folder)
    payload = {"fingerprint": fingerprint, "plan": plan.model_dump(mode="json")}
    write_text_atomic(layout.plan, json.dumps(payload, ensure_ascii=False, indent=1))
    return [s.index for s in plan.shards if not layout.is_complete(s.name, fingerprint)]


def clear(layout: AuditDir) -> None:
    """Remove hegui's state and outputs from an audit folder."""
    for name in _STATE:
        shutil.rmtree(layout.root / name, ignore_errors=True)
    for name in _FILES:
        (layout.root / name).unlink(missing_ok=True)


def run_audit(
    plan: AuditPlan,
    out: Path,
    executor: Executor | None = None,
    progress: ProgressSink | None = None,
    *,
    fresh: bool = False,
) -> CorpusReport:
    """Run (or resume) the audit of ``plan`` into ``out`` and return its report.

    Shards completed by an earlier launch of the same plan are not run again. The report is
    written as report.json, report.html and report.xlsx in ``out``.
    """
    executor = executor or LocalExecutor()
    layout = AuditDir(out)
    todo = prepare(plan, layout, fresh=fresh)
    started = time.perf_counter()
    executor.run(plan, out, todo, progress)
    execution = ExecutionInfo(
        executor=executor.name,
        workers=executor.workers,
        seconds=round(time.perf_counter() - started, 3),
        shards_run=len(todo),
    )
    report = finalize(plan, layout, execution)
    write_outputs(report, layout)
    return report


def load_report(out: Path) -> CorpusReport:
    """The report stored in an audit folder."""
    path = AuditDir(out).report_json
    if not path.is_file():
        raise AuditStateError(f"{out}: no report.json; run 'hegui corpus audit' first")
    return CorpusReport.model_validate_json(path.read_text(encoding="utf-8"))


def rerender(out: Path) -> CorpusReport:
    """Re-evaluate the checks of a stored report with the imported review, and render again."""
    layout = AuditDir(out)
    report = load_report(out)
    review = load_review_summary(layout)
    checks, status = evaluate(
        policy=report.policy,
        totals=report.totals,
        sources=report.sources,
        findings=report.findings,
        reasons=report.reasons,
        content_scanned=report.content_scanned,
        review_sample=report.review_sample,
        review=review,
    )
    report = report.model_copy(update={"checks": checks, "status": status, "review": review})
    write_outputs(report, layout)
    return report
