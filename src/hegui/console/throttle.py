"""Sign-in throttling: a name is locked for a while after repeated failures."""

from __future__ import annotations

import threading
import time

MAX_FAILURES = 5
LOCK_SECONDS = 15 * 60


class Throttle:
    """Locks a username for a while after repeated failed sign-ins (per process)."""

    def __init__(self) -> None:
        self._failures: dict[str, list[float]] = {}
        self._lock = threading.Lock()

    def locked(self, username: str) -> bool:
        """Whether ``username`` had too many recent failures."""
        now = time.monotonic()
        with self._lock:
            recent = [t for t in self._failures.get(username, []) if now - t < LOCK_SECONDS]
            self._failures[username] = recent
            return len(recent) >= MAX_FAILURES

    def failed(self, username: str) -> None:
        """Count a failed sign-in."""
        with self._lock:
            self._failures.setdefault(username, []).append(time.monotonic())

    def clear(self, username: str) -> None:
        """Forget the failures after a successful sign-in."""
        with self._lock:
            self._failures.pop(username, None)
