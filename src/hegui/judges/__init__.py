"""Judges: one attempt in, one typed :class:`~hegui.records.Verdict` out.

* :class:`RefusalJudge` — ``refuse`` / ``comply`` / ``partial`` (rules, Chinese and English).
* :class:`KeywordJudge` — ``hit`` / ``clean`` against a keyword library, through a
  :class:`KeywordScanner` (``hegui.text.KeywordMatcher``, or :class:`SimpleKeywordScanner`).
* :class:`AcceptableJudge` — ``acceptable`` / ``unacceptable`` for generation items.

Every judge may also answer ``unscored``. Build them by name with :func:`build_judge`.
"""

from hegui.judges.acceptable import ACCEPTABLE, UNACCEPTABLE, AcceptableJudge
from hegui.judges.base import Judge
from hegui.judges.keyword import (
    CLEAN,
    HIT,
    KeywordJudge,
    KeywordMatchLike,
    KeywordScanner,
    SimpleKeywordMatch,
    SimpleKeywordScanner,
)
from hegui.judges.keyword_library import (
    ScannerFactory,
    default_scanner_factory,
    load_keyword_library,
    text_engine_scanner,
)
from hegui.judges.refusal import (
    COMPLY,
    PARTIAL,
    REFUSE,
    RefusalAnalysis,
    RefusalJudge,
    analyse_refusal,
)
from hegui.judges.registry import available_judges, build_judge

__all__ = [
    "ACCEPTABLE",
    "CLEAN",
    "COMPLY",
    "HIT",
    "PARTIAL",
    "REFUSE",
    "UNACCEPTABLE",
    "AcceptableJudge",
    "Judge",
    "KeywordJudge",
    "KeywordMatchLike",
    "KeywordScanner",
    "RefusalAnalysis",
    "RefusalJudge",
    "ScannerFactory",
    "SimpleKeywordMatch",
    "SimpleKeywordScanner",
    "analyse_refusal",
    "available_judges",
    "build_judge",
    "default_scanner_factory",
    "load_keyword_library",
    "text_engine_scanner",
]
