"""The tamper-evident event log: every decision, enforcement action and complaint, hash-chained.

Each gateway instance appends to its own chain (``chain_id``). Event ``n`` stores
``hash_n = SHA-256(prev_hash ‖ canonical fields of event n)`` with ``prev_hash = hash_{n-1}``
(64 zeros before the first event), so editing, deleting or reordering any event breaks every
later hash: :func:`verify_log` finds the first break. Purging old events (:func:`purge`) records
the last purged hash as the chain's anchor, from which verification then starts.

No raw content is stored in events: decisions name actions, risk codes and scanners. With
``log.retain_content`` the texts go to a separate table, encrypted, with a TTL, and the event
holds only a keyed hash of them (so a purge of content keeps the chain intact).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from functools import cache
from typing import Any

from pydantic import BaseModel, ConfigDict, field_validator
from sqlalchemy import Engine, Row, delete, func, insert, select, update
from sqlalchemy.exc import IntegrityError

from hegui.errors import StoreError
from hegui.gateway import tables as t
from hegui.gateway.db import now_utc

_orjson: Any
try:  # faster JSON in the writer thread, which shares the interpreter with the request path
    import orjson as _orjson
except ImportError:  # pragma: no cover - optional
    _orjson = None

GENESIS = "0" * 64
_PAGE = 5000


def ts_us(when: datetime) -> int:
    """Microseconds since the epoch of an aware datetime."""
    return int(when.timestamp() * 1_000_000)


def from_us(value: int) -> datetime:
    """The aware UTC datetime of microseconds since the epoch."""
    return datetime.fromtimestamp(value / 1_000_000, tz=UTC)


def canonical(detail: dict[str, Any]) -> str:
    """The stored (and hashed) JSON text of an event's detail, keys sorted.

    Verification hashes the stored text as it is, so the serialiser may change (orjson when
    installed, else the standard library) without breaking old chains.
    """
    if _orjson is not None:
        return str(_orjson.dumps(detail, option=_orjson.OPT_SORT_KEYS).decode())
    return json.dumps(detail, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


class Event(BaseModel):
    """An event to append (the chain assigns ``seq`` and the hashes)."""

    model_config = ConfigDict(frozen=True)

    kind: str
    """``request``, ``enforcement``, ``complaint``, ``identity``, ``admin``."""
    ts_us: int
    request_id: str | None = None
    user_id: str | None = None
    key_id: str | None = None
    action: str | None = None
    detail: dict[str, Any] = {}

    @field_validator("kind", "request_id", "user_id", "key_id", "action")
    @classmethod
    def _one_line(cls, value: str | None) -> str | None:
        # the hash joins these fields with newlines, so none may contain one
        if value is not None and ("\n" in value or "\x00" in value):
            raise ValueError("must not contain a newline or NUL")
        return value


class StoredEvent(BaseModel):
    """An event as stored."""

    model_config = ConfigDict(frozen=True)

    chain_id: str
    seq: int
    ts: datetime
    kind: str
    request_id: str | None
    user_id: str | None
    key_id: str | None
    action: str | None
    detail: dict[str, Any]
    hash: str

    @classmethod
    def from_row(cls, row: Row[Any]) -> StoredEvent:
        """From a ``gw_events`` row."""
        return cls(
            chain_id=row.chain_id,
            seq=row.seq,
            ts=from_us(row.ts_us),
            kind=row.kind,
            request_id=row.request_id,
            user_id=row.user_id,
            key_id=row.key_id,
            action=row.action,
            detail=json.loads(row.detail),
            hash=row.hash,
        )


def event_hash(
    chain_id: str,
    seq: int,
    ts: int,
    kind: str,
    request_id: str | None,
    user_id: str | None,
    key_id: str | None,
    action: str | None,
    detail: str,
    prev_hash: str,
) -> str:
    """The hash of one event given its predecessor's.

    The fields are joined by newlines (``\\x00`` for a missing value): none of them can hold a
    newline (ids, kinds and actions are from fixed alphabets; ``detail`` is JSON text).
    """
    fields = (chain_id, str(seq), str(ts), kind, request_id, user_id, key_id, action, detail)
    payload = prev_hash + "\n" + "\n".join("\x00" if f is None else f for f in fields)
    return hashlib.sha256(payload.encode()).hexdigest()


@dataclass(slots=True)
class ChainHead:
    """The last event of a chain (seq 0 and the genesis hash for an empty chain)."""

    seq: int = 0
    hash: str = GENESIS


def load_head(engine: Engine, chain_id: str) -> ChainHead:
    """The current head of a chain: its last event, else its anchor, else genesis."""
    with engine.connect() as conn:
        row = conn.execute(
            select(t.events.c.seq, t.events.c.hash)
            .where(t.events.c.chain_id == chain_id)
            .order_by(t.events.c.seq.desc())
            .limit(1)
        ).first()
        if row is not None:
            return ChainHead(int(row.seq), str(row.hash))
        anchor = conn.execute(select(t.anchors).where(t.anchors.c.chain_id == chain_id)).first()
    if anchor is not None:
        return ChainHead(int(anchor.seq), str(anchor.hash))
    return ChainHead()


_EVENT_COLUMNS = (
    "chain_id", "seq", "ts_us", "kind", "request_id", "user_id", "key_id", "action", "detail",
    "prev_hash", "hash",
)  # fmt: skip
_PLACEHOLDERS = {"qmark": "?", "format": "%s", "pyformat": "%s"}


@cache
def _insert_events_sql(paramstyle: str) -> str:
    """``INSERT INTO gw_events`` with positional parameters in ``_EVENT_COLUMNS`` order."""
    try:
        mark = _PLACEHOLDERS[paramstyle]
    except KeyError:
        raise StoreError(
            f"event log: unsupported database driver paramstyle {paramstyle!r}"
        ) from None
    columns = ", ".join(_EVENT_COLUMNS)
    marks = ", ".join([mark] * len(_EVENT_COLUMNS))
    return f"INSERT INTO {t.events.name} ({columns}) VALUES ({marks})"


def append(
    engine: Engine,
    chain_id: str,
    events: Iterable[Event],
    head: ChainHead,
    *,
    content: Iterable[dict[str, Any]] = (),
) -> ChainHead:
    """Append events after ``head`` in one transaction; return the new head.

    Raises :class:`IntegrityError` when another writer appended to the same chain meanwhile
    (the unique (chain, seq) key forbids a fork); the caller reloads the head and retries.
    """
    rows: list[tuple[Any, ...]] = []
    seq, prev = head.seq, head.hash
    for event in events:
        seq += 1
        detail = canonical(event.detail)
        fields = (event.ts_us, event.kind, event.request_id, event.user_id, event.key_id)
        digest = event_hash(chain_id, seq, *fields, event.action, detail, prev)
        rows.append((chain_id, seq, *fields, event.action, detail, prev, digest))
        prev = digest
    content_rows = list(content)
    if not rows and not content_rows:
        return head
    with engine.begin() as conn:
        if rows:
            # the driver's executemany on tuples: SQLAlchemy's per-row parameter processing
            # was a fifth of the gateway writer's time per event
            conn.exec_driver_sql(_insert_events_sql(engine.dialect.paramstyle), rows)
        if content_rows:
            conn.execute(insert(t.content), content_rows)
    return ChainHead(seq, prev)


def append_one(engine: Engine, chain_id: str, event: Event) -> ChainHead:
    """Append one event to a chain shared with other writers (the CLI): read the head and
    append, retrying when another writer got there first."""
    for _ in range(5):
        head = load_head(engine, chain_id)
        try:
            return append(engine, chain_id, [event], head)
        except IntegrityError:
            continue
    raise StoreError(f"could not append to event chain {chain_id!r}: it is being written")


@dataclass
class ChainReport:
    """Verification of one chain."""

    chain_id: str
    events: int = 0
    first_seq: int | None = None
    last_seq: int | None = None
    anchored_at: int = 0
    """Events up to this seq were purged (0: none)."""
    problem: str | None = None
    broken_at: int | None = None

    @property
    def ok(self) -> bool:
        return self.problem is None


@dataclass
class VerifyReport:
    """Verification of the whole log."""

    chains: list[ChainReport] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return all(c.ok for c in self.chains)

    @property
    def events(self) -> int:
        return sum(c.events for c in self.chains)


def chains(engine: Engine) -> list[str]:
    """The ids of every chain in the log (purged-only chains included)."""
    with engine.connect() as conn:
        ids = {r[0] for r in conn.execute(select(t.events.c.chain_id).distinct())}
        ids |= {r[0] for r in conn.execute(select(t.anchors.c.chain_id))}
    return sorted(ids)


def verify_log(engine: Engine, chain_id: str | None = None) -> VerifyReport:
    """Recompute every hash; report the first break of each chain."""
    report = VerifyReport()
    for cid in [chain_id] if chain_id else chains(engine):
        report.chains.append(_verify_chain(engine, cid))
    return report


def _verify_chain(engine: Engine, chain_id: str) -> ChainReport:
    with engine.connect() as conn:
        anchor = conn.execute(select(t.anchors).where(t.anchors.c.chain_id == chain_id)).first()
    expected_seq = int(anchor.seq) if anchor is not None else 0
    prev = str(anchor.hash) if anchor is not None else GENESIS
    report = ChainReport(chain_id, anchored_at=expected_seq)
    for row in _rows(engine, chain_id):
        expected_seq += 1
        if report.first_seq is None:
            report.first_seq = row.seq
        if row.seq != expected_seq:
            report.problem = f"event {expected_seq} is missing (next is {row.seq})"
            report.broken_at = expected_seq
            return report
        if row.prev_hash != prev:
            report.problem = f"event {row.seq} does not follow event {row.seq - 1}"
            report.broken_at = row.seq
            return report
        digest = event_hash(
            chain_id,
            row.seq,
            row.ts_us,
            row.kind,
            row.request_id,
            row.user_id,
            row.key_id,
            row.action,
            row.detail,
            row.prev_hash,
        )
        if digest != row.hash:
            report.problem = f"event {row.seq} was altered (its hash does not match)"
            report.broken_at = row.seq
            return report
        prev = digest
        report.events += 1
        report.last_seq = row.seq
    return report


def _rows(engine: Engine, chain_id: str) -> Iterator[Row[Any]]:
    """The chain's rows in seq order, a page at a time (bounded memory on large logs)."""
    after = -1
    while True:
        with engine.connect() as conn:
            page = conn.execute(
                select(t.events)
                .where(t.events.c.chain_id == chain_id, t.events.c.seq > after)
                .order_by(t.events.c.seq)
                .limit(_PAGE)
            ).all()
        if not page:
            return
        yield from page
        after = int(page[-1].seq)


