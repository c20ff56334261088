"""The incident tables, in their own metadata, created on the project's store URL.

``inc_incidents`` holds each incident's current state (a JSON record plus the columns lists
filter on); ``inc_timeline`` is append-only and hash-chained per incident; ``inc_complaints``
adds the handling of a complaint (acknowledgement, outcome sent, incident link) to the gateway's
``gw_complaints`` row without changing that table.
"""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Column,
    DateTime,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
)

metadata = MetaData()

SCHEMA_VERSION = 1
"""Stored in ``inc_meta``; a newer store is refused rather than misread."""

incidents = Table(
    "inc_incidents",
    metadata,
    Column("id", String(40), primary_key=True),
    Column("status", String(16), nullable=False),
    Column("owner", String(128)),
    Column("risk", String(16)),
    Column("source_kind", String(16), nullable=False),
    Column("opened_at", DateTime(timezone=True), nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False),
    Column("closed_at", DateTime(timezone=True)),
    Column("next_due", DateTime(timezone=True)),  # the earliest open deadline (overdue queries)
    Column("data", Text, nullable=False),  # the Incident record as JSON
    # the timeline's last entry: a truncated timeline (last entries deleted) no longer matches
    Column("timeline_seq", Integer, nullable=False),
    Column("timeline_head", String(64), nullable=False),
    Index("ix_inc_incidents_status", "status", "next_due"),
)

timeline = Table(
    "inc_timeline",
    metadata,
    Column("incident_id", String(40), primary_key=True),
    Column("seq", BigInteger().with_variant(Integer, "sqlite"), primary_key=True),
    Column("ts_us", BigInteger, nullable=False),
    Column("actor", String(128), nullable=False),
    Column("action", String(32), nullable=False),
    Column("detail", Text, nullable=False),
    Column("prev_hash", String(64), nullable=False),
    Column("hash", String(64), nullable=False),
)

complaints = Table(
    "inc_complaints",
    metadata,
    Column("complaint_id", String(40), primary_key=True),
    Column("channel", String(16), nullable=False),
    Column("entered_by", String(128)),
    Column("acknowledged_at", DateTime(timezone=True)),
    Column("acknowledged_by", String(128)),
    Column("outcome_sent_at", DateTime(timezone=True)),
    Column("outcome_sent_by", String(128)),
    Column("outcome_channel", String(32)),
    Column("incident_id", String(40)),
    Index("ix_inc_complaints_incident", "incident_id"),
)

meta = Table(
    "inc_meta",
    metadata,
    Column("key", String(64), primary_key=True),
    Column("value", Text, nullable=False),
)
