"""Keyword libraries: validated entries, a content hash and the date of the last update."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import Literal

from hegui.errors import BankError
from hegui.policy import Pack, load_pack
from hegui.records import RISK_CODE_PATTERN, BankInfo
from hegui.text.model import KeywordEntry, MatchMode, Severity
from hegui.text.normalize import normalize_many

UpdatedSource = Literal["header", "workbook", "mtime", "given"]

_CODE_PREFIX = re.compile(r"^\s*(A\.[1-5](?:\.[1-9])?)(?![.\d])")
_NAME_NOISE = re.compile(r"[\s,，、;；:：.。·()（）\"'“”]+")


@dataclass(frozen=True)
class KeywordLibrary:
    """A loaded keyword library (附件4 拦截关键词列表 or any word list with risk codes)."""

    name: str
    entries: tuple[KeywordEntry, ...]
    path: str | None = None
    updated: date | None = None
    """Date of the last update, for the weekly freshness rule (REQ-BANK-03)."""
    updated_source: UpdatedSource | None = None
    """Where ``updated`` came from: a ``# updated:`` header line, the workbook's properties, the
    file's modification time, or the caller."""
    version: str | None = None
    duplicates: int = 0
    """Rows dropped: the same keyword (after normalisation) was already listed for the risk."""
    sha256: str = field(default="")
    """Content hash over the entries in order; filled in by :meth:`create`."""

    @classmethod
    def create(
        cls,
        name: str,
        entries: Iterable[KeywordEntry],
        *,
        path: str | None = None,
        updated: date | None = None,
        updated_source: UpdatedSource | None = None,
        version: str | None = None,
    ) -> KeywordLibrary:
        """Build a library: check every entry, drop duplicate (keyword, risk, mode) rows and compute
        the content hash. Raises :class:`BankError` naming ``path`` and the entry's row."""
        given = list(entries)
        source = path or name
        valid_risks: set[str] = set()
        for entry in given:
            if entry.risk in valid_risks and entry.mode is not MatchMode.REGEX and entry.keyword:
                continue  # the common case, checked without a call
            check_entry(entry, source=source)
            valid_risks.add(entry.risk)
        texts = [e.keyword for e in given]
        extras = [(i, t) for i, e in enumerate(given) for t in (*e.variants, *e.allow)]
        normal = normalize_many(texts + [t for _, t in extras])
        for (i, text), folded in zip(extras, normal[len(texts) :], strict=True):
            if not folded:
                raise _empty_error(given[i], text, source)
        kept: list[KeywordEntry] = []
        seen: set[tuple[str, str, MatchMode]] = set()
        for entry, folded in zip(given, normal[: len(given)], strict=True):
            if entry.mode is MatchMode.REGEX:
                folded = entry.keyword
            elif not folded:
                raise _empty_error(entry, entry.keyword, source)
            key = (folded, entry.risk, entry.mode)
            if key not in seen:
                seen.add(key)
                kept.append(entry)
        return cls(
            name=name,
            entries=tuple(kept),
            path=path,
            updated=updated,
            updated_source=updated_source,
            version=version,
            duplicates=len(given) - len(kept),
            sha256=content_hash(kept),
        )

    @classmethod
    def from_terms(
        cls,
        terms: Iterable[str | tuple[str, str] | KeywordEntry],
        *,
        risk: str | None = None,
        name: str = "in-memory",
        updated: date | None = None,
    ) -> KeywordLibrary:
        """A library from keywords in memory: plain strings (all of ``risk``), ``(keyword, risk)``
        pairs or ready entries. Risk codes are checked; keywords must not be empty."""
        entries: list[KeywordEntry] = []
        for i, term in enumerate(terms, start=1):
            if isinstance(term, KeywordEntry):
                entry = term
            elif isinstance(term, str):
                if risk is None:
                    raise BankError(f"term {i} {term!r} has no risk: pass risk='A.x.y'")
                entry = KeywordEntry(keyword=term, risk=risk, row=i)
            else:
                entry = KeywordEntry(keyword=term[0], risk=term[1], row=i)
            entries.append(entry)
        return cls.create(
            name, entries, updated=updated, updated_source="given" if updated else None
        )

    def __len__(self) -> int:
        return len(self.entries)

    def info(self) -> BankInfo:
        """The library as recorded in a run (name, path, hash, size, version, update date)."""
        return BankInfo(
            name=self.name,
            path=self.path or "",
            sha256=self.sha256,
            items=len(self.entries),
            version=self.version,
            updated=self.updated.isoformat() if self.updated else None,
        )

    def merged(self, *others: KeywordLibrary, name: str | None = None) -> KeywordLibrary:
        """One library holding this one's entries and the others'; the oldest update date wins."""
        libraries = (self, *others)
        dates = [lib.updated for lib in libraries]
        updated = None if any(d is None for d in dates) else min(d for d in dates if d)
        return KeywordLibrary.create(
            name or self.name,
            [e for lib in libraries for e in lib.entries],
            updated=updated,
            updated_source="given" if updated else None,
        )


