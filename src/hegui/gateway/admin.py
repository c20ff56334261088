"""Operator actions outside the request path (the ``hegui users/log/complaints`` commands):
each is done through the stores and recorded on the event log's ``cli-<host>`` chain."""

from __future__ import annotations

import asyncio
import getpass
import os
import socket
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, select

from hegui.config import ProjectConfig, load_config
from hegui.errors import ConfigError
from hegui.gateway import tables as t
from hegui.gateway.complaints import Complaint, ComplaintStore
from hegui.gateway.config import GatewayConfig, load_gateway_config, store_url
from hegui.gateway.db import now_utc, open_gateway_engine
from hegui.gateway.eventlog import (
    Event,
    PurgeReport,
    VerifyReport,
    append_one,
    purge,
    ts_us,
    verify_log,
)
from hegui.gateway.identity.crypto import FieldCipher
from hegui.gateway.identity.records import CreatedKey, UserRecord
from hegui.gateway.identity.rekey import RekeyResult, rekey
from hegui.gateway.identity.users import UserStore
from hegui.gateway.identity.verify import IdentityClaim, VerificationResult, build_verifier
from hegui.targets.openai_wire import loads


def default_actor() -> str:
    """Who is acting: ``cli:<login name>``."""
    try:
        return f"cli:{getpass.getuser()}"
    except (OSError, KeyError):
        return "cli:unknown"


