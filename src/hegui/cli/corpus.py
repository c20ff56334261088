"""``hegui corpus``: audit training corpora (GB/T 45654 ch.5) and run the manual review round trip.

Exit codes: 0 no check fails, 1 a threshold fails (with ``--strict`` also a pending check),
2 usage, manifest or state error (nothing was run, or the audit folder is unusable).
"""

from __future__ import annotations

import os
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.progress import (
    BarColumn,
    Progress,
    TaskID,
    TextColumn,
    TimeRemainingColumn,
    TransferSpeedColumn,
)
from rich.table import Table

from hegui.cli._common import EXIT_FAIL, EXIT_PASS, err, friendly_errors, out

app = typer.Typer(
    help="Training-corpus audit: sources, sampling, PII/keyword/duplicate scans, review.",
    no_args_is_help=True,
)

_STYLE = {
    "pass": "green",
    "fail": "bold red",
    "pending": "yellow",
    "info": "cyan",
    "keep": "green",
    "blacklist": "bold red",
    "no_data": "yellow",
    "unassessed": "yellow",
}


class ExecutorName(StrEnum):
    LOCAL = "local"
    RAY = "ray"


class CleanChoice(StrEnum):
    NONE = "none"
    DROP = "drop"
    MASK = "mask"


class _RichSink:
    """Feeds executor progress into a Rich bar: documents, MB/s, ETA."""

    def __init__(self, progress: Progress, task: TaskID, shards: int) -> None:
        self.progress, self.task = progress, task
        self.docs, self.shards, self.total_shards = 0, 0, shards

    def advance(self, docs: int, nbytes: int) -> None:
        self.docs += docs
        self.progress.update(self.task, advance=nbytes, docs=self.docs)

    def shard_done(self, index: int) -> None:
        self.shards += 1
        self.progress.update(self.task, shards=f"{self.shards}/{self.total_shards}")


def _exit_code(status: str, strict: bool) -> int:
    if status == "fail" or (strict and status == "pending"):
        return EXIT_FAIL
    return EXIT_PASS


def _print_report(report: Any, folder: Path) -> None:
    table = Table(title=f"{report.title} — {report.status.value}")
    for column in ("requirement", "status", "measured", "required"):
        table.add_column(column, overflow="fold")
    for check in report.checks:
        style = _STYLE.get(check.status.value, "")
        table.add_row(check.id, f"[{style}]{check.status.value}[/]", check.measured, check.required)
    out.print(table)
    sources = Table(title="sources (REQ-DATA-01)")
    for column in ("source", "docs", "sample", "violation rate", "95% CI", "verdict"):
        sources.add_column(column)
    for s in report.sources:
        rate = "—" if s.sample.rate is None else f"{s.sample.rate:.2%}"
        ci = "—" if s.sample.low is None else f"{s.sample.low:.2%}–{s.sample.high:.2%}"
        style = _STYLE.get(s.verdict.value, "")
        sources.add_row(
            s.id, f"{s.docs:,}", f"{s.sample.n:,}", rate, ci, f"[{style}]{s.verdict.value}[/]"
        )
    out.print(sources)
    out.print(f"reports: {folder / 'report.html'}, report.json, report.xlsx")


