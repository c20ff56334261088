"""``hegui complaints``: the complaint desk (IM Art. 15) — list, show, add, acknowledge, answer,
link to an incident.

One group for every complaint, whether the gateway took it (``POST /v1/complaints``) or staff
entered it: the desk (:class:`~hegui.incidents.complaints.ComplaintDesk`) keeps the handling
(channel, acknowledgement, outcome sent, incident) beside the gateway's complaint, and every step
is appended to the gateway's hash-chained event log.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from hegui.cli._common import friendly_errors, out
from hegui.cli._incident import build
from hegui.config import load_config
from hegui.gateway.admin import Admin, default_actor
from hegui.gateway.complaints import ComplaintCategory, ComplaintIn
from hegui.gateway.db import now_utc
from hegui.incidents import IncidentService
from hegui.incidents.complaints import ComplaintCase, ComplaintChannel, ComplaintDesk

app = typer.Typer(
    help="Complaints and reports (IM Art. 15): the complaint desk.", no_args_is_help=True
)

ConfigOption = Annotated[
    Path | None, typer.Option("--config", "-c", help="hegui.yaml (default: ./hegui.yaml).")
]
ActorOption = Annotated[
    str | None, typer.Option("--actor", help="Who acts (recorded; default cli:<login>).")
]
IdArgument = Annotated[str, typer.Argument(help="The complaint id (cmp_…).")]


def _desk(config_path: Path | None) -> ComplaintDesk:
    return ComplaintDesk.from_config(load_config(config_path))


def _done(case: ComplaintCase, verb: str) -> None:
    out.print(
        f"complaint [bold]{case.id}[/] {verb}; feedback due by "
        f"{case.feedback_deadline:%Y-%m-%d %H:%M} UTC"
    )


@app.command("list")
@friendly_errors
def list_complaints(
    open_only: Annotated[bool, typer.Option("--open", help="Only those without feedback.")] = False,
    overdue: Annotated[bool, typer.Option(help="Only those past the deadline.")] = False,
    as_json: Annotated[bool, typer.Option("--json")] = False,
    config_path: ConfigOption = None,
) -> None:
    """Complaints with their handling, by feedback deadline, soonest first."""
    desk = _desk(config_path)
    try:
        cases = desk.list(open_only=open_only, overdue=overdue)
    finally:
        desk.dispose()
    if as_json:
        out.print_json(json.dumps([c.model_dump(mode="json") for c in cases]))
        return
    now = now_utc()
    table = Table(title=f"{len(cases)} complaints")
    table.add_column("id", no_wrap=True)  # ids are copied into other commands: never wrap them
    columns = ("category", "channel", "acknowledged", "feedback", "deadline", "incident")
    for column in (*columns, "description"):
        table.add_column(column, overflow="fold")
    for c in cases:
        feedback = "given" if c.feedback_given else ("OVERDUE" if c.overdue(now) else "due")
        table.add_row(
            c.id,
            c.complaint.category.value,
            c.channel.value,
            "yes" if c.acknowledged_at else "no",
            feedback,
            f"{c.feedback_deadline:%Y-%m-%d %H:%M}",
            c.incident_id or "",
            c.complaint.description[:60],
        )
    out.print(table)


@app.command("show")
@friendly_errors
def show(
    complaint_id: IdArgument,
    contact: Annotated[
        bool, typer.Option(help="Decrypt the contact details (needs the gateway key).")
    ] = False,
    config_path: ConfigOption = None,
) -> None:
    """One complaint, with its handling and the feedback given."""
    desk = _desk(config_path)
    try:
        case = desk.get(complaint_id)
    finally:
        desk.dispose()
    out.print(json.dumps(case.model_dump(mode="json"), ensure_ascii=False, indent=2))
    if contact:
        with Admin.open(config_path) as admin:
            details = admin.complaints.contact(complaint_id)
        out.print(f"contact: {details or '(none)'}")


@app.command("add")
@friendly_errors
def add(
    category: Annotated[ComplaintCategory, typer.Option(help="What it is about.")],
    description: Annotated[str, typer.Option(help="What the complainant says.")],
    channel: Annotated[
        ComplaintChannel, typer.Option(help="How it came in (not 'api': the gateway takes those).")
    ] = ComplaintChannel.OTHER,
    request_id: Annotated[str | None, typer.Option(help="The conversation reference.")] = None,
    user: Annotated[str | None, typer.Option(help="The complainant's user id, if known.")] = None,
    contact: Annotated[
        str | None,
        typer.Option(help="How to reach them (stored encrypted; needs the gateway key)."),
    ] = None,
    config_path: ConfigOption = None,
    actor: ActorOption = None,
) -> None:
    """Enter a complaint received by phone, e-mail, letter, in person or on the website."""
    complaint = build(
        ComplaintIn,
        category=category,
        description=description,
        request_id=request_id,
        contact=contact,
    )
    desk = _desk(config_path)
    try:
        case = desk.enter(complaint, channel=channel, actor=actor or default_actor(), user_id=user)
    finally:
        desk.dispose()
    _done(case, "entered")


@app.command("ack")
@friendly_errors
def acknowledge(
    complaint_id: IdArgument, config_path: ConfigOption = None, actor: ActorOption = None
) -> None:
    """Record that the complainant was told the complaint was received."""
    desk = _desk(config_path)
    try:
        _done(desk.acknowledge(complaint_id, actor=actor or default_actor()), "acknowledged")
    finally:
        desk.dispose()


@app.command("answer")
@friendly_errors
def answer(
    complaint_id: IdArgument,
    message: Annotated[
        str | None,
        typer.Option("--message", "-m", help="The feedback (shown to API complainants)."),
    ] = None,
    via: Annotated[
        str | None,
        typer.Option(help="How the outcome was sent (e-mail, phone, …): records it as sent."),
    ] = None,
    config_path: ConfigOption = None,
    actor: ActorOption = None,
) -> None:
    """Record the feedback (-m), that the outcome was sent (--via), or both."""
    who = actor or default_actor()
    if via is None:
        if message is None:
            raise typer.BadParameter(
                "give the feedback (-m TEXT), how it was sent (--via HOW), or both"
            )
        with Admin.open(config_path, actor=who) as admin:
            stored = admin.answer_complaint(complaint_id, message)
        late = stored.answered_at is not None and stored.answered_at > stored.feedback_deadline
        out.print(f"complaint {stored.id} answered{' (after the deadline)' if late else ''}")
        return
    desk = _desk(config_path)
    try:
        case = desk.send_outcome(complaint_id, channel=via, actor=who, response=message)
    finally:
        desk.dispose()
    late = case.outcome_sent_at is not None and case.outcome_sent_at > case.feedback_deadline
    out.print(f"complaint {case.id}: outcome sent{' (after the deadline)' if late else ''}")


@app.command("link")
@friendly_errors
def link(
    complaint_id: IdArgument,
    incident_id: Annotated[str, typer.Argument(help="The incident id (inc-…).")],
    config_path: ConfigOption = None,
    actor: ActorOption = None,
) -> None:
    """Link a complaint to the incident it led to (see: hegui incident open --complaint)."""
    config = load_config(config_path)
    desk = ComplaintDesk.from_config(config)
    service = IncidentService.from_config(config)
    try:
        desk.link_incident(
            complaint_id, incident_id, actor=actor or default_actor(), incidents=service
        )
    finally:
        service.dispose()
        desk.dispose()
    out.print(f"complaint {complaint_id} linked to incident {incident_id}")
