"""``hegui runs list``."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from hegui.assess.session import open_store
from hegui.cli._common import friendly_errors, out
from hegui.config import load_config

app = typer.Typer(help="Stored assessment runs.", no_args_is_help=True)


@app.command("list")
@friendly_errors
def list_runs(
    config_path: Annotated[Path | None, typer.Option("--config", "-c")] = None,
) -> None:
    """List runs in the store, newest first, with how far each got."""
    config = load_config(config_path)
    store = open_store(config)
    try:
        table = Table(title=f"runs in {store.url}")
        table.add_column("run", no_wrap=True)  # ids are copied into --resume: never wrap them
        table.add_column("created")
        table.add_column("status", no_wrap=True)
        for column in ("answered", "target", "pack", "banks"):
            table.add_column(column, overflow="fold")
        for run in store.list_runs():
            spec = run.spec
            table.add_row(
                spec.run_id,
                f"{spec.created_at:%Y-%m-%d %H:%M}",
                run.status,
                f"{store.count_attempts(spec.run_id)}/{len(store.plan(spec.run_id))}",
                spec.target.name,
                spec.pack,
                ", ".join(b.name for b in spec.banks),
            )
    finally:
        store.close()
    out.print(table)
