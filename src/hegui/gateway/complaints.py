"""Complaints and reports (IM Art. 15; REQ-GAI-14): intake with a conversation reference, a
feedback deadline, and answers recorded by operators."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any

from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import Engine, insert, select, update

from hegui.errors import HeguiError
from hegui.gateway import tables as t
from hegui.gateway.db import as_utc, now_utc
from hegui.gateway.identity.crypto import FieldCipher


class ComplaintCategory(StrEnum):
    """What a complaint is about."""

    ILLEGAL_CONTENT = "illegal_content"
    """违法违规内容 (A.1 and other illegal content)."""
    HARMFUL_CONTENT = "harmful_content"
    """不良信息, discrimination, inaccuracy."""
    PERSONAL_INFORMATION = "personal_information"
    """个人信息: access, correction, deletion requests (PIPL)."""
    INTELLECTUAL_PROPERTY = "intellectual_property"
    MINORS = "minors"
    ACCOUNT = "account"
    """Enforcement against the user's own account (appeals)."""
    OTHER = "other"


class ComplaintStatus(StrEnum):
    """Where a complaint stands."""

    OPEN = "open"
    ANSWERED = "answered"


class ComplaintIn(BaseModel):
    """A complaint as submitted to ``POST /v1/complaints``."""

    model_config = ConfigDict(extra="forbid")

    category: ComplaintCategory
    description: str = Field(min_length=1, max_length=20_000)
    request_id: str | None = Field(default=None, max_length=64, pattern=r"^[A-Za-z0-9_\-]+$")
    """The conversation reference: the ``X-Request-Id`` (or ``hegui.request_id``) of the answer
    complained about."""
    contact: str | None = Field(default=None, max_length=256)
    """How to reach the complainant (stored encrypted when a key is configured)."""


class Complaint(BaseModel):
    """A stored complaint (the contact is never shown here)."""

    model_config = ConfigDict(frozen=True)

    id: str
    category: ComplaintCategory
    description: str
    request_id: str | None
    user_id: str | None
    status: ComplaintStatus
    created_at: datetime
    feedback_deadline: datetime
    response: str | None = None
    answered_at: datetime | None = None
    answered_by: str | None = None

    def overdue(self, now: datetime) -> bool:
        """Open past its feedback deadline."""
        return self.status is ComplaintStatus.OPEN and now > self.feedback_deadline

    @classmethod
    def from_row(cls, row: Any) -> Complaint:
        """From a ``gw_complaints`` row."""
        return cls(
            id=row.id,
            category=ComplaintCategory(row.category),
            description=row.description,
            request_id=row.request_id,
            user_id=row.user_id,
            status=ComplaintStatus(row.status),
            created_at=as_utc(row.created_at),
            feedback_deadline=as_utc(row.deadline),
            response=row.response,
            answered_at=as_utc(row.answered_at),
            answered_by=row.answered_by,
        )

    def public(self) -> dict[str, Any]:
        """What the API returns to the complainant."""
        data = self.model_dump(mode="json", exclude={"user_id", "answered_by"})
        data["object"] = "complaint"
        return data


class ComplaintError(HeguiError):
    """A complaint operation cannot be done."""


class ComplaintStore:
    """Complaints on one engine."""

    def __init__(self, engine: Engine, *, feedback_days: int, cipher: FieldCipher | None = None):
        self.engine = engine
        self.feedback_days = feedback_days
        self.cipher = cipher

    def add(self, complaint: ComplaintIn, *, user_id: str | None) -> Complaint:
        """Store a complaint; its deadline is ``feedback_days`` from now."""
        now = now_utc()
        cid = "cmp_" + uuid.uuid4().hex[:20]
        contact = None
        if complaint.contact:
            if self.cipher is None:
                raise ComplaintError("contact details need the gateway key to be stored encrypted")
            contact = self.cipher.encrypt(complaint.contact, context=f"gw_complaints/{cid}/contact")
        with self.engine.begin() as conn:
            conn.execute(
                insert(t.complaints).values(
                    id=cid,
                    user_id=user_id,
                    request_id=complaint.request_id,
                    category=complaint.category.value,
                    description=complaint.description,
                    contact_enc=contact,
                    status=ComplaintStatus.OPEN.value,
                    created_at=now,
                    deadline=now + timedelta(days=self.feedback_days),
                )
            )
        return self.get(cid)

    def get(self, cid: str) -> Complaint:
        """One complaint."""
        with self.engine.connect() as conn:
            row = conn.execute(select(t.complaints).where(t.complaints.c.id == cid)).first()
        if row is None:
            raise ComplaintError(f"no complaint {cid!r}")
        return Complaint.from_row(row)

    def list(
        self, *, status: ComplaintStatus | None = None, overdue: bool = False, limit: int = 500
    ) -> list[Complaint]:
        """Complaints by deadline (soonest first)."""
        query = select(t.complaints).order_by(t.complaints.c.deadline).limit(limit)
        if status is not None:
            query = query.where(t.complaints.c.status == status.value)
        with self.engine.connect() as conn:
            found = [Complaint.from_row(r) for r in conn.execute(query)]
        if overdue:
            now = now_utc()
            found = [c for c in found if c.overdue(now)]
        return found

    def answer(self, cid: str, response: str, *, actor: str) -> Complaint:
        """Record the feedback given to the complainant; the complaint is then answered."""
        if not response.strip():
            raise ComplaintError("the response is empty")
        self.get(cid)
        with self.engine.begin() as conn:
            conn.execute(
                update(t.complaints)
                .where(t.complaints.c.id == cid)
                .values(
                    status=ComplaintStatus.ANSWERED.value,
                    response=response,
                    answered_at=now_utc(),
                    answered_by=actor,
                )
            )
        return self.get(cid)

    def contact(self, cid: str) -> str | None:
        """The decrypted contact details of a complaint (for the operator answering it)."""
        if self.cipher is None:
            raise ComplaintError("reading contact details needs the gateway key")
        with self.engine.connect() as conn:
            token = conn.execute(
                select(t.complaints.c.contact_enc).where(t.complaints.c.id == cid)
            ).scalar_one_or_none()
        return self.cipher.decrypt(token, context=f"gw_complaints/{cid}/contact") if token else None
