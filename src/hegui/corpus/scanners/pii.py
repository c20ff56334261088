"""PII scanner over :mod:`hegui.text.pii` (reports counts, never the values)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

from hegui.corpus.document import Document, Flag
from hegui.corpus.scanners.base import REASONS, ReasonInfo
from hegui.text.pii import PiiDetector, PiiKind

PII_REASONS: dict[PiiKind, str] = {kind: f"pii_{kind.value}" for kind in PiiKind}


class PiiScanner:
    """Flags ``pii_id_card``, ``pii_mobile``, ``pii_bank_card`` and ``pii_email`` (risk A.4.6)."""

    name = "pii"
    version = "1"

    def __init__(self, detector: PiiDetector | None = None) -> None:
        self.detector = detector or PiiDetector()

    def reasons(self) -> Sequence[ReasonInfo]:
        return [REASONS[r] for r in PII_REASONS.values()]

    def scan(self, doc: Document) -> list[Flag]:
        found = self.detector.find(doc.text)
        if not found:
            return []
        counts = Counter(m.kind for m in found)
        return [Flag(PII_REASONS[kind], "A.4.6", n) for kind, n in counts.items()]
