"""``hegui incident``: the incident loop — open, contain, report, remediate, regress, verify,
close — with deadlines, the overdue list and its export (docs/incidents.md).

The complaint desk is ``hegui complaints`` (:mod:`hegui.cli.complaints`).
"""

from __future__ import annotations

import asyncio
import json
from datetime import date
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from hegui.cli._common import EXIT_FAIL, EXIT_PASS, err, friendly_errors, out
from hegui.cli._incident import (
    ActorOption,
    ConfigOption,
    IdArgument,
    actor_name,
    build,
    print_incident,
    service_of,
)
from hegui.cli.incident_open import candidates, open_incident
from hegui.config import load_config
from hegui.gateway.db import now_utc
from hegui.incidents import (
    AuthorityReportIn,
    ContainmentAction,
    ContainmentIn,
    IncidentError,
    IncidentService,
    IncidentStatus,
    RemediationIn,
)

app = typer.Typer(
    help="Incidents: stop, report, fix and prove the fix (IM Art. 14).", no_args_is_help=True
)
app.command("open")(open_incident)
app.command("candidates")(candidates)


@app.command("list")
@friendly_errors
def list_incidents(
    open_only: Annotated[bool, typer.Option("--open", help="Only incidents not closed.")] = False,
    status: Annotated[IncidentStatus | None, typer.Option(help="Only this status.")] = None,
    as_json: Annotated[bool, typer.Option("--json")] = False,
    config_path: ConfigOption = None,
) -> None:
    """Incidents, newest first, with their next deadline."""
    with service_of(config_path) as service:
        found = service.list(status=status, open_only=open_only)
    if as_json:
        out.print_json(json.dumps([i.model_dump(mode="json") for i in found]))
        return
    now = now_utc()
    table = Table(title=f"{len(found)} incidents")
    table.add_column("id", no_wrap=True)
    for column in ("status", "risk", "owner", "overdue", "title"):
        table.add_column(column, overflow="fold")
    for i in found:
        late = ", ".join(o.step for o in i.overdue(now))
        table.add_row(i.id, i.status.value, i.risk or "", i.owner or "", late, i.title[:60])
    out.print(table)


@app.command("show")
@friendly_errors
def show(incident_id: IdArgument, config_path: ConfigOption = None) -> None:
    """One incident with its timeline, and whether the timeline is intact."""
    with service_of(config_path) as service:
        incident = service.get(incident_id)
        timeline = service.timeline(incident_id)
        check = service.verify_timeline(incident_id)
    out.print(json.dumps(incident.model_dump(mode="json"), ensure_ascii=False, indent=2))
    table = Table(title="timeline")
    for column in ("#", "when (UTC)", "who", "what", "detail"):
        table.add_column(column, overflow="fold")
    for e in timeline:
        detail = json.dumps(e.detail, ensure_ascii=False)
        table.add_row(str(e.seq), f"{e.at:%Y-%m-%d %H:%M:%S}", e.actor, e.action, detail[:200])
    out.print(table)
    out.print("timeline intact" if check.ok else f"[red]timeline broken:[/] {check.problem}")


@app.command("assign")
@friendly_errors
def assign(
    incident_id: IdArgument,
    owner: Annotated[str, typer.Argument(help="Who is responsible.")],
    config_path: ConfigOption = None,
    actor: ActorOption = None,
) -> None:
    """Make someone responsible for the incident."""
    with service_of(config_path) as service:
        print_incident(
            service.assign(incident_id, owner, actor=actor_name(actor)), f"assigned to {owner}"
        )


@app.command("contain")
@friendly_errors
def contain(
    incident_id: IdArgument,
    action: Annotated[ContainmentAction, typer.Option(help="The measure taken.")],
    detail: Annotated[str, typer.Option(help="What exactly was done.")],
    user: Annotated[str | None, typer.Option(help="The gateway user acted against.")] = None,
    config_path: ConfigOption = None,
    actor: ActorOption = None,
) -> None:
    """Record a containment measure (generation stopped, content removed, user action …)."""
    measure = build(ContainmentIn, action=action, detail=detail, user_id=user)
    with service_of(config_path) as service:
        print_incident(
            service.contain(incident_id, [measure], actor=actor_name(actor)), "contained"
        )


@app.command("report")
@friendly_errors
def report(
    incident_id: IdArgument,
    authority: Annotated[str, typer.Option(help="Who it was reported to, e.g. 省网信办.")],
    reference: Annotated[str, typer.Option(help="The report's reference.")],
    on: Annotated[
        str | None, typer.Option(help="Date reported, YYYY-MM-DD (default today).")
    ] = None,
    config_path: ConfigOption = None,
    actor: ActorOption = None,
) -> None:
    """Record the report to the competent authority."""
    try:
        day = date.fromisoformat(on) if on else now_utc().date()
    except ValueError:
        raise IncidentError(f"--on: {on!r} is not a date like 2026-11-28") from None
    filed = build(AuthorityReportIn, authority=authority, reference=reference, reported_on=day)
    with service_of(config_path) as service:
        print_incident(service.report(incident_id, filed, actor=actor_name(actor)), "reported")


@app.command("waive-report")
@friendly_errors
def waive_report(
    incident_id: IdArgument,
    reason: Annotated[str, typer.Option(help="Why no report to the authority is due.")],
    config_path: ConfigOption = None,
    actor: ActorOption = None,
) -> None:
    """Record why no report is due (e.g. harmful but not illegal content)."""
    with service_of(config_path) as service:
        print_incident(
            service.waive_report(incident_id, reason, actor=actor_name(actor)), "report waived"
        )


