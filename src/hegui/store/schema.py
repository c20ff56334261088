"""Tables of the run store. Attempts are append-only and keyed by (run, item, sample)."""

from __future__ import annotations

from sqlalchemy import (
    Boolean,
    Column,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
)

metadata = MetaData()

SCHEMA_VERSION = 1

runs = Table(
    "runs",
    metadata,
    Column("id", String(64), primary_key=True),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("status", String(16), nullable=False),
    Column("spec", Text, nullable=False),
    Column("judging", Integer, nullable=False, default=1),
    Column("finished_at", DateTime(timezone=True)),
    Column("wall_seconds", Float, nullable=False, default=0.0),
)

run_items = Table(
    "run_items",
    metadata,
    Column("run_id", String(64), ForeignKey("runs.id"), primary_key=True),
    Column("item_id", String(256), primary_key=True),
    Column("sample", Integer, primary_key=True),
    Column("seq", Integer, nullable=False),
    Column("bank", String(256), nullable=False),
    Column("item", Text, nullable=False),
    # plan order within a run: keyset pagination of the console's evidence pages
    Index("ix_run_items_seq", "run_id", "seq"),
)

attempts = Table(
    "attempts",
    metadata,
    Column("run_id", String(64), ForeignKey("runs.id"), primary_key=True),
    Column("item_id", String(256), primary_key=True),
    Column("sample", Integer, primary_key=True),
    Column("text", Text, nullable=False),
    Column("model", String(256)),
    Column("finish_reason", String(64)),
    Column("latency_s", Float, nullable=False),
    Column("prompt_tokens", Integer),
    Column("completion_tokens", Integer),
    Column("cached", Boolean, nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
)

attempt_errors = Table(
    "attempt_errors",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("run_id", String(64), ForeignKey("runs.id"), nullable=False),
    Column("item_id", String(256), nullable=False),
    Column("sample", Integer, nullable=False),
    Column("message", Text, nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Index("ix_attempt_errors_run", "run_id", "item_id", "sample"),
)

verdicts = Table(
    "verdicts",
    metadata,
    Column("run_id", String(64), ForeignKey("runs.id"), primary_key=True),
    Column("judging", Integer, primary_key=True),
    Column("item_id", String(256), primary_key=True),
    Column("sample", Integer, primary_key=True),
    Column("judge", String(128), primary_key=True),
    Column("verdict", Text, nullable=False),
)

judgings = Table(
    "judgings",
    metadata,
    Column("run_id", String(64), ForeignKey("runs.id"), primary_key=True),
    Column("judging", Integer, primary_key=True),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("judges", Text, nullable=False),
)

response_cache = Table(
    "response_cache",
    metadata,
    Column("key", String(64), primary_key=True),
    Column("response", Text, nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
)

store_meta = Table(
    "hegui_store",
    metadata,
    Column("key", String(64), primary_key=True),
    Column("value", Text, nullable=False),
)

reviews = Table(
    "reviews",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("run_id", String(64), ForeignKey("runs.id"), nullable=False),
    Column("item_id", String(256), nullable=False),
    Column("sample", Integer, nullable=False),
    Column("reviewer", String(128), nullable=False),
    Column("verdict", String(32), nullable=False),
    Column("reason", Text, nullable=False),
    Column("source", Text, nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Index("ix_reviews_run", "run_id", "item_id", "sample", "reviewer"),
)
"""Human verdicts (人工抽检), append-only: a new review of the same item by the same reviewer is a
new row, and the latest row counts. ``verdict`` is ``acceptable`` or ``unacceptable``;
``source`` says where it came from (file, sheet and row of the imported workbook)."""
