"""Incident ids: ``inc-<date>-<random>``, readable and sortable by day."""

from __future__ import annotations

import secrets
from datetime import datetime


def new_incident_id(now: datetime) -> str:
    """A new id such as ``inc-20261128-3fa9c2`` (24 random bits: unique within a day's
    incidents; the primary key refuses the rare collision)."""
    return f"inc-{now:%Y%m%d}-{secrets.token_hex(3)}"
