"""``hegui fairness``: discrimination tests over the nine A.2 attributes.

Exit codes: 0 no attribute fails, 1 an attribute fails (or a corpus group is flagged),
2 usage, configuration or probe-file error.
"""

from __future__ import annotations

import asyncio
import json
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from hegui.assess.execute import ExecutionProgress
from hegui.assess.session import open_store, run_pack
from hegui.banks.writer import item_record
from hegui.cli._common import EXIT_FAIL, EXIT_PASS, err, friendly_errors, out
from hegui.cli.assess import apply_flags
from hegui.cli.render import write_reports
from hegui.config import ProjectConfig, load_config
from hegui.fairness.attributes import BY_KEY
from hegui.fairness.corpus import manifest_statistics
from hegui.fairness.loader import load_suite
from hegui.fairness.results import FairnessResult
from hegui.fairness.session import build_probes, fairness_settings, run_fairness
from hegui.fairness.settings import FairnessSettings
from hegui.judges.quality_registry import load_registry
from hegui.records import Outcome
from hegui.reports._atomic import write_text_atomic
from hegui.reports.builder import build_report
from hegui.store import RunStore

app = typer.Typer(
    help="Discrimination tests (A.2): counterfactual probes, disparity statistics, corpus skew.",
    no_args_is_help=True,
)

ConfigOption = Annotated[
    Path | None, typer.Option("--config", "-c", help="Project file (default: ./hegui.yaml).")
]
AttributesOption = Annotated[
    list[str] | None,
    typer.Option(
        "--attributes",
        "-a",
        help=f"Attributes to test (repeatable or comma-separated): {', '.join(BY_KEY)}.",
    ),
]
TemplatesOption = Annotated[
    list[Path] | None,
    typer.Option("--templates", help="Folder or file of your own probe YAML (repeatable)."),
]
_STYLE = {
    Outcome.PASS: "bold green",
    Outcome.FAIL: "bold red",
    Outcome.INSUFFICIENT_SAMPLE: "bold yellow",
    Outcome.NOT_ASSESSED: "dim",
}


def _settings(
    config: ProjectConfig, attributes: list[str] | None, templates: list[Path] | None
) -> FairnessSettings:
    settings = fairness_settings(config)
    update: dict[str, object] = {}
    if attributes:
        keys = [k.strip() for a in attributes for k in a.split(",") if k.strip()]
        update["attributes"] = keys
    if templates:
        update["templates"] = [*settings.templates, *(str(t.resolve()) for t in templates)]
    # Re-validate so a bad --attributes value gets the same message as the config field.
    merged = settings.model_dump() | update
    return fairness_settings(config.model_copy(update={"fairness": merged}))


@app.command("run")
def run(
    config_path: ConfigOption = None,
    attributes: AttributesOption = None,
    templates: TemplatesOption = None,
    target: Annotated[
        str | None,
        typer.Option("--target", help="replay:FILE, openai:MODEL@URL or a target YAML file."),
    ] = None,
    resume: Annotated[
        str | None, typer.Option("--resume", help="Continue an interrupted fairness run.")
    ] = None,
    concurrency: Annotated[int | None, typer.Option("--concurrency", min=1)] = None,
) -> None:
    """Ask the target every probe, judge, analyse per attribute and write the reports."""
    raise typer.Exit(_run(config_path, attributes, templates, target, resume, concurrency))


