"""Judges by name, as ``hegui.yaml`` and the CLI refer to them."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import Any

from hegui.errors import BankError, JudgeError
from hegui.judges.acceptable import AcceptableJudge
from hegui.judges.base import Judge
from hegui.judges.keyword import KeywordJudge, KeywordScanner, SimpleKeywordScanner
from hegui.judges.keyword_library import ScannerFactory, default_scanner_factory
from hegui.judges.refusal import RefusalJudge

_NAMES = ("refusal", "keyword", "acceptable")
_KEYWORD_OPTIONS = frozenset({"keywords", "library", "terms", "scanner", "scanner_factory"})
_NO_LIBRARY = (
    "the {name} judge needs a keyword library: list it under 'keywords:' in hegui.yaml, pass "
    "--library PATH on the command line, or call build_judge({name!r}, library=PATH)"
)


def available_judges() -> tuple[str, ...]:
    """Names :func:`build_judge` accepts."""
    return _NAMES


def build_judge(name: str, **options: Any) -> Judge:
    """Build the judge called ``name``: ``refusal``, ``keyword`` or ``acceptable``.

    ``keywords`` (the project's keyword library paths, as in hegui.yaml) may be passed to every
    judge; the refusal judge ignores it. The keyword sources of ``keyword`` and ``acceptable``:

    * ``keywords`` and/or ``library`` — library file paths, merged and read by ``scanner_factory``
      (default :func:`~hegui.judges.keyword_library.default_scanner_factory`: the
      :mod:`hegui.text` engine);
    * ``terms`` — keywords in memory, as strings or ``(keyword, risk)`` pairs;
    * ``scanner`` — any ready :class:`~hegui.judges.keyword.KeywordScanner`.

    Raises :class:`~hegui.errors.JudgeError` for an unknown name or option, no or several keyword
    sources, or a library that cannot be read.
    """
    if name not in _NAMES:
        raise JudgeError(f"unknown judge {name!r}: choose one of {', '.join(_NAMES)}")
    allowed = {"keywords"} if name == "refusal" else _KEYWORD_OPTIONS
    unknown = sorted(set(options) - allowed)
    if unknown:
        accepted = ", ".join(sorted(allowed))
        raise JudgeError(f"judge {name!r} has no option {unknown[0]!r} (options: {accepted})")
    if name == "refusal":
        return RefusalJudge()
    keyword = KeywordJudge(_scanner(name, **options))
    if name == "keyword":
        return keyword
    return AcceptableJudge(RefusalJudge(), keyword)


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
