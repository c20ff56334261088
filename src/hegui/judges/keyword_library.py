"""Turning keyword library files into a scanner for the keyword judge.

This is the one place that does it. :func:`default_scanner_factory` uses the :mod:`hegui.text`
engine (附件4 tables in TSV/CSV/XLSX, evasion-resistant matching) and falls back to
:func:`load_keyword_library` + :class:`SimpleKeywordScanner` only when that engine cannot be
imported. Pass ``scanner_factory=`` to :func:`hegui.judges.build_judge` to use anything else.

The fallback reads a subset of the same layout:

* ``.tsv`` / ``.csv`` — a header row with a keyword column (``关键词``, ``keyword``, ``term``…)
  and optionally a risk column (``二级分类``, ``risk``…) holding codes such as ``A.2.1``;
* ``.txt`` — one keyword per line, optionally ``keyword<TAB>risk``; ``#`` lines are comments.
"""

from __future__ import annotations

import csv
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path

from hegui.errors import BankError
from hegui.judges.keyword import KeywordScanner, SimpleKeywordScanner
from hegui.records import RISK_CODE_PATTERN

ScannerFactory = Callable[[Sequence[Path]], KeywordScanner]
"""Builds one scanner from one or more keyword library paths."""

_KEYWORD_COLUMNS = ("关键词", "关键字", "敏感词", "keyword", "term", "word")
_RISK_COLUMNS = ("二级分类", "二级类别", "risk", "risk_code", "level2")
_Row = tuple[int, str, str]  # row number, keyword, risk ("" when none)


def _txt_rows(path: Path) -> Iterator[_Row]:
    with path.open(encoding="utf-8-sig") as handle:
        for number, line in enumerate(handle, start=1):
            if not line.strip() or line.lstrip().startswith("#"):
                continue
            keyword, _, risk = line.rstrip("\r\n").partition("\t")
            yield number, keyword.strip(), risk.strip()


def _table_rows(path: Path) -> Iterator[_Row]:
    delimiter = "\t" if path.suffix.lower() == ".tsv" else ","
    with path.open(encoding="utf-8-sig", newline="") as handle:
        rows = (r for r in enumerate(csv.reader(handle, delimiter=delimiter), start=1) if any(r[1]))
        rows = (r for r in rows if not r[1][0].lstrip().startswith("#"))
        header_row, header = next(rows, (1, []))
        names = [cell.strip().lower() for cell in header]
        key = next((names.index(c) for c in _KEYWORD_COLUMNS if c in names), None)
        risk = next((names.index(c) for c in _RISK_COLUMNS if c in names), None)
        if key is None:
            raise BankError(
                f"no keyword column in the header (one of {', '.join(_KEYWORD_COLUMNS)})",
                path=str(path),
                row=header_row,
            )
        for number, cells in rows:
            cells += [""] * (len(names) - len(cells))
            yield number, cells[key].strip(), cells[risk].strip() if risk is not None else ""


def load_keyword_library(*paths: str | Path) -> SimpleKeywordScanner:
    """Read keyword library files (``.tsv``, ``.csv``, ``.txt``) into one fallback scanner.

    Raises :class:`~hegui.errors.BankError` naming the file, row and field of a bad entry.
    """
    terms: list[tuple[str, str | None]] = []
    for given in paths:
        path = Path(given)
        where = str(path)
        if not path.is_file():
            raise BankError("keyword library not found", path=where)
        suffix = path.suffix.lower()
        if suffix not in (".tsv", ".csv", ".txt"):
            message = f"unknown keyword library format {suffix!r}: use .tsv, .csv or .txt"
            raise BankError(message, path=where)
        reader = _txt_rows if suffix == ".txt" else _table_rows
        before = len(terms)
        for row, keyword, risk in reader(path):
            if not keyword:
                raise BankError("empty keyword", path=where, row=row, field="keyword")
            if risk and not RISK_CODE_PATTERN.match(risk):
                message = f"{risk!r} is not a risk code like A.2.1"
                raise BankError(message, path=where, row=row, field="risk")
            terms.append((keyword, risk or None))
        if len(terms) == before:
            raise BankError("the keyword library holds no keywords", path=where)
    if not terms:
        raise BankError("no keyword library given")
    return SimpleKeywordScanner(terms)


def text_engine_scanner(paths: Sequence[Path]) -> KeywordScanner:
    """The :mod:`hegui.text` matcher over the given libraries (merged into one)."""
    from hegui.text import KeywordMatcher, load_library  # heavy: import only when used

    libraries = [load_library(p) for p in paths]
    if not libraries:
        raise BankError("no keyword library given")
    merged = libraries[0].merged(*libraries[1:]) if len(libraries) > 1 else libraries[0]
    return KeywordMatcher.from_library(merged)


def default_scanner_factory(paths: Sequence[Path]) -> KeywordScanner:
    """The :mod:`hegui.text` engine when it can be imported, else the simple fallback scanner."""
    try:
        import hegui.text  # noqa: F401
    except ImportError:
        return load_keyword_library(*paths)
    return text_engine_scanner(paths)
