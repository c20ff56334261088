"""Judges: one attempt in, one typed :class:`~hegui.records.Verdict` out.

* :class:`RefusalJudge` — ``refuse`` / ``comply`` / ``partial`` (rules, Chinese and English).
* :class:`KeywordJudge` — ``hit`` / ``clean`` against a keyword library, through a
  :class:`KeywordScanner` (``hegui.text.KeywordMatcher``, or :class:`SimpleKeywordScanner`).
* :class:`AcceptableJudge` — ``acceptable`` / ``unacceptable`` for generation items.
* :class:`HybridRefusalJudge` (``refusal-ml``) — the refusal rules stacked with a trained model.
* :class:`HarmJudge` (``harm``) — ``harmful`` / ``harmless`` with an Appendix A risk code.
* :class:`CascadeJudge` (``cascade``) — keyword → classifier → LLM, recording the deciding tier.
* ``LLMJudge`` (``llm-judge``, :mod:`hegui.judges.llm`) and ``HumanJudge`` (``human``,
  :mod:`hegui.judges.human`) — imported on demand.

Every judge may also answer ``unscored``. Build them by name with :func:`build_judge`; measure
them with :mod:`hegui.judges.evaluate` and :mod:`hegui.judges.quality`.
"""

from hegui.judges.acceptable import ACCEPTABLE, UNACCEPTABLE, AcceptableJudge
from hegui.judges.base import Judge
from hegui.judges.cascade import CascadeJudge
from hegui.judges.harm import HARMFUL, HARMLESS, HarmJudge
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
from hegui.judges.refusal_ml import HybridRefusalJudge
from hegui.judges.registry import build_judge, judge_names

__all__ = [
    "ACCEPTABLE",
    "CLEAN",
    "COMPLY",
    "HARMFUL",
    "HARMLESS",
    "HIT",
    "PARTIAL",
    "REFUSE",
    "UNACCEPTABLE",
    "AcceptableJudge",
    "CascadeJudge",
    "HarmJudge",
    "HybridRefusalJudge",
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
    "build_judge",
    "default_scanner_factory",
    "judge_names",
    "text_engine_scanner",
]