@app.command("remediate")
@friendly_errors
def remediate(
    incident_id: IdArgument,
    description: Annotated[str, typer.Option(help="What was changed.")],
    keyword_library_version: Annotated[str | None, typer.Option()] = None,
    judge_change: Annotated[str | None, typer.Option(help="A judge or threshold change.")] = None,
    model_version: Annotated[str | None, typer.Option(help="The fixed model version.")] = None,
    config_path: ConfigOption = None,
    actor: ActorOption = None,
) -> None:
    """Record the fix (keyword library, judge or threshold, model version)."""
    fix = build(
        RemediationIn,
        description=description,
        keyword_library_version=keyword_library_version,
        judge_change=judge_change,
        model_version=model_version,
    )
    with service_of(config_path) as service:
        print_incident(service.remediate(incident_id, fix, actor=actor_name(actor)), "remediating")


@app.command("regress")
@friendly_errors
def regress(
    incident_id: IdArgument,
    bank: Annotated[Path, typer.Option(help="The regression bank (created when missing).")],
    config_path: ConfigOption = None,
    actor: ActorOption = None,
) -> None:
    """Add the incident's prompts to a regression bank as items every assessment asks again."""
    with service_of(config_path) as service:
        update = service.add_regression(incident_id, bank, actor=actor_name(actor))
    out.print(
        f"{len(update.added)} item(s) added to {update.path} (version {update.version}); "
        f"regression items: {', '.join(update.item_ids)}"
    )


@app.command("verify")
def verify(
    incident_id: IdArgument,
    target: Annotated[
        str | None,
        typer.Option(help="The fixed model: replay:FILE, openai:MODEL@URL or a YAML file."),
    ] = None,
    model_version: Annotated[
        str | None, typer.Option(help="Its version (default: the remediation's).")
    ] = None,
    run: Annotated[
        str | None, typer.Option(help="Check this stored run instead of running one.")
    ] = None,
    config_path: ConfigOption = None,
    actor: ActorOption = None,
) -> None:
    """Re-assess the regression items against the fixed model; link the run as evidence.

    Exit 0 when every item passes, 1 when not.
    """
    raise typer.Exit(_verify(incident_id, target, model_version, run, config_path, actor))


@friendly_errors
def _verify(
    incident_id: str,
    target: str | None,
    model_version: str | None,
    run: str | None,
    config_path: Path | None,
    actor: str | None,
) -> int:
    from hegui.store import RunStore

    config = load_config(config_path)
    service = IncidentService.from_config(config)
    try:
        if run is None:
            count = len(service.get(incident_id).regression_items)
            err.print(f"re-assessing {count} regression item(s) …")
            verified = asyncio.run(
                service.verify(
                    incident_id,
                    config,
                    actor=actor_name(actor),
                    target=target,
                    model_version=model_version,
                )
            )
        else:
            store = RunStore(config.store_url())
            try:
                verified = service.record_verification(
                    incident_id, run, store, actor=actor_name(actor)
                )
            finally:
                store.close()
    finally:
        service.dispose()
    result = verified.verification
    assert result is not None
    verdict = "[green]PASS[/]" if result.passed else "[red]FAIL[/]"
    out.print(f"run {result.run_id} (model {result.model_version}): {verdict} — {result.reason}")
    if result.passed:
        out.print(f"close it with: hegui incident close {incident_id}")
    return EXIT_PASS if result.passed else EXIT_FAIL


@app.command("close")
@friendly_errors
def close(
    incident_id: IdArgument,
    note: Annotated[str, typer.Option(help="A closing note.")] = "",
    config_path: ConfigOption = None,
    actor: ActorOption = None,
) -> None:
    """Close the incident (needs containment, the report or its waiver, and a passing run)."""
    with service_of(config_path) as service:
        print_incident(service.close(incident_id, actor=actor_name(actor), note=note), "closed")


@app.command("note")
@friendly_errors
def note(
    incident_id: IdArgument,
    text: Annotated[str, typer.Argument(help="The note.")],
    config_path: ConfigOption = None,
    actor: ActorOption = None,
) -> None:
    """Add a note to the incident's timeline."""
    with service_of(config_path) as service:
        print_incident(service.note(incident_id, text, actor=actor_name(actor)), "noted")


@app.command("overdue")
@friendly_errors
def overdue(
    out_file: Annotated[
        Path | None, typer.Option("--out", help="Also write the list (.csv or .xlsx).")
    ] = None,
    complaints: Annotated[
        bool, typer.Option(help="Include complaints past their feedback deadline.")
    ] = True,
    config_path: ConfigOption = None,
) -> None:
    """Incident steps and complaints past their deadline, most overdue first.

    Exit 1 when anything is overdue.
    """
    from hegui.incidents.export import export_overdue

    config = load_config(config_path)
    service = IncidentService.from_config(config)
    try:
        items = service.overdue()
    finally:
        service.dispose()
    if complaints:
        from hegui.incidents.complaints import ComplaintDesk

        desk = ComplaintDesk.from_config(config)
        now = now_utc()
        try:
            items += [c.overdue_item(now) for c in desk.list(overdue=True)]
        finally:
            desk.dispose()
        items.sort(key=lambda i: i.due)
    table = Table(title=f"{len(items)} overdue")
    for column in ("ref", "step", "due (UTC)", "hours over", "status", "owner", "title"):
        table.add_column(column, overflow="fold", no_wrap=column == "ref")
    for i in items:
        table.add_row(
            i.ref,
            i.step,
            f"{i.due:%Y-%m-%d %H:%M}",
            f"{i.hours_overdue:g}",
            i.status,
            i.owner or "",
            i.title[:60],
        )
    out.print(table)
    if out_file is not None:
        out.print(f"written: {export_overdue(out_file, items)}")
    if items:
        raise typer.Exit(EXIT_FAIL)
