"""``hegui log``: the gateway's hash-chained event log — verify, show, purge, content.

``hegui log verify`` exits 1 when a chain is broken.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from hegui.cli._common import EXIT_FAIL, friendly_errors, out
from hegui.gateway import eventlog
from hegui.gateway.admin import Admin

app = typer.Typer(help="The gateway's event log: verify, show, purge.", no_args_is_help=True)

ConfigOption = Annotated[Path | None, typer.Option("--config", "-c", help="hegui.yaml.")]


@app.command("verify")
@friendly_errors
def verify(
    chain: Annotated[str | None, typer.Option(help="Only this chain.")] = None,
    config_path: ConfigOption = None,
) -> None:
    """Recompute every hash; report the first break of each chain (exit 1 if any)."""
    with Admin.open(config_path) as admin:
        report = admin.verify_log(chain)
    for c in report.chains:
        span = f"{c.first_seq}..{c.last_seq}" if c.events else "empty"
        purged = f", purged up to {c.anchored_at}" if c.anchored_at else ""
        state = "ok" if c.ok else f"BROKEN at {c.broken_at}: {c.problem}"
        out.print(f"{c.chain_id}: {c.events} events ({span}{purged}) {state}")
    if not report.chains:
        out.print("the log is empty")
    if not report.ok:
        raise typer.Exit(EXIT_FAIL)
    out.print(f"ok: {report.events} events verified")


@app.command("show")
@friendly_errors
def show(
    limit: Annotated[int, typer.Option(help="How many of the newest events.")] = 20,
    kind: Annotated[str | None, typer.Option(help="request, enforcement, complaint, …")] = None,
    user: Annotated[str | None, typer.Option(help="A user id.")] = None,
    request: Annotated[str | None, typer.Option(help="A request id.")] = None,
    config_path: ConfigOption = None,
) -> None:
    """The newest events, one JSON object per line."""
    with Admin.open(config_path) as admin:
        events = eventlog.recent(
            admin.engine, limit=limit, kind=kind, user_id=user, request_id=request
        )
    for e in events:
        out.print(json.dumps(e.model_dump(mode="json"), ensure_ascii=False), soft_wrap=True)


@app.command("purge")
@friendly_errors
def purge(
    retention_days: Annotated[
        int | None, typer.Option(help="Default: gateway.log.retention_days (180).")
    ] = None,
    yes: Annotated[bool, typer.Option("--yes", help="Do not ask.")] = False,
    config_path: ConfigOption = None,
) -> None:
    """Delete events past the retention period (the chains stay verifiable) and retained
    content past its TTL."""
    with Admin.open(config_path) as admin:
        days = retention_days or admin.config.log.retention_days
        if not yes:
            typer.confirm(f"delete events older than {days} days?", abort=True)
        report = admin.purge(retention_days)
    out.print(f"purged {report.events} events and {report.content} content records")


@app.command("content")
@friendly_errors
def content(
    request_id: Annotated[str, typer.Argument(help="The request id (X-Request-Id).")],
    config_path: ConfigOption = None,
) -> None:
    """The retained texts of a request (log.retain_content; the read is recorded)."""
    with Admin.open(config_path) as admin:
        data = admin.content(request_id)
    if data is None:
        out.print("no content retained for this request (expired, or retention is off)")
        raise typer.Exit(EXIT_FAIL)
    out.print(json.dumps(data, ensure_ascii=False, indent=2))
