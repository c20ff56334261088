"""Opening the gateway's database: the project's store engine with the gateway's tables."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import Engine, insert, select
from sqlalchemy.exc import SQLAlchemyError

from hegui.errors import StoreError
from hegui.gateway import tables as t
from hegui.store import open_engine


def now_utc() -> datetime:
    """The current time, timezone-aware (UTC)."""
    return datetime.now(UTC)


def as_utc(value: datetime | None) -> datetime | None:
    """A datetime read back from the database as aware UTC (SQLite returns naive values)."""
    if value is None:
        return None
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def open_gateway_engine(url: str) -> Engine:
    """The engine for ``url`` (SQLite or PostgreSQL) with the gateway's tables created."""
    engine = open_engine(url)
    try:
        t.metadata.create_all(engine)
        with engine.begin() as conn:
            version = conn.execute(
                select(t.gateway_meta.c.value).where(t.gateway_meta.c.key == "schema_version")
            ).scalar_one_or_none()
            if version is None:
                conn.execute(
                    insert(t.gateway_meta).values(key="schema_version", value=str(t.SCHEMA_VERSION))
                )
            elif int(version) > t.SCHEMA_VERSION:
                raise StoreError(
                    f"the gateway tables at {url!r} have schema version {version}, newer than "
                    f"this hegui ({t.SCHEMA_VERSION}); upgrade hegui"
                )
    except SQLAlchemyError as exc:
        engine.dispose()
        raise StoreError(f"cannot open the gateway store: {type(exc).__name__}: {exc}") from exc
    return engine
