"""Persistence: SQLAlchemy run store (SQLite by default, PostgreSQL by URL)."""

from hegui.store.store import (
    JudgingInfo,
    PlannedItem,
    RunStore,
    StoredAttempt,
    StoredError,
    StoredRun,
    open_engine,
)
from hegui.store.writer import GroupCommitWriter

__all__ = [
    "GroupCommitWriter",
    "JudgingInfo",
    "PlannedItem",
    "RunStore",
    "StoredAttempt",
    "StoredError",
    "StoredRun",
    "open_engine",
]
