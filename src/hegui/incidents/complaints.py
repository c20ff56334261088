"""The complaint desk (IM Art. 15, REQ-GAI-14): the complaints the gateway takes and those staff
enter, with acknowledgement, the feedback deadline, the outcome sent, and the incident they led to.

The complaint itself stays the gateway's record (``gw_complaints``, see
:mod:`hegui.gateway.complaints`); the desk keeps its handling in ``inc_complaints`` beside it
and records every step on the gateway's hash-chained event log. Its CLI is ``hegui complaints``.
"""

from __future__ import annotations

import builtins
import os
import socket
from collections.abc import Mapping
from datetime import datetime
from enum import StrEnum
from typing import Any

from pydantic import BaseModel, ConfigDict
from sqlalchemy import Engine, insert, select, update

from hegui.config import ProjectConfig
from hegui.gateway.complaints import (
    Complaint,
    ComplaintError,
    ComplaintIn,
    ComplaintStatus,
    ComplaintStore,
)
from hegui.gateway.config import load_gateway_config, store_url
from hegui.gateway.db import as_utc, now_utc, open_gateway_engine
from hegui.gateway.eventlog import Event, append_one, ts_us
from hegui.gateway.identity.crypto import FieldCipher
from hegui.incidents import tables as t
from hegui.incidents._state import check_actor, ensure_schema
from hegui.incidents.records import OverdueItem
from hegui.incidents.service import IncidentService


class ComplaintChannel(StrEnum):
    """How a complaint came in (or how the outcome went out)."""

    API = "api"
    """``POST /v1/complaints`` on the gateway."""
    WEB = "web"
    PHONE = "phone"
    EMAIL = "email"
    LETTER = "letter"
    IN_PERSON = "in_person"
    OTHER = "other"


class ComplaintCase(BaseModel):
    """A complaint with its handling."""

    model_config = ConfigDict(frozen=True)

    complaint: Complaint
    channel: ComplaintChannel
    entered_by: str | None = None
    acknowledged_at: datetime | None = None
    acknowledged_by: str | None = None
    outcome_sent_at: datetime | None = None
    outcome_sent_by: str | None = None
    outcome_channel: str | None = None
    incident_id: str | None = None

    @property
    def id(self) -> str:
        return self.complaint.id

    @property
    def feedback_deadline(self) -> datetime:
        return self.complaint.feedback_deadline

    @property
    def feedback_given(self) -> bool:
        """The outcome reached the complainant: sent by staff, or answered through the API
        (where the complainant reads it)."""
        answered = self.complaint.status is ComplaintStatus.ANSWERED
        return self.outcome_sent_at is not None or (
            answered and self.channel is ComplaintChannel.API
        )

    def overdue(self, now: datetime) -> bool:
        """No feedback given and past the deadline."""
        return not self.feedback_given and now > self.feedback_deadline

    def overdue_item(self, now: datetime) -> OverdueItem:
        """This complaint as a row of the overdue list (see :mod:`hegui.incidents.export`)."""
        return OverdueItem(
            ref=self.id,
            title=self.complaint.description[:120],
            step="complaint_feedback",
            due=self.feedback_deadline,
            status=self.complaint.status.value,
            owner=self.acknowledged_by,
            hours_overdue=round((now - self.feedback_deadline).total_seconds() / 3600, 1),
        )


