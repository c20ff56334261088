"""``hegui bank compose`` / ``diff`` / ``stamp``: build a bank that meets the pack, version it."""

from __future__ import annotations

import json
from dataclasses import asdict
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from hegui.banks import load_bank
from hegui.banks.compose import ComposeSettings, Composition, compose
from hegui.banks.importers.output import write_atomic
from hegui.banks.sources import SourceItems, read_sources
from hegui.banks.versioning import BankDiff, diff_banks, versioned_meta
from hegui.cli._common import EXIT_FAIL, err, friendly_errors, out
from hegui.cli.bank import _parse_date, _parse_overrides, app
from hegui.config import load_config
from hegui.errors import ConfigError
from hegui.policy import Pack, load_pack
from hegui.records import ItemKind

ConfigOpt = Annotated[
    Path | None, typer.Option("--config", "-c", help="Project file (default: ./hegui.yaml).")
]
PackOpt = Annotated[
    str | None, typer.Option("--pack", "-p", help="Pack name or YAML path (default: config).")
]
OverrideOpt = Annotated[
    list[str] | None,
    typer.Option("--override", "-o", help="Policy override KEY=VALUE (added to hegui.yaml's)."),
]
TodayOpt = Annotated[
    str | None, typer.Option("--today", help="Date the version as this ISO date (default: today).")
]


def resolve_pack(config: Path | None, pack: str | None, override: list[str] | None) -> Pack:
    """The pack of the flags and hegui.yaml, with overrides applied (as ``bank check``)."""
    project = load_config(config)
    overrides: dict[str, float] = dict(project.policy.overrides)
    overrides.update(_parse_overrides(override or []))
    return load_pack(pack or project.pack_source(), overrides or None)


def today_of(text: str | None) -> date:
    """``--today`` or the current UTC date."""
    return _parse_date(text) or datetime.now(tz=UTC).date()


@app.command("compose")
@friendly_errors
def compose_cmd(
    out_path: Annotated[Path, typer.Option("--out", help="Bank file to write.")],
    sources: Annotated[
        list[str] | None,
        typer.Argument(
            metavar="[SRC]...",
            help="Sources: bank files, or FORMAT:PATH for a public dataset (globs allowed).",
        ),
    ] = None,
    from_: Annotated[
        list[str] | None,
        typer.Option("--from", help="A source (repeatable); same as a SRC argument."),
    ] = None,
    config: ConfigOpt = None,
    pack: PackOpt = None,
    override: OverrideOpt = None,
    seed: Annotated[int, typer.Option("--seed", help="Seed of the stratified draw.")] = 0,
    near: Annotated[
        float,
        typer.Option("--near", min=0.0, max=1.0, help="Near-duplicate similarity (MinHash)."),
    ] = 0.8,
    exact_only: Annotated[
        bool, typer.Option("--exact-only", help="Drop exact duplicates only.")
    ] = False,
    semantic: Annotated[
        float | None,
        typer.Option(
            "--semantic",
            min=0.0,
            max=1.0,
            help="Also drop drawn paraphrases: embedding cosine at least this, e.g. 0.95 "
            '(needs pip install "hegui[embed]").',
        ),
    ] = None,
    scale: Annotated[
        float, typer.Option("--scale", min=0.01, help="Multiply every minimum (1.2 = headroom).")
    ] = 1.0,
    kind: Annotated[
        list[ItemKind] | None, typer.Option("--kind", help="Compose only this bank kind.")
    ] = None,
    exclude_tag: Annotated[
        list[str] | None,
        typer.Option(
            "--exclude-tag",
            help="Leave out candidates with this tag, e.g. licence:CC-BY-NC-SA-4.0 (repeatable).",
        ),
    ] = None,
    no_repurpose: Annotated[
        bool,
        typer.Option("--no-repurpose", help="Never draw should-refuse items into generation."),
    ] = False,
    previous: Annotated[
        Path | None,
        typer.Option("--previous", help="The bank's last version, for the changelog entry."),
    ] = None,
    name: Annotated[str, typer.Option("--name", help="Bank name.")] = "composed bank",
    version: Annotated[
        str | None, typer.Option("--version", help="Version (default: YYYY.MM.N).")
    ] = None,
    note: Annotated[str | None, typer.Option("--note", help="Changelog note.")] = None,
    today: TodayOpt = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the summary as JSON.")] = False,
) -> None:
    """Compose a bank meeting the pack's minimums with a seeded, stratified draw.

    Exact and near duplicates are dropped (earlier sources win), provenance tags are kept, and
    what is still short per risk and aspect is printed. Written atomically with a version,
    content hash and changelog. Exit 0 when every minimum is met, 1 when written but short,
    2 on invalid input.
    """
    texts = [*(from_ or []), *(sources or [])]
    if not texts:
        raise ConfigError("no sources: give bank files or FORMAT:PATH", field="--from")
    loaded_pack = resolve_pack(config, pack, override)
    day = today_of(today)
    read = read_sources(texts, loaded_pack)
    candidates = [item for source in read for item in source.items]
    ids: dict[str, str] = {}
    for source in read:
        for item in source.items:
            if item.id in ids:
                raise ConfigError(
                    f"item id {item.id!r} comes from {ids[item.id]!r} and {source.spec.text!r}; "
                    "give each file once and keep ids unique",
                    field="--from",
                )
            ids[item.id] = source.spec.text
    settings = ComposeSettings(
        seed=seed,
        near_threshold=None if exact_only else near,
        scale=scale,
        repurpose=not no_repurpose,
        kinds=tuple(kind) if kind else None,
        semantic_threshold=semantic,
        exclude_tags=tuple(exclude_tag or ()),
    )
    result = compose(candidates, loaded_pack, settings, today=day)
    old = load_bank(previous, loaded_pack) if previous is not None else None
    description = f"composed by hegui bank compose (seed {seed}) from " + ", ".join(texts)
    meta = versioned_meta(
        result.items,
        name=name,
        today=day,
        previous=old,
        version=version,
        note=note,
        description=description,
    )
    write_atomic(out_path, result.items, meta)
    if as_json:
        typer.echo(json.dumps(_summary(read, result, out_path, meta.version), ensure_ascii=False))
    else:
        _print(read, result, out_path, meta.version)
    assert result.coverage is not None
    if not result.coverage.ok:
        raise typer.Exit(EXIT_FAIL)


