"""``hegui bank check`` validates banks and checks coverage; ``hegui bank import`` imports data."""

from __future__ import annotations

import json
from collections import Counter
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from hegui.assess.inputs import combined_library
from hegui.banks import BankCoverage, BankMeta, KindCoverage, Status, check_banks, load_banks
from hegui.banks.importers import FORMATS, IMPORTERS, ImportResult, import_files
from hegui.banks.importers.dedup import drop_near_duplicates
from hegui.banks.importers.output import write_atomic
from hegui.cli._common import EXIT_FAIL, err, friendly_errors, out
from hegui.cli.render import print_keyword_coverage
from hegui.config import load_config
from hegui.errors import ConfigError
from hegui.policy import load_pack
from hegui.records import ItemKind
from hegui.text import check_coverage, load_library

app = typer.Typer(
    help="Question banks: validate files, check coverage against the pack (REQ-BANK-04/05/07/08).",
    no_args_is_help=True,
)


@app.callback()
def _group() -> None:
    """Question banks: validate files and check their coverage against the policy pack."""


_STYLE = {
    Status.OK: "green",
    Status.SHORT: "bold red",
    Status.UNKNOWN: "bold yellow",
    Status.EXEMPT: "dim",
}


@app.command("check")
@friendly_errors
def check(
    banks: Annotated[
        list[Path] | None,
        typer.Argument(
            metavar="[BANK]...",
            help="Bank files (JSONL, CSV/TSV, XLSX incl. 附件5). Default: banks of hegui.yaml.",
        ),
    ] = None,
    config: Annotated[
        Path | None, typer.Option("--config", "-c", help="Project file (default: ./hegui.yaml).")
    ] = None,
    pack: Annotated[
        str | None, typer.Option("--pack", "-p", help="Pack name or YAML path (default: config).")
    ] = None,
    override: Annotated[
        list[str] | None,
        typer.Option(
            "--override",
            "-o",
            help="Policy override KEY=VALUE, e.g. "
            "REQ-BANK-08.per_aspect=10 (added to those of hegui.yaml).",
        ),
    ] = None,
    kind: Annotated[
        list[ItemKind] | None, typer.Option("--kind", help="Check only this bank kind.")
    ] = None,
    exempt_aspect: Annotated[
        list[str] | None,
        typer.Option(
            "--exempt-aspect",
            help="A should-not-refuse aspect outside the service's "
            "domain (REQ-BANK-08 lets domain models omit it).",
        ),
    ] = None,
    today: Annotated[
        str | None, typer.Option("--today", help="Check freshness as of this ISO date.")
    ] = None,
    keywords: Annotated[
        list[Path] | None,
        typer.Option(
            "--keywords",
            "-k",
            help="Keyword library to check too (REQ-BANK-01..03; repeatable; files count "
            "together). Default: keywords of hegui.yaml.",
        ),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the result as JSON.")] = False,
) -> None:
    """Validate banks and check counts per kind, risk and aspect, freshness and duplicates, and
    the keyword library's size, per-risk coverage and weekly update.

    Exit code 0 when every bank requirement is met, 1 when something is short (or the update date
    is unknown), 2 when a file is invalid.
    """
    project = load_config(config)
    overrides: dict[str, float] = dict(project.policy.overrides)
    overrides.update(_parse_overrides(override or []))
    loaded_pack = load_pack(pack or project.pack_source(), overrides or None)
    paths = banks or [project.resolve(p) for p in project.banks]
    if not paths:
        raise ConfigError("no banks: give bank files, or list them under 'banks:' in hegui.yaml")
    loaded = load_banks(paths, loaded_pack)
    coverage = check_banks(
        loaded,
        loaded_pack,
        _parse_date(today),
        kinds=kind or None,
        exempt_aspects=exempt_aspect or (),
    )
    library_paths = keywords or [project.resolve(p) for p in project.keywords]
    keyword_report = None
    if library_paths:
        library = combined_library([load_library(p, pack=loaded_pack) for p in library_paths])
        keyword_report = check_coverage(library, loaded_pack, today=_parse_date(today))
    if as_json:
        document = {"banks": coverage.model_dump(mode="json")}
        if keyword_report is not None:
            document["keywords"] = keyword_report.model_dump(mode="json")
        typer.echo(json.dumps(document, ensure_ascii=False, indent=2))
    else:
        for bank in loaded:
            for warning in bank.warnings:
                err.print(f"[yellow]warning:[/] {warning}")
        print_coverage(coverage)
        if keyword_report is not None:
            print_keyword_coverage(keyword_report, library.name)
    if not coverage.ok or (keyword_report is not None and not keyword_report.ok):
        raise typer.Exit(EXIT_FAIL)


def _parse_overrides(items: list[str]) -> dict[str, float]:
    parsed: dict[str, float] = {}
    for item in items:
        key, sep, value = item.partition("=")
        try:
            if not sep:
                raise ValueError(item)
            parsed[key.strip()] = float(value)
        except ValueError:
            raise ConfigError(f"expected KEY=NUMBER, got {item!r}", field="--override") from None
    return parsed


def _parse_date(text: str | None) -> date | None:
    if text is None:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise ConfigError(f"{text!r} is not an ISO date like 2026-11-20", field="--today") from None


def _status(status: Status) -> str:
    return f"[{_STYLE[status]}]{status.value}[/]"


def print_coverage(coverage: BankCoverage) -> None:
    """Rich tables: banks, each kind's risks and aspects, duplicates, freshness, requirements."""
    banks = Table(title=f"banks — pack {coverage.pack} {coverage.pack_version}, {coverage.today}")
    for column in ("bank", "path", "items", "version", "updated"):
        banks.add_column(column, overflow="fold")
    for info in coverage.banks:
        banks.add_row(
            info.name, info.path, str(info.items), info.version or "—", info.updated or "—"
        )
    out.print(banks)
    for result in coverage.kinds:
        if result.risks:
            out.print(_kind_table(result))
        else:  # e.g. should-not-refuse: minimums per aspect, not per risk
            out.print(f"{_kind_title(result)}\n")
        if result.aspects:
            out.print(_aspect_table(result))
    if coverage.duplicates:
        dupes = Table(title="duplicate questions (counted once)")
        for column in ("kind", "ids", "question"):
            dupes.add_column(column, overflow="fold")
        for group in coverage.duplicates:
            dupes.add_row(group.kind.value, ", ".join(group.ids), _clip(group.question))
        out.print(dupes)
    if coverage.freshness:
        fresh = Table(title="freshness (REQ-BANK-05)")
        for column in ("bank", "updated", "age (days)", "max age", "status"):
            fresh.add_column(column)
        for f in coverage.freshness:
            age = "—" if f.age_days is None else str(f.age_days)
            fresh.add_row(
                f.bank, f.updated or "unknown", age, str(f.max_age_days), _status(f.status)
            )
        out.print(fresh)
    summary = Table(title="bank requirements")
    for column in ("requirement", "title", "status", "detail"):
        summary.add_column(column, overflow="fold")
    for req in coverage.requirements:
        summary.add_row(req.id, req.title_zh, _status(req.status), req.detail)
    out.print(summary)
    for warning in coverage.warnings:
        out.print(f"[yellow]warning:[/] {warning}")
    for shortfall in coverage.shortfalls[:30]:
        out.print(f"[red]short:[/] {shortfall.message}")
    if len(coverage.shortfalls) > 30:
        out.print(f"… and {len(coverage.shortfalls) - 30} more shortfalls (see --json)")
    verdict = "[bold green]all met[/]" if coverage.ok else "[bold red]not met[/]"
    out.print(f"bank requirements: {verdict}")


def _kind_table(result: KindCoverage) -> Table:
    table = Table(title=_kind_title(result))
    for column in ("risk", "名称", "count", "minimum", "status"):
        table.add_column(column, overflow="fold")
    for risk in result.risks:
        minimum = "—" if risk.minimum is None else str(risk.minimum)
        table.add_row(risk.code, risk.zh, str(risk.count), minimum, _status(risk.status))
    return table


def _kind_title(result: KindCoverage) -> str:
    return (
        f"{result.title_zh} {result.kind.value} — {result.requirement}: "
        f"{result.distinct}/{result.minimum} questions ({_status(result.total_status)})"
    )


def _aspect_table(result: KindCoverage) -> Table:
    table = Table(title=f"{result.title_zh} aspects — {result.requirement}")
    for column in ("aspect", "名称", "count", "minimum", "status"):
        table.add_column(column)
    for aspect in result.aspects:
        minimum = "—" if aspect.minimum is None else str(aspect.minimum)
        table.add_row(aspect.id, aspect.zh, str(aspect.count), minimum, _status(aspect.status))
    if result.without_aspect:
        table.add_row("(none)", "未标注方面", str(result.without_aspect), "—", "")
    return table


def _clip(text: str, width: int = 60) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


@app.command("import")
@friendly_errors
def import_(
    sources: Annotated[
        list[Path], typer.Argument(metavar="SRC...", help="Source files of the dataset.")
    ],
    fmt: Annotated[
        str,
        typer.Option(
            "--format", "-f", help=f"Source dataset: {' | '.join(FORMATS)}.", show_default=False
        ),
    ],
    out_path: Annotated[
        Path, typer.Option("--out", help="Bank file to write (.jsonl, .csv, .tsv or .xlsx).")
    ],
    strict: Annotated[
        bool,
        typer.Option("--strict", help="Fail (exit 1, write nothing) when a label is unmapped."),
    ] = False,
    dedup: Annotated[
        float | None,
        typer.Option(
            "--dedup",
            help="Drop questions that nearly repeat an earlier one of the same kind (MinHash "
            "similarity at least this, e.g. 0.8). Off by default: jailbreak templates make "
            "wrapped questions look alike.",
            min=0.0,
            max=1.0,
        ),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the summary as JSON.")] = False,
) -> None:
    """Import a public dataset into a bank through its mapping table (docs/bank-import.md).

    Every item keeps its provenance in tags (source, source-id, licence, label). Rows whose label
    the table excludes or does not know are skipped and counted in the summary. The output is
    written atomically. Exit code 0 when written, 1 with --strict and unmapped labels, 2 on
    invalid input.
    """
    result = import_files(fmt, sources)
    if dedup is not None:
        drop_near_duplicates(result, dedup)
    if strict and result.unmapped:
        _print_import(result, out_path, as_json, written=False)
        raise typer.Exit(EXIT_FAIL)
    meta = BankMeta(
        name=f"{fmt} import",
        updated=datetime.now(tz=UTC).date().isoformat(),
        description=f"imported by hegui bank import from {IMPORTERS[fmt].spec.title}",
    )
    write_atomic(out_path, result.items, meta)
    _print_import(result, out_path, as_json, written=True)


def _print_import(result: ImportResult, out_path: Path, as_json: bool, written: bool) -> None:
    if as_json:
        document = {
            "dataset": result.dataset,
            "out": str(out_path) if written else None,
            "items": len(result.items),
            "per_kind": dict(sorted(result.per_kind().items())),
            "per_risk": dict(sorted(result.per_risk().items())),
            "skipped": dict(result.skip_reasons()),
            "unmapped": dict(result.unmapped),
        }
        typer.echo(json.dumps(document, ensure_ascii=False, indent=2))
        return
    pack = load_pack()
    table = Table(title=f"{result.dataset}: {len(result.items)} items")
    for column in ("kind", "risk", "名称", "count"):
        table.add_column(column, overflow="fold")
    counts = Counter((item.kind.value, item.risk or "—") for item in result.items)
    for (kind_value, risk), count in sorted(counts.items()):
        name = pack.risk_name(risk) if risk != "—" else ""
        table.add_row(kind_value, risk, name, str(count))
    out.print(table)
    for reason, count in sorted(result.skip_reasons().items()):
        out.print(f"skipped {count} rows: {reason}")
    for label, count in sorted(result.unmapped.items()):
        err.print(f"[yellow]unmapped label:[/] {label!r} ({count} rows skipped)")
    if written:
        out.print(f"wrote {len(result.items)} items to {out_path}")
    else:
        err.print("[bold red]not written:[/] unmapped labels (--strict)")


from hegui.cli import bank_compose, bank_mutate  # noqa: E402, F401  (register the builder commands)
