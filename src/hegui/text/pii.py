"""Personal-information detector for Chinese text: resident ID numbers, mobile numbers, bank
cards and e-mail addresses, with checksums checked in code.

>>> [(m.kind.value, m.value) for m in find_pii("身份证53010219200508011X，电话138-0013-8000")]
[('id_card', '53010219200508011X'), ('mobile', '138-0013-8000')]
>>> mask_pii("邮箱 zhang.san@example.com 联系")
'邮箱 [邮箱] 联系'

Every pattern uses ASCII-only character classes: a ``\\w`` e-mail pattern would swallow the
Chinese text in front of the address (``邮箱zhang@x.cn``). Numbers are found as runs of digit
groups (``138 0013 8000``, ``6222-0200-...``) and then classified, so a run of two phone numbers
separated by a space yields two matches, and a number that fails its checksum yields none:

* ``id_card`` — GB 11643-1999 18-character number: province code, a real calendar birth date from
  1900 up to today, ISO 7064 MOD 11-2 check character. Legacy 15-digit numbers carry no check digit
  and are not reported (too many false positives).
* ``mobile`` — mainland mobile numbers ``1[3-9]xxxxxxxxx``, optionally ``+86``/``0086``/``86``
  and grouped 3-4-4.
* ``bank_card`` — 16 to 19 digits, plain or in groups of four, issuer prefix 3–6, Luhn checksum.
* ``email`` — ``local@domain.tld`` in ASCII.

Reused by the corpus audit, the gateway and the bank composer: one detector, one set of rules.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from enum import StrEnum
from typing import Literal


class PiiKind(StrEnum):
    """The kinds of personal information the detector finds."""

    ID_CARD = "id_card"
    """居民身份证号码 (sensitive personal information)."""
    MOBILE = "mobile"
    """手机号码."""
    BANK_CARD = "bank_card"
    """银行卡号 (financial account: sensitive personal information)."""
    EMAIL = "email"
    """电子邮箱."""


PII_LABELS_ZH: dict[PiiKind, str] = {
    PiiKind.ID_CARD: "身份证号",
    PiiKind.MOBILE: "手机号",
    PiiKind.BANK_CARD: "银行卡号",
    PiiKind.EMAIL: "邮箱",
}
"""Chinese names, used in reports and as ``tag`` mask placeholders."""

MaskStyle = Literal["tag", "stars"]


@dataclass(frozen=True, slots=True)
class PiiMatch:
    """One piece of personal information; ``start``/``end`` index the text that was scanned."""

    kind: PiiKind
    start: int
    end: int
    value: str


# GB/T 2260 province-level codes (first two digits of an ID number).
_PROVINCES = frozenset(
    [
        *("11", "12", "13", "14", "15", "21", "22", "23", "31", "32", "33", "34", "35", "36"),
        *("37", "41", "42", "43", "44", "45", "46", "50", "51", "52", "53", "54", "61", "62"),
        *("63", "64", "65", "71", "81", "82", "83"),
    ]
)
_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK = "10X98765432"

# Runs of digit groups joined by one space or hyphen, with an optional ID check character at the
# end; the first group has 3+ digits, so "第3章" style numbers cost nothing. The pattern starts
# with a character class, which lets the regex engine skip Chinese text quickly; a "+86" in
# front is picked up in Python. The run is classified in Python.
_RUN = re.compile(r"[0-9]{3,}(?:[ \-][0-9]+)*[Xx]?", re.ASCII)
_PLUS86 = re.compile(r"\+86[ \-]?\Z")
_SEP = re.compile(r"[ \-]")
_MOBILE = re.compile(r"(?:86|0086)?1[3-9][0-9]{9}", re.ASCII)
_EMAIL_LOCAL = re.compile(r"[A-Za-z0-9._%+\-]{1,64}\Z", re.ASCII)
_EMAIL_DOMAIN = re.compile(r"(?:[A-Za-z0-9](?:[A-Za-z0-9\-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,24}")
_WORD_ASCII = frozenset("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz")


def resident_id_birth_date(number: str) -> date | None:
    """The birth date in an 18-character resident ID number (positions 7–14), or ``None``
    when those digits are not a calendar date. Validity is :func:`valid_resident_id`'s job."""
    s = number.strip()
    if len(s) != 18 or not s[6:14].isascii() or not s[6:14].isdigit():
        return None
    try:
        return date(int(s[6:10]), int(s[10:12]), int(s[12:14]))
    except ValueError:
        return None


