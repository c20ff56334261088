"""Harm scanner: the assessment's harm judge (hegui.judges.harm) over a document's windows.

The judge reads at most a few hundred tokens of a text, and training documents are often far
longer, so a document is judged in windows of ``window`` characters (cut at a sentence end when
one is near). A window judged harmful flags ``harm`` with the router's Appendix A code; a window
in the judge's unsure band flags ``harm_unsure`` (a prompt for the manual sample, never a
violation by default). Texts in languages the judge does not know are not flagged.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator, Sequence

from hegui.corpus.document import Document, Flag
from hegui.corpus.scanners.base import REASONS, ReasonInfo
from hegui.judges.harm import HARMFUL, HarmJudge
from hegui.records import UNSCORED

_ENDS = "。！？!?\n"


def windows(text: str, size: int) -> Iterator[str]:
    """``text`` in consecutive pieces of at most ``size`` characters, each ending at the last
    sentence end of its second half when there is one."""
    start = 0
    while start < len(text):
        end = min(start + size, len(text))
        if end < len(text):
            cut = max(text.rfind(c, start + size // 2, end) for c in _ENDS)
            end = cut + 1 if cut >= 0 else end
        yield text[start:end]
        start = end


class HarmScanner:
    """Flags ``harm`` (risk code from the judge's router; ``A`` when unclear) and
    ``harm_unsure``, counting windows. Enabled by the audit option ``harm: true``."""

    name = "harm"

    def __init__(self, judge: HarmJudge | None = None, *, window: int = 300) -> None:
        if window < 50:
            raise ValueError(f"harm scanner window must be at least 50 characters, not {window}")
        self.judge = judge or HarmJudge()
        self.window = window
        self.version = f"harm-judge {self.judge.version}"

    def reasons(self) -> Sequence[ReasonInfo]:
        return [REASONS["harm"], REASONS["harm_unsure"]]

    def scan(self, doc: Document) -> list[Flag]:
        counts: Counter[tuple[str, str | None]] = Counter()
        for piece in windows(doc.text, self.window):
            verdict = self.judge.analyse(piece)
            if verdict.label == HARMFUL:
                counts["harm", verdict.risk or "A"] += 1
            elif verdict.label == UNSCORED and verdict.p_harmful is not None:
                counts["harm_unsure", None] += 1
        return [Flag(reason, risk, n) for (reason, risk), n in counts.items()]
