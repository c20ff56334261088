"""Run the mock server in a child process (for tests that kill and resume a run, benchmarks)."""

from __future__ import annotations

import json
import os
import selectors
import subprocess
import sys
import tempfile
import urllib.request
from collections.abc import Sequence
from types import TracebackType
from typing import IO, Any

from hegui.errors import HeguiError


class MockServerProcess:
    """``python -m hegui.targets.mock_server ARGS`` as a context manager.

    Entering starts the process and waits (up to ``start_timeout_s``) for the base URL it
    prints; leaving terminates it. ``stats()`` fetches ``/stats`` over HTTP. Example::

        with MockServerProcess(["--latency-ms", "50"]) as server:
            run_assessment(base_url=server.url)
            assert max(server.stats()["by_prompt"].values()) == 1
    """

    def __init__(self, args: Sequence[str] = (), *, start_timeout_s: float = 20.0) -> None:
        self.args = list(args)
        self.start_timeout_s = start_timeout_s
        self.url = ""
        self.process: subprocess.Popen[str] | None = None
        self._stderr: IO[bytes] | None = None

    def start(self) -> str:
        """Start the process; return its base URL (``http://127.0.0.1:PORT/v1``)."""
        command = [sys.executable, "-m", "hegui.targets.mock_server", *self.args]
        env = {**os.environ, "PYTHONUNBUFFERED": "1"}
        # stderr goes to a file, not a pipe: nobody reads it while the server runs, and a full
        # pipe would block the server.
        self._stderr = tempfile.TemporaryFile()  # noqa: SIM115 - closed in _close_pipes
        self.process = proc = subprocess.Popen(
            command, stdout=subprocess.PIPE, stderr=self._stderr, text=True, env=env
        )
        assert proc.stdout is not None
        with selectors.DefaultSelector() as selector:
            selector.register(proc.stdout, selectors.EVENT_READ)
            ready = selector.select(self.start_timeout_s)
        line = proc.stdout.readline().strip() if ready else ""
        if not line.startswith("http"):
            self.stop()
            self._stderr.seek(0)
            stderr = self._stderr.read().decode(errors="replace").strip()
            self._close_pipes()
            raise HeguiError(f"the mock server did not start: {line or stderr}")
        self.url = line
        return line

    def stats(self) -> dict[str, Any]:
        """The server's ``/stats`` document."""
        root = self.url.removesuffix("/v1")
        with urllib.request.urlopen(f"{root}/stats", timeout=10) as resp:
            data: dict[str, Any] = json.load(resp)
        return data

    def stop(self) -> None:
        """Terminate the process (SIGTERM, then SIGKILL after 5 s)."""
        proc = self.process
        if proc is None or proc.poll() is not None:
            return
        proc.terminate()
        try:
            proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()

    def __enter__(self) -> MockServerProcess:
        self.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()
        self._close_pipes()

    def _close_pipes(self) -> None:
        if self.process is not None and self.process.stdout is not None:
            self.process.stdout.close()
        if self._stderr is not None:
            self._stderr.close()