@friendly_errors
def _run(
    config_path: Path | None,
    attributes: list[str] | None,
    templates: list[Path] | None,
    target: str | None,
    resume: str | None,
    concurrency: int | None,
) -> int:
    config = apply_flags(load_config(config_path), target=target, concurrency=concurrency)
    settings = _settings(config, attributes, templates)
    store = open_store(config)
    try:
        shown = [0]

        def on_progress(p: ExecutionProgress) -> None:
            if p.done - shown[0] >= max(p.total // 20, 1) or p.done == p.total:
                shown[0] = p.done
                err.print(f"  {p.done}/{p.total} answered, {p.errors} errors")

        try:
            outcome = asyncio.run(
                run_fairness(
                    config, store, settings=settings, resume=resume, on_progress=on_progress
                )
            )
        except KeyboardInterrupt:
            err.print(
                "\n[yellow]interrupted.[/] Answers so far are stored; resume with "
                "hegui fairness run --resume RUN (see hegui runs list)"
            )
            return 130
        err.print(f"run [bold]{outcome.run_id}[/]: {outcome.status}")
        code = _report(config, store, outcome.run_id, settings, None)
        if outcome.status == "aborted" and outcome.execution is not None:
            messages = outcome.execution.progress.error_messages
            err.print("[red]stopped: errors exceeded the error budget.[/] Most frequent errors:")
            for message, count in sorted(messages.items(), key=lambda kv: -kv[1])[:5]:
                err.print(f"  {count} × {message}")
            err.print(f"Fix the cause, then: hegui fairness run --resume {outcome.run_id}")
            return EXIT_FAIL
        return code
    finally:
        store.close()


@app.command("report")
def report(
    run_id: Annotated[str, typer.Argument(help="Run id (see: hegui runs list), or 'latest'.")],
    config_path: ConfigOption = None,
    out_dir: Annotated[Path | None, typer.Option("--out", help="Folder for the reports.")] = None,
) -> None:
    """Analyse a stored fairness run (thresholds from hegui.yaml) and write its reports."""
    raise typer.Exit(_report_command(run_id, config_path, out_dir))


@friendly_errors
def _report_command(run_id: str, config_path: Path | None, out_dir: Path | None) -> int:
    config = load_config(config_path)
    store = open_store(config)
    try:
        return _report(
            config, store, store.resolve_run_id(run_id), fairness_settings(config), out_dir
        )
    finally:
        store.close()


def _report(
    config: ProjectConfig,
    store: RunStore,
    run_id: str,
    settings: FairnessSettings,
    out_dir: Path | None,
) -> int:
    spec = store.get_run(run_id).spec
    report_ = build_report(
        store,
        run_id,
        run_pack(spec, config),
        quality=load_registry(config.base_dir),
        fairness=settings,
    )
    result = report_.fairness
    if result is None:
        err.print(
            f"[red]run {run_id} holds no fairness probes[/]; start one with: hegui fairness run"
        )
        return 2
    print_fairness(result)
    folder = out_dir or config.resolve(config.reports) / run_id
    for path in write_reports(report_, folder, ("html", "json")):
        out.print(f"report: {path}")
    fairness_json = folder / "fairness.json"
    write_text_atomic(fairness_json, result.model_dump_json(indent=2))
    out.print(f"report: {fairness_json}")
    return EXIT_PASS if result.overall == "PASS" else EXIT_FAIL


def print_fairness(result: FairnessResult) -> None:
    """One row per attribute: the verdict and, per measure, the effect and Holm p."""
    table = Table(title="歧视性测试 discrimination tests (A.2)")
    for column in ("attribute", "outcome", "measures (effect / Holm p)"):
        table.add_column(column, overflow="fold")
    for a in result.attributes:
        parts = []
        for m in a.measures:
            effect = "—" if m.effect is None else f"{m.effect:+.2f}"
            p = "" if m.p_adjusted is None else f" p={m.p_adjusted:.3f}"
            parts.append(f"[{_STYLE[m.outcome]}]{m.measure}[/] {effect}{p}")
        table.add_row(
            f"{a.code} {a.attribute}",
            f"[{_STYLE[a.outcome]}]{a.outcome.value}[/]",
            "; ".join(parts),
        )
    out.print(table)
    colour = "green" if result.overall == "PASS" else "red"
    out.print(
        f"answered {result.answered}/{result.probes}; alpha {result.alpha} (Holm); "
        f"overall: [bold {colour}]{result.overall}[/]"
    )
    for a in result.attributes:
        if a.outcome is Outcome.FAIL and a.evidence:
            e = a.evidence[0]
            versus = f" vs {e.group_b}" if e.group_b else ""
            out.print(
                f"  {a.code} {a.attribute}: most divergent pair ({e.measure}, gap {e.gap:.2f}): "
                f"{e.group_a}{versus} — see the report",
                markup=False,
            )


@app.command("probes")
def probes(
    config_path: ConfigOption = None,
    attributes: AttributesOption = None,
    templates: TemplatesOption = None,
    out_file: Annotated[
        Path | None, typer.Option("--out", help="Write the probes as a JSONL bank.")
    ] = None,
) -> None:
    """Validate the probe files and show (or export) the expanded probes."""
    raise typer.Exit(_probes(config_path, attributes, templates, out_file))


@friendly_errors
def _probes(
    config_path: Path | None,
    attributes: list[str] | None,
    templates: list[Path] | None,
    out_file: Path | None,
) -> int:
    config = load_config(config_path)
    settings = _settings(config, attributes, templates)
    items = build_probes(config, settings)
    counts: dict[str, int] = {}
    for item in items:
        counts[item.risk or "?"] = counts.get(item.risk or "?", 0) + 1
    for key, attribute in BY_KEY.items():
        if attribute.code in counts:
            out.print(f"{attribute.code} {key}: {counts[attribute.code]} probes")
    out.print(f"total: {len(items)} probes")
    if out_file is not None:
        lines = [json.dumps(item_record(i), ensure_ascii=False) for i in items]
        write_text_atomic(out_file, "\n".join(lines) + "\n")
        out.print(f"written: {out_file}")
    return EXIT_PASS


@app.command("corpus")
def corpus(
    manifest: Annotated[
        Path, typer.Option("--manifest", "-m", help="Corpus manifest (as for hegui corpus audit).")
    ],
    config_path: ConfigOption = None,
    templates: TemplatesOption = None,
    out_file: Annotated[
        Path | None, typer.Option("--out", help="Write the statistics as JSON.")
    ] = None,
) -> None:
    """Group representation and negative co-occurrence in training data; exit 1 when skewed."""
    raise typer.Exit(_corpus(manifest, config_path, templates, out_file))


@friendly_errors
def _corpus(
    manifest: Path, config_path: Path | None, templates: list[Path] | None, out_file: Path | None
) -> int:
    config = load_config(config_path)
    settings = _settings(config, None, templates)
    suite = load_suite([config.resolve(p) for p in settings.templates], builtin=settings.builtin)
    result = manifest_statistics(manifest, suite, settings.corpus)
    table = Table(title=f"训练数据群体统计 group statistics — {result.documents} documents")
    for column in ("attribute", "group", "documents", "× median", "negative", "flags"):
        table.add_column(column, overflow="fold")
    for a in result.attributes:
        for g in a.groups:
            table.add_row(
                f"{a.code} {a.attribute}",
                g.label,
                str(g.documents),
                "—" if g.ratio is None else f"{g.ratio:.2f}",
                "—" if g.negative_rate is None else f"{g.negative} ({g.negative_rate:.1%})",
                f"[bold red]{'; '.join(g.flags)}[/]" if g.flags else "",
            )
    out.print(table)
    if result.problems:
        err.print(f"[yellow]{result.problems} unreadable records skipped[/]")
    if out_file is not None:
        write_text_atomic(out_file, result.model_dump_json(indent=2))
        out.print(f"written: {out_file}")
    flagged = result.flagged()
    out.print(f"flagged attributes: {', '.join(flagged) if flagged else 'none'}")
    return EXIT_FAIL if flagged else EXIT_PASS
