"""``hegui filing``: pre-flight check, build, verify and diff the filing package (备案材料)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.table import Table

from hegui.cli._common import EXIT_FAIL, EXIT_PASS, EXIT_USAGE, err, friendly_errors, out
from hegui.config import load_config

if TYPE_CHECKING:
    from hegui.filing import Preflight
    from hegui.filing.build import PdfChoice

_PDF_CHOICES: dict[str, PdfChoice] = {"auto": "auto", "yes": "yes", "no": "no"}

app = typer.Typer(
    help="The filing package (备案材料): pre-flight check, build, verify, diff.",
    no_args_is_help=True,
)

ConfigOption = Annotated[
    Path | None, typer.Option("--config", "-c", help="Project file (default: ./hegui.yaml).")
]
RunOption = Annotated[
    str | None,
    typer.Option("--run", help="Assessment run (default: the newest complete run)."),
]
CorpusOption = Annotated[
    Path | None,
    typer.Option("--corpus", help="Corpus audit folder (default: corpus-audit beside hegui.yaml)."),
]
MaxAgeOption = Annotated[
    int,
    typer.Option("--max-run-age", min=1, help="Days an assessment run stays valid for filing."),
]


def print_preflight(preflight: Preflight) -> None:
    """The checklist: one row per obligation, with what to do for each gap."""
    table = Table(title="备案前检查 pre-flight")
    for column in ("check", "obligation", "status", "detail / fix"):
        table.add_column(column, overflow="fold")
    for check in preflight.checks:
        status = "[green]ok[/]" if check.status == "ok" else "[bold red]gap[/]"
        detail = check.detail if check.status == "ok" else f"{check.detail}\n→ {check.fix}"
        table.add_row(check.id, check.title_zh, status, detail)
    out.print(table)


@friendly_errors
def _check(config_path: Path | None, run: str | None, corpus: Path | None, max_age: int) -> int:
    from hegui.filing import gather, run_preflight

    evidence = gather(load_config(config_path), run_id=run, corpus_dir=corpus)
    preflight = run_preflight(evidence, max_run_age_days=max_age)
    print_preflight(preflight)
    if preflight.ok:
        out.print("[green]every obligation met: hegui filing build --out DIR[/]")
        return EXIT_PASS
    out.print(f"[red]{len(preflight.gaps)} gap(s)[/]; a package can only be built as --draft")
    return EXIT_FAIL


@app.command("check")
def check(
    config_path: ConfigOption = None,
    run: RunOption = None,
    corpus: CorpusOption = None,
    max_age: MaxAgeOption = 31,
) -> None:
    """Pre-flight: every obligation of a filing, what is missing, how to fix it (exit 1: gap)."""
    raise typer.Exit(_check(config_path, run, corpus, max_age))


@friendly_errors
def _build(
    out_dir: Path,
    config_path: Path | None,
    run: str | None,
    corpus: Path | None,
    draft: bool,
    pdf: PdfChoice,
    make_zip: bool,
    max_age: int,
) -> int:
    from hegui.filing import PreflightFailed, build_package, gather

    evidence = gather(load_config(config_path), run_id=run, corpus_dir=corpus)
    try:
        result = build_package(
            evidence,
            out_dir,
            draft=draft,
            pdf=pdf,
            make_zip=make_zip,
            max_run_age_days=max_age,
        )
    except PreflightFailed as exc:
        print_preflight(exc.preflight)
        raise
    if not result.preflight.ok:
        print_preflight(result.preflight)
        err.print(f"[bold yellow]DRAFT[/]: {len(result.preflight.gaps)} gap(s) marked 【待补】")
    for entry in result.manifest.files:
        out.print(f"  {entry.path}  {entry.sha256[:16]}…")
    for note in result.manifest.notes:
        out.print(f"[yellow]note:[/] {note}")
    out.print(f"package: {result.folder}" + (f" and {result.zip_path}" if result.zip_path else ""))
    return EXIT_PASS


@app.command("build")
def build(
    out_dir: Annotated[Path, typer.Option("--out", "-o", help="Package folder to write.")],
    config_path: ConfigOption = None,
    run: RunOption = None,
    corpus: CorpusOption = None,
    draft: Annotated[
        bool, typer.Option("--draft", help="Build despite unmet obligations, gaps marked.")
    ] = False,
    pdf: Annotated[
        str,
        typer.Option("--pdf", help="auto (when LibreOffice is installed), yes or no."),
    ] = "auto",
    make_zip: Annotated[bool, typer.Option("--zip/--no-zip", help="Also write DIR.zip.")] = True,
    max_age: MaxAgeOption = 31,
) -> None:
    """Build the filing package: 备案表, 附件1-5 (DOCX/XLSX, PDF), manifest.json and a zip."""
    choice = _PDF_CHOICES.get(pdf)
    if choice is None:
        err.print(f"[bold red]error:[/] --pdf {pdf!r}: use auto, yes or no")
        raise typer.Exit(EXIT_USAGE)
    raise typer.Exit(_build(out_dir, config_path, run, corpus, draft, choice, make_zip, max_age))


@friendly_errors
def _verify(folder: Path, config_path: Path | None, evidence: bool) -> int:
    from hegui.filing import verify_package

    config = load_config(config_path) if evidence else None
    result = verify_package(folder, config)
    for problem in result.problems:
        out.print(f"[red]✗[/] {problem}")
    scope = " and the evidence" if result.evidence_checked else ""
    if result.ok:
        out.print(f"[green]✓ {result.files_checked} files match the manifest{scope}[/]")
        return EXIT_PASS
    out.print(f"[red]{len(result.problems)} problem(s)[/]")
    return EXIT_FAIL


@app.command("verify")
def verify(
    folder: Annotated[Path, typer.Argument(help="Package folder (written by filing build).")],
    config_path: ConfigOption = None,
    evidence: Annotated[
        bool,
        typer.Option(
            "--evidence", help="Also compare with the run, banks, libraries, corpus and gateway."
        ),
    ] = False,
) -> None:
    """Recompute every file's SHA-256 (and with --evidence the sources'); exit 1 on a mismatch."""
    raise typer.Exit(_verify(folder, config_path, evidence))


@friendly_errors
def _diff(old: Path, new: Path, as_json: bool) -> int:
    from hegui.filing import diff_packages

    changes = diff_packages(old, new)
    if as_json:
        out.print_json(json.dumps([c.model_dump() for c in changes], ensure_ascii=False))
        return EXIT_PASS
    table = Table(title=f"{old} → {new}: {len(changes)} change(s)")
    for column in ("section", "key", "old", "new"):
        table.add_column(column, overflow="fold")
    for change in changes:
        table.add_row(change.section, change.key, change.old or "—", change.new or "—")
    out.print(table)
    return EXIT_PASS


@app.command("diff")
def diff(
    old: Annotated[Path, typer.Argument(help="The earlier package folder.")],
    new: Annotated[Path, typer.Argument(help="The new package folder.")],
    as_json: Annotated[bool, typer.Option("--json", help="Print the changes as JSON.")] = False,
) -> None:
    """What changed between two packages: profile, run, figures, clauses, sources, files."""
    raise typer.Exit(_diff(old, new, as_json))