def valid_resident_id(number: str, *, today: date | None = None) -> bool:
    """Whether ``number`` is a valid 18-character resident ID number (GB 11643-1999).

    Checks the province code, that the birth date exists and lies between 1900-01-01 and
    ``today`` (default: today in China), and the MOD 11-2 check character.

    >>> valid_resident_id("53010219200508011X"), valid_resident_id("530102192005080119")
    (True, False)
    """
    s = number.upper()
    if len(s) != 18 or not s[:17].isascii() or not s[:17].isdigit() or s[17] not in _ID_CHECK:
        return False
    if s[:2] not in _PROVINCES:
        return False
    born = resident_id_birth_date(s)
    if born is None or born.year < 1900 or born > (today or _china_today()):
        return False
    total = sum(int(d) * w for d, w in zip(s[:17], _ID_WEIGHTS, strict=True))
    return _ID_CHECK[total % 11] == s[17]


def luhn_valid(digits: str) -> bool:
    """Whether a string of ASCII digits passes the Luhn checksum (bank card numbers).

    >>> luhn_valid("4111111111111111"), luhn_valid("4111111111111112")
    (True, False)
    """
    if not digits or not digits.isascii() or not digits.isdigit():
        return False
    total = 0
    for i, ch in enumerate(reversed(digits)):
        d = ord(ch) - 48
        if i % 2:
            d = d * 2 - 9 if d > 4 else d * 2
        total += d
    return total % 10 == 0


class PiiDetector:
    """Finds personal information in text (see the module docstring for the rules).

    ``kinds`` limits what is looked for; ``today`` fixes the date ID birth dates are checked
    against (tests, re-runs of old audits). The detector holds no state between calls and is safe
    to share between threads.
    """

    def __init__(self, kinds: frozenset[PiiKind] | None = None, *, today: date | None = None):
        self.kinds = kinds if kinds is not None else frozenset(PiiKind)
        self.today = today
        self._numbers = bool(self.kinds - {PiiKind.EMAIL})

    def find(self, text: str) -> list[PiiMatch]:
        """Every piece of personal information in ``text``, ordered by position."""
        found: list[PiiMatch] = []
        if self._numbers:
            for run in _RUN.finditer(text):
                start, end = run.span()
                if end - start < 11:
                    continue
                prefix = _PLUS86.search(text, max(0, start - 4), start)
                if prefix is not None:
                    start = prefix.start()
                if _glued(text, start, end):
                    continue
                found.extend(self._classify_run(text, start, end))
        if PiiKind.EMAIL in self.kinds and "@" in text:
            found.extend(_emails(text))
            found.sort(key=lambda m: (m.start, m.end))
        return found

    def mask(
        self, text: str, matches: list[PiiMatch] | None = None, *, style: MaskStyle = "tag"
    ) -> str:
        """``text`` with each match replaced: ``tag`` puts ``[手机号]``; ``stars`` replaces every
        letter and digit by ``*`` and keeps separators and length."""
        spans = self.find(text) if matches is None else matches
        if not spans:
            return text
        parts: list[str] = []
        pos = 0
        for m in sorted(spans, key=lambda x: x.start):
            if m.start < pos:
                continue  # overlapping spans cannot come from find(); be safe with given ones
            parts.append(text[pos : m.start])
            if style == "tag":
                parts.append(f"[{PII_LABELS_ZH[m.kind]}]")
            else:
                parts.append("".join("*" if c in _WORD_ASCII else c for c in m.value))
            pos = m.end
        parts.append(text[pos:])
        return "".join(parts)

    def _classify_run(self, text: str, start: int, end: int) -> list[PiiMatch]:
        """Split a run into its groups and take, left to right, the longest window of consecutive
        groups that is a valid number of some kind."""
        run = text[start:end]
        cuts = [m.start() for m in _SEP.finditer(run)]
        bounds = [0, *[c + 1 for c in cuts]]
        ends = [*cuts, len(run)]
        out: list[PiiMatch] = []
        i = 0
        while i < len(bounds):
            hit: PiiMatch | None = None
            for j in range(min(len(bounds), i + 6) - 1, i - 1, -1):
                window = run[bounds[i] : ends[j]]
                kind = self._kind_of(window, j - i + 1)
                if kind is not None:
                    hit = PiiMatch(kind, start + bounds[i], start + ends[j], window)
                    i = j + 1
                    break
            if hit is None:
                i += 1
            else:
                out.append(hit)
        return out

    def _kind_of(self, window: str, groups: int) -> PiiKind | None:
        digits = _SEP.sub("", window).removeprefix("+")
        n = len(digits)
        if n < 11 or n > 23:
            return None
        if (
            PiiKind.ID_CARD in self.kinds
            and groups == 1
            and n == 18
            and valid_resident_id(digits, today=self.today)
        ):
            return PiiKind.ID_CARD
        if PiiKind.MOBILE in self.kinds and _is_mobile(window, digits, groups):
            return PiiKind.MOBILE
        if PiiKind.BANK_CARD in self.kinds and _is_bank_card(window, digits, groups):
            return PiiKind.BANK_CARD
        return None


