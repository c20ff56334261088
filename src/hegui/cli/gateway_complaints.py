"""``hegui complaints``: complaints and reports — list, show, add, answer."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from hegui.cli._common import friendly_errors, out
from hegui.gateway.admin import Admin
from hegui.gateway.complaints import ComplaintCategory, ComplaintIn, ComplaintStatus
from hegui.gateway.db import now_utc

app = typer.Typer(help="Complaints and reports (IM Art. 15).", no_args_is_help=True)

ConfigOption = Annotated[Path | None, typer.Option("--config", "-c", help="hegui.yaml.")]
ActorOption = Annotated[str | None, typer.Option("--actor", help="Who answers (recorded).")]


@app.command("list")
@friendly_errors
def list_complaints(
    open_only: Annotated[bool, typer.Option("--open", help="Only unanswered ones.")] = False,
    overdue: Annotated[bool, typer.Option(help="Only unanswered past the deadline.")] = False,
    as_json: Annotated[bool, typer.Option("--json")] = False,
    config_path: ConfigOption = None,
) -> None:
    """Complaints by feedback deadline, soonest first."""
    with Admin.open(config_path) as admin:
        status = ComplaintStatus.OPEN if open_only or overdue else None
        found = admin.complaints.list(status=status, overdue=overdue)
    if as_json:
        out.print_json(json.dumps([c.model_dump(mode="json") for c in found]))
        return
    now = now_utc()
    table = Table(title=f"{len(found)} complaints")
    table.add_column("id", no_wrap=True)  # ids are copied into other commands: never wrap them
    for column in ("category", "status", "deadline", "request", "description"):
        table.add_column(column, overflow="fold")
    for c in found:
        status_text = c.status.value + (" OVERDUE" if c.overdue(now) else "")
        table.add_row(
            c.id,
            c.category.value,
            status_text,
            f"{c.feedback_deadline:%Y-%m-%d %H:%M}",
            c.request_id or "",
            c.description[:60],
        )
    out.print(table)


@app.command("show")
@friendly_errors
def show(
    complaint: Annotated[str, typer.Argument(help="The complaint id (cmp_…).")],
    contact: Annotated[bool, typer.Option(help="Decrypt the contact details.")] = False,
    config_path: ConfigOption = None,
) -> None:
    """One complaint, with the feedback given."""
    with Admin.open(config_path) as admin:
        found = admin.complaints.get(complaint)
        details = admin.complaints.contact(complaint) if contact else None
    out.print(json.dumps(found.model_dump(mode="json"), ensure_ascii=False, indent=2))
    if contact:
        out.print(f"contact: {details or '(none)'}")


@app.command("add")
@friendly_errors
def add(
    category: Annotated[ComplaintCategory, typer.Option(help="What it is about.")],
    description: Annotated[str, typer.Option(help="What the complainant says.")],
    request_id: Annotated[str | None, typer.Option(help="The conversation reference.")] = None,
    user: Annotated[str | None, typer.Option(help="The complainant's user id, if known.")] = None,
    contact: Annotated[
        str | None, typer.Option(help="How to reach them (stored encrypted).")
    ] = None,
    config_path: ConfigOption = None,
    actor: ActorOption = None,
) -> None:
    """Take a complaint received by phone, e-mail or letter."""
    with Admin.open(config_path, actor=actor) as admin:
        stored = admin.add_complaint(
            ComplaintIn(
                category=category, description=description, request_id=request_id, contact=contact
            ),
            user,
        )
    out.print(f"complaint {stored.id}; feedback due by {stored.feedback_deadline:%Y-%m-%d %H:%M}")


@app.command("answer")
@friendly_errors
def answer(
    complaint: Annotated[str, typer.Argument(help="The complaint id (cmp_…).")],
    message: Annotated[str, typer.Option("--message", "-m", help="The feedback given.")],
    config_path: ConfigOption = None,
    actor: ActorOption = None,
) -> None:
    """Record the feedback given to the complainant (the complaint is then answered)."""
    with Admin.open(config_path, actor=actor) as admin:
        stored = admin.answer_complaint(complaint, message)
    late = stored.answered_at is not None and stored.answered_at > stored.feedback_deadline
    out.print(f"complaint {stored.id} answered{' (after the deadline)' if late else ''}")
