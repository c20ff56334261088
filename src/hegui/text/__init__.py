"""Chinese-first, evasion-resistant keyword engine.

>>> m = KeywordMatcher.from_terms(["海洛因"], risk="A.1.8", cache=False)
>>> [(x.keyword, x.start, x.end, x.how.value) for x in m.scan("他们说 海*洛#因 的事")]
[('海洛因', 4, 9, 'normalised')]
>>> [(x.keyword, x.how.value, x.level.value) for x in m.scan("hai luo yin 和 海落因")]
[('海洛因', 'pinyin', 'hit'), ('海洛因', 'phonetic', 'suspect')]

* :func:`normalize` — the one normalisation for texts and keywords, with an offset map.
* :func:`load_library` / :class:`KeywordLibrary` — 附件4 tables (TSV, CSV, XLSX) and word lists.
* :func:`check_coverage` — the library against the policy pack's minimums (REQ-BANK-01..03).
* :class:`KeywordMatcher` — compile once (cached on disk), ``scan(text) -> list[KeywordMatch]``,
  ``scan_many(texts)`` for batches.

See docs/keywords.md for the library format, the evasion classes and measured performance.
"""

from hegui.text.coverage import CoverageReport, RiskCoverage, check_coverage
from hegui.text.library import KeywordLibrary
from hegui.text.loaders import load_library
from hegui.text.matcher import KeywordMatcher
from hegui.text.model import (
    KeywordEntry,
    KeywordMatch,
    MatchHow,
    MatchLevel,
    MatchMode,
    Severity,
)
from hegui.text.normalize import Normalized, normalize, normalize_many

__all__ = [
    "CoverageReport",
    "KeywordEntry",
    "KeywordLibrary",
    "KeywordMatch",
    "KeywordMatcher",
    "MatchHow",
    "MatchLevel",
    "MatchMode",
    "Normalized",
    "RiskCoverage",
    "Severity",
    "check_coverage",
    "load_library",
    "normalize",
    "normalize_many",
]
