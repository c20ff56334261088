"""``hegui init`` and ``hegui demo``."""

from __future__ import annotations

from importlib import resources
from pathlib import Path
from typing import Annotated

import typer

from hegui.assess.session import open_store
from hegui.cli._common import EXIT_USAGE, err, friendly_errors, out
from hegui.cli.assess import execute_and_report
from hegui.config import CONFIG_NAME, load_config

DEMO_FILES = ("hegui.yaml", "bank.jsonl", "answers.jsonl", "keywords.tsv")


@friendly_errors
def init(
    force: Annotated[
        bool, typer.Option("--force", help="Overwrite an existing hegui.yaml.")
    ] = False,
) -> None:
    """Write a commented hegui.yaml into the current folder."""
    path = Path.cwd() / CONFIG_NAME
    if path.exists() and not force:
        err.print(f"{path} exists; use --force to overwrite it")
        raise typer.Exit(EXIT_USAGE)
    path.write_text((resources.files("hegui.config") / "template.yaml").read_text("utf-8"), "utf-8")
    out.print(f"wrote {path}: set your target, banks and keyword libraries, then run: hegui assess")


@friendly_errors
def demo(
    folder: Annotated[
        Path, typer.Option("--dir", help="Folder for the demo project and its results.")
    ] = Path("hegui-demo"),
    no_progress: Annotated[bool, typer.Option("--no-progress")] = False,
) -> None:
    """Run the whole assessment on the bundled example and print the report's path.

    The example bank covers all 31 risks and the three bank kinds; its recorded answers include
    planted failures (compliance with should-refuse items, over-refusals, unacceptable content),
    so the report shows requirements failing. The demo itself exits 0 when it ran.
    """
    folder.mkdir(parents=True, exist_ok=True)
    source = resources.files("hegui.examples") / "demo"
    for name in DEMO_FILES:
        (folder / name).write_bytes((source / name).read_bytes())
    config = load_config(folder / CONFIG_NAME)
    store = open_store(config)
    try:
        code = execute_and_report(config, store, resume=None, show_progress=not no_progress)
    finally:
        store.close()
    out.print(
        f"\nDemo finished (assessment exit code {code}: the example answers contain planted "
        f"failures). Open {folder / config.reports}/<run>/report.html in a browser; "
        f"edit {folder / CONFIG_NAME} to point at your own model."
    )