@dataclass
class PurgeReport:
    """What a purge removed."""

    events: int = 0
    content: int = 0
    chains: dict[str, int] = field(default_factory=dict)
    """Chain → seq of its new anchor."""


def purge(engine: Engine, *, retention_days: int, now: datetime | None = None) -> PurgeReport:
    """Delete events older than ``retention_days`` and content past its TTL.

    Per chain, the oldest events up to the last one older than the cutoff are deleted, and its
    hash becomes the chain's anchor, so the rest still verifies.
    """
    when = now or now_utc()
    cutoff = ts_us(when - timedelta(days=retention_days))
    report = PurgeReport()
    for chain_id in chains(engine):
        with engine.begin() as conn:
            last = conn.execute(
                select(func.max(t.events.c.seq)).where(
                    t.events.c.chain_id == chain_id, t.events.c.ts_us < cutoff
                )
            ).scalar_one_or_none()
            if last is None:
                continue
            anchor_hash = conn.execute(
                select(t.events.c.hash).where(
                    t.events.c.chain_id == chain_id, t.events.c.seq == last
                )
            ).scalar_one()
            removed = conn.execute(
                delete(t.events).where(t.events.c.chain_id == chain_id, t.events.c.seq <= last)
            ).rowcount
            existing = conn.execute(
                select(t.anchors.c.purged).where(t.anchors.c.chain_id == chain_id)
            ).scalar_one_or_none()
            values = {"seq": last, "hash": anchor_hash, "purged_at": when}
            if existing is None:
                conn.execute(insert(t.anchors).values(chain_id=chain_id, purged=removed, **values))
            else:
                conn.execute(
                    update(t.anchors)
                    .where(t.anchors.c.chain_id == chain_id)
                    .values(purged=int(existing) + removed, **values)
                )
        report.events += removed
        report.chains[chain_id] = int(last)
    with engine.begin() as conn:
        report.content = conn.execute(
            delete(t.content).where(t.content.c.expires_at < when)
        ).rowcount
    return report


def recent(
    engine: Engine,
    *,
    limit: int = 50,
    kind: str | None = None,
    user_id: str | None = None,
    request_id: str | None = None,
) -> list[StoredEvent]:
    """The newest events, optionally of one kind, user or request."""
    query = select(t.events).order_by(t.events.c.ts_us.desc()).limit(limit)
    if kind:
        query = query.where(t.events.c.kind == kind)
    if user_id:
        query = query.where(t.events.c.user_id == user_id)
    if request_id:
        query = query.where(t.events.c.request_id == request_id)
    with engine.connect() as conn:
        return [StoredEvent.from_row(r) for r in conn.execute(query)]
