"""The incident row's state columns, and the checks every step shares."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Engine

from hegui.errors import HeguiError, StoreError
from hegui.incidents import tables as t
from hegui.incidents.records import Incident, IncidentStatus
from hegui.store import migrate, open_engine


class IncidentError(HeguiError):
    """An incident step that cannot be done now; the message says what to do first."""


def open_incident_engine(url: str) -> Engine:
    """The engine for a store URL with the incident tables created or upgraded."""
    engine = open_engine(url)
    try:
        ensure_schema(engine)
    except StoreError:
        engine.dispose()
        raise
    return engine


def ensure_schema(engine: Engine) -> None:
    """Create or upgrade the incident tables (:func:`hegui.store.migrate.ensure_schema`)."""
    migrate.ensure_schema(engine, t.metadata, t.meta, t.SCHEMA_VERSION, what="the incident tables")


def row_columns(incident: Incident, now: datetime, seq: int, head: str) -> dict[str, Any]:
    """The ``inc_incidents`` values for an incident whose timeline now ends at ``seq``/``head``."""
    return {
        "status": incident.status.value,
        "owner": incident.owner,
        "risk": incident.risk,
        "updated_at": now,
        "closed_at": incident.closed_at,
        "next_due": next_due(incident),
        "data": incident.model_dump_json(),
        "timeline_seq": seq,
        "timeline_head": head,
    }


def next_due(incident: Incident) -> datetime | None:
    """The earliest deadline of a step not done yet (``None`` once closed)."""
    if incident.status is IncidentStatus.CLOSED:
        return None
    due = [incident.deadlines.remediation]
    if incident.contained_at is None:
        due.append(incident.deadlines.containment)
    if incident.report is None and incident.no_report_reason is None:
        due.append(incident.deadlines.report)
    return min(due)


def not_closed(incident: Incident) -> None:
    """Refuse to change a closed incident."""
    if incident.status is IncidentStatus.CLOSED:
        raise IncidentError(f"incident {incident.id} is closed; open a new one")


def check_actor(actor: str) -> None:
    """Refuse an empty or multi-line actor name (it is recorded on timelines and the log)."""
    if not actor.strip() or len(actor) > 128 or "\x00" in actor or "\n" in actor:
        raise IncidentError("the actor must be a name of 1-128 characters on one line")