@dataclass
class Admin:
    """The stores of one project's gateway, and the operator acting on them."""

    project: ProjectConfig
    config: GatewayConfig
    engine: Engine
    actor: str = field(default_factory=default_actor)
    environ: Mapping[str, str] = field(default_factory=lambda: dict(os.environ))

    @classmethod
    def open(cls, config_path: Path | None = None, *, actor: str | None = None) -> Admin:
        """Load hegui.yaml and open the gateway's store."""
        project = load_config(config_path)
        config = load_gateway_config(project)
        engine = open_gateway_engine(store_url(config, project))
        return cls(project, config, engine, actor or default_actor())

    def __enter__(self) -> Admin:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        """Release the database connections."""
        self.engine.dispose()

    @property
    def users(self) -> UserStore:
        """Users, keys and the ledger."""
        return UserStore(self.engine)

    @property
    def complaints(self) -> ComplaintStore:
        """Complaints."""
        cipher = self.cipher() if self._has_key() else None
        return ComplaintStore(
            self.engine, feedback_days=self.config.complaints.feedback_days, cipher=cipher
        )

    def _has_key(self) -> bool:
        return bool(self.environ.get(self.config.identity.key_env, "").strip())

    def cipher(self) -> FieldCipher:
        """The field cipher (the key must be in the environment)."""
        identity = self.config.identity
        return FieldCipher.from_env(identity.key_env, self.environ, identity.previous_key_envs)

    @property
    def chain_id(self) -> str:
        """The chain operator actions are recorded on."""
        return f"cli-{socket.gethostname()}"[:64]

    def record(
        self,
        kind: str,
        action: str,
        detail: dict[str, Any],
        *,
        user_id: str | None = None,
        request_id: str | None = None,
    ) -> None:
        """Append an operator event to the log."""
        event = Event(
            kind=kind,
            ts_us=ts_us(now_utc()),
            user_id=user_id,
            request_id=request_id,
            action=action,
            detail={**detail, "actor": self.actor},
        )
        append_one(self.engine, self.chain_id, event)

    def rekey(self) -> RekeyResult:
        """Move stored personal values to the current gateway key (after a rotation); logged."""
        cipher = self.cipher()
        result = rekey(self.engine, cipher)
        detail = {"key_id": cipher.key_id, **asdict(result)}
        self.record("admin", "rekeyed", detail)
        return result

    # -- users ---------------------------------------------------------------------------------

    def add_user(
        self, handle: str, *, key: bool, label: str | None
    ) -> tuple[UserRecord, CreatedKey | None]:
        """A new user, with an API key unless ``key`` is false."""
        user = self.users.create_user(handle, actor=self.actor)
        created = self.users.create_key(user.id, label=label, actor=self.actor) if key else None
        self.record("admin", "user_created", {"handle": handle}, user_id=user.id)
        return user, created

    def verify(self, ref: str, claim: IdentityClaim) -> tuple[UserRecord, VerificationResult]:
        """Run the configured verifier on a claim and record the result."""
        verifier = build_verifier(self.config.identity.verifier, self.environ)
        result = asyncio.run(verifier.verify(claim))
        user = self.users.record_verification(
            ref,
            claim,
            result,
            self.cipher(),
            adult_age=self.config.identity.minors.adult_age,
            actor=self.actor,
        )
        self.record(
            "identity",
            "verified" if result.verified else "verification_failed",
            {
                "verifier": result.verifier,
                "reason": result.reason,
                "minor": user.minor_until is not None,
            },
            user_id=user.id,
        )
        return user, result

    def suspend(self, ref: str, reason: str, hours: float | None) -> UserRecord:
        """Suspend a user by hand."""
        user = self.users.suspend(ref, reason=reason, actor=self.actor, hours=hours)
        self.record("enforcement", "suspend", {"reason": reason, "hours": hours}, user_id=user.id)
        return user

    def reinstate(self, ref: str, reason: str) -> UserRecord:
        """Lift a suspension or limit."""
        user = self.users.reinstate(ref, reason=reason, actor=self.actor)
        self.record("enforcement", "reinstate", {"reason": reason}, user_id=user.id)
        return user

    def create_key(self, ref: str, label: str | None) -> CreatedKey:
        """A new API key for a user."""
        key = self.users.create_key(ref, label=label, actor=self.actor)
        self.record("admin", "key_created", {"key": key.id}, user_id=key.user_id)
        return key

    def revoke_key(self, key_id: str, reason: str) -> None:
        """Revoke an API key."""
        self.users.revoke_key(key_id, reason=reason, actor=self.actor)
        self.record("admin", "key_revoked", {"key": key_id, "reason": reason})

    # -- log -----------------------------------------------------------------------------------

    def verify_log(self, chain_id: str | None = None) -> VerifyReport:
        """Check every hash of the log (or of one chain)."""
        return verify_log(self.engine, chain_id)

    def purge(self, retention_days: int | None = None) -> PurgeReport:
        """Delete events past the retention period and content past its TTL."""
        log = self.config.log
        days = retention_days if retention_days is not None else log.retention_days
        if days < 180 and not log.allow_short_retention:
            raise ConfigError(
                f"a retention of {days} days is under 180 (CSL Art. 21); set "
                "gateway.log.allow_short_retention on test systems",
                field="gateway.log.retention_days",
            )
        report = purge(self.engine, retention_days=days)
        self.record(
            "admin",
            "purge",
            {"retention_days": days, "events": report.events, "content": report.content},
        )
        return report

    def content(self, request_id: str) -> dict[str, Any] | None:
        """The retained, decrypted texts of a request (``log.retain_content``)."""
        with self.engine.connect() as conn:
            token = conn.execute(
                select(t.content.c.data).where(t.content.c.request_id == request_id)
            ).scalar_one_or_none()
        if token is None:
            return None
        self.record("admin", "content_read", {}, request_id=request_id)
        data = loads(self.cipher().decrypt(token, context=f"gw_content/{request_id}").encode())
        return dict(data) if isinstance(data, dict) else None

    # -- complaints ----------------------------------------------------------------------------

    def answer_complaint(self, cid: str, response: str) -> Complaint:
        """Record the feedback given on a complaint."""
        stored = self.complaints.answer(cid, response, actor=self.actor)
        late = stored.answered_at is not None and stored.answered_at > stored.feedback_deadline
        self.record(
            "complaint",
            "answered",
            {"complaint": cid, "late": late},
            user_id=stored.user_id,
            request_id=stored.request_id,
        )
        return stored


def need_key(admin: Admin) -> None:
    """Fail early, with the fix, when the gateway key is not in the environment."""
    admin.cipher()


__all__ = ["Admin", "default_actor", "need_key"]
