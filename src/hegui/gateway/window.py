"""The hold-back window that moderates streamed text before the client sees any of it.

Text from the model accumulates in ``pending``. A piece is released only after the output chain
has passed it, and only when it ends at a break (a sentence end or comma, once ``min_chars`` are
available) or reaches ``window_chars`` — and never the last ``holdback_chars`` characters before
the stream ends. Each check sees the last
``context_chars`` released characters too, so a keyword split across two pieces is found.

Why no character of a finding leaks: a keyword (or PII number) whose span in the original text is
at most ``holdback_chars + 1`` long cannot have its first character released before its last
character has arrived — until then it lies inside the held-back tail — and the check that runs
once it is complete sees it whole and stops the stream. ``holdback_chars`` defaults to the chain's
``lookahead`` (twice the longest keyword: evasive spellings put a separator between characters).
Sentence-level scanners (classifiers) see each piece with its context; a sentence longer than
``window_chars`` is released in parts, so their guarantee is per piece, not per sentence.
"""

from __future__ import annotations

from dataclasses import dataclass

from hegui.gateway.chain import Chain
from hegui.gateway.records import (
    Action,
    ChainDecision,
    DecisionTally,
    Redaction,
    apply_redactions,
)

SENTENCE_ENDS = "。！？!?；;\n…，,、"
"""Characters after which a piece may be released (sentence ends and commas)."""


@dataclass(frozen=True, slots=True)
class WindowPolicy:
    """How a stream is cut into checked pieces (see the module docstring)."""

    window_chars: int = 32
    """Release a piece without a break once this many characters are available."""
    min_chars: int = 8
    """Release at a break only once at least this many characters are available (fewer, larger
    checks)."""
    holdback_chars: int = 0
    """Never release the last this-many characters before the stream ends."""
    context_chars: int = 64
    """Released characters re-checked with each new piece."""
    sentence_ends: str = SENTENCE_ENDS


@dataclass(frozen=True, slots=True)
class WindowStep:
    """What one feed released; ``blocked`` holds the decision that stopped the stream."""

    released: str = ""
    blocked: ChainDecision | None = None


_NOTHING = WindowStep()


class StreamWindow:
    """One text channel of one streamed choice (its ``content``, its reasoning…)."""

    __slots__ = ("_chain", "_context", "_pending", "_policy", "_tally", "released_chars")

    def __init__(self, chain: Chain, policy: WindowPolicy, tally: DecisionTally) -> None:
        self._chain = chain
        self._policy = policy
        self._tally = tally
        self._pending = ""
        self._context = ""
        self.released_chars = 0

    @property
    def pending(self) -> str:
        """Text received and not yet released."""
        return self._pending

    async def feed(self, text: str) -> WindowStep:
        """Add text from the model; release what can be released after checking it."""
        if not text:
            return _NOTHING
        self._pending += text
        cut = self._cut()
        if not cut:
            return _NOTHING
        return await self._release(cut)

    async def finish(self) -> WindowStep:
        """The stream (or this choice) ended: check and release everything held."""
        if not self._pending:
            return _NOTHING
        return await self._release(len(self._pending))

    def _cut(self) -> int:
        pending, policy = self._pending, self._policy
        available = len(pending) - policy.holdback_chars
        if available <= 0:
            return 0
        if available >= policy.window_chars:
            return available
        if available < policy.min_chars:
            return 0
        end = max(pending.rfind(c, 0, available) for c in policy.sentence_ends)
        return end + 1 if end >= 0 else 0

    async def _release(self, cut: int) -> WindowStep:
        context, pending = self._context, self._pending
        if not self._chain:
            decision = None
        else:
            decision = await self._chain.run(context + pending)
            self._tally.add(decision)
            if decision.action.stops:
                return WindowStep(blocked=decision)
        piece = pending[:cut]
        if decision is not None and decision.action is Action.REDACT:
            piece, cut = _redact(pending, cut, decision.redactions, len(context))
        self._pending = pending[cut:]
        self._context = (context + piece)[-self._policy.context_chars :]
        self.released_chars += len(piece)
        return WindowStep(released=piece)


def _redact(
    pending: str, cut: int, redactions: tuple[Redaction, ...], offset: int
) -> tuple[str, int]:
    """The redacted piece to release and the (possibly extended) cut.

    Offsets of ``redactions`` index ``context + pending``; spans wholly inside the context were
    redacted when released. A span across the cut moves the cut to its end, so a number is
    never released half redacted.
    """
    spans: list[Redaction] = []
    for r in redactions:
        start, end = r.start - offset, r.end - offset
        if end <= 0:
            continue
        spans.append(Redaction(max(start, 0), end, r.replacement))
    for r in sorted(spans, key=lambda x: x.start):
        if r.start < cut < r.end:
            cut = r.end
    inside = [r for r in spans if r.end <= cut]
    return apply_redactions(pending[:cut], inside), cut
