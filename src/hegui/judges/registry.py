"""Judges by name, as ``hegui.yaml`` and the CLI refer to them.

The rule judges of the first release (``refusal``, ``keyword``, ``acceptable``) keep their names
and versions, so stored runs re-score identically. The trained, model-backed and human judges
(``refusal-ml``, ``harm``, ``cascade``, ``llm-judge``, ``human``) are added beside them.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

from hegui.errors import BankError, JudgeError
from hegui.judges.acceptable import AcceptableJudge
from hegui.judges.base import Judge
from hegui.judges.keyword import KeywordJudge, KeywordScanner, SimpleKeywordScanner
from hegui.judges.keyword_library import ScannerFactory, default_scanner_factory
from hegui.judges.refusal import RefusalJudge

_NAMES = ("refusal", "keyword", "acceptable")
_MODEL_NAMES = ("refusal-ml", "harm", "cascade", "llm-judge", "human")
_KEYWORD_OPTIONS = frozenset({"keywords", "library", "terms", "scanner", "scanner_factory"})
_OPTIONS: dict[str, frozenset[str]] = {
    "refusal": frozenset({"keywords"}),
    "keyword": _KEYWORD_OPTIONS,
    "acceptable": _KEYWORD_OPTIONS,
    "refusal-ml": frozenset({"keywords", "threshold"}),
    "harm": frozenset({"keywords", "low", "high"}),
    "cascade": _KEYWORD_OPTIONS | {"llm", "refusal_min", "harm_low", "harm_high", "decide_unsure"},
    "llm-judge": frozenset({"keywords", "llm"}),
    "human": frozenset({"keywords"}),
}
LLM_ENV = "HEGUI_LLM_JUDGE"
"""Environment variable naming the LLM judge's spec file (used when no ``llm`` option is given)."""
_NO_LIBRARY = (
    "the {name} judge needs a keyword library: list it under 'keywords:' in hegui.yaml, pass "
    "--library PATH on the command line, or call build_judge({name!r}, library=PATH)"
)


def judge_names() -> tuple[str, ...]:
    """Every name :func:`build_judge` accepts: the rule judges, then the model-backed ones."""
    return _NAMES + _MODEL_NAMES


def build_judge(name: str, **options: Any) -> Judge:
    """Build the judge called ``name`` (see :func:`judge_names`).

    ``keywords`` (the project's keyword library paths, as in hegui.yaml) may be passed to every
    judge; only ``keyword``, ``acceptable`` and ``cascade`` (as its keyword tier) use it. The
    keyword sources of those judges:

    * ``keywords`` and/or ``library`` — library file paths, merged and read by ``scanner_factory``
      (default :func:`~hegui.judges.keyword_library.default_scanner_factory`: the
      :mod:`hegui.text` engine);
    * ``terms`` — keywords in memory, as strings or ``(keyword, risk)`` pairs;
    * ``scanner`` — any ready :class:`~hegui.judges.keyword.KeywordScanner`.

    Other options: ``refusal-ml``: ``threshold``; ``harm``: ``low``, ``high`` (the unsure band);
    ``cascade``: ``llm``, ``refusal_min``, ``harm_low``, ``harm_high``, ``decide_unsure``;
    ``llm-judge``: ``llm`` — a spec file path or mapping (default: the file named by
    ``$HEGUI_LLM_JUDGE``; the cascade uses it too when set).

    Raises :class:`~hegui.errors.JudgeError` for an unknown name or option, no or several keyword
    sources, a library that cannot be read, or a missing LLM spec.
    """
    if name not in _OPTIONS:
        raise JudgeError(f"unknown judge {name!r}: choose one of {', '.join(judge_names())}")
    unknown = sorted(set(options) - _OPTIONS[name])
    if unknown:
        accepted = ", ".join(sorted(_OPTIONS[name]))
        raise JudgeError(f"judge {name!r} has no option {unknown[0]!r} (options: {accepted})")
    if name == "refusal":
        return RefusalJudge()
    if name in ("keyword", "acceptable"):
        keyword = KeywordJudge(_scanner(name, **options))
        return keyword if name == "keyword" else AcceptableJudge(RefusalJudge(), keyword)
    return _model_judge(name, options)


def _model_judge(name: str, options: dict[str, Any]) -> Judge:
    # imported here: the trained models load on first use, and the LLM judge pulls in aiohttp
    from hegui.judges.cascade import CascadeJudge
    from hegui.judges.harm import HarmJudge
    from hegui.judges.human import HumanJudge
    from hegui.judges.refusal_ml import HybridRefusalJudge

    if name == "refusal-ml":
        return HybridRefusalJudge(threshold=options.get("threshold"))
    if name == "harm":
        return HarmJudge(low=options.get("low"), high=options.get("high"))
    if name == "human":
        return HumanJudge()
    spec = options.get("llm") or os.environ.get(LLM_ENV) or None
    if name == "llm-judge":
        if spec is None:
            raise JudgeError(
                f"the llm-judge needs an endpoint: pass llm=SPEC_FILE (hegui judge … --llm FILE) "
                f"or set {LLM_ENV}=SPEC_FILE; see docs/judges.md"
            )
        return _llm(spec)
    keyword_sources = {k: v for k, v in options.items() if k in _KEYWORD_OPTIONS and v}
    keyword = KeywordJudge(_scanner(name, **keyword_sources)) if keyword_sources else None
    knobs = {
        k: options[k]
        for k in ("refusal_min", "harm_low", "harm_high", "decide_unsure")
        if k in options
    }
    try:
        return CascadeJudge(keyword=keyword, llm=_llm(spec) if spec else None, **knobs)
    except ValueError as exc:
        raise JudgeError(f"cascade: {exc}") from None


def _llm(spec: str | Path | Mapping[str, Any]) -> Judge:
    from hegui.judges.llm import LLMJudge, LLMJudgeSpec
    from hegui.policy import DEFAULT_PACK, load_pack

    pack = load_pack(DEFAULT_PACK)
    return LLMJudge(LLMJudgeSpec.load(spec), risk_names={r.code: r.zh for r in pack.risks})


def _scanner(
    name: str,
    keywords: Sequence[str | Path] | None = None,
    library: str | Path | None = None,
    terms: Iterable[str | tuple[str, str | None]] | None = None,
    scanner: KeywordScanner | None = None,
    scanner_factory: ScannerFactory | None = None,
) -> KeywordScanner:
    if isinstance(keywords, str | Path):
        keywords = [keywords]
    paths = [Path(p) for p in [*(keywords or ()), *([library] if library else [])] if str(p)]
    sources = [
        s for s, given in (("library", paths), ("terms", terms), ("scanner", scanner)) if given
    ]
    if len(sources) > 1:
        raise JudgeError(f"the {name} judge takes one keyword source, got {' and '.join(sources)}")
    if scanner is not None:
        if not isinstance(scanner, KeywordScanner):
            raise JudgeError(f"scanner {scanner!r} has no scan(text) method")
        return scanner
    if terms is not None:
        pairs = [(t, None) if isinstance(t, str) else (t[0], t[1]) for t in terms]
        return _guard(lambda: SimpleKeywordScanner(pairs), "terms")
    if not paths:
        raise JudgeError(_NO_LIBRARY.format(name=name))
    factory = scanner_factory or default_scanner_factory
    return _guard(lambda: factory(paths), ", ".join(map(str, paths)))


def _guard(make: Callable[[], KeywordScanner], source: str) -> KeywordScanner:
    try:
        return make()
    except BankError as exc:
        raise JudgeError(f"cannot load keywords from {source}: {exc}") from exc
