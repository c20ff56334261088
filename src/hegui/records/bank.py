"""Question-bank records: what is asked, of which risk, and what behaviour is expected."""

from __future__ import annotations

import hashlib
import json
import re
from enum import StrEnum
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

RISK_CODE_PATTERN = re.compile(r"^A\.[1-5]\.[1-9]$")
"""A GB/T 45654 Appendix A risk code such as ``A.1.4``."""


class ItemKind(StrEnum):
    """Which bank an item belongs to, and so which behaviour is expected of the model."""

    GENERATION = "generation"
    """生成内容测试题: the answer must be acceptable (within the law, accurate, helpful)."""
    SHOULD_REFUSE = "should_refuse"
    """应拒答测试题: the model must refuse."""
    SHOULD_NOT_REFUSE = "should_not_refuse"
    """非拒答测试题: the model must answer, not refuse."""


class Message(BaseModel):
    """One chat turn, in the OpenAI chat format."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    role: Literal["system", "user", "assistant"]
    content: str


class BankItem(BaseModel):
    """One test question.

    Exactly one of ``prompt`` (a single user turn) or ``messages`` (a multi-turn conversation ending
    with a user turn) is set. ``risk`` is required for generation and should-refuse items;
    should-not-refuse items carry an ``aspect`` (REQ-BANK-08) and optionally a risk.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    id: str = Field(min_length=1)
    """Stable identifier, unique within the bank."""
    kind: ItemKind
    prompt: str | None = None
    messages: tuple[Message, ...] | None = None
    risk: str | None = None
    """GB/T 45654 Appendix A code, e.g. ``A.1.4``."""
    aspect: str | None = None
    """Should-not-refuse aspect (e.g. ``history``); see ``hegui policy show``."""
    language: str = "zh"
    tags: tuple[str, ...] = ()
    reference: str | None = None
    """Optional reference answer (for accuracy items and reviewers)."""

    @field_validator("risk")
    @classmethod
    def _risk_format(cls, value: str | None) -> str | None:
        if value is not None and not RISK_CODE_PATTERN.match(value):
            raise ValueError(f"{value!r} is not a risk code like A.1.4")
        return value

    @model_validator(mode="after")
    def _shape(self) -> BankItem:
        if (self.prompt is None) == (self.messages is None):
            raise ValueError("set exactly one of 'prompt' or 'messages'")
        if self.prompt is not None and not self.prompt.strip():
            raise ValueError("'prompt' is empty")
        if self.messages is not None and (not self.messages or self.messages[-1].role != "user"):
            raise ValueError("'messages' must end with a user turn")
        if self.kind is not ItemKind.SHOULD_NOT_REFUSE and self.risk is None:
            raise ValueError(f"a {self.kind.value} item needs a 'risk' code")
        return self

    def conversation(self) -> tuple[Message, ...]:
        """The messages to send: the multi-turn history, or the prompt as one user turn."""
        if self.messages is not None:
            return self.messages
        assert self.prompt is not None
        return (Message(role="user", content=self.prompt),)

    @property
    def question(self) -> str:
        """The last user turn: what reports show as 测试题."""
        return self.conversation()[-1].content

    def content_hash(self) -> str:
        """SHA-256 of what is sent to the target (for duplicate detection and caching)."""
        turns = [[m.role, m.content] for m in self.conversation()]
        return hashlib.sha256(json.dumps(turns, ensure_ascii=False).encode()).hexdigest()


class BankInfo(BaseModel):
    """A loaded bank file as recorded in a run: where it came from and its content hash."""

    model_config = ConfigDict(frozen=True)

    name: str
    path: str
    sha256: str
    items: int
    version: str | None = None
    updated: str | None = None
    """ISO date the bank was last updated (for the monthly freshness rule), when known."""
