"""``hegui incident open``: open an incident from what found the content; ``hegui incident
candidates``: the gateway's output stops that no incident covers yet."""

from __future__ import annotations

import json
from dataclasses import asdict
from datetime import timedelta
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.table import Table

from hegui.cli._common import friendly_errors, out
from hegui.cli._incident import (
    ActorOption,
    ConfigOption,
    actor_name,
    build,
    print_incident,
    service_of,
)
from hegui.config import load_config
from hegui.incidents import (
    Evidence,
    IncidentError,
    IncidentIn,
    IncidentService,
    IncidentSource,
    SourceKind,
)
from hegui.records import ItemKind, Message


@friendly_errors
def open_incident(
    title: Annotated[
        str | None, typer.Option(help="What happened (default: from the source).")
    ] = None,
    event: Annotated[
        str | None, typer.Option(help="A gateway event <chain>:<seq> (hegui log).")
    ] = None,
    request: Annotated[
        str | None, typer.Option(help="A gateway request id (X-Request-Id) instead of --event.")
    ] = None,
    with_content: Annotated[
        bool, typer.Option(help="Add the request's retained content (needs the gateway key).")
    ] = False,
    complaint: Annotated[str | None, typer.Option(help="A complaint id (cmp_…).")] = None,
    run: Annotated[str | None, typer.Option(help="An assessment run id, or 'latest'.")] = None,
    item: Annotated[
        list[str] | None, typer.Option(help="A failed item of --run (repeatable).")
    ] = None,
    failed: Annotated[bool, typer.Option(help="Every failed item of --run.")] = False,
    audit: Annotated[Path | None, typer.Option(help="A corpus-audit folder.")] = None,
    record: Annotated[str | None, typer.Option(help="The record id in --audit.")] = None,
    prompt: Annotated[
        str | None, typer.Option(help="The question that led to the content.")
    ] = None,
    answer: Annotated[str | None, typer.Option(help="The content generated.")] = None,
    risk: Annotated[str | None, typer.Option(help="Appendix A risk code, e.g. A.1.4.")] = None,
    kind: Annotated[
        ItemKind, typer.Option(help="How the regression item is judged.")
    ] = ItemKind.GENERATION,
    owner: Annotated[str | None, typer.Option(help="Who is responsible.")] = None,
    model_version: Annotated[
        str | None, typer.Option(help="The model version that produced it.")
    ] = None,
    config_path: ConfigOption = None,
    actor: ActorOption = None,
) -> None:
    """Open an incident; its deadlines start now.

    The source is a gateway event, a complaint, a run's items, a corpus record, or none (by
    hand, with --prompt/--answer as evidence).
    """
    from hegui.incidents import sources

    given = [n for n, v in (("--event", event), ("--request", request),
                            ("--complaint", complaint), ("--run", run), ("--audit", audit))
             if v]  # fmt: skip
    if len(given) > 1:
        raise IncidentError(f"give one source, not {' and '.join(given)}")
    config = load_config(config_path)
    evidence: tuple[Evidence, ...] = ()
    if prompt or answer:
        messages = (Message(role="user", content=prompt),) if prompt else ()
        evidence = (build(Evidence, messages=messages, answer=answer or "", risk=risk, kind=kind),)
    incident: IncidentIn
    if event or request:
        incident = _from_gateway(config_path, event, request, with_content, title)
    elif complaint:
        from hegui.incidents.complaints import ComplaintDesk

        desk = ComplaintDesk.from_config(config)
        try:
            incident = sources.from_complaint(desk.get(complaint).complaint, risk=risk)
        finally:
            desk.dispose()
    elif run:
        from hegui.assess.session import run_pack
        from hegui.store import RunStore

        store = RunStore(config.store_url())
        try:
            ids = list(item or [])
            if failed:
                spec = store.get_run(store.resolve_run_id(run)).spec
                ids += sources.failed_items(store, run, run_pack(spec, config))
            incident = sources.from_run(store, run, ids, title=title)
        finally:
            store.close()
    elif audit:
        if not record:
            raise IncidentError("--audit needs --record (the record id in the audit)")
        incident = sources.from_corpus_record(audit, record, risk=risk, title=title, text=answer)
        evidence = ()
    else:
        if not title:
            raise IncidentError("an incident opened by hand needs --title")
        incident = IncidentIn(title=title, source=IncidentSource(kind=SourceKind.MANUAL))
    updates: dict[str, Any] = {"evidence": (*incident.evidence, *evidence)}
    for name, value in (("title", title), ("risk", risk), ("owner", owner),
                        ("model_version", model_version)):  # fmt: skip
        if value:
            updates[name] = value
    incident = build(IncidentIn, **{**incident.model_dump(), **updates})
    service = IncidentService.from_config(config)
    try:
        opened = service.open(incident, actor=actor_name(actor))
    finally:
        service.dispose()
    print_incident(opened, "opened")
    d = opened.deadlines
    out.print(
        f"contain by {d.containment:%Y-%m-%d %H:%M}, report by {d.report:%Y-%m-%d %H:%M}, "
        f"fixed and verified by {d.remediation:%Y-%m-%d} (UTC)"
    )


def _from_gateway(
    config_path: Path | None,
    event: str | None,
    request: str | None,
    with_content: bool,
    title: str | None,
) -> IncidentIn:
    from hegui.gateway.admin import Admin
    from hegui.incidents import sources

    with Admin.open(config_path) as admin:
        event_id = event or sources.event_of_request(admin.engine, str(request))
        incident = sources.from_gateway_event(admin.engine, event_id, title=title)
        if with_content and incident.source.request_id:
            content = admin.content(incident.source.request_id)  # recorded as content_read
            if content is None:
                raise IncidentError(
                    f"no retained content for request {incident.source.request_id} "
                    "(gateway.log.retain_content is off, or it expired)"
                )
            incident = sources.from_gateway_event(
                admin.engine, event_id, content=content, title=title
            )
        return incident


@friendly_errors
def candidates(
    days: Annotated[int, typer.Option(min=1, help="Look back this many days.")] = 30,
    as_json: Annotated[bool, typer.Option("--json")] = False,
    config_path: ConfigOption = None,
) -> None:
    """Answers the gateway's output chain stopped (the model generated the content) that no
    incident covers yet, by risk code; open one with ``hegui incident open --event``."""
    from hegui.gateway.admin import Admin
    from hegui.gateway.db import now_utc
    from hegui.incidents.candidates import gateway_candidates

    since = now_utc() - timedelta(days=days)
    with Admin.open(config_path) as admin, service_of(config_path) as service:
        groups = gateway_candidates(admin.engine, service.engine, since=since)
    if as_json:
        out.print_json(json.dumps([asdict(g) for g in groups], default=str))
        return
    table = Table(title=f"output stops without an incident, last {days} days")
    for column in ("risk", "requests", "first (UTC)", "last (UTC)", "models", "latest event"):
        table.add_column(column, overflow="fold", no_wrap=column == "latest event")
    for g in groups:
        table.add_row(
            g.risk or "—",
            str(g.requests),
            f"{g.first_seen:%Y-%m-%d %H:%M}",
            f"{g.last_seen:%Y-%m-%d %H:%M}",
            ", ".join(g.models),
            g.latest_event,
        )
    out.print(table)
    if groups:
        out.print(
            f"open one: hegui incident open --event {groups[0].latest_event} [--with-content]"
        )
