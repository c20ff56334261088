"""``hegui assess``, ``hegui rescore`` and ``hegui report``."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Annotated

import typer
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)

from hegui.assess.execute import ExecutionProgress
from hegui.assess.rescore import rescore as rescore_run
from hegui.assess.session import create_run, open_store, run_assessment, run_pack
from hegui.cli._common import EXIT_FAIL, EXIT_PASS, err, friendly_errors, out
from hegui.cli.render import print_results, write_reports
from hegui.config import ProjectConfig, load_config
from hegui.errors import ConfigError
from hegui.reports.builder import build_project_report
from hegui.store import RunStore
from hegui.targets import parse_target_option

ConfigOption = Annotated[
    Path | None, typer.Option("--config", "-c", help="Project file (default: ./hegui.yaml).")
]


def apply_flags(
    config: ProjectConfig,
    *,
    target: str | None = None,
    banks: list[Path] | None = None,
    concurrency: int | None = None,
    limit: int | None = None,
) -> ProjectConfig:
    """CLI flags override the project file."""
    update: dict[str, object] = {}
    if target is not None:
        update["target"] = parse_target_option(target, base_dir=Path.cwd())
    if banks:
        update["banks"] = [str(b.resolve()) for b in banks]
    run = config.run.model_copy(
        update={k: v for k, v in (("concurrency", concurrency), ("limit", limit)) if v is not None}
    )
    update["run"] = run
    return config.model_copy(update=update)


def assess(
    config_path: ConfigOption = None,
    target: Annotated[
        str | None,
        typer.Option(
            "--target",
            help="Target instead of hegui.yaml's: replay:ANSWERS.jsonl, "
            "openai:MODEL@BASE_URL, or a YAML file with a target section.",
        ),
    ] = None,
    bank: Annotated[
        list[Path] | None, typer.Option("--bank", help="Question bank (repeatable).")
    ] = None,
    resume: Annotated[
        str | None, typer.Option("--resume", help="Continue an interrupted run.")
    ] = None,
    concurrency: Annotated[int | None, typer.Option("--concurrency", min=1)] = None,
    limit: Annotated[
        int | None, typer.Option("--limit", min=1, help="Ask at most N items.")
    ] = None,
    no_progress: Annotated[bool, typer.Option("--no-progress", help="No progress bar.")] = False,
) -> None:
    """Run the security assessment: ask the target, judge, score every requirement, write reports.

    Exit code 0 when every requirement passes, 1 when one fails, 2 on a usage or config error.
    """
    code = _assess(config_path, target, bank, resume, concurrency, limit, no_progress)
    raise typer.Exit(code)


@friendly_errors
def _assess(
    config_path: Path | None,
    target: str | None,
    bank: list[Path] | None,
    resume: str | None,
    concurrency: int | None,
    limit: int | None,
    no_progress: bool,
) -> int:
    config = apply_flags(
        load_config(config_path), target=target, banks=bank, concurrency=concurrency, limit=limit
    )
    store = open_store(config)
    try:
        return execute_and_report(config, store, resume=resume, show_progress=not no_progress)
    finally:
        store.close()


def execute_and_report(
    config: ProjectConfig, store: RunStore, *, resume: str | None, show_progress: bool
) -> int:
    """Create or resume a run, execute it with a progress bar, score it and write its reports."""
    if resume is None:
        spec, plan = create_run(config, store)
        run_id, planned = spec.run_id, len(plan)
        del plan  # the run reads its plan back from the store: don't hold two copies
        err.print(f"run [bold]{run_id}[/]: {planned} items, store {store.url}")
    else:
        run_id = resume
        err.print(f"resuming run [bold]{run_id}[/]")
    progress = Progress(
        TextColumn("[bold]assess[/]"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("{task.fields[rate]:.0f} items/s"),
        TextColumn("errors {task.fields[errors]}"),
        TimeElapsedColumn(),
        TimeRemainingColumn(),
        console=err,
        disable=not show_progress,
        transient=False,
    )
    task = progress.add_task("assess", total=None, rate=0.0, errors=0)

    def on_progress(p: ExecutionProgress) -> None:
        elapsed = progress.tasks[0].elapsed or 1e-9
        progress.update(
            task,
            total=p.total,
            completed=p.done,
            rate=(p.answered + p.errors) / elapsed,
            errors=p.errors,
        )

    try:
        with progress:
            outcome = asyncio.run(
                run_assessment(config, store, resume=run_id, on_progress=on_progress)
            )
    except KeyboardInterrupt:
        err.print(
            f"\n[yellow]interrupted.[/] Every answer received so far is stored. Resume with:\n"
            f"  hegui assess --resume {run_id}"
            + (f" --config {config.path}" if config.path else "")
        )
        return 130
    done = outcome.execution.progress
    asked = done.answered + done.errors
    if asked:
        err.print(
            f"asked {asked} items in {outcome.execution.seconds:.2f} s "
            f"({asked / max(outcome.execution.seconds, 1e-9):.0f} items/s; "
            f"{done.cached} from cache, {done.errors} errors)"
        )
    if outcome.status == "aborted":
        err.print(
            "[red]stopped: errors exceeded the error budget "
            f"({config.run.error_budget:.0%} of items).[/] Most frequent errors:"
        )
        messages = outcome.execution.progress.error_messages
        for message, count in sorted(messages.items(), key=lambda kv: -kv[1])[:5]:
            err.print(f"  {count} × {message}")
        err.print(f"Fix the cause, then: hegui assess --resume {run_id}")
    report = build_project_report(store, run_id, config)
    print_results(report)
    for path in write_reports(report, config.resolve(config.reports) / run_id):
        out.print(f"report: {path}")
    return EXIT_PASS if report.overall == "PASS" else EXIT_FAIL


def report(
    run_id: Annotated[str, typer.Argument(help="Run id (see: hegui runs list), or 'latest'.")],
    config_path: ConfigOption = None,
    fmt: Annotated[
        list[str] | None,
        typer.Option("--format", "-f", help="html, json or xlsx (repeatable; default all three)."),
    ] = None,
    out_dir: Annotated[Path | None, typer.Option("--out", help="Folder for the reports.")] = None,
) -> None:
    """Write a stored run's reports (HTML with charts, JSON, XLSX in the 附件5 layout)."""
    raise typer.Exit(_report(run_id, config_path, fmt, out_dir))


