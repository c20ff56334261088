"""Turning keyword library files into a scanner for the keyword judge.

There is one keyword engine: :mod:`hegui.text` (附件4 tables in TSV/CSV/XLSX, evasion-resistant
matching). Pass ``scanner_factory=`` to :func:`hegui.judges.build_judge` to use anything else that
follows the :class:`~hegui.judges.keyword.KeywordScanner` protocol.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

from hegui.errors import BankError
from hegui.judges.keyword import KeywordScanner

ScannerFactory = Callable[[Sequence[Path]], KeywordScanner]
"""Builds one scanner from one or more keyword library paths."""


def text_engine_scanner(paths: Sequence[Path]) -> KeywordScanner:
    """The :mod:`hegui.text` matcher over the given libraries (merged into one)."""
    from hegui.text import KeywordMatcher, load_library  # heavy: import only when used

    libraries = [load_library(p) for p in paths]
    if not libraries:
        raise BankError("no keyword library given")
    merged = libraries[0].merged(*libraries[1:]) if len(libraries) > 1 else libraries[0]
    return KeywordMatcher.from_library(merged)


default_scanner_factory: ScannerFactory = text_engine_scanner
"""The factory :func:`hegui.judges.build_judge` uses unless given another."""
