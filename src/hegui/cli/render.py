"""Terminal rendering of results, and writing report files (the renderers live in hegui.reports)."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from rich.table import Table

from hegui.cli._common import out
from hegui.records import Outcome
from hegui.reports import write_report
from hegui.reports.model import RunReport
from hegui.text import CoverageReport

_STYLE = {
    Outcome.PASS: "bold green",
    Outcome.FAIL: "bold red",
    Outcome.INSUFFICIENT_SAMPLE: "bold yellow",
    Outcome.NOT_ASSESSED: "dim",
}


def print_results(report: RunReport) -> None:
    """The requirement table and the overall verdict."""
    table = Table(title=f"run {report.spec.run_id} — {report.spec.pack} ({report.status})")
    for column in ("requirement", "title", "n", "rate", "95% CI", "threshold", "outcome"):
        table.add_column(column, overflow="fold")
    for r in report.results:
        est = r.estimate
        rate = f"{est.rate:.1%}" if est and est.rate is not None else "—"
        ci = (
            f"{est.low:.1%}–{est.high:.1%}"
            if est and est.low is not None and est.high is not None
            else "—"
        )
        threshold = f"{r.comparison} {r.threshold:g}" if r.threshold is not None else "—"
        table.add_row(
            r.requirement,
            r.title.split(" / ")[0],
            str(est.n) if est else "—",
            rate,
            ci,
            threshold,
            f"[{_STYLE[r.outcome]}]{r.outcome.value}[/]",
        )
    out.print(table)
    stats = report.stats
    out.print(
        f"answered {stats.answered}/{stats.planned}, errors {stats.errors}, cached {stats.cached}"
    )
    colour = "green" if report.overall == "PASS" else "red"
    out.print(f"overall: [bold {colour}]{report.overall}[/]")


def write_reports(
    report: RunReport, folder: Path, formats: Sequence[str] = ("html", "json", "xlsx")
) -> list[Path]:
    """Write the report in each format into ``folder``; returns the paths written."""
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for fmt in formats:
        path = folder / f"report.{fmt}"
        write_report(report, path, fmt)
        paths.append(path)
    return paths


def print_keyword_coverage(report: CoverageReport, name: str) -> None:
    """The keyword library against the pack's minimums (REQ-BANK-01..03), per risk."""
    table = Table(title=f"{report.requirement} {name}: {report.total} keywords")
    table.add_column("risk", no_wrap=True)
    for column in ("名称", "keywords", "minimum", "ok"):
        table.add_column(column, overflow="fold")
    for row in report.risks:
        mark = "[green]✓[/]" if row.ok else "[red]✗[/]"
        table.add_row(row.code, row.zh, str(row.count), str(row.minimum), mark)
    out.print(table)
    updated = f"{report.updated} ({report.updated_source})" if report.updated else "unknown"
    out.print(f"updated: {updated}; sha256 {report.sha256[:16]}…")
    for problem in report.problems:
        out.print(f"[red]✗[/] {problem}")
    if report.ok:
        out.print("[green]all keyword-library minimums met[/]")