@friendly_errors
def _report(
    run_id: str, config_path: Path | None, fmt: list[str] | None, out_dir: Path | None
) -> int:
    config = load_config(config_path)
    formats = fmt or ["html", "json", "xlsx"]
    bad = [f for f in formats if f not in ("html", "json", "xlsx")]
    if bad:
        raise ConfigError(f"unknown report format {bad[0]!r}; use html, json or xlsx")
    store = open_store(config)
    try:
        run_id = store.resolve_run_id(run_id)
        report_ = build_project_report(store, run_id, config)
    finally:
        store.close()
    print_results(report_)
    folder = out_dir or config.resolve(config.reports) / run_id
    for path in write_reports(report_, folder, formats):
        out.print(f"report: {path}")
    return EXIT_PASS if report_.overall == "PASS" else EXIT_FAIL


def rescore(
    run_id: Annotated[str, typer.Argument(help="Run id, or 'latest'.")],
    config_path: ConfigOption = None,
    judge: Annotated[
        list[str] | None,
        typer.Option(
            "--judge",
            help="METHOD=JUDGE to change a method's judge, e.g. classifier=acceptable "
            "(methods: keyword, classifier, manual, refusal; JUDGE 'none' unassigns).",
        ),
    ] = None,
) -> None:
    """Re-judge a stored run's answers without calling the target, then report."""
    raise typer.Exit(_rescore(run_id, config_path, judge))


@friendly_errors
def _rescore(run_id: str, config_path: Path | None, judge: list[str] | None) -> int:
    config = load_config(config_path)
    changes: dict[str, str | None] = {}
    for option in judge or []:
        method, sep, name = option.partition("=")
        if not sep or not method or not name:
            raise ConfigError(f"--judge {option!r}: write METHOD=JUDGE, e.g. classifier=acceptable")
        changes[method.strip()] = None if name.strip() == "none" else name.strip()
    store = open_store(config)
    try:
        run_id = store.resolve_run_id(run_id)
        spec = store.get_run(run_id).spec
        pack = run_pack(spec, config)
        judging = asyncio.run(rescore_run(config, store, run_id, pack, changes))
        err.print(f"run {run_id}: judging {judging} stored")
        report_ = build_project_report(store, run_id, config, pack)
    finally:
        store.close()
    print_results(report_)
    for path in write_reports(report_, config.resolve(config.reports) / run_id):
        out.print(f"report: {path}")
    return EXIT_PASS if report_.overall == "PASS" else EXIT_FAIL