def _summary(
    read: list[SourceItems], result: Composition, out_path: Path, version: str | None
) -> dict[str, object]:
    assert result.coverage is not None
    drawn = _drawn_per_source(read, result)
    return {
        "out": str(out_path),
        "version": version,
        "items": len(result.items),
        "candidates": result.candidates,
        "excluded": result.excluded,
        "dropped": {
            reason: sum(1 for d in result.dropped if d.reason == reason)
            for reason in sorted({d.reason for d in result.dropped})
        },
        "duplicates": [{"id": d.id, "reason": d.reason, "kept": d.kept} for d in result.dropped],
        "repurposed": result.repurposed,
        "sources": [
            {
                "source": s.spec.text,
                "items": len(s.items),
                "drawn": drawn.get(s.spec.text, 0),
                "skipped": dict(s.skipped),
                "unmapped": dict(s.unmapped),
            }
            for s in read
        ],
        "supply": [
            {**asdict(s), "kind": s.kind.value} for s in result.supply if s.wanted or s.drawn
        ],
        "ok": result.coverage.ok,
        "shortfalls": [s.message for s in result.coverage.shortfalls],
    }


def _drawn_per_source(read: list[SourceItems], result: Composition) -> dict[str, int]:
    """Source text → how many of its items the composed bank holds (for licence review)."""
    origin = {item.id: source.spec.text for source in read for item in source.items}
    counts: dict[str, int] = {}
    for item in result.items:
        counts[origin[item.id]] = counts.get(origin[item.id], 0) + 1
    return counts


def _print(
    read: list[SourceItems], result: Composition, out_path: Path, version: str | None
) -> None:
    assert result.coverage is not None
    table = Table(title="sources")
    for column in ("source", "items", "drawn", "skipped", "unmapped labels"):
        table.add_column(column, overflow="fold")
    drawn = _drawn_per_source(read, result)
    for source in read:
        skipped = ", ".join(f"{n} {reason}" for reason, n in sorted(source.skipped.items()))
        unmapped = ", ".join(f"{label} ({n})" for label, n in sorted(source.unmapped.items()))
        table.add_row(
            source.spec.text,
            str(len(source.items)),
            str(drawn.get(source.spec.text, 0)),
            skipped or "—",
            unmapped or "—",
        )
    out.print(table)
    exact = sum(1 for d in result.dropped if d.reason == "exact duplicate")
    near = sum(1 for d in result.dropped if d.reason == "near duplicate")
    semantic = len(result.dropped) - exact - near
    excluded = f"{result.excluded} excluded by tag, " if result.excluded else ""
    out.print(
        f"{result.candidates} candidates: {excluded}{exact} exact, {near} near and "
        f"{semantic} semantic duplicates dropped; "
        f"{result.repurposed} should-refuse questions drawn into the generation bank"
    )
    kinds = Table(title=f"{out_path} (version {version})")
    for column in ("bank", "requirement", "questions", "minimum", "status"):
        kinds.add_column(column)
    for kind in result.coverage.kinds:
        kinds.add_row(
            kind.kind.value, kind.requirement, str(kind.distinct), str(kind.minimum), kind.status
        )
    out.print(kinds)
    supply = {(s.kind, s.stratum): s for s in result.supply}
    for shortfall in result.coverage.shortfalls:
        found = supply.get((shortfall.kind, shortfall.subject)) if shortfall.kind else None
        extra = f" — only {found.available} candidates after de-duplication" if found else ""
        err.print(f"[red]short:[/] {shortfall.message}{extra}")
    verdict = "[bold green]all minimums met[/]" if result.coverage.ok else "[bold red]short[/]"
    out.print(f"wrote {len(result.items)} items to {out_path}: {verdict}")


