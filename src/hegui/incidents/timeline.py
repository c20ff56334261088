"""The immutable timeline: one hash chain per incident, in the gateway event log's scheme.

Entry ``n`` stores ``hash_n = SHA-256(hash_{n-1} ‖ fields of entry n)`` (the canonical JSON and
genesis of :mod:`hegui.gateway.eventlog`), so editing, deleting or reordering an entry breaks
every later hash. There is no update or delete here; :func:`verify_timeline` finds a break.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, insert, select

from hegui.gateway.eventlog import GENESIS, canonical, from_us
from hegui.incidents import tables as t
from hegui.incidents.records import TimelineEvent


def entry_hash(
    incident_id: str, seq: int, ts_us: int, actor: str, action: str, detail: str, prev: str
) -> str:
    """The hash of one entry given its predecessor's (fields joined by NUL: none may hold one)."""
    fields = (incident_id, str(seq), str(ts_us), actor, action, detail)
    return hashlib.sha256((prev + "\x00" + "\x00".join(fields)).encode()).hexdigest()


def append_entry(
    conn: Connection,
    incident_id: str,
    ts_us: int,
    actor: str,
    action: str,
    detail: dict[str, Any],
) -> tuple[int, str]:
    """Append an entry inside the caller's transaction (which also holds the incident's row,
    so entries of one incident are appended one at a time); return its seq and hash."""
    last = conn.execute(
        select(t.timeline.c.seq, t.timeline.c.hash)
        .where(t.timeline.c.incident_id == incident_id)
        .order_by(t.timeline.c.seq.desc())
        .limit(1)
    ).first()
    seq, prev = (int(last.seq) + 1, str(last.hash)) if last else (1, GENESIS)
    text = canonical(detail)
    digest = entry_hash(incident_id, seq, ts_us, actor, action, text, prev)
    conn.execute(
        insert(t.timeline).values(
            incident_id=incident_id,
            seq=seq,
            ts_us=ts_us,
            actor=actor,
            action=action,
            detail=text,
            prev_hash=prev,
            hash=digest,
        )
    )
    return seq, digest


def read_timeline(conn: Connection, incident_id: str) -> list[TimelineEvent]:
    """An incident's entries, oldest first."""
    rows = conn.execute(
        select(t.timeline).where(t.timeline.c.incident_id == incident_id).order_by(t.timeline.c.seq)
    )
    return [
        TimelineEvent(
            incident_id=r.incident_id,
            seq=r.seq,
            at=from_us(r.ts_us),
            actor=r.actor,
            action=r.action,
            detail=json.loads(r.detail),
            hash=r.hash,
        )
        for r in rows
    ]


@dataclass(frozen=True)
class TimelineCheck:
    """The result of re-computing an incident's timeline hashes."""

    incident_id: str
    entries: int
    problem: str | None = None
    broken_at: int | None = None

    @property
    def ok(self) -> bool:
        return self.problem is None


def verify_timeline(
    conn: Connection, incident_id: str, head: tuple[int, str] | None = None
) -> TimelineCheck:
    """Recompute every hash of an incident's timeline; report the first break.

    ``head`` is the (seq, hash) the incident row recorded for its last entry: when given, a
    timeline whose last entries were deleted is reported too.
    """
    prev, expected, count = GENESIS, 0, 0
    rows = conn.execute(
        select(t.timeline).where(t.timeline.c.incident_id == incident_id).order_by(t.timeline.c.seq)
    )
    for row in rows:
        expected += 1
        if row.seq != expected:
            return TimelineCheck(incident_id, count, f"entry {expected} is missing", expected)
        if row.prev_hash != prev:
            return TimelineCheck(
                incident_id, count, f"entry {row.seq} does not follow entry {row.seq - 1}", row.seq
            )
        digest = entry_hash(
            incident_id, row.seq, row.ts_us, row.actor, row.action, row.detail, row.prev_hash
        )
        if digest != row.hash:
            problem = f"entry {row.seq} was altered (its hash does not match)"
            return TimelineCheck(incident_id, count, problem, row.seq)
        prev, count = digest, count + 1
    if count == 0:
        return TimelineCheck(incident_id, 0, "the timeline is empty (the opening was removed)", 1)
    if head is not None and head != (expected, prev):
        return TimelineCheck(
            incident_id,
            count,
            f"the timeline ends at entry {expected} but the incident recorded entry {head[0]}",
            expected + 1,
        )
    return TimelineCheck(incident_id, count)
