"""Map what people write in bank tables (codes, Chinese names, aspect ids) to pack identifiers."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from hegui.policy import Pack
from hegui.records import ItemKind

_CODE = re.compile(r"^(A\.[1-9](?:\.[0-9]+)?)(?![0-9.])")
_PUNCT_OR_SPACE = re.compile(r"[\s\W_]+")
_MIN_PARTIAL = 4
"""A shortened name must have at least this many characters to be matched as part of a name."""


def normalize(text: str) -> str:
    """NFKC (full width → half width), lower case, without spaces and punctuation."""
    return _PUNCT_OR_SPACE.sub("", unicodedata.normalize("NFKC", text)).lower()


def leading_code(text: str) -> str | None:
    """The risk or category code a cell starts with (``A.1.4 宣扬恐怖主义…`` → ``A.1.4``)."""
    match = _CODE.match(unicodedata.normalize("NFKC", text).strip().upper())
    return match.group(1) if match else None


@dataclass(frozen=True)
class Resolved:
    """The outcome of a look-up: the identifier, or why there is none."""

    value: str | None
    problem: str | None = None


class Taxonomy:
    """Look-ups of risks, categories and aspects of one pack by code, id or (partial) name."""

    def __init__(self, pack: Pack) -> None:
        self.pack = pack
        self._risks = {normalize(r.zh): r.code for r in pack.risks}
        self._risks.update({normalize(r.en): r.code for r in pack.risks})
        self._categories = {normalize(c.zh): c.code for c in pack.categories}
        self._categories.update({normalize(c.en): c.code for c in pack.categories})
        self._aspects = {normalize(a.zh): a.id for a in pack.aspects}
        self._aspects.update({normalize(a.id): a.id for a in pack.aspects})
        self._aspects.update({normalize(a.en): a.id for a in pack.aspects})
        self._risk_codes = {r.code for r in pack.risks}
        self._category_codes = {c.code for c in pack.categories}

    def risk(self, text: str) -> Resolved:
        """A risk code from a code (``A.1.4``) or a Chinese/English risk name of the pack."""
        code = leading_code(text)
        if code is not None:
            if code in self._risk_codes:
                return Resolved(code)
            if code in self._category_codes:
                return Resolved(None, f"{code!r} is a category; give the risk code, e.g. {code}.1")
            return Resolved(
                None,
                f"unknown risk code {code!r} (pack {self.pack.pack} has "
                f"{self.pack.risks[0].code}–{self.pack.risks[-1].code})",
            )
        found = _by_name(self._risks, text)
        if found is None:
            return Resolved(
                None,
                f"unknown risk {text!r}: not a risk code or risk name of pack {self.pack.pack}",
            )
        return Resolved(found)

    def category(self, text: str) -> Resolved:
        """A category code from a code (``A.1``) or a category name."""
        code = leading_code(text)
        if code is not None:
            if code in self._category_codes:
                return Resolved(code)
            return Resolved(None, f"{code!r} is not a category code (A.1–A.5)")
        found = _by_name(self._categories, text)
        if found is None:
            return Resolved(None, f"unknown category {text!r}: not a category code or name")
        return Resolved(found)

    def aspect(self, text: str) -> Resolved:
        """An aspect id from an id (``history``) or a Chinese name (``历史``)."""
        key = normalize(text)
        if key in self._aspects:
            return Resolved(self._aspects[key])
        known = ", ".join(f"{a.id} ({a.zh})" for a in self.pack.aspects)
        return Resolved(None, f"unknown aspect {text!r}; aspects of pack {self.pack.pack}: {known}")


def _by_name(names: dict[str, str], text: str) -> str | None:
    """Exact normalized name, else the one name that contains a shortened form of it."""
    key = normalize(text)
    if not key:
        return None
    if key in names:
        return names[key]
    if len(key) < _MIN_PARTIAL:
        return None
    hits = {code for name, code in names.items() if key in name}
    return hits.pop() if len(hits) == 1 else None


_KIND_WORDS: tuple[tuple[str, ItemKind], ...] = (
    # Order matters: 非拒答 and 不应拒答 contain 拒答 / 应拒答.
    ("shouldnotrefuse", ItemKind.SHOULD_NOT_REFUSE),
    ("非拒答", ItemKind.SHOULD_NOT_REFUSE),
    ("不应拒答", ItemKind.SHOULD_NOT_REFUSE),
    ("不拒答", ItemKind.SHOULD_NOT_REFUSE),
    ("shouldrefuse", ItemKind.SHOULD_REFUSE),
    ("应拒答", ItemKind.SHOULD_REFUSE),
    ("generation", ItemKind.GENERATION),
    ("生成内容", ItemKind.GENERATION),
)


def kind_from_name(text: str) -> ItemKind | None:
    """The bank kind a kind cell, sheet name or file name stands for, if it names one."""
    key = normalize(text)
    return next((kind for word, kind in _KIND_WORDS if word in key), None)
