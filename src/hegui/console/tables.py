"""The console's own tables, in their own metadata, created on the project's store URL.

Console users (argon2 hashes, never passwords), the audit log of every console action
(append-only), and the human-review queue of a run (the seeded sample reviewers work through).
"""

from __future__ import annotations

from sqlalchemy import (
    Boolean,
    Column,
    DateTime,
    Engine,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
)

from hegui.store.migrate import ensure_schema

metadata = MetaData()

users = Table(
    "console_users",
    metadata,
    Column("username", String(64), primary_key=True),
    Column("password_hash", String(256), nullable=False),
    Column("role", String(16), nullable=False),  # admin | reviewer | auditor
    Column("language", String(8)),  # zh | en | null (follow the browser)
    Column("disabled", Boolean, nullable=False, default=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False),
)

audit = Table(
    "console_audit",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("username", String(64), nullable=False),
    Column("action", String(64), nullable=False),
    Column("target", String(256), nullable=False),
    Column("detail", Text, nullable=False),
    Column("client", String(64), nullable=False),
    Index("ix_console_audit_user", "username", "id"),
)

review_queue = Table(
    "console_review_queue",
    metadata,
    Column("run_id", String(64), primary_key=True),
    Column("pos", Integer, primary_key=True),
    Column("item_id", String(256), nullable=False),
    Column("sample", Integer, nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("created_by", String(64), nullable=False),
    Index("ix_console_review_queue_item", "run_id", "item_id", "sample", unique=True),
)


console_meta = Table(
    "console_meta",
    metadata,
    Column("key", String(64), primary_key=True),
    Column("value", Text, nullable=False),
)
"""The console's schema version (see :mod:`hegui.store.migrate`)."""

SCHEMA_VERSION = 1


def create_tables(engine: Engine) -> None:
    """Create or upgrade the console's tables in the store (a newer schema is refused)."""
    ensure_schema(engine, metadata, console_meta, SCHEMA_VERSION, what="the console tables")
