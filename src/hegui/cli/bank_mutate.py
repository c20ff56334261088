"""``hegui bank mutate`` and ``hegui bank mutations``: adversarial variants of bank items."""

from __future__ import annotations

import json
from contextlib import ExitStack
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from hegui.banks import load_bank
from hegui.banks.importers.output import write_atomic
from hegui.banks.mutations import load_templates, mutate_items, mutations, parse_plan
from hegui.banks.mutations.translator import ModelTranslator
from hegui.banks.versioning import versioned_meta
from hegui.cli._common import friendly_errors, out
from hegui.cli.bank import app
from hegui.cli.bank_compose import ConfigOpt, PackOpt, TodayOpt, resolve_pack, today_of
from hegui.errors import ConfigError
from hegui.records import ItemKind

TemplatesOpt = Annotated[
    Path | None,
    typer.Option("--templates", help="Template library YAML (default: the shipped one)."),
]


@app.command("mutate")
@friendly_errors
def mutate_cmd(
    bank: Annotated[Path, typer.Argument(help="The bank whose items are the seeds.")],
    with_: Annotated[
        str,
        typer.Option(
            "--with",
            help="Mutations, comma-separated; '+' chains them (role_play,pinyin+base64). "
            "'hegui bank mutations' lists them.",
        ),
    ],
    out_path: Annotated[Path, typer.Option("--out", help="Bank file to write.")],
    per_item: Annotated[
        int, typer.Option("--per-item", min=1, help="Variants per item and mutation.")
    ] = 1,
    seed: Annotated[int, typer.Option("--seed", help="Seed of the random choices.")] = 0,
    kind: Annotated[
        list[ItemKind] | None, typer.Option("--kind", help="Mutate only items of this kind.")
    ] = None,
    include_seeds: Annotated[
        bool, typer.Option("--include-seeds", help="Write the seed items too.")
    ] = False,
    templates: TemplatesOpt = None,
    translator: Annotated[
        str | None,
        typer.Option(
            "--translator",
            help="Model for the translate mutation: openai:MODEL@BASE_URL or a target YAML.",
        ),
    ] = None,
    config: ConfigOpt = None,
    pack: PackOpt = None,
    version: Annotated[
        str | None, typer.Option("--version", help="Version (default: YYYY.MM.N).")
    ] = None,
    today: TodayOpt = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the summary as JSON.")] = False,
) -> None:
    """Write a bank of mutated items whose tags link each to its seed (mutation:, seed:).

    Each variant is seeded by (seed, item id, mutation, n), so re-running gives the same bank.
    Items a mutation does not apply to (pinyin on English…) are counted in the summary.
    Written atomically; exit 0 when written, 2 on invalid input.
    """
    loaded_pack = resolve_pack(config, pack, None)
    source = load_bank(bank, loaded_pack)
    chains = parse_plan(with_, mutations(load_templates(templates)))
    seeds = [i for i in source.items if not kind or i.kind in kind]
    if not seeds:
        raise ConfigError(f"{bank} has no items of the kinds {kind}", field="--kind")
    needs_model = any(step.name == "translate" for chain in chains for step in chain.steps)
    with ExitStack() as stack:
        translate = None
        if needs_model:
            if translator is None:
                raise ConfigError(
                    "the translate mutation needs --translator openai:MODEL@BASE_URL",
                    field="--translator",
                )
            translate = stack.enter_context(ModelTranslator.from_option(translator))
        result = mutate_items(
            seeds, chains, loaded_pack, per_item=per_item, seed=seed, translate=translate
        )
    items = [*seeds, *result.items] if include_seeds else result.items
    if not items:
        raise ConfigError("no mutation applied to any item; nothing to write", field="--with")
    day = today_of(today)
    plan = ",".join(c.name for c in chains)
    meta = versioned_meta(
        items,
        name=f"{source.info.name} ({plan})",
        today=day,
        version=version,
        note=f"{plan} ×{per_item}, seed {seed}, of {bank} {source.info.version or ''}".strip(),
        description=f"mutated by hegui bank mutate --with {plan} from {bank}",
    )
    write_atomic(out_path, items, meta)
    per_chain = {c.name: result.made[c.name] for c in chains}
    if as_json:
        document = {
            "out": str(out_path),
            "seeds": len(seeds),
            "items": len(items),
            "per_mutation": per_chain,
            "skipped": [
                {"mutation": name, "reason": reason, "count": count}
                for (name, reason), count in sorted(result.skipped.items())
            ],
        }
        typer.echo(json.dumps(document, ensure_ascii=False))
        return
    table = Table(title=f"{out_path}: {len(result.items)} variants of {len(seeds)} seeds")
    for column in ("mutation", "variants", "skipped"):
        table.add_column(column)
    for name, count in per_chain.items():
        skipped = ", ".join(
            f"{n} {reason}"
            for (chain, reason), n in sorted(result.skipped.items())
            if chain == name
        )
        table.add_row(name, str(count), skipped or "—")
    out.print(table)
    out.print(f"wrote {len(items)} items to {out_path}")


@app.command("mutations")
@friendly_errors
def mutations_cmd(templates: TemplatesOpt = None) -> None:
    """List the mutations (name, languages, goal) and the template library."""
    library = load_templates(templates)
    table = Table(title="mutations (hegui bank mutate --with NAME[,NAME|+NAME])")
    for column in ("name", "languages", "goal"):
        table.add_column(column, overflow="fold")
    for name, mutation in sorted(mutations(library).items()):
        table.add_row(name, ", ".join(mutation.languages) or "any", mutation.goal)
    out.print(table)
    lib = Table(title="templates")
    for column in ("id", "style", "language", "goal"):
        lib.add_column(column, overflow="fold")
    for template in library:
        lib.add_row(template.id, template.style, template.language, template.goal)
    out.print(lib)