class ComplaintDesk:
    """Complaints on the gateway's store, with their handling.

    ``feedback_days`` is the published time limit for complaints entered here; the gateway
    applies its own ``gateway.complaints.feedback_days`` to those it takes.
    """

    def __init__(
        self,
        engine: Engine,
        *,
        feedback_days: int,
        cipher: FieldCipher | None = None,
        chain_id: str | None = None,
    ) -> None:
        self.engine = engine
        self.store = ComplaintStore(engine, feedback_days=feedback_days, cipher=cipher)
        self.chain_id = chain_id or f"desk-{socket.gethostname()}"[:64]
        ensure_schema(engine)

    @classmethod
    def from_config(
        cls, config: ProjectConfig, environ: Mapping[str, str] | None = None
    ) -> ComplaintDesk:
        """The desk on the gateway's store (the project store when no gateway is configured).

        The feedback limit is ``gateway.complaints.feedback_days`` when hegui.yaml sets it, else
        the pack's ``REQ-GAI-12.complaint_feedback_days``.
        """
        env = dict(os.environ) if environ is None else environ
        pack = config.load_pack()
        days = int(pack.incidents.complaint_feedback_days.value) if pack.incidents else 15
        url = gateway_store_url(config)
        cipher = None
        if config.gateway is not None:
            gateway = load_gateway_config(config)
            section = config.gateway.get("complaints")
            if isinstance(section, dict) and "feedback_days" in section:
                days = gateway.complaints.feedback_days
            if env.get(gateway.identity.key_env, "").strip():
                cipher = FieldCipher.from_env(gateway.identity.key_env, env)
        return cls(open_gateway_engine(url), feedback_days=days, cipher=cipher)

    def dispose(self) -> None:
        """Release the database connections."""
        self.engine.dispose()

    # -- reading -------------------------------------------------------------------------------

    def get(self, complaint_id: str) -> ComplaintCase:
        """One complaint with its handling."""
        complaint = self.store.get(complaint_id)
        with self.engine.connect() as conn:
            row = conn.execute(
                select(t.complaints).where(t.complaints.c.complaint_id == complaint_id)
            ).first()
        return _case(complaint, row)

    def list(
        self, *, open_only: bool = False, overdue: bool = False, limit: int = 500
    ) -> builtins.list[ComplaintCase]:
        """Complaints by feedback deadline, soonest first; ``open_only``: no feedback yet."""
        complaints = self.store.list(limit=limit)
        ids = [c.id for c in complaints]
        with self.engine.connect() as conn:
            rows = {
                r.complaint_id: r
                for r in conn.execute(
                    select(t.complaints).where(t.complaints.c.complaint_id.in_(ids))
                )
            }
        cases = [_case(c, rows.get(c.id)) for c in complaints]
        now = now_utc()
        if overdue:
            return [c for c in cases if c.overdue(now)]
        if open_only:
            return [c for c in cases if not c.feedback_given]
        return cases

    # -- handling ------------------------------------------------------------------------------

    def enter(
        self,
        complaint: ComplaintIn,
        *,
        channel: ComplaintChannel,
        actor: str,
        user_id: str | None = None,
    ) -> ComplaintCase:
        """Enter a complaint received by phone, e-mail, letter or in person."""
        check_actor(actor)
        if channel is ComplaintChannel.API:
            raise ComplaintError("complaints from the API are taken by the gateway itself")
        stored = self.store.add(complaint, user_id=user_id)
        with self.engine.begin() as conn:
            conn.execute(
                insert(t.complaints).values(
                    complaint_id=stored.id, channel=channel.value, entered_by=actor
                )
            )
        self._record(
            "received",
            stored,
            actor,
            {"category": stored.category.value, "channel": channel.value},
        )
        return self.get(stored.id)

    def acknowledge(self, complaint_id: str, *, actor: str) -> ComplaintCase:
        """Record that the complainant was told the complaint was received (once)."""
        check_actor(actor)
        case = self.get(complaint_id)
        if case.acknowledged_at is not None:
            raise ComplaintError(f"complaint {complaint_id} was acknowledged already")
        self._handling(complaint_id, acknowledged_at=now_utc(), acknowledged_by=actor)
        self._record("acknowledged", case.complaint, actor, {})
        return self.get(complaint_id)

    def send_outcome(
        self,
        complaint_id: str,
        *,
        channel: str,
        actor: str,
        response: str | None = None,
    ) -> ComplaintCase:
        """Record the outcome sent to the complainant (``response`` records it first when the
        complaint has none yet)."""
        check_actor(actor)
        case = self.get(complaint_id)
        if case.outcome_sent_at is not None:
            raise ComplaintError(f"the outcome of complaint {complaint_id} was sent already")
        if not channel.strip():
            raise ComplaintError("name how the outcome was sent (e-mail, phone, letter, …)")
        if response is not None:
            self.store.answer(complaint_id, response, actor=actor)
        elif case.complaint.response is None:
            raise ComplaintError(f"complaint {complaint_id} has no response yet: give one")
        now = now_utc()
        self._handling(
            complaint_id, outcome_sent_at=now, outcome_sent_by=actor, outcome_channel=channel
        )
        late = now > case.feedback_deadline
        self._record("outcome_sent", case.complaint, actor, {"channel": channel, "late": late})
        return self.get(complaint_id)

    def link_incident(
        self,
        complaint_id: str,
        incident_id: str,
        *,
        actor: str,
        incidents: IncidentService | None = None,
    ) -> ComplaintCase:
        """Link the complaint to an incident (recorded on the incident's timeline too when the
        service is given)."""
        check_actor(actor)
        case = self.get(complaint_id)
        if case.incident_id is not None and case.incident_id != incident_id:
            raise ComplaintError(
                f"complaint {complaint_id} is linked to incident {case.incident_id} already"
            )
        if incidents is not None:
            incidents.link_complaint(incident_id, complaint_id, actor=actor)
        self._handling(complaint_id, incident_id=incident_id)
        self._record("incident_linked", case.complaint, actor, {"incident": incident_id})
        return self.get(complaint_id)

    # -- plumbing ------------------------------------------------------------------------------

    def _handling(self, complaint_id: str, **values: Any) -> None:
        with self.engine.begin() as conn:
            exists = conn.execute(
                select(t.complaints.c.complaint_id).where(
                    t.complaints.c.complaint_id == complaint_id
                )
            ).first()
            if exists is None:  # a complaint the gateway took: its handling starts here
                conn.execute(
                    insert(t.complaints).values(
                        complaint_id=complaint_id, channel=ComplaintChannel.API.value, **values
                    )
                )
            else:
                conn.execute(
                    update(t.complaints)
                    .where(t.complaints.c.complaint_id == complaint_id)
                    .values(**values)
                )

    def _record(
        self, action: str, complaint: Complaint, actor: str, detail: dict[str, Any]
    ) -> None:
        event = Event(
            kind="complaint",
            ts_us=ts_us(now_utc()),
            user_id=complaint.user_id,
            request_id=complaint.request_id,
            action=action,
            detail={**detail, "complaint": complaint.id, "actor": actor},
        )
        append_one(self.engine, self.chain_id, event)


def gateway_store_url(config: ProjectConfig) -> str:
    """Where the gateway keeps complaints and events: its own store when hegui.yaml gives the
    gateway one, else the project's store."""
    if config.gateway is None:
        return config.store_url()
    return store_url(load_gateway_config(config), config)


def _case(complaint: Complaint, row: Any) -> ComplaintCase:
    if row is None:
        return ComplaintCase(complaint=complaint, channel=ComplaintChannel.API)
    return ComplaintCase(
        complaint=complaint,
        channel=ComplaintChannel(row.channel),
        entered_by=row.entered_by,
        acknowledged_at=as_utc(row.acknowledged_at),
        acknowledged_by=row.acknowledged_by,
        outcome_sent_at=as_utc(row.outcome_sent_at),
        outcome_sent_by=row.outcome_sent_by,
        outcome_channel=row.outcome_channel,
        incident_id=row.incident_id,
    )
