"""Keyword scanner: the library's keywords through hegui's one keyword engine."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from pathlib import Path

from hegui.corpus.document import Document, Flag
from hegui.corpus.scanners.base import REASONS, ReasonInfo
from hegui.text import KeywordLibrary, KeywordMatcher, MatchLevel, Severity, load_library


def load_keywords(paths: Sequence[Path]) -> KeywordLibrary:
    """The libraries at ``paths`` merged into one (raises BankError naming file and row)."""
    libraries = [load_library(p) for p in paths]
    return libraries[0].merged(*libraries[1:]) if len(libraries) > 1 else libraries[0]


class KeywordScanner:
    """Flags ``keyword_hit`` (severity high/medium), ``keyword_low`` and, with homophones on,
    ``keyword_suspect``, each with the matched keyword's risk code and the number of matches."""

    name = "keyword"

    def __init__(self, library: KeywordLibrary, *, homophones: bool = False) -> None:
        self.library = library
        self.version = f"{library.name}@{library.sha256[:12]}"
        self.homophones = homophones
        self._matcher = KeywordMatcher.from_library(library, homophones=homophones)

    def reasons(self) -> Sequence[ReasonInfo]:
        return [REASONS["keyword_hit"], REASONS["keyword_low"], REASONS["keyword_suspect"]]

    def scan(self, doc: Document) -> list[Flag]:
        matches = self._matcher.scan_normalized(doc.normalized(), homophones=self.homophones)
        if not matches:
            return []
        counts: Counter[tuple[str, str]] = Counter()
        for m in matches:
            if m.level is MatchLevel.SUSPECT:
                counts["keyword_suspect", m.risk] += 1
            elif m.severity is Severity.LOW:
                counts["keyword_low", m.risk] += 1
            else:
                counts["keyword_hit", m.risk] += 1
        return [Flag(reason, risk, n) for (reason, risk), n in counts.items()]
