"""The judge scanner: any hegui judge by name, so new judges serve the gateway unchanged."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from hegui.gateway.records import ALLOWED, ScanResult
from hegui.gateway.scanners.base import ScannerBase
from hegui.gateway.scanners.config import JudgeScannerConfig
from hegui.judges import Judge, build_judge
from hegui.records import Attempt, BankItem, ItemKind, TargetResponse, Verdict

_ITEM = BankItem(id="gateway", kind=ItemKind.SHOULD_NOT_REFUSE, prompt="(gateway)")


class JudgeScanner(ScannerBase):
    """Runs a judge on the text and applies ``action`` when its label is in ``labels``.

    Judges with a synchronous ``classify(text)`` (keyword, refusal) run inline; others are
    awaited through ``judge(attempt)`` as a concurrent task.
    """

    def __init__(self, name: str, judge: Judge, config: JudgeScannerConfig) -> None:
        super().__init__(name, on_error=config.on_error, timeout_s=config.timeout_ms / 1000)
        unknown = sorted(set(config.labels) - set(judge.labels))
        if unknown:
            raise ValueError(f"judge {judge.name!r} has no label {unknown[0]!r} ({judge.labels})")
        self.judge = judge
        self.config = config
        self.version = f"{judge.name}-{judge.version}"
        self._classify = getattr(judge, "classify", None)
        self.inline = callable(self._classify)
        self._labels = frozenset(config.labels)

    @classmethod
    def from_config(cls, name: str, config: JudgeScannerConfig, base_dir: Path) -> JudgeScanner:
        """Build the named judge; relative keyword paths are against hegui.yaml."""
        options: dict[str, Any] = dict(config.options)
        for key in ("keywords", "library"):
            value = options.get(key)
            if isinstance(value, str):
                options[key] = _resolve(value, base_dir)
            elif isinstance(value, list):
                options[key] = [_resolve(str(v), base_dir) for v in value]
        return cls(name, build_judge(config.judge, **options), config)

    def check_many(self, texts: Sequence[str]) -> list[ScanResult]:
        """See :class:`~hegui.gateway.scanners.base.InlineScanner` (judges with ``classify``)."""
        if self._classify is None:
            return super().check_many(texts)
        return [self._result(self._classify(text)) for text in texts]

    async def scan(self, text: str) -> ScanResult:
        """See :class:`~hegui.gateway.scanners.base.Scanner`."""
        if self._classify is not None:
            return self.check_many([text])[0]
        response = TargetResponse(text=text, latency_s=0.0)
        verdict = await self.judge.judge(Attempt(run_id="gateway", item=_ITEM, response=response))
        return self._result(verdict)

    def _result(self, verdict: Verdict) -> ScanResult:
        if verdict.label not in self._labels:
            return ALLOWED
        reason = (f"judge:{self.judge.name}:{verdict.label}",)
        return ScanResult(self.config.action, verdict.score, None, reason)


def _resolve(value: str, base_dir: Path) -> str:
    path = Path(value)
    return str(path if path.is_absolute() else base_dir / path)
