"""Decisions of the gateway's scanner chains.

These run once per scanner per request (and once per window of a stream), so they are slotted,
frozen dataclasses rather than pydantic models: building one costs a fraction of a microsecond.
What leaves the process (events, API bodies) is pydantic; see :mod:`hegui.gateway.events`.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any, Literal


class Action(StrEnum):
    """What a scanner (and a chain) decides about a text, from mildest to strongest.

    ``allow`` passes it; ``flag`` passes it and marks the event for review; ``redact`` passes it
    with spans replaced; ``canned`` replaces the whole answer with a canned safe answer (代答);
    ``block`` refuses (input: an error; output: the refusal message).
    """

    ALLOW = "allow"
    FLAG = "flag"
    REDACT = "redact"
    CANNED = "canned"
    BLOCK = "block"

    @property
    def rank(self) -> int:
        """Order of strength: the strongest action of a chain's scanners wins."""
        return _RANK[self]

    @property
    def stops(self) -> bool:
        """Whether this action ends the request's normal path (no need to run more scanners)."""
        return self is Action.CANNED or self is Action.BLOCK


_RANK = {Action.ALLOW: 0, Action.FLAG: 1, Action.REDACT: 2, Action.CANNED: 3, Action.BLOCK: 4}

Stage = Literal["input", "output"]
OutcomeStatus = Literal["ok", "error", "timeout", "cancelled"]


@dataclass(frozen=True, slots=True)
class Redaction:
    """Replace ``text[start:end]`` with ``replacement``."""

    start: int
    end: int
    replacement: str


@dataclass(frozen=True, slots=True)
class ScanResult:
    """One scanner's finding on one text.

    ``reasons`` name rules and risk codes, never the matched text (privacy by default).
    ``score`` is the scanner's confidence in [0, 1] when it has one.
    """

    action: Action
    score: float | None = None
    risk: str | None = None
    reasons: tuple[str, ...] = ()
    redactions: tuple[Redaction, ...] = ()


ALLOWED = ScanResult(Action.ALLOW)
"""The result of a scanner that found nothing (shared)."""


@dataclass(frozen=True, slots=True)
class ScannerOutcome:
    """What one scanner contributed to a chain decision, including how it ended."""

    scanner: str
    status: OutcomeStatus
    action: Action
    elapsed_ms: float
    score: float | None = None
    risk: str | None = None
    reasons: tuple[str, ...] = ()
    error: str | None = None
    """Exception type and message (never content) when ``status`` is ``error``/``timeout``."""
    redactions: tuple[Redaction, ...] = ()
    """Spans to replace, when the action is ``redact`` (not stored: they locate content)."""

    def to_json(self) -> dict[str, Any]:
        """The outcome as stored in the event log."""
        data: dict[str, Any] = {
            "scanner": self.scanner,
            "status": self.status,
            "action": self.action.value,
            "ms": round(self.elapsed_ms, 3),
        }
        if self.score is not None:
            data["score"] = round(self.score, 4)
        if self.risk:
            data["risk"] = self.risk
        if self.reasons:
            data["reasons"] = list(self.reasons)
        if self.error:
            data["error"] = self.error
        return data


@dataclass(frozen=True, slots=True)
class ChainDecision:
    """The decision of an input or output chain on one text."""

    stage: Stage
    action: Action
    risk: str | None = None
    outcomes: tuple[ScannerOutcome, ...] = ()
    redactions: tuple[Redaction, ...] = ()
    elapsed_ms: float = 0.0

    @property
    def errors(self) -> tuple[ScannerOutcome, ...]:
        """Outcomes of scanners that failed or timed out."""
        return tuple(o for o in self.outcomes if o.status in ("error", "timeout"))

    def summary(self) -> dict[str, Any]:
        """A compact JSON summary for the event log: action, risk and the scanners that acted."""
        data: dict[str, Any] = {"action": self.action.value, "ms": round(self.elapsed_ms, 3)}
        if self.risk:
            data["risk"] = self.risk
        acted = [o.to_json() for o in self.outcomes if o.action is not Action.ALLOW or o.error]
        if acted:
            data["scanners"] = acted
        return data


@dataclass(slots=True)
class DecisionTally:
    """The strongest decision seen over several chain runs (the windows of a stream, the
    choices of a completion), with the number of checks made."""

    stage: Stage
    action: Action = Action.ALLOW
    risk: str | None = None
    checks: int = 0
    acted: list[dict[str, Any]] = field(default_factory=list)
    elapsed_ms: float = 0.0

    def add(self, decision: ChainDecision) -> None:
        """Fold one decision in."""
        self.checks += 1
        self.elapsed_ms += decision.elapsed_ms
        if decision.action.rank > self.action.rank:
            self.action, self.risk = decision.action, decision.risk
        # bound the event's size on long streams: the first few decisions that did something
        acted = decision.action is not Action.ALLOW or decision.errors
        if acted and len(self.acted) < 8:
            self.acted.append(decision.summary())

    def summary(self) -> dict[str, Any]:
        """A compact JSON summary for the event log."""
        data: dict[str, Any] = {
            "action": self.action.value,
            "checks": self.checks,
            "ms": round(self.elapsed_ms, 3),
        }
        if self.risk:
            data["risk"] = self.risk
        if self.acted:
            data["decisions"] = self.acted
        return data


def strongest(actions: Iterable[Action]) -> Action:
    """The strongest of some actions (``allow`` when there are none)."""
    best = Action.ALLOW
    for action in actions:
        if action.rank > best.rank:
            best = action
    return best


def apply_redactions(text: str, redactions: Iterable[Redaction]) -> str:
    """``text`` with the redactions applied; overlapping spans are merged (the first
    replacement of a merged group is used)."""
    spans = sorted(redactions, key=lambda r: (r.start, -r.end))
    if not spans:
        return text
    parts: list[str] = []
    pos = 0
    current: Redaction | None = None
    for r in spans:
        if current is not None and r.start < current.end:
            if r.end > current.end:
                current = Redaction(current.start, r.end, current.replacement)
            continue
        if current is not None:
            parts.append(current.replacement)
            pos = current.end
        parts.append(text[pos : r.start])
        current = r
    if current is not None:
        parts.append(current.replacement)
        pos = current.end
    parts.append(text[pos:])
    return "".join(parts)
