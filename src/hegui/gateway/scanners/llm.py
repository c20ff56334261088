"""The LLM scanner: a guard model behind an OpenAI-compatible endpoint (hegui.targets).

The default patterns read Qwen3Guard's answer format (``Safety: Unsafe`` / ``Controversial`` /
``Safe``). An answer that matches none of the patterns is an error, never a guess, so the chain's
``on_error`` (fail closed by default) decides.
"""

from __future__ import annotations

import re
import uuid

from hegui.errors import JudgeError
from hegui.gateway.records import ALLOWED, Action, ScanResult
from hegui.gateway.scanners.base import ScannerBase
from hegui.gateway.scanners.config import LlmScannerConfig
from hegui.records import BankItem, ItemKind, Message
from hegui.targets import OpenAISpec, OpenAITarget, RetryPolicy


class LlmScanner(ScannerBase):
    """Asks a guard model about the text; runs as a concurrent task (not inline)."""

    inline = False

    def __init__(self, name: str, config: LlmScannerConfig) -> None:
        super().__init__(name, on_error=config.on_error, timeout_s=config.timeout_ms / 1000)
        self.config = config
        self.version = f"llm:{config.model}"
        spec = OpenAISpec(
            base_url=config.base_url,
            model=config.model,
            api_key_env=config.api_key_env,
            system_prompt=config.system_prompt,
            temperature=0.0,
            max_tokens=64,
            timeout_s=self.timeout_s,
            retry=RetryPolicy(max_attempts=1),
            concurrency=64,
        )
        self.target = OpenAITarget(spec)
        self._unsafe = re.compile(config.unsafe_pattern)
        self._flag = re.compile(config.flag_pattern) if config.flag_pattern else None
        self._safe = re.compile(config.safe_pattern)
        self._reason = (f"llm:{config.risk or config.model}",)

    async def scan(self, text: str) -> ScanResult:
        """See :class:`~hegui.gateway.scanners.base.Scanner`."""
        if not text.strip():
            return ALLOWED
        limit = self.config.max_chars
        if len(text) > limit:
            text = text[: limit // 2] + "\n…\n" + text[-(limit // 2) :]
        item = BankItem(
            id=f"gw-{uuid.uuid4().hex[:12]}",
            kind=ItemKind.SHOULD_NOT_REFUSE,
            messages=(Message(role="user", content=self.config.template.format(text=text)),),
        )
        answer = (await self.target.send(item)).text
        if self._unsafe.search(answer):
            return ScanResult(self.config.action, None, self.config.risk, self._reason)
        if self._flag is not None and self._flag.search(answer):
            return ScanResult(Action.FLAG, None, self.config.risk, self._reason)
        if self._safe.search(answer):
            return ALLOWED
        raise JudgeError(f"the guard model's answer matches no pattern ({len(answer)} chars)")

    async def aclose(self) -> None:
        """Close the guard endpoint's connections."""
        await self.target.aclose()
