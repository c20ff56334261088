"""The gateway's event writer: a queue drained in batches by one background task.

Requests never wait for the database: they enqueue their event and go on. One task takes up to
``batch_size`` events (or whatever arrived within ``flush_interval_ms``), hashes them onto the
chain and inserts them in one transaction in a worker thread. When the database fails, the
events stay queued and the write is retried with backoff; the writer reports itself unhealthy,
and once the queue is full new requests are refused (``log.fail_closed``) rather than served
without a record.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections import deque
from typing import Any

from sqlalchemy import Engine
from sqlalchemy.exc import IntegrityError, SQLAlchemyError

from hegui.gateway.eventlog import ChainHead, Event, append, load_head

log = logging.getLogger("hegui.gateway.events")


class EventWriter:
    """See the module docstring. Start with :meth:`start`, stop with :meth:`aclose`."""

    def __init__(
        self,
        engine: Engine,
        chain_id: str,
        *,
        batch_size: int = 256,
        flush_interval_s: float = 0.05,
        max_queue: int = 50_000,
    ) -> None:
        self.engine = engine
        self.chain_id = chain_id
        self.batch_size = batch_size
        self.flush_interval_s = flush_interval_s
        self.max_queue = max_queue
        self.written = 0
        self.failures = 0
        self.healthy = True
        self.last_error: str | None = None
        self._queue: deque[tuple[Event, dict[str, Any] | None]] = deque()
        self._wake = asyncio.Event()
        self._idle = asyncio.Event()
        self._idle.set()
        self._task: asyncio.Task[None] | None = None
        self._head: ChainHead | None = None
        self._closing = False

    @property
    def depth(self) -> int:
        """Events waiting to be written."""
        return len(self._queue)

    @property
    def full(self) -> bool:
        """Whether the queue has reached ``max_queue`` (new requests should be refused)."""
        return len(self._queue) >= self.max_queue

    async def start(self) -> None:
        """Load the chain's head and start the background task."""
        self._head = await asyncio.to_thread(load_head, self.engine, self.chain_id)
        self._task = asyncio.create_task(self._run(), name="hegui-event-writer")

    def submit(self, event: Event, content: dict[str, Any] | None = None) -> None:
        """Queue an event (and its retained-content row); never blocks."""
        self._queue.append((event, content))
        self._idle.clear()
        self._wake.set()

    async def flush(self) -> None:
        """Wait until everything queued so far is written."""
        if self._task is None or self._task.done():
            return
        await self._idle.wait()

    async def aclose(self, timeout_s: float = 10.0) -> None:
        """Write what is queued (up to ``timeout_s``), then stop."""
        self._closing = True
        self._wake.set()
        task, self._task = self._task, None
        if task is None:
            return
        try:
            await asyncio.wait_for(asyncio.shield(task), timeout_s)
        except TimeoutError:
            log.error("event writer: %d events not written at shutdown", len(self._queue))
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task

    async def _run(self) -> None:
        backoff = 0.1
        while True:
            if not self._queue:
                self._idle.set()
                if self._closing:
                    return
                self._wake.clear()
                await self._wake.wait()
                continue
            if len(self._queue) < self.batch_size and not self._closing:
                await asyncio.sleep(self.flush_interval_s)  # let a batch gather
            batch = [self._queue[i] for i in range(min(self.batch_size, len(self._queue)))]
            try:
                await asyncio.to_thread(self._write, batch)
            except (SQLAlchemyError, OSError) as exc:
                self.failures += 1
                self.healthy = False
                # the driver's message only: SQLAlchemy's own adds the statement and parameters
                self.last_error = f"{type(exc).__name__}: {str(getattr(exc, 'orig', exc))[:200]}"
                log.error("event writer: cannot write %d events: %s", len(batch), self.last_error)
                if self._closing and self.failures > 3:
                    log.error("event writer: giving up with %d events queued", len(self._queue))
                    return
                await asyncio.sleep(backoff)
                backoff = min(backoff * 2, 5.0)
                continue
            for _ in batch:
                self._queue.popleft()
            self.written += len(batch)
            self.healthy = True
            self.last_error = None
            backoff = 0.1

    def _write(self, batch: list[tuple[Event, dict[str, Any] | None]]) -> None:
        events = [e for e, _ in batch]
        content = [c for _, c in batch if c is not None]
        head = self._head or load_head(self.engine, self.chain_id)
        try:
            self._head = append(self.engine, self.chain_id, events, head, content=content)
        except IntegrityError:
            # Someone else appended to this chain (a second instance with the same chain_id):
            # continue after their events rather than fork the chain.
            log.warning("event writer: chain %r moved under us; is chain_id unique?", self.chain_id)
            self._head = load_head(self.engine, self.chain_id)
            self._head = append(self.engine, self.chain_id, events, self._head, content=content)
