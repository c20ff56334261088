"""Users, API keys and the enforcement ledger in the database (synchronous; the gateway calls
these in worker threads, the CLI directly)."""

from __future__ import annotations

import hashlib
import secrets
import uuid
from datetime import date, datetime, timedelta

from sqlalchemy import Engine, and_, case, insert, or_, select, update
from sqlalchemy.exc import IntegrityError

from hegui.errors import HeguiError
from hegui.gateway import tables as t
from hegui.gateway.config import EnforcementConfig
from hegui.gateway.db import as_utc, now_utc
from hegui.gateway.enforcement import Level, ViolationOutcome, decide, reason
from hegui.gateway.identity.crypto import FieldCipher
from hegui.gateway.identity.records import (
    ApiKeyRecord,
    CreatedKey,
    EnforcementAction,
    EnforcementRecord,
    Principal,
    UserRecord,
    UserStatus,
)
from hegui.gateway.identity.verify import (
    IdentityClaim,
    VerificationResult,
    normalise_id,
    normalise_mobile,
)

KEY_PREFIX = "hg-"


class UserError(HeguiError):
    """A user operation cannot be done (unknown user, duplicate handle, suspended identity)."""


def key_digest(secret: str) -> str:
    """The stored form of an API key (SHA-256 hex)."""
    return hashlib.sha256(secret.encode()).hexdigest()


def minor_until(born: date, adult_age: int) -> date:
    """The day a person born on ``born`` comes of age (29 Feb birthdays: 1 March)."""
    try:
        return born.replace(year=born.year + adult_age)
    except ValueError:
        return date(born.year + adult_age, 3, 1)


