"""The console's audit log: one append-only row per console action (who, what, on what, when)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Engine, insert, select

from hegui.console import tables as t


@dataclass(frozen=True, slots=True)
class AuditEntry:
    """One console action."""

    id: int
    created_at: datetime
    username: str
    action: str
    """e.g. ``sign-in``, ``review``, ``user.suspend``, ``console-user.create``."""
    target: str
    """What it acted on: a run id, ``run/item/sample``, a gateway user id, a username."""
    detail: dict[str, Any]
    client: str
    """The client address as the server saw it."""


class AuditLog:
    """Append and page through the audit log (newest first, keyset by id)."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def record(
        self,
        username: str,
        action: str,
        target: str = "",
        detail: dict[str, Any] | None = None,
        *,
        client: str = "",
    ) -> None:
        """Append one action."""
        with self.engine.begin() as conn:
            conn.execute(
                insert(t.audit).values(
                    created_at=datetime.now(UTC),
                    username=username[:64],
                    action=action[:64],
                    target=target[:256],
                    detail=json.dumps(detail or {}, ensure_ascii=False, default=str),
                    client=client[:64],
                )
            )

    def page(
        self, *, before: int | None = None, limit: int = 50, username: str | None = None
    ) -> list[AuditEntry]:
        """Up to ``limit`` entries older than id ``before`` (newest first)."""
        query = select(t.audit).order_by(t.audit.c.id.desc()).limit(limit)
        if before is not None:
            query = query.where(t.audit.c.id < before)
        if username:
            query = query.where(t.audit.c.username == username)
        with self.engine.connect() as conn:
            rows = conn.execute(query).all()
        return [
            AuditEntry(
                id=r.id,
                created_at=r.created_at,
                username=r.username,
                action=r.action,
                target=r.target,
                detail=json.loads(r.detail),
                client=r.client,
            )
            for r in rows
        ]
