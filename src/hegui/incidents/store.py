"""The incident store: incidents and their timelines on the project's database — reading,
and the one transaction every step goes through (:meth:`IncidentStore._mutate`).

The steps of the loop are :class:`~hegui.incidents.IncidentService`'s methods.
"""

from __future__ import annotations

import builtins
import hashlib
from collections.abc import Callable
from datetime import datetime
from typing import Any, Self

from pydantic import ValidationError
from sqlalchemy import Engine, select, update

from hegui.config import ProjectConfig
from hegui.errors import ConfigError
from hegui.gateway.db import now_utc
from hegui.gateway.eventlog import canonical, ts_us
from hegui.incidents import tables as t
from hegui.incidents._state import (
    IncidentError,
    check_actor,
    ensure_schema,
    open_incident_engine,
    row_columns,
)
from hegui.incidents.records import Evidence, Incident, IncidentStatus, OverdueItem, TimelineEvent
from hegui.incidents.timeline import TimelineCheck, append_entry, read_timeline, verify_timeline
from hegui.policy import IncidentRule, Pack

Change = Callable[[Incident, datetime], Incident]
"""A step's change: the incident as read in the transaction, and the time → the new state."""


class IncidentStore:
    """Incidents on one store (the run store's database), with the pack's deadlines."""

    def __init__(
        self,
        store: str | Engine,
        pack: Pack,
        *,
        clock: Callable[[], datetime] = now_utc,
    ) -> None:
        if pack.incidents is None:
            raise ConfigError(
                f"policy pack {pack.pack} has no 'incidents:' deadlines; use a pack that has them "
                "(hegui policy show)",
                field="policy.pack",
            )
        self.rule: IncidentRule = pack.incidents
        self.pack = pack
        self.clock = clock
        if isinstance(store, str):
            self.engine = open_incident_engine(store)
        else:
            self.engine = store
            ensure_schema(store)

    @classmethod
    def from_config(cls, config: ProjectConfig) -> Self:
        """The service on the project's store, with its pack and overrides."""
        pack = config.load_pack()
        return cls(config.store_url(), pack)

    def dispose(self) -> None:
        """Release the database connections."""
        self.engine.dispose()

    # -- reading -------------------------------------------------------------------------------

    def get(self, incident_id: str) -> Incident:
        """One incident (raises :class:`IncidentError` when there is none)."""
        with self.engine.connect() as conn:
            data = conn.execute(
                select(t.incidents.c.data).where(t.incidents.c.id == incident_id)
            ).scalar_one_or_none()
        if data is None:
            raise IncidentError(f"no incident {incident_id!r}; list them with: hegui incident list")
        return Incident.model_validate_json(data)

    def list(
        self,
        *,
        status: IncidentStatus | None = None,
        open_only: bool = False,
        owner: str | None = None,
        limit: int = 500,
    ) -> list[Incident]:
        """Incidents, newest first."""
        query = select(t.incidents.c.data).order_by(t.incidents.c.opened_at.desc()).limit(limit)
        if status is not None:
            query = query.where(t.incidents.c.status == status.value)
        if open_only:
            query = query.where(t.incidents.c.status != IncidentStatus.CLOSED.value)
        if owner is not None:
            query = query.where(t.incidents.c.owner == owner)
        with self.engine.connect() as conn:
            return [Incident.model_validate_json(d) for d in conn.execute(query).scalars()]

    def overdue(self, now: datetime | None = None) -> builtins.list[OverdueItem]:
        """Every step of every open incident past its deadline, most overdue first."""
        when = now or self.clock()
        query = select(t.incidents.c.data).where(
            t.incidents.c.status != IncidentStatus.CLOSED.value, t.incidents.c.next_due < when
        )
        with self.engine.connect() as conn:
            found = [Incident.model_validate_json(d) for d in conn.execute(query).scalars()]
        items = [item for incident in found for item in incident.overdue(when)]
        return sorted(items, key=lambda i: i.due)

    def timeline(self, incident_id: str) -> builtins.list[TimelineEvent]:
        """Who did what, when: the incident's timeline, oldest first."""
        self.get(incident_id)
        with self.engine.connect() as conn:
            return read_timeline(conn, incident_id)

    def verify_timeline(self, incident_id: str) -> TimelineCheck:
        """Recompute the timeline's hashes, compare its end with the incident's record, and
        check the evidence held by the incident is what the timeline recorded."""
        with self.engine.connect() as conn:
            row = conn.execute(
                select(
                    t.incidents.c.timeline_seq, t.incidents.c.timeline_head, t.incidents.c.data
                ).where(t.incidents.c.id == incident_id)
            ).first()
            if row is None:
                raise IncidentError(f"no incident {incident_id!r}")
            check = verify_timeline(conn, incident_id, (int(row[0]), str(row[1])))
            entries = read_timeline(conn, incident_id) if check.ok else []
        recorded = [h for e in entries for h in e.detail.get("evidence_sha256", [])]
        held = [evidence_hash(e) for e in Incident.model_validate_json(row[2]).evidence]
        if check.ok and recorded != held:
            return TimelineCheck(
                incident_id, check.entries, "the evidence differs from what the timeline recorded"
            )
        return check

    # -- plumbing ------------------------------------------------------------------------------

    def _mutate(
        self,
        incident_id: str,
        actor: str,
        action: str,
        detail: dict[str, Any],
        change: Change,
    ) -> Incident:
        check_actor(actor)
        with self.engine.begin() as conn:
            # A no-op write first: it locks the row (PostgreSQL) or the database (SQLite, whose
            # transactions only start at the first write), so steps on one incident are
            # serialised and each reads the timeline head the previous one left.
            claimed = conn.execute(
                update(t.incidents)
                .where(t.incidents.c.id == incident_id)
                .values(updated_at=t.incidents.c.updated_at)
            ).rowcount
            data = conn.execute(
                select(t.incidents.c.data).where(t.incidents.c.id == incident_id)
            ).scalar_one_or_none()
            if not claimed or data is None:
                raise IncidentError(
                    f"no incident {incident_id!r}; list them with: hegui incident list"
                )
            now = self.clock()
            try:
                updated = change(Incident.model_validate_json(data), now)
            except ValidationError as exc:
                raise IncidentError(f"{action}: {exc.errors()[0]['msg']}") from None
            seq, head = append_entry(conn, incident_id, ts_us(now), actor, action, detail)
            conn.execute(
                update(t.incidents)
                .where(t.incidents.c.id == incident_id)
                .values(**row_columns(updated, now, seq, head))
            )
        return updated


def evidence_hash(evidence: Evidence) -> str:
    """SHA-256 of an evidence record's canonical JSON (recorded on the timeline)."""
    return hashlib.sha256(canonical(evidence.model_dump(mode="json")).encode()).hexdigest()