class UserStore:
    """Users, keys and enforcement on one engine."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    # -- users ---------------------------------------------------------------------------------

    def create_user(self, handle: str, *, actor: str = "system") -> UserRecord:
        """A new, unverified, active user."""
        handle = handle.strip()
        if not handle or len(handle) > 128:
            raise UserError("a handle must have 1 to 128 characters")
        now = now_utc()
        user_id = "u_" + uuid.uuid4().hex[:20]
        try:
            with self.engine.begin() as conn:
                conn.execute(
                    insert(t.users).values(
                        id=user_id,
                        handle=handle,
                        status=UserStatus.ACTIVE.value,
                        verified=False,
                        consecutive_violations=0,
                        day_violations=0,
                        created_at=now,
                        updated_at=now,
                    )
                )
        except IntegrityError:
            raise UserError(f"the handle {handle!r} is taken") from None
        return self.user(user_id)

    def user(self, ref: str) -> UserRecord:
        """A user by id or handle."""
        with self.engine.connect() as conn:
            row = conn.execute(
                select(t.users).where(or_(t.users.c.id == ref, t.users.c.handle == ref))
            ).first()
        if row is None:
            raise UserError(f"no user {ref!r} (give a user id or handle; see hegui users list)")
        return UserRecord.from_row(row)

    def users(self, *, status: UserStatus | None = None, limit: int = 1000) -> list[UserRecord]:
        """Users, newest first."""
        query = select(t.users).order_by(t.users.c.created_at.desc()).limit(limit)
        if status is not None:
            query = query.where(t.users.c.status == status.value)
        with self.engine.connect() as conn:
            return [UserRecord.from_row(r) for r in conn.execute(query)]

    def find_by_id_number(self, cipher: FieldCipher, id_number: str) -> list[UserRecord]:
        """Users verified with this resident ID number (by its keyed hash)."""
        digests = cipher.lookup_hashes("id", normalise_id(id_number))
        with self.engine.connect() as conn:
            rows = conn.execute(select(t.users).where(t.users.c.id_hash.in_(digests)))
            return [UserRecord.from_row(r) for r in rows]

    def find_by_mobile(self, cipher: FieldCipher, mobile: str) -> list[UserRecord]:
        """Users verified with this mobile number (by its keyed hash)."""
        digests = cipher.lookup_hashes("phone", normalise_mobile(mobile))
        with self.engine.connect() as conn:
            rows = conn.execute(select(t.users).where(t.users.c.phone_hash.in_(digests)))
            return [UserRecord.from_row(r) for r in rows]

    def record_verification(
        self,
        ref: str,
        claim: IdentityClaim,
        result: VerificationResult,
        cipher: FieldCipher,
        *,
        adult_age: int,
        actor: str,
    ) -> UserRecord:
        """Store a verification result; on success, the numbers (hashed and encrypted) too.

        A person whose identity is bound to a suspended account cannot verify another one.
        """
        user = self.user(ref)
        now = now_utc()
        if not result.verified:
            self._ledger(user.id, EnforcementAction.VERIFY_FAILED, result.reason, actor)
            return user
        id_number = normalise_id(claim.id_number)
        id_hash = cipher.lookup_hash("id", id_number)
        blocked = [
            u
            for u in self.find_by_id_number(cipher, id_number)
            if u.id != user.id and u.status is UserStatus.SUSPENDED
        ]
        if blocked:
            why = f"identity bound to suspended account {blocked[0].handle!r}"
            self._ledger(user.id, EnforcementAction.VERIFY_FAILED, why, actor)
            raise UserError(f"verification refused: {why}")
        values = {
            "verified": True,
            "verified_at": now,
            "verifier": result.verifier,
            "verification_ref": result.reference,
            "id_hash": id_hash,
            "id_enc": cipher.encrypt(id_number, context=f"gw_users/{user.id}/id"),
            "phone_hash": cipher.lookup_hash("phone", normalise_mobile(claim.mobile)),
            "phone_enc": cipher.encrypt(
                normalise_mobile(claim.mobile), context=f"gw_users/{user.id}/phone"
            ),
            "name_enc": cipher.encrypt(claim.name.strip(), context=f"gw_users/{user.id}/name"),
            "minor_until": None,
            "updated_at": now,
        }
        if result.birth_date is not None:
            until = minor_until(result.birth_date, adult_age)
            if until > now.date():
                values["minor_until"] = until
        with self.engine.begin() as conn:
            conn.execute(update(t.users).where(t.users.c.id == user.id).values(**values))
        self._ledger(user.id, EnforcementAction.VERIFY, result.reason, actor)
        return self.user(user.id)

    def reveal(self, ref: str, cipher: FieldCipher) -> dict[str, str | None]:
        """Decrypt a user's stored name, ID and mobile number (for an authorised operator)."""
        user = self.user(ref)
        with self.engine.connect() as conn:
            row = conn.execute(select(t.users).where(t.users.c.id == user.id)).one()
        out: dict[str, str | None] = {}
        for field, column, part in (
            ("name", "name_enc", "name"),
            ("id_number", "id_enc", "id"),
            ("mobile", "phone_enc", "phone"),
        ):
            token = getattr(row, column)
            context = f"gw_users/{user.id}/{part}"
            out[field] = cipher.decrypt(token, context=context) if token else None
        return out

    # -- keys ----------------------------------------------------------------------------------

    def create_key(
        self, ref: str, *, label: str | None = None, actor: str = "system"
    ) -> CreatedKey:
        """A new API key for the user; the secret is returned once and stored as a digest."""
        user = self.user(ref)
        secret = KEY_PREFIX + secrets.token_urlsafe(32)
        key_id = "k_" + uuid.uuid4().hex[:16]
        hint = secret[:10]
        with self.engine.begin() as conn:
            conn.execute(
                insert(t.api_keys).values(
                    id=key_id,
                    user_id=user.id,
                    key_hash=key_digest(secret),
                    hint=hint,
                    label=label,
                    created_at=now_utc(),
                )
            )
        self._ledger(user.id, EnforcementAction.KEY_CREATED, f"key {key_id}", actor)
        return CreatedKey(key_id, user.id, secret, hint)

    def keys(self, ref: str) -> list[ApiKeyRecord]:
        """The user's keys, revoked ones included."""
        user = self.user(ref)
        with self.engine.connect() as conn:
            rows = conn.execute(
                select(t.api_keys)
                .where(t.api_keys.c.user_id == user.id)
                .order_by(t.api_keys.c.created_at)
            )
            return [
                ApiKeyRecord(
                    id=r.id,
                    user_id=r.user_id,
                    hint=r.hint,
                    label=r.label,
                    created_at=as_utc(r.created_at),
                    revoked_at=as_utc(r.revoked_at),
                )
                for r in rows
            ]

    def revoke_key(self, key_id: str, *, reason: str, actor: str) -> None:
        """Revoke a key (it stops working within the gateway's cache TTL)."""
        with self.engine.begin() as conn:
            row = conn.execute(select(t.api_keys).where(t.api_keys.c.id == key_id)).first()
            if row is None:
                raise UserError(f"no API key {key_id!r}")
            conn.execute(
                update(t.api_keys)
                .where(and_(t.api_keys.c.id == key_id, t.api_keys.c.revoked_at.is_(None)))
                .values(revoked_at=now_utc())
            )
        self._ledger(row.user_id, EnforcementAction.KEY_REVOKED, f"key {key_id}: {reason}", actor)

    def principal(self, secret: str) -> Principal | None:
        """The user behind a key, or ``None`` for an unknown or revoked key."""
        digest = key_digest(secret)
        with self.engine.connect() as conn:
            row = conn.execute(
                select(t.api_keys.c.id.label("key_id"), t.users)
                .join(t.users, t.users.c.id == t.api_keys.c.user_id)
                .where(and_(t.api_keys.c.key_hash == digest, t.api_keys.c.revoked_at.is_(None)))
            ).first()
        if row is None:
            return None
        return Principal(
            user_id=row.id,
            key_id=row.key_id,
            handle=row.handle,
            status=UserStatus(row.status),
            verified=bool(row.verified),
            minor_until=row.minor_until,
            limited_until=as_utc(row.limited_until),
            suspended_until=as_utc(row.suspended_until),
            consecutive_violations=row.consecutive_violations,
        )

    # -- enforcement ---------------------------------------------------------------------------

    def record_violation(
        self,
        user_id: str,
        *,
        today: date,
        policy: EnforcementConfig,
        risk: str | None,
        request_id: str | None,
    ) -> ViolationOutcome:
        """Count a violation (atomically) and climb the ladder; every rung is recorded."""
        now = now_utc()
        c = t.users.c
        with self.engine.begin() as conn:
            counts = conn.execute(
                update(t.users)
                .where(c.id == user_id)
                .values(
                    consecutive_violations=c.consecutive_violations + 1,
                    day_violations=case((c.violation_day == today, c.day_violations + 1), else_=1),
                    violation_day=today,
                    updated_at=now,
                )
                .returning(c.consecutive_violations, c.day_violations)
            ).one()
            consecutive, day_count = int(counts[0]), int(counts[1])
            level = decide(consecutive, day_count, policy)
            until: datetime | None = None
            why = reason(consecutive, day_count, level, risk)
            if level is Level.SUSPEND:
                if policy.suspend_hours is not None:
                    until = now + timedelta(hours=policy.suspend_hours)
                conn.execute(
                    update(t.users)
                    .where(c.id == user_id)
                    .values(status=UserStatus.SUSPENDED.value, suspended_until=until)
                )
            elif level is Level.LIMIT:
                until = now + timedelta(hours=policy.limit_hours)
                conn.execute(update(t.users).where(c.id == user_id).values(limited_until=until))
            if level is not Level.NONE:
                conn.execute(
                    insert(t.enforcement).values(
                        user_id=user_id,
                        action=level.value,
                        reason=why,
                        actor="gateway",
                        request_id=request_id,
                        until=until,
                        created_at=now,
                    )
                )
        return ViolationOutcome(level, consecutive, day_count, until, why)

    def reset_consecutive(self, user_id: str) -> None:
        """A clean request ends a run of violations."""
        c = t.users.c
        with self.engine.begin() as conn:
            conn.execute(
                update(t.users)
                .where(and_(c.id == user_id, c.consecutive_violations > 0))
                .values(consecutive_violations=0)
            )

    def suspend(
        self, ref: str, *, reason: str, actor: str, hours: float | None = None
    ) -> UserRecord:
        """Suspend a user by hand."""
        user = self.user(ref)
        until = now_utc() + timedelta(hours=hours) if hours else None
        with self.engine.begin() as conn:
            conn.execute(
                update(t.users)
                .where(t.users.c.id == user.id)
                .values(
                    status=UserStatus.SUSPENDED.value, suspended_until=until, updated_at=now_utc()
                )
            )
        self._ledger(user.id, EnforcementAction.SUSPEND, reason, actor, until=until)
        return self.user(user.id)

    def reinstate(self, ref: str, *, reason: str, actor: str) -> UserRecord:
        """Lift a suspension and a limit, and reset the counters."""
        user = self.user(ref)
        with self.engine.begin() as conn:
            conn.execute(
                update(t.users)
                .where(t.users.c.id == user.id)
                .values(
                    status=UserStatus.ACTIVE.value,
                    suspended_until=None,
                    limited_until=None,
                    consecutive_violations=0,
                    day_violations=0,
                    updated_at=now_utc(),
                )
            )
        self._ledger(user.id, EnforcementAction.REINSTATE, reason, actor)
        return self.user(user.id)

    def history(self, ref: str, *, limit: int = 200) -> list[EnforcementRecord]:
        """The user's ledger, newest first."""
        user = self.user(ref)
        with self.engine.connect() as conn:
            rows = conn.execute(
                select(t.enforcement)
                .where(t.enforcement.c.user_id == user.id)
                .order_by(t.enforcement.c.id.desc())
                .limit(limit)
            )
            return [EnforcementRecord.from_row(r) for r in rows]

    def _ledger(
        self,
        user_id: str,
        action: EnforcementAction,
        why: str,
        actor: str,
        *,
        until: datetime | None = None,
    ) -> None:
        with self.engine.begin() as conn:
            conn.execute(
                insert(t.enforcement).values(
                    user_id=user_id,
                    action=action.value,
                    reason=why,
                    actor=actor,
                    until=until,
                    created_at=now_utc(),
                )
            )
