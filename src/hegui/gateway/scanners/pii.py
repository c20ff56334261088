"""The personal-information scanner (hegui.text.pii): redacts or blocks ID, phone, card, e-mail."""

from __future__ import annotations

from collections.abc import Sequence

from hegui.gateway.records import ALLOWED, ScanResult
from hegui.gateway.records import Redaction as Span
from hegui.gateway.scanners.base import ScannerBase
from hegui.gateway.scanners.config import PiiScannerConfig
from hegui.text.pii import PiiDetector, PiiMatch

_LOOKAHEAD = 32
"""Longer than the longest number the detector reports (a grouped 19-digit card: 23 chars)."""


class PiiScanner(ScannerBase):
    """Finds personal information with checksums checked (:class:`hegui.text.pii.PiiDetector`)."""

    inline = True
    lookahead = _LOOKAHEAD

    def __init__(self, name: str, config: PiiScannerConfig) -> None:
        super().__init__(name, on_error=config.on_error, timeout_s=config.timeout_ms / 1000)
        self.config = config
        self.detector = PiiDetector(frozenset(config.kinds))

    def check_many(self, texts: Sequence[str]) -> list[ScanResult]:
        """See :class:`~hegui.gateway.scanners.base.InlineScanner`."""
        return [self._check(text) for text in texts]

    def _check(self, text: str) -> ScanResult:
        matches = self.detector.find(text)
        if not matches:
            return ALLOWED
        counts: dict[str, int] = {}
        spans: list[Span] = []
        for m in matches:
            counts[m.kind.value] = counts.get(m.kind.value, 0) + 1
            whole = PiiMatch(m.kind, 0, m.end - m.start, m.value)
            masked = self.detector.mask(m.value, [whole], style=self.config.style)
            spans.append(Span(m.start, m.end, masked))
        reasons = tuple(f"pii:{kind} x{n}" for kind, n in counts.items())
        return ScanResult(self.config.action, 1.0, self.config.risk, reasons, tuple(spans))
