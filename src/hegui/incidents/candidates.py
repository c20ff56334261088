"""Gateway answers stopped by the output chain that no incident covers yet.

When the output chain blocks an answer or replaces it with a canned one, the model generated
content the gateway kept from the user: Art. 14 still asks for the model to be fixed so it does
not generate it again. :func:`gateway_candidates` lists those requests since a date, grouped by
risk code, leaving out the requests an incident already references (opened from the gateway
event or request). ``hegui incident candidates`` prints them; ``hegui incident open --event``
opens an incident from one.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Engine, select

from hegui.gateway import tables as gw
from hegui.gateway.eventlog import from_us, ts_us
from hegui.gateway.records import Action
from hegui.incidents import tables as t
from hegui.incidents.records import SourceKind

STOPPED = tuple(a.value for a in Action if a.stops)
"""Output actions that mean the model generated content the gateway did not pass on."""


@dataclass(frozen=True, slots=True)
class _Stop:
    seen: datetime
    event: str
    request_id: str | None
    model: str | None


@dataclass(frozen=True, slots=True)
class CandidateGroup:
    """The uncovered output stops of one risk code."""

    risk: str | None
    """Appendix A risk code of the output decision (``None`` when no scanner named one)."""
    requests: int
    first_seen: datetime
    last_seen: datetime
    latest_event: str
    """``<chain>:<seq>`` of the newest one: ``hegui incident open --event`` takes it."""
    latest_request: str | None
    models: tuple[str, ...]


def gateway_candidates(
    gateway: Engine, incidents: Engine, *, since: datetime
) -> list[CandidateGroup]:
    """Output stops since ``since`` that no incident references, by risk code, the most
    recently seen group first."""
    covered = _covered_requests(incidents)
    found: dict[str | None, list[_Stop]] = {}
    query = (
        select(
            gw.events.c.chain_id,
            gw.events.c.seq,
            gw.events.c.ts_us,
            gw.events.c.request_id,
            gw.events.c.detail,
        )
        .where(
            gw.events.c.kind == "request",
            gw.events.c.ts_us >= ts_us(since),
            gw.events.c.action.in_(STOPPED),  # the request's strongest action; input stops too
        )
        .order_by(gw.events.c.ts_us)
    )
    with gateway.connect() as conn:
        for row in conn.execute(query):
            detail = json.loads(row.detail)
            output = detail.get("output")
            if not isinstance(output, dict) or output.get("action") not in STOPPED:
                continue
            if row.request_id is not None and row.request_id in covered:
                continue
            model = detail.get("model")
            found.setdefault(output.get("risk"), []).append(
                _Stop(
                    from_us(row.ts_us),
                    f"{row.chain_id}:{row.seq}",
                    row.request_id,
                    model if isinstance(model, str) else None,
                )
            )
    groups = [
        CandidateGroup(
            risk=risk,
            requests=len(stops),
            first_seen=stops[0].seen,
            last_seen=stops[-1].seen,
            latest_event=stops[-1].event,
            latest_request=stops[-1].request_id,
            models=tuple(sorted({s.model for s in stops if s.model})),
        )
        for risk, stops in found.items()
    ]
    return sorted(groups, key=lambda g: g.last_seen, reverse=True)


def _covered_requests(incidents: Engine) -> set[str]:
    """Request ids referenced by incidents opened from the gateway."""
    query = select(t.incidents.c.data).where(t.incidents.c.source_kind == SourceKind.GATEWAY.value)
    with incidents.connect() as conn:
        rows = conn.execute(query).scalars().all()
    covered: set[str] = set()
    for data in rows:
        request_id = json.loads(data).get("source", {}).get("request_id")
        if isinstance(request_id, str):
            covered.add(request_id)
    return covered