def content_hash(entries: Iterable[KeywordEntry]) -> str:
    """SHA-256 over the entries in order, row numbers excluded: a re-saved file keeps its hash."""
    lines = (
        "\x1f".join(
            (e.keyword, e.risk, e.mode.value, e.severity.value, "\x1e".join(e.allow),
             "\x1e".join(e.variants))
        )
        for e in entries
    )  # fmt: skip
    return hashlib.sha256("\n".join(lines).encode()).hexdigest()


def _empty_error(entry: KeywordEntry, text: str, source: str | None) -> BankError:
    return BankError(
        f"{text!r} has no letters, digits or Chinese characters left after normalisation "
        "(separators and symbols are ignored when matching)",
        path=source,
        row=entry.row,
        field="keyword" if text == entry.keyword else "variants/allow",
    )


def check_entry(entry: KeywordEntry, *, source: str | None) -> None:
    """Raise :class:`BankError` (naming source and row) for a bad risk code, an empty keyword or an
    invalid regular expression. :meth:`KeywordLibrary.create` also rejects keywords that are empty
    after normalisation."""

    def fail(message: str, fld: str) -> BankError:
        return BankError(message, path=source, row=entry.row, field=fld)

    if not RISK_CODE_PATTERN.match(entry.risk):
        raise fail(f"{entry.risk!r} is not a risk code like A.1.4", "risk")
    if not entry.keyword.strip():
        raise fail("the keyword is empty", "keyword")
    if entry.mode is MatchMode.REGEX:
        try:
            compiled = re.compile(entry.keyword)
        except re.error as exc:
            raise fail(f"invalid regular expression {entry.keyword!r}: {exc}", "keyword") from exc
        if compiled.fullmatch(""):
            raise fail(f"regular expression {entry.keyword!r} matches the empty string", "keyword")
        return


class RiskResolver:
    """Maps 一级分类 / 二级分类 cells (codes or the pack's Chinese names) to risk codes."""

    def __init__(self, pack: Pack | None = None) -> None:
        self.pack = pack or load_pack()
        self._risks = {_key(r.zh): r.code for r in self.pack.risks}
        self._categories = {_key(c.zh): c.code for c in self.pack.categories}
        self._codes = {r.code for r in self.pack.risks}
        self._category_codes = {c.code for c in self.pack.categories}

    def category(self, cell: str) -> str | None:
        """A category code (``A.1``) or a risk code for a 一级分类 cell; None when unknown."""
        code = self._code(cell)
        if code in self._category_codes or code in self._codes:
            return code
        return _lookup(self._categories, cell) or _lookup(self._risks, cell)

    def risk(self, cell: str) -> str | None:
        """A risk code (``A.1.4``) for a 二级分类 cell; None when unknown."""
        code = self._code(cell)
        if code in self._codes:
            return code
        return _lookup(self._risks, cell)

    def names(self) -> str:
        """A hint listing the accepted forms, for error messages."""
        return (
            "a risk code such as A.1.4 or a risk name of the policy pack (see `hegui policy show`)"
        )

    @staticmethod
    def _code(cell: str) -> str | None:
        found = _CODE_PREFIX.match(cell.replace("Ａ", "A").replace("．", "."))
        return found.group(1) if found else None


def _key(name: str) -> str:
    return _NAME_NOISE.sub("", name).lower()


def _lookup(names: dict[str, str], cell: str) -> str | None:
    """Exact name (ignoring spaces and punctuation), else a unique name containing the cell or
    contained in it, so 恐怖主义 finds 宣扬恐怖主义、极端主义. Short cells must be exact."""
    key = _key(cell)
    if key in names:
        return names[key]
    if len(key) < 4:
        return None
    found = {code for name, code in names.items() if key in name or name in key}
    return found.pop() if len(found) == 1 else None


def parse_severity(value: str) -> Severity | None:
    """Severity from a cell: low/medium/high, 低/中/高 or 1/2/3; None when not recognised."""
    return _SEVERITIES.get(value.strip().lower())


def parse_mode(value: str) -> MatchMode | None:
    """Match mode from a cell: literal/word/regex or 字面/整词/正则; None when not recognised."""
    return _MODES.get(value.strip().lower())


_SEVERITIES = {
    **{s.value: s for s in Severity},
    "低": Severity.LOW, "中": Severity.MEDIUM, "高": Severity.HIGH,
    "1": Severity.LOW, "2": Severity.MEDIUM, "3": Severity.HIGH,
}  # fmt: skip
_MODES = {
    **{m.value: m for m in MatchMode},
    "whole-word": MatchMode.WORD, "whole_word": MatchMode.WORD,
    "字面": MatchMode.LITERAL, "精确": MatchMode.LITERAL, "包含": MatchMode.LITERAL,
    "整词": MatchMode.WORD, "词": MatchMode.WORD, "正则": MatchMode.REGEX,
}  # fmt: skip
