"""Server-sent events: split an upstream byte stream into event payloads, and write events.

The parser tolerates what OpenAI-compatible servers send in practice: comments (``: ping``),
``event:``/``id:`` lines, ``data:`` with or without a space, CRLF line ends, multi-line data and
chunk boundaries anywhere.
"""

from __future__ import annotations

from typing import Any

from hegui.targets.openai_wire import dumps

DONE = b"[DONE]"


class SseParser:
    """Incremental parser: :meth:`feed` bytes, get complete ``data`` payloads back."""

    __slots__ = ("_buffer", "_data")

    def __init__(self) -> None:
        self._buffer = b""
        self._data: list[bytes] = []

    def feed(self, chunk: bytes) -> list[bytes]:
        """Payloads of the events completed by ``chunk`` (``[DONE]`` included as is)."""
        data = self._buffer + chunk
        *lines, self._buffer = data.split(b"\n")
        events: list[bytes] = []
        for raw in lines:
            line = raw.rstrip(b"\r")
            if not line:
                if self._data:
                    events.append(b"\n".join(self._data))
                    self._data = []
            elif line.startswith(b"data:"):
                value = line[5:]
                value = value[1:] if value.startswith(b" ") else value
                if self._data and (value.startswith(b"{") or value == DONE):
                    # a server that omits the blank line between events
                    events.append(b"\n".join(self._data))
                    self._data = []
                self._data.append(value)
            # comments and event:/id:/retry: lines carry nothing the gateway forwards
        return events

    def close(self) -> list[bytes]:
        """Payloads left when the stream ended without a final blank line."""
        events = self.feed(b"\n\n") if self._buffer or self._data else []
        self._buffer = b""
        return events


def event(data: dict[str, Any]) -> bytes:
    """One ``data:`` event with a JSON payload."""
    return b"data: " + dumps(data) + b"\n\n"


DONE_EVENT = b"data: [DONE]\n\n"
