"""Group commit: async workers hand rows to one writer thread that commits them in batches.

A worker awaits its row's commit, so an answer counts as done only once it is durable; rows that
arrive while a commit is in flight share the next transaction, which keeps SQLite and PostgreSQL
off the event loop and fast at high concurrency.
"""

from __future__ import annotations

import asyncio
import queue
import threading
from dataclasses import dataclass

from hegui.errors import StoreError
from hegui.store.store import AnswerRecord, ErrorRecord, RunStore


@dataclass(slots=True)
class _Pending:
    record: AnswerRecord | ErrorRecord
    future: asyncio.Future[None]


_STOP = object()
_MAX_BATCH = 512


class GroupCommitWriter:
    """Serialises writes to a :class:`RunStore` from async code. Use as an async context manager."""

    def __init__(self, store: RunStore):
        self._store = store
        self._queue: queue.SimpleQueue[_Pending | object] = queue.SimpleQueue()
        self._thread = threading.Thread(target=self._run, name="hegui-store-writer", daemon=True)
        self._loop: asyncio.AbstractEventLoop | None = None

    async def __aenter__(self) -> GroupCommitWriter:
        self._loop = asyncio.get_running_loop()
        self._thread.start()
        return self

    async def __aexit__(self, *exc: object) -> None:
        self._queue.put(_STOP)
        await asyncio.to_thread(self._thread.join)

    async def write(self, record: AnswerRecord | ErrorRecord) -> None:
        """Store ``record`` in the next transaction and return once it is committed."""
        assert self._loop is not None, "use GroupCommitWriter as an async context manager"
        future: asyncio.Future[None] = self._loop.create_future()
        self._queue.put(_Pending(record, future))
        await future

    def _run(self) -> None:
        stopping = False
        while not stopping:
            first = self._queue.get()
            if first is _STOP:
                return
            batch = [first]
            while len(batch) < _MAX_BATCH:
                try:
                    nxt = self._queue.get_nowait()
                except queue.Empty:
                    break
                if nxt is _STOP:
                    stopping = True
                    break
                batch.append(nxt)
            pending = [p for p in batch if isinstance(p, _Pending)]
            error: BaseException | None = None
            try:
                with self._store.engine.begin() as conn:
                    self._store.write_records(conn, [p.record for p in pending])
            except Exception as exc:  # reported to every waiting worker, never swallowed
                error = StoreError(f"writing to the run store failed: {exc}")
            for p in pending:
                self._resolve(p.future, error)

    def _resolve(self, future: asyncio.Future[None], error: BaseException | None) -> None:
        assert self._loop is not None

        def settle() -> None:
            if future.done():
                return
            if error is None:
                future.set_result(None)
            else:
                future.set_exception(error)

        self._loop.call_soon_threadsafe(settle)
