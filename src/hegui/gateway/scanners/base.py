"""The scanner protocol: one text in, one :class:`~hegui.gateway.records.ScanResult` out."""

from __future__ import annotations

from typing import Literal, Protocol, runtime_checkable

from hegui.gateway.records import ScanResult


@runtime_checkable
class Scanner(Protocol):
    """Checks one text for one kind of problem.

    ``inline`` scanners are quick and synchronous in effect (the keyword automaton, a linear
    classifier): the chain awaits them one after another on the event loop, cheapest first, and
    stops at the first that blocks — before any slower scanner has been started. Other scanners
    (an LLM guard over HTTP) run as concurrent tasks, cancelled when a block is found and at
    ``timeout_s``. ``lookahead`` is how many characters a streamed text must be held back so
    this scanner sees a finding whole (the longest keyword span, the longest PII number).

    ``scan`` raises on failure; the chain applies ``on_error`` (fail closed by default).
    """

    name: str
    version: str
    inline: bool
    lookahead: int
    on_error: Literal["block", "allow"]
    timeout_s: float

    async def scan(self, text: str) -> ScanResult:
        """Check ``text``."""
        ...


class ScannerBase:
    """Common attributes from a scanner's configuration entry."""

    version = "1"
    inline = True
    lookahead = 0

    def __init__(self, name: str, *, on_error: Literal["block", "allow"], timeout_s: float) -> None:
        self.name = name
        self.on_error: Literal["block", "allow"] = on_error
        self.timeout_s = timeout_s
