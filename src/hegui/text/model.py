"""Typed records of the keyword engine: library entries and matches."""

from __future__ import annotations

from enum import StrEnum
from typing import NamedTuple


class MatchMode(StrEnum):
    """How a keyword is matched (column ``匹配方式`` / ``match``)."""

    LITERAL = "literal"
    """Substring of the normalised text (the default). Latin letters and digits at the keyword's
    edges still need a word boundary: ``tnt`` does not match inside ``attnt``."""
    WORD = "word"
    """Like literal, plus a word-boundary check on Chinese edges: the match is dropped when an edge
    character forms a common word with its neighbour (洗钱 in 洗钱包, 雷管 in 雷管理)."""
    REGEX = "regex"
    """A Python regular expression run on the normalised text (lower case, simplified, no
    separators). Use sparingly: each one is a separate pass."""


class Severity(StrEnum):
    """How serious a hit is (column ``严重程度`` / ``severity``); the judge decides what follows."""

    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"


class MatchHow(StrEnum):
    """How a match was found."""

    LITERAL = "literal"
    """The original text holds the keyword (or one of its listed variants) exactly."""
    NORMALISED = "normalised"
    """Found after normalisation: width, case, traditional characters, inserted separators,
    zero-width characters, look-alike letters."""
    PINYIN = "pinyin"
    """Written fully or partly in pinyin (``bingdu``, ``bing毒``)."""
    PHONETIC = "phonetic"
    """Same toneless syllables written with other characters (发轮功); always ``suspect``."""


class MatchLevel(StrEnum):
    """Confidence of a match."""

    HIT = "hit"
    SUSPECT = "suspect"
    """Homophone tier: worth a look, never a verdict on its own (读博 is not 赌博)."""


class KeywordEntry(NamedTuple):
    """One keyword of a library, as loaded and validated (immutable; a NamedTuple because a
    library may hold 100k of them and they are built on every load)."""

    keyword: str
    risk: str
    """GB/T 45654 Appendix A risk code, e.g. ``A.1.4``."""
    mode: MatchMode = MatchMode.LITERAL
    severity: Severity = Severity.HIGH
    allow: tuple[str, ...] = ()
    """Allow-list contexts: a match overlapping one of them is dropped (钱包 for 洗钱)."""
    variants: tuple[str, ...] = ()
    """Extra spellings that count as this keyword (e.g. an abbreviation)."""
    row: int | None = None
    """Row in the source file (1-based, header included), for messages."""

    @property
    def category(self) -> str:
        """The risk category, e.g. ``A.1``."""
        return self.risk.rsplit(".", 1)[0]


class KeywordMatch(NamedTuple):
    """One occurrence of a keyword in a text. ``start``/``end`` index the ORIGINAL text.

    A typed, immutable record; a NamedTuple rather than a frozen dataclass because a scan may
    create hundreds of thousands of them and this is several times cheaper to construct.
    """

    keyword: str
    risk: str
    start: int
    end: int
    how: MatchHow
    level: MatchLevel
    severity: Severity

    def to_json(self) -> dict[str, str | int]:
        """The JSON object the CLI prints for a match."""
        return {
            "keyword": self.keyword,
            "risk": self.risk,
            "start": self.start,
            "end": self.end,
            "how": self.how.value,
            "level": self.level.value,
            "severity": self.severity.value,
        }
