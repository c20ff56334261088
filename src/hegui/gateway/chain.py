"""A scanner chain: every scanner checks the text; the strongest action wins.

Inline scanners run first, one after another on the event loop (they take microseconds), and
the chain stops at the first that blocks or answers with a canned reply — before a slower
scanner has been started, so a keyword hit never costs an LLM call. The other scanners run as
concurrent tasks; the first block cancels the rest. A scanner that raises or runs past its
timeout gets its ``on_error`` action (``block`` by default: fail closed), and the failure is
always logged (type and message only, never the text) and counted.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable, Sequence

from hegui.gateway.records import (
    Action,
    ChainDecision,
    Redaction,
    ScannerOutcome,
    Stage,
)
from hegui.gateway.scanners.base import Scanner

log = logging.getLogger("hegui.gateway.chain")

OutcomeHook = Callable[[Stage, ScannerOutcome], None]
"""Called for every scanner outcome (metrics)."""


class Chain:
    """An ordered set of scanners for one stage (``input`` or ``output``)."""

    def __init__(
        self,
        stage: Stage,
        scanners: Sequence[Scanner],
        *,
        on_outcome: OutcomeHook | None = None,
    ) -> None:
        self.stage: Stage = stage
        self.scanners = tuple(scanners)
        self.inline = tuple(s for s in scanners if s.inline)
        self.concurrent = tuple(s for s in scanners if not s.inline)
        self.lookahead = max((s.lookahead for s in scanners), default=0)
        self._hook = on_outcome

    def __bool__(self) -> bool:
        return bool(self.scanners)

    def extended(self, more: Sequence[Scanner]) -> Chain:
        """This chain with more scanners after its own (e.g. the stricter minors policy)."""
        return Chain(self.stage, [*self.scanners, *more], on_outcome=self._hook)

    async def run(self, text: str) -> ChainDecision:
        """Check ``text`` with every scanner (see the module docstring)."""
        if not self.scanners:
            return ChainDecision(self.stage, Action.ALLOW)
        start = time.perf_counter()
        outcomes: list[ScannerOutcome] = []
        stopped = False
        for scanner in self.inline:
            outcome = await self._run_one(scanner, text)
            outcomes.append(outcome)
            if outcome.action.stops:
                stopped = True
                break
        if self.concurrent:
            if stopped:
                outcomes.extend(_cancelled(s) for s in self.concurrent)
            else:
                outcomes.extend(await self._run_concurrent(text))
        for outcome in outcomes:
            if self._hook is not None:
                self._hook(self.stage, outcome)
        return _decide(self.stage, outcomes, (time.perf_counter() - start) * 1000)

    async def _run_concurrent(self, text: str) -> list[ScannerOutcome]:
        tasks = {asyncio.create_task(self._run_one(s, text)): s for s in self.concurrent}
        outcomes: list[ScannerOutcome] = []
        pending = set(tasks)
        try:
            while pending:
                done, pending = await asyncio.wait(pending, return_when=asyncio.FIRST_COMPLETED)
                for task in done:
                    outcomes.append(task.result())
                if any(o.action.stops for o in outcomes):
                    for task in pending:
                        task.cancel()
                        outcomes.append(_cancelled(tasks[task]))
                    break
        finally:
            for task in pending:
                task.cancel()
        return outcomes

    async def _run_one(self, scanner: Scanner, text: str) -> ScannerOutcome:
        start = time.perf_counter()
        try:
            if scanner.inline:
                result = await scanner.scan(text)
            else:
                result = await asyncio.wait_for(scanner.scan(text), scanner.timeout_s)
        except TimeoutError:
            return self._failed(
                scanner, "timeout", f"no answer within {scanner.timeout_s:g} s", start
            )
        except asyncio.CancelledError:
            raise
        except Exception as exc:  # any scanner failure is handled by on_error, never leaked
            message = f"{type(exc).__name__}: {_without_content(str(exc), text)}"
            return self._failed(scanner, "error", message, start)
        return ScannerOutcome(
            scanner=scanner.name,
            status="ok",
            action=result.action,
            elapsed_ms=(time.perf_counter() - start) * 1000,
            score=result.score,
            risk=result.risk,
            reasons=result.reasons,
            redactions=result.redactions,
        )

    def _failed(self, scanner: Scanner, status: str, message: str, start: float) -> ScannerOutcome:
        action = Action.BLOCK if scanner.on_error == "block" else Action.ALLOW
        log.warning(
            "%s scanner %r %s (%s); applying on_error=%s",
            self.stage,
            scanner.name,
            "timed out" if status == "timeout" else "failed",
            message[:300],
            scanner.on_error,
        )
        return ScannerOutcome(
            scanner=scanner.name,
            status="timeout" if status == "timeout" else "error",
            action=action,
            elapsed_ms=(time.perf_counter() - start) * 1000,
            reasons=(f"fail-{scanner.on_error}",),
            error=message[:300],
        )


def _without_content(message: str, text: str, *, run: int = 8) -> str:
    """An exception message, unless it quotes the scanned text (then only its length): failure
    messages go to logs and events, which never hold content."""
    message = message[:300]
    for i in range(len(message) - run + 1):
        if message[i : i + run] in text:
            return f"(message withheld: it quotes the text; {len(message)} chars)"
    return message


def _cancelled(scanner: Scanner) -> ScannerOutcome:
    return ScannerOutcome(
        scanner=scanner.name, status="cancelled", action=Action.ALLOW, elapsed_ms=0.0
    )


def _decide(stage: Stage, outcomes: list[ScannerOutcome], elapsed_ms: float) -> ChainDecision:
    best = Action.ALLOW
    risk: str | None = None
    for outcome in outcomes:
        if outcome.action.rank > best.rank:
            best, risk = outcome.action, outcome.risk
    redactions: tuple[Redaction, ...] = ()
    if best is Action.REDACT:
        redactions = tuple(r for o in outcomes for r in o.redactions)
    return ChainDecision(stage, best, risk, tuple(outcomes), redactions, elapsed_ms)