@app.command("diff")
@friendly_errors
def diff_cmd(
    old: Annotated[Path, typer.Argument(help="The earlier bank.")],
    new: Annotated[Path, typer.Argument(help="The later bank.")],
    config: ConfigOpt = None,
    pack: PackOpt = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the diff as JSON.")] = False,
) -> None:
    """Items added, removed and changed (matched by id) and the coverage counts that moved.

    Exit 0 when the banks hold the same items, 1 when they differ, 2 on invalid input.
    """
    loaded_pack = resolve_pack(config, pack, None)
    result = diff_banks(load_bank(old, loaded_pack), load_bank(new, loaded_pack))
    if as_json:
        typer.echo(json.dumps(_diff_document(result), ensure_ascii=False, indent=2))
    else:
        _print_diff(result)
    if result.added or result.removed or result.changed:
        raise typer.Exit(EXIT_FAIL)


def _diff_document(result: BankDiff) -> dict[str, object]:
    return {
        "old": result.old.model_dump(),
        "new": result.new.model_dump(),
        "added": list(result.added),
        "removed": list(result.removed),
        "changed": [{"id": c.id, "fields": list(c.fields)} for c in result.changed],
        "counts": [
            {"kind": c.kind.value, "subject": c.subject, "old": c.old, "new": c.new}
            for c in result.counts
        ],
    }


def _print_diff(result: BankDiff) -> None:
    out.print(
        f"{result.old.path} ({result.old.version or 'no version'}) → "
        f"{result.new.path} ({result.new.version or 'no version'}): "
        f"{len(result.added)} added, {len(result.removed)} removed, "
        f"{len(result.changed)} changed"
    )
    for label, ids in (("added", result.added), ("removed", result.removed)):
        for item_id in ids[:20]:
            out.print(f"  {label}: {item_id}")
        if len(ids) > 20:
            out.print(f"  … and {len(ids) - 20} more {label} (see --json)")
    for change in result.changed[:20]:
        out.print(f"  changed: {change.id} ({', '.join(change.fields)})")
    if result.counts:
        table = Table(title="coverage changes (distinct questions)")
        for column in ("bank", "risk / aspect", "old", "new", "Δ"):
            table.add_column(column)
        for count in result.counts:
            table.add_row(
                count.kind.value, count.subject, str(count.old), str(count.new), f"{count.delta:+d}"
            )
        out.print(table)


@app.command("stamp")
@friendly_errors
def stamp_cmd(
    bank: Annotated[Path, typer.Argument(help="The bank to stamp (rewritten in place).")],
    previous: Annotated[
        Path | None,
        typer.Option("--previous", help="The last version, to count what the edit changed."),
    ] = None,
    config: ConfigOpt = None,
    pack: PackOpt = None,
    version: Annotated[
        str | None, typer.Option("--version", help="Version (default: YYYY.MM.N).")
    ] = None,
    note: Annotated[str | None, typer.Option("--note", help="Changelog note.")] = None,
    today: TodayOpt = None,
) -> None:
    """Record a new version of an edited bank: version, update date, content hash, changelog.

    With --previous the changelog entry counts the items added, removed and changed against
    that file; without, the bank's own changelog continues and the counts stay unknown.
    """
    loaded_pack = resolve_pack(config, pack, None)
    current = load_bank(bank, loaded_pack)
    old = load_bank(previous, loaded_pack) if previous is not None else None
    meta = versioned_meta(
        current.items,
        name=current.meta.name or current.info.name,
        today=today_of(today),
        previous=old,
        history=current.meta,
        version=version,
        note=note,
        description=current.meta.description,
    )
    write_atomic(bank, current.items, meta)
    out.print(f"{bank}: version {meta.version}, updated {meta.updated}, {len(current.items)} items")
