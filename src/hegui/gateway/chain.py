"""A scanner chain: every scanner checks the text; the strongest action wins.

Inline scanners run first, one after another on the event loop (they take microseconds), and
the chain stops at the first that blocks or answers with a canned reply — before a slower
scanner has been started, so a keyword hit never costs an LLM call. Under load inline checks
are batched: the texts of every request that reaches the chain in one turn of the event loop
are checked together in the next (one keyword scan, one featurisation for all of them), which
costs a fraction of checking them one by one; an idle chain checks a text at once. The
other scanners run as concurrent tasks; the first block cancels the rest. A scanner that raises
or runs past its timeout gets its ``on_error`` action (``block`` by default: fail closed), and
the failure is always logged (type and message only, never the text) and counted.
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
    ScanResult,
    Stage,
)
from hegui.gateway.scanners.base import InlineScanner, Scanner

log = logging.getLogger("hegui.gateway.chain")

_BATCH_CHARS = 200_000
"""Most characters checked in one inline call (the keyword scan wants batches of a few MB at
most; this also bounds how long one call holds the event loop)."""

_WARM_UP_TEXT = "你好，请介绍一下今天的天气。Hello, what is the weather like today?"

OutcomeHook = Callable[[Stage, ScannerOutcome], None]
"""Called for every scanner outcome (metrics)."""


class Chain:
    """An ordered set of scanners for one stage (``input`` or ``output``), serving one event
    loop at a time."""

    def __init__(
        self,
        stage: Stage,
        scanners: Sequence[Scanner],
        *,
        on_outcome: OutcomeHook | None = None,
    ) -> None:
        self.stage: Stage = stage
        self.scanners = tuple(scanners)
        self.inline = tuple(_inline(s) for s in scanners if s.inline)
        self.concurrent = tuple(s for s in scanners if not s.inline)
        self.lookahead = max((s.lookahead for s in scanners), default=0)
        self._hook = on_outcome
        self._loop: asyncio.AbstractEventLoop | None = None
        self._waiting: list[tuple[str, asyncio.Future[list[ScannerOutcome]]]] = []
        self._asked = 0  # texts asked for in this turn of the loop
        self._busy = False  # whether the last turn had more than one
        self._watching = False  # whether an _end_turn is scheduled

    def __bool__(self) -> bool:
        return bool(self.scanners)

    def extended(self, more: Sequence[Scanner]) -> Chain:
        """This chain with more scanners after its own (e.g. the stricter minors policy)."""
        return Chain(self.stage, [*self.scanners, *more], on_outcome=self._hook)

    def warm_up(self, text: str = _WARM_UP_TEXT) -> None:
        """Check a sample text with each inline scanner once, outside the request path (no
        outcome, no metrics): what they build on first use (the classifier's dense index and
        fold table, about 50 ms; the keyword engine's scratch space) is then built before the
        first request. A scanner that fails here is logged; requests get its ``on_error``."""
        for scanner in self.inline:
            try:
                scanner.check_many([text])
            except Exception as exc:  # the request path handles failures; here only report
                log.warning(
                    "%s scanner %r failed its warm-up check (%s); requests will get on_error=%s",
                    self.stage,
                    scanner.name,
                    type(exc).__name__,
                    scanner.on_error,
                )

    async def run(self, text: str) -> ChainDecision:
        """Check ``text`` with every scanner (see the module docstring)."""
        if not self.scanners:
            return ChainDecision(self.stage, Action.ALLOW)
        start = time.perf_counter()
        outcomes = await self._inline_outcomes(text) if self.inline else []
        if self.concurrent:
            if outcomes and outcomes[-1].action.stops:
                outcomes.extend(_cancelled(s) for s in self.concurrent)
            else:
                outcomes.extend(await self._run_concurrent(text))
        for outcome in outcomes:
            if self._hook is not None:
                self._hook(self.stage, outcome)
        return _decide(self.stage, outcomes, (time.perf_counter() - start) * 1000)

    # -- inline scanners, batched ----------------------------------------------------------------

    async def _inline_outcomes(self, text: str) -> list[ScannerOutcome]:
        """The inline scanners' outcomes for ``text``: at once when the chain is idle, else in
        the next turn of the event loop together with every other text that asks before then.

        Idle means the last turn saw at most one text: the first of a turn goes at once (a
        batch would only add a turn's wait), and from the second on they are batched. A busy
        chain becomes idle after the first turn that saw at most one text (a lone text after a
        quiet spell never waits for a batch)."""
        loop = asyncio.get_running_loop()
        if loop is not self._loop:  # another loop than before (a restart): its batch is gone
            self._loop, self._waiting, self._asked, self._busy = loop, [], 0, False
            self._watching = False
        if not self._watching:
            self._watching = True
            loop.call_soon(self._end_turn)
        self._asked += 1
        if self._asked == 1 and not self._busy:
            return self._check_inline([text])[0]
        future: asyncio.Future[list[ScannerOutcome]] = loop.create_future()
        if not self._waiting:
            loop.call_soon(self._check_waiting)
        self._waiting.append((text, future))
        return await future

    def _end_turn(self) -> None:
        """At the end of a turn that saw texts: busy if it saw more than one; a busy chain
        watches the next turn too, so it turns idle as soon as one is quiet."""
        self._busy, self._asked = self._asked > 1, 0
        if self._busy and self._loop is not None:
            self._loop.call_soon(self._end_turn)
        else:
            self._watching = False

    def _check_waiting(self) -> None:
        waiting, self._waiting = self._waiting, []
        batch: list[tuple[str, asyncio.Future[list[ScannerOutcome]]]] = []
        size = 0
        for text, future in waiting:
            if future.done():  # the request was cancelled (its client went away)
                continue
            if batch and size + len(text) > _BATCH_CHARS:
                self._settle(batch)
                batch, size = [], 0
            batch.append((text, future))
            size += len(text)
        if batch:
            self._settle(batch)

    def _settle(self, batch: list[tuple[str, asyncio.Future[list[ScannerOutcome]]]]) -> None:
        try:
            results = self._check_inline([text for text, _ in batch])
        except Exception as exc:  # a bug here must fail these requests, not leave them waiting
            for _, future in batch:
                if not future.done():
                    future.set_exception(exc)
            return
        for (_, future), outcomes in zip(batch, results, strict=True):
            if not future.done():
                future.set_result(outcomes)

    def _check_inline(self, texts: list[str]) -> list[list[ScannerOutcome]]:
        """Each inline scanner in turn on the texts no earlier one has stopped."""
        outcomes: list[list[ScannerOutcome]] = [[] for _ in texts]
        live = list(range(len(texts)))
        for scanner in self.inline:
            found = self._check_each(scanner, [texts[i] for i in live])
            for i, outcome in zip(live, found, strict=True):
                outcomes[i].append(outcome)
            live = [i for i, outcome in zip(live, found, strict=True) if not outcome.action.stops]
            if not live:
                break
        return outcomes

    def _check_each(self, scanner: InlineScanner, texts: list[str]) -> list[ScannerOutcome]:
        """One outcome per text. ``elapsed_ms`` is the call's time shared out. When a call on
        several texts fails, each is checked alone: only a text that fails gets ``on_error``."""
        start = time.perf_counter()
        try:
            results = scanner.check_many(texts)
            if len(results) != len(texts):
                raise RuntimeError(f"{len(results)} results for {len(texts)} texts")
        except Exception as exc:  # any scanner failure is handled by on_error, never leaked
            if len(texts) > 1:
                return [self._check_each(scanner, [text])[0] for text in texts]
            message = f"{type(exc).__name__}: {_without_content(str(exc), texts[0])}"
            return [self._failed(scanner, "error", message, start)]
        each = (time.perf_counter() - start) * 1000 / len(texts)
        return [_outcome(scanner, result, each) for result in results]

    # -- concurrent scanners ---------------------------------------------------------------------

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
        return _outcome(scanner, result, (time.perf_counter() - start) * 1000)

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


def _inline(scanner: Scanner) -> InlineScanner:
    if not isinstance(scanner, InlineScanner):
        raise TypeError(f"scanner {scanner.name!r} is inline but has no check_many()")
    return scanner


def _outcome(scanner: Scanner, result: ScanResult, elapsed_ms: float) -> ScannerOutcome:
    return ScannerOutcome(
        scanner=scanner.name,
        status="ok",
        action=result.action,
        elapsed_ms=elapsed_ms,
        score=result.score,
        risk=result.risk,
        reasons=result.reasons,
        redactions=result.redactions,
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
