"""The scanner protocol: one text in, one :class:`~hegui.gateway.records.ScanResult` out."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Literal, Protocol, runtime_checkable

from hegui.gateway.records import ScanResult


@runtime_checkable
class Scanner(Protocol):
    """Checks one text for one kind of problem.

    ``inline`` scanners are quick and synchronous (the keyword automaton, a linear classifier;
    see :class:`InlineScanner`): the chain runs them one after another on the event loop, in
    their order, and stops at the first that blocks — before any slower scanner has been
    started. Other scanners (an LLM guard over HTTP) run as concurrent tasks, cancelled when a
    block is found and at ``timeout_s``. ``lookahead`` is how many characters a streamed text
    must be held back so this scanner sees a finding whole (the longest keyword span, the
    longest PII number).

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


@runtime_checkable
class InlineScanner(Scanner, Protocol):
    """A scanner quick enough to run on the event loop (``inline`` true).

    The chain hands it the texts of all requests that reached it in one turn of the event loop
    at once: a keyword scan or a classifier costs little more for twenty short texts than for
    one, so under load the gateway checks many texts for the price of a few.
    """

    def check_many(self, texts: Sequence[str]) -> list[ScanResult]:
        """One result per text, in order; raises on failure (for the whole call)."""
        ...


class ScannerBase:
    """Common attributes from a scanner's configuration entry; an inline scanner implements
    :meth:`check_many` and gets :meth:`scan` from it."""

    version = "1"
    inline = True
    lookahead = 0

    def __init__(self, name: str, *, on_error: Literal["block", "allow"], timeout_s: float) -> None:
        self.name = name
        self.on_error: Literal["block", "allow"] = on_error
        self.timeout_s = timeout_s

    async def scan(self, text: str) -> ScanResult:
        """Check one text (an inline scanner: ``check_many([text])``)."""
        return self.check_many([text])[0]

    def check_many(self, texts: Sequence[str]) -> list[ScanResult]:
        """Check texts synchronously (inline scanners only)."""
        raise NotImplementedError(f"{type(self).__name__} is not an inline scanner")
