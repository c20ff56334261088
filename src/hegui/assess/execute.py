"""Execution: ask every planned item not yet answered, judge, store; bounded concurrency.

Each answer and its verdicts are committed together before the item counts as done, so a kill at
any moment loses at most the requests in flight, and ``--resume`` asks only what has no answer.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import time
from collections import deque
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field

from hegui.errors import TargetError
from hegui.judges.base import Judge
from hegui.records import UNSCORED, Attempt, ItemKind, TargetResponse, Verdict
from hegui.store import AnswerRecord, ErrorRecord, GroupCommitWriter, PlannedItem, RunStore
from hegui.targets.base import ContentFilteredError, Target

ProgressCallback = Callable[["ExecutionProgress"], None]


@dataclass
class ExecutionProgress:
    """Counts while a run executes (passed to the progress callback after every item)."""

    total: int
    already_done: int
    answered: int = 0
    cached: int = 0
    errors: int = 0
    error_messages: dict[str, int] = field(default_factory=dict)

    @property
    def done(self) -> int:
        return self.already_done + self.answered + self.errors


@dataclass(frozen=True)
class ExecutionResult:
    """How execution ended."""

    progress: ExecutionProgress
    aborted: bool
    """True when errors exceeded the error budget and the run stopped early."""
    seconds: float


def cache_key(target_identity: str, planned: PlannedItem) -> str:
    """Content key of a response: the target's identity, the conversation and the sample number."""
    turns = [[m.role, m.content] for m in planned.item.conversation()]
    payload = json.dumps([target_identity, turns, planned.sample], ensure_ascii=False)
    return hashlib.sha256(payload.encode()).hexdigest()


async def judge_attempt(judges: Sequence[Judge], attempt: Attempt) -> list[Verdict]:
    """Run each judge on an attempt; a crashing judge yields an unscored verdict, not lost data."""
    verdicts = []
    for judge in judges:
        try:
            verdicts.append(await judge.judge(attempt))
        except Exception as exc:  # a judge bug must not lose the stored answer
            verdicts.append(
                Verdict(
                    label=UNSCORED,
                    judge=judge.name,
                    judge_version=judge.version,
                    rationale=f"judge failed: {exc.__class__.__name__}: {exc}",
                )
            )
    return verdicts


async def execute(
    store: RunStore,
    run_id: str,
    plan: Sequence[PlannedItem],
    target: Target,
    judges: Mapping[ItemKind, Sequence[Judge]],
    *,
    concurrency: int,
    judging: int,
    error_limit: int,
    use_cache: bool = True,
    on_progress: ProgressCallback | None = None,
) -> ExecutionResult:
    """Answer every planned item that has no stored answer yet."""
    started = time.perf_counter()
    answered = store.answered_keys(run_id)
    todo = deque(p for p in plan if p.key not in answered)
    progress = ExecutionProgress(total=len(plan), already_done=len(plan) - len(todo))
    identity = target.info.identity
    keys = {p.key: cache_key(identity, p) for p in todo} if use_cache else {}
    cached = store.cached_responses(list(keys.values())) if use_cache else {}
    abort = asyncio.Event()

    async def answer(planned: PlannedItem, writer: GroupCommitWriter) -> None:
        key = keys.get(planned.key)
        hit = cached.get(key) if key else None
        try:
            response = (
                hit.model_copy(update={"cached": True})
                if hit is not None
                else await target.send(planned.item, planned.sample)
            )
        except ContentFilteredError as exc:
            # The service's own filter withheld the answer: an empty answer, judged as such.
            response = TargetResponse(text="", model=exc.model, finish_reason="content_filter")
        except TargetError as exc:
            message = str(exc) or exc.__class__.__name__
            await writer.write(ErrorRecord(run_id=run_id, key=planned.key, message=message))
            progress.errors += 1
            progress.error_messages[message] = progress.error_messages.get(message, 0) + 1
            if progress.errors > error_limit:
                abort.set()
            return
        attempt = Attempt(
            run_id=run_id, item=planned.item, sample=planned.sample, response=response
        )
        verdicts = await judge_attempt(judges.get(planned.item.kind, ()), attempt)
        await writer.write(
            AnswerRecord(
                run_id=run_id,
                judging=judging,
                key=planned.key,
                response=response,
                verdicts=verdicts,
                cache_key=key if hit is None else None,
            )
        )
        progress.answered += 1
        progress.cached += int(hit is not None)

    async def worker(writer: GroupCommitWriter) -> None:
        while todo and not abort.is_set():
            await answer(todo.popleft(), writer)
            if on_progress is not None:
                on_progress(progress)

    async with GroupCommitWriter(store) as writer:
        workers = [asyncio.create_task(worker(writer)) for _ in range(min(concurrency, len(todo)))]
        try:
            await asyncio.gather(*workers)
        finally:
            for task in workers:
                task.cancel()
            await asyncio.gather(*workers, return_exceptions=True)
    return ExecutionResult(
        progress=progress, aborted=abort.is_set(), seconds=time.perf_counter() - started
    )