@app.command("audit")
@friendly_errors
def audit(
    manifest: Annotated[
        Path, typer.Option("--manifest", "-m", help="Source manifest (YAML, or CSV/TSV).")
    ],
    executor: Annotated[
        ExecutorName, typer.Option("--executor", "-e", help="Where shards run.")
    ] = ExecutorName.LOCAL,
    workers: Annotated[
        int | None,
        typer.Option("--workers", "-w", min=1, help="Worker processes (default: CPU count)."),
    ] = None,
    address: Annotated[
        str | None, typer.Option("--address", help="Ray cluster address (default: start one).")
    ] = None,
    out_dir: Annotated[
        Path, typer.Option("--out", "-o", help="Audit folder (state, reports, cleaned copy).")
    ] = Path("corpus-audit"),
    keywords: Annotated[
        list[Path] | None,
        typer.Option("--keywords", "-k", help="Keyword library (repeatable); overrides others."),
    ] = None,
    config: Annotated[
        Path | None, typer.Option("--config", "-c", help="hegui.yaml (default: ./hegui.yaml).")
    ] = None,
    seed: Annotated[int | None, typer.Option("--seed", help="Sampling seed.")] = None,
    scan_fraction: Annotated[
        float | None,
        typer.Option("--scan-fraction", min=0.0, max=1.0, help="Share of documents scanned."),
    ] = None,
    clean: Annotated[
        CleanChoice | None,
        typer.Option("--clean", help="Cleaned copy: drop violations+duplicates; mask also PII."),
    ] = None,
    harm: Annotated[
        bool | None,
        typer.Option("--harm/--no-harm", help="Run the harm judge over scanned documents."),
    ] = None,
    fresh: Annotated[
        bool, typer.Option("--fresh", help="Discard an earlier audit of another plan in --out.")
    ] = False,
    strict: Annotated[bool, typer.Option("--strict", help="Exit 1 on pending checks.")] = False,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress bar.")] = False,
) -> None:
    """Audit the sources of MANIFEST: provenance, per-source sampling, scans, duplicates."""
    from hegui.corpus import LocalExecutor, RayExecutor, build_plan, run_audit
    from hegui.corpus.audit import prepare
    from hegui.corpus.layout import AuditDir

    options: dict[str, Any] = {}
    if seed is not None:
        options["seed"] = seed
    if scan_fraction is not None:
        options["scan_fraction"] = scan_fraction
    if clean is not None:
        options["clean"] = clean.value
    if harm is not None:
        options["harm"] = harm
    count = workers or os.cpu_count() or 1
    # The executor first: the local one starts its fork server, which imports hegui in the
    # background while the plan is built.
    runner = (
        RayExecutor(workers=count, address=address)
        if executor is ExecutorName.RAY
        else LocalExecutor(workers=count)
    )
    plan = build_plan(manifest, project=config, keywords=keywords, options=options)
    todo = prepare(plan, AuditDir(out_dir), fresh=fresh)
    if quiet:
        report = run_audit(plan, out_dir, runner)
    else:
        total = sum(plan.shards[i].size for i in todo)
        columns = (
            TextColumn("[bold]{task.description}"),
            BarColumn(),
            TextColumn("{task.fields[docs]:,} 篇"),
            TextColumn("分片 {task.fields[shards]}"),
            TransferSpeedColumn(),
            TimeRemainingColumn(),
        )
        with Progress(*columns, console=err, transient=False) as progress:
            task = progress.add_task(
                "语料审计", total=total or None, docs=0, shards=f"0/{len(todo)}"
            )
            report = run_audit(plan, out_dir, runner, _RichSink(progress, task, len(todo)))
    _print_report(report, out_dir)
    raise typer.Exit(_exit_code(report.status.value, strict))


@app.command("report")
@friendly_errors
def report(
    folder: Annotated[Path, typer.Argument(help="Audit folder.")],
    strict: Annotated[bool, typer.Option("--strict", help="Exit 1 on pending checks.")] = False,
) -> None:
    """Render the reports of FOLDER again (with imported review verdicts) and show the checks."""
    from hegui.corpus import rerender

    result = rerender(folder)
    _print_report(result, folder)
    raise typer.Exit(_exit_code(result.status.value, strict))


@app.command("review-export")
@friendly_errors
def review_export(
    folder: Annotated[Path, typer.Argument(help="Audit folder.")],
    workbook: Annotated[Path, typer.Option("--out", "-o", help="Workbook to write (.xlsx).")],
) -> None:
    """Export the manual-review sample (REQ-ASSESS-03) for reviewers to fill 研判结果."""
    from hegui.corpus import export_review

    rows = export_review(folder, workbook)
    out.print(f"{rows} documents written to {workbook}; fill 研判结果 with 合格 or 不合格")


@app.command("review-import")
@friendly_errors
def review_import(
    folder: Annotated[Path, typer.Argument(help="Audit folder.")],
    workbook: Annotated[Path, typer.Argument(help="The reviewed workbook (.xlsx).")],
    strict: Annotated[bool, typer.Option("--strict", help="Exit 1 on pending checks.")] = False,
) -> None:
    """Import reviewers' verdicts and re-evaluate the manual-sampling check."""
    from hegui.corpus import import_review, rerender

    summary = import_review(folder, workbook)
    out.print(
        f"imported {summary.reviewed} verdicts ({summary.acceptable} 合格, "
        f"{summary.unacceptable} 不合格) of {summary.sample} sampled documents"
    )
    result = rerender(folder)
    _print_report(result, folder)
    raise typer.Exit(_exit_code(result.status.value, strict))
