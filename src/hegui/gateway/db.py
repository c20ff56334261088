"""Opening the gateway's database: the project's store engine with the gateway's tables."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import Engine

from hegui.errors import StoreError
from hegui.gateway import tables as t
from hegui.store import open_engine
from hegui.store.migrate import ensure_schema


def now_utc() -> datetime:
    """The current time, timezone-aware (UTC)."""
    return datetime.now(UTC)


def as_utc(value: datetime | None) -> datetime | None:
    """A datetime read back from the database as aware UTC (SQLite returns naive values)."""
    if value is None:
        return None
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def open_gateway_engine(url: str) -> Engine:
    """The engine for ``url`` (SQLite or PostgreSQL) with the gateway's tables created or
    upgraded (:func:`hegui.store.migrate.ensure_schema`)."""
    engine = open_engine(url)
    try:
        ensure_schema(
            engine, t.metadata, t.gateway_meta, t.SCHEMA_VERSION, what="the gateway tables"
        )
    except StoreError:
        engine.dispose()
        raise
    return engine
