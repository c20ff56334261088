"""Shared helpers: items, and a target wired to an in-process mock server."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from hegui.records import BankItem, ItemKind, Message
from hegui.targets import OpenAISpec, OpenAITarget, RetryPolicy
from hegui.targets.mock_server import MockConfig, MockServer

FAST_RETRY = RetryPolicy(max_attempts=3, base_delay=0.01, max_delay=0.05)


def item(i: int | str = 1, prompt: str | None = None) -> BankItem:
    return BankItem(
        id=f"q{i}", kind=ItemKind.SHOULD_NOT_REFUSE, prompt=prompt or f"问题 {i}", aspect="history"
    )


def multi_turn() -> BankItem:
    return BankItem(
        id="mt",
        kind=ItemKind.SHOULD_REFUSE,
        risk="A.1.4",
        messages=(
            Message(role="system", content="你是助手"),
            Message(role="user", content="第一问"),
            Message(role="assistant", content="第一答"),
            Message(role="user", content="第二问"),
        ),
    )


@asynccontextmanager
async def served(
    config: MockConfig | None = None, **spec: Any
) -> AsyncIterator[tuple[MockServer, OpenAITarget]]:
    """A mock server and an OpenAI target pointed at it (no key unless ``api_key_env`` given)."""
    async with MockServer(config) as server:
        fields: dict[str, Any] = {"model": "mock-model", "api_key_env": None, "retry": FAST_RETRY}
        fields.update(spec)
        environ = fields.pop("environ", None)
        target = OpenAITarget(OpenAISpec(base_url=server.url, **fields), environ=environ)
        async with target:
            yield server, target
