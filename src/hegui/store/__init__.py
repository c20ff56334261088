"""Persistence: SQLAlchemy run store (SQLite by default, PostgreSQL by URL)."""

from hegui.store.store import (
    AnswerRecord,
    ErrorRecord,
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
    "AnswerRecord",
    "ErrorRecord",
    "GroupCommitWriter",
    "JudgingInfo",
    "PlannedItem",
    "RunStore",
    "StoredAttempt",
    "StoredError",
    "StoredRun",
    "open_engine",
]
