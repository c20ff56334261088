"""The keyword scanner: hegui's evasion-resistant keyword automaton (:mod:`hegui.text`)."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from hegui.gateway.records import ALLOWED, Action, Redaction, ScanResult
from hegui.gateway.scanners.base import ScannerBase
from hegui.gateway.scanners.config import KeywordScannerConfig, KeywordTerm
from hegui.text import KeywordLibrary, KeywordMatch, KeywordMatcher, MatchLevel, load_library

_MAX_LOOKAHEAD = 256


class KeywordScanner(ScannerBase):
    """Finds library keywords (normalised: traditional/simplified, width, separators, pinyin).

    A ``hit`` takes the action of its severity (``severity_actions``) or ``action``; a homophone
    ``suspect`` takes ``suspect_action``. Reasons carry risk codes and counts, never keywords.
    """

    inline = True

    def __init__(self, name: str, matcher: KeywordMatcher, config: KeywordScannerConfig) -> None:
        super().__init__(name, on_error=config.on_error, timeout_s=config.timeout_ms / 1000)
        self.matcher = matcher
        self.config = config
        self.version = f"1+{matcher.library.sha256[:12]}"
        longest = max((len(e.keyword) for e in matcher.library.entries), default=1)
        # An evasive spelling puts a separator between every two characters (法*轮*功), so a
        # match can span up to twice the keyword's length in the original text.
        self.lookahead = min(2 * longest, _MAX_LOOKAHEAD)

    @classmethod
    def from_config(cls, name: str, config: KeywordScannerConfig, base_dir: Path) -> KeywordScanner:
        """Load the libraries and inline terms of ``config`` into one matcher."""
        libraries: list[KeywordLibrary] = []
        for given in config.libraries:
            path = Path(given)
            libraries.append(load_library(path if path.is_absolute() else base_dir / path))
        if config.terms:
            libraries.append(KeywordLibrary.from_terms(_pairs(config.terms, config.risk)))
        if not libraries:
            raise ValueError("a keyword scanner needs 'libraries' or 'terms'")
        merged = libraries[0].merged(*libraries[1:]) if len(libraries) > 1 else libraries[0]
        return cls(name, KeywordMatcher.from_library(merged), config)

    def check_many(self, texts: Sequence[str]) -> list[ScanResult]:
        """See :class:`~hegui.gateway.scanners.base.InlineScanner` (one scan of the texts
        joined: :meth:`~hegui.text.KeywordMatcher.scan_many`)."""
        found = self.matcher.scan_many(texts, homophones=self.config.homophones)
        return [self._result(matches) if matches else ALLOWED for matches in found]

    def _result(self, matches: Sequence[KeywordMatch]) -> ScanResult:
        config = self.config
        best, risk = Action.ALLOW, None
        counts: dict[str, int] = {}
        redactions: list[Redaction] = []
        for m in matches:
            if m.level is MatchLevel.HIT:
                action = config.severity_actions.get(m.severity, config.action)
                tag = f"keyword:{m.risk}"
            else:
                action = config.suspect_action
                tag = f"suspect:{m.risk}"
            if action is Action.ALLOW:
                continue
            counts[tag] = counts.get(tag, 0) + 1
            if action.rank > best.rank:
                best, risk = action, m.risk
            if action is Action.REDACT:
                redactions.append(Redaction(m.start, m.end, config.replacement * (m.end - m.start)))
        if best is Action.ALLOW:
            return ALLOWED
        reasons = tuple(f"{tag} x{n}" for tag, n in counts.items())
        return ScanResult(best, 1.0, risk, reasons, tuple(redactions))


def _pairs(terms: Sequence[str | KeywordTerm], risk: str | None) -> list[tuple[str, str]]:
    pairs: list[tuple[str, str]] = []
    for term in terms:
        if isinstance(term, KeywordTerm):
            pairs.append((term.keyword, term.risk))
        elif risk is None:
            raise ValueError(f"term {term!r} has no risk: set 'risk' or give {{keyword, risk}}")
        else:
            pairs.append((term, risk))
    return pairs