_DEFAULT = PiiDetector()


def find_pii(text: str) -> list[PiiMatch]:
    """Every piece of personal information in ``text`` (all kinds; see :class:`PiiDetector`)."""
    return _DEFAULT.find(text)


def mask_pii(text: str, *, style: MaskStyle = "tag") -> str:
    """``text`` with all personal information masked (see :meth:`PiiDetector.mask`)."""
    return _DEFAULT.mask(text, style=style)


def _china_today() -> date:
    return (datetime.now(tz=UTC) + timedelta(hours=8)).date()


def _glued(text: str, start: int, end: int) -> bool:
    """A run touching an ASCII letter or digit is part of a longer token (order no., hash)."""
    return (start > 0 and text[start - 1] in _WORD_ASCII) or (
        end < len(text) and text[end] in _WORD_ASCII
    )


def _is_mobile(window: str, digits: str, groups: int) -> bool:
    if not _MOBILE.fullmatch(digits) or (window.startswith("+") and len(digits) == 11):
        return False
    if groups == 1:
        return True
    sizes = [len(g) for g in _SEP.split(window.lstrip("+"))]
    # 138 0013 8000, or with the country code as its own group: +86 138 0013 8000
    return sizes[-3:] == [3, 4, 4] and (groups == 3 or (groups == 4 and sizes[0] in (2, 4)))


def _is_bank_card(window: str, digits: str, groups: int) -> bool:
    if window.startswith("+") or not 16 <= len(digits) <= 19 or digits[0] not in "3456":
        return False
    if groups > 1:
        sizes = [len(g) for g in _SEP.split(window)]
        fours = all(s == 4 for s in sizes[:-1]) and 1 <= sizes[-1] <= 4
        six_thirteen = sizes == [6, 13]  # 19-digit UnionPay cards are also printed 6 + 13
        if not (fours or six_thirteen):
            return False
    return luhn_valid(digits)


def _emails(text: str) -> list[PiiMatch]:
    out: list[PiiMatch] = []
    pos = text.find("@")
    last_end = 0
    while pos != -1:
        local = _EMAIL_LOCAL.search(text, max(last_end, pos - 64), pos)
        domain = _EMAIL_DOMAIN.match(text, pos + 1)
        if local and domain:
            start = local.start()
            while start < pos and text[start] in "._%+-":  # a local part does not start so
                start += 1
            end = domain.end()
            if start < pos and not (end < len(text) and text[end] in _WORD_ASCII):
                out.append(PiiMatch(PiiKind.EMAIL, start, end, text[start:end]))
                last_end = end
        pos = text.find("@", pos + 1)
    return out
