"""The gateway's tables, in their own metadata, created on the project's store URL.

ID numbers, phone numbers and real names are never stored in plain text: a keyed hash (HMAC)
for lookup and an AES-GCM ciphertext (see :mod:`hegui.gateway.identity.crypto`). API keys are
stored as SHA-256 digests (they are 256-bit random secrets, so a fast hash suffices).
"""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    Date,
    DateTime,
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

users = Table(
    "gw_users",
    metadata,
    Column("id", String(40), primary_key=True),
    Column("handle", String(128), nullable=False, unique=True),
    Column("status", String(16), nullable=False),  # active | suspended
    Column("verified", Boolean, nullable=False, default=False),
    Column("verified_at", DateTime(timezone=True)),
    Column("verifier", String(64)),
    Column("verification_ref", String(128)),
    Column("id_hash", String(64)),
    Column("id_enc", Text),
    Column("phone_hash", String(64)),
    Column("phone_enc", Text),
    Column("name_enc", Text),
    Column("minor_until", Date),  # a minor's coming of age; null for adults and unverified
    Column("limited_until", DateTime(timezone=True)),
    Column("suspended_until", DateTime(timezone=True)),
    Column("consecutive_violations", Integer, nullable=False, default=0),
    Column("day_violations", Integer, nullable=False, default=0),
    Column("violation_day", Date),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False),
    Index("ix_gw_users_id_hash", "id_hash"),
    Index("ix_gw_users_phone_hash", "phone_hash"),
)

api_keys = Table(
    "gw_api_keys",
    metadata,
    Column("id", String(40), primary_key=True),
    Column("user_id", String(40), ForeignKey("gw_users.id"), nullable=False),
    Column("key_hash", String(64), nullable=False, unique=True),
    Column("hint", String(32), nullable=False),  # first characters, to tell keys apart
    Column("label", String(128)),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("revoked_at", DateTime(timezone=True)),
    Index("ix_gw_api_keys_user", "user_id"),
)

enforcement = Table(
    "gw_enforcement",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("user_id", String(40), ForeignKey("gw_users.id"), nullable=False),
    Column("action", String(24), nullable=False),
    Column("reason", Text, nullable=False),
    Column("actor", String(128), nullable=False),
    Column("request_id", String(64)),
    Column("until", DateTime(timezone=True)),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Index("ix_gw_enforcement_user", "user_id", "created_at"),
)

events = Table(
    "gw_events",
    metadata,
    Column("chain_id", String(64), primary_key=True),
    Column("seq", BigInteger().with_variant(Integer, "sqlite"), primary_key=True),
    # microseconds since the epoch (UTC): exact, comparable, the same in every database
    Column("ts_us", BigInteger, nullable=False),
    Column("kind", String(24), nullable=False),
    Column("request_id", String(64)),
    Column("user_id", String(40)),
    Column("key_id", String(40)),
    Column("action", String(16)),
    Column("detail", Text, nullable=False),
    Column("prev_hash", String(64), nullable=False),
    Column("hash", String(64), nullable=False),
    Index("ix_gw_events_ts", "ts_us"),
    Index("ix_gw_events_request", "request_id"),
    Index("ix_gw_events_user", "user_id", "ts_us"),
    # stops (block, canned) among millions of passed requests: `hegui incident candidates`
    Index("ix_gw_events_action", "action", "ts_us"),
)

anchors = Table(
    "gw_log_anchors",
    metadata,
    Column("chain_id", String(64), primary_key=True),
    Column("seq", BigInteger, nullable=False),  # the last purged event; verification starts after
    Column("hash", String(64), nullable=False),
    Column("purged", BigInteger, nullable=False),
    Column("purged_at", DateTime(timezone=True), nullable=False),
)

content = Table(
    "gw_content",
    metadata,
    Column("request_id", String(64), primary_key=True),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("expires_at", DateTime(timezone=True), nullable=False),
    Column("data", Text, nullable=False),  # AES-GCM ciphertext of the request's texts
    Index("ix_gw_content_expires", "expires_at"),
)

complaints = Table(
    "gw_complaints",
    metadata,
    Column("id", String(40), primary_key=True),
    Column("user_id", String(40)),
    Column("request_id", String(64)),
    Column("category", String(32), nullable=False),
    Column("description", Text, nullable=False),
    Column("contact_enc", Text),
    Column("status", String(16), nullable=False),  # open | answered
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("deadline", DateTime(timezone=True), nullable=False),
    Column("response", Text),
    Column("answered_at", DateTime(timezone=True)),
    Column("answered_by", String(128)),
    Index("ix_gw_complaints_status", "status", "deadline"),
)

gateway_meta = Table(
    "gw_meta",
    metadata,
    Column("key", String(64), primary_key=True),
    Column("value", Text, nullable=False),
)
