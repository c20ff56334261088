"""What an SPDX licence expression means for training a commercial model.

Not legal advice: flags point a reviewer at licences that need a look (non-commercial,
no-derivatives, share-alike, unknown or custom), they do not decide.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_CC_VERSIONS = ("1.0", "2.0", "2.5", "3.0", "4.0")
_CC_KINDS = ("BY", "BY-SA", "BY-NC", "BY-ND", "BY-NC-SA", "BY-NC-ND")

KNOWN: frozenset[str] = frozenset(
    {
        *(f"CC-{k}-{v}" for k in _CC_KINDS for v in _CC_VERSIONS),
        *(f"CC-{k}-3.0-IGO" for k in _CC_KINDS),
        "CC0-1.0",
        "CC-PDDC",
        "MIT",
        "MIT-0",
        "Apache-2.0",
        "BSD-2-Clause",
        "BSD-3-Clause",
        "ISC",
        "Unlicense",
        "0BSD",
        "Zlib",
        "WTFPL",
        "PSF-2.0",
        "MPL-2.0",
        "EPL-2.0",
        "ODC-By-1.0",
        "ODbL-1.0",
        "PDDL-1.0",
        "CDLA-Permissive-1.0",
        "CDLA-Permissive-2.0",
        "CDLA-Sharing-1.0",
        "OpenRAIL",  # not SPDX, but widespread on model and data hubs
        "GFDL-1.3-only",
        "GFDL-1.3-or-later",
        "Artistic-2.0",
        "BSL-1.0",
        *(
            f"{name}-{version}{suffix}"
            for name, versions in (("GPL", ("2.0", "3.0")), ("LGPL", ("2.1", "3.0")))
            for version in versions
            for suffix in ("", "-only", "-or-later", "+")
        ),
        "AGPL-3.0",
        "AGPL-3.0-only",
        "AGPL-3.0-or-later",
    }
)
"""Licence ids recognised (SPDX spelling, compared case-insensitively)."""

_KNOWN_FOLDED = {k.lower(): k for k in KNOWN}
_NO_LICENCE = {"noassertion", "none", "unknown", "proprietary"}
_SHARE_ALIKE = re.compile(r"(^cc-by(-nc)?-sa-)|(^(a|l)?gpl-)|(^odbl-)|(^cdla-sharing-)|(^gfdl-)")
_TOKEN = re.compile(r"\(|\)|[^\s()]+")


@dataclass(frozen=True)
class LicenceFlags:
    """What a licence expression implies; ``unknown`` lists ids not recognised."""

    missing: bool = False
    noncommercial: bool = False
    no_derivatives: bool = False
    share_alike: bool = False
    custom: bool = False
    unknown: tuple[str, ...] = ()


def licence_flags(expression: str | None) -> LicenceFlags:
    """Flags of an SPDX expression. ``OR`` takes the most permissive choice (a flag is set only
    when every alternative has it); ``AND`` and ``WITH`` combine (any operand sets it)."""
    if expression is None or not expression.strip():
        return LicenceFlags(missing=True)
    alternatives = _alternatives(expression)
    per_choice = [_combine([_one(t) for t in choice]) for choice in alternatives]
    unknown = tuple(sorted({u for f in per_choice for u in f.unknown}))
    return LicenceFlags(
        missing=all(f.missing for f in per_choice),
        noncommercial=all(f.noncommercial for f in per_choice),
        no_derivatives=all(f.no_derivatives for f in per_choice),
        share_alike=all(f.share_alike for f in per_choice),
        custom=all(f.custom for f in per_choice),
        unknown=unknown,
    )


def _alternatives(expression: str) -> list[list[str]]:
    """The ids of each ``OR`` alternative, flattening parentheses (good enough for flags)."""
    tokens = [t for t in _TOKEN.findall(expression) if t not in "()"]
    choices: list[list[str]] = [[]]
    skip_exception = False
    for token in tokens:
        upper = token.upper()
        if upper == "OR":
            choices.append([])
        elif upper == "AND":
            continue
        elif upper == "WITH":
            skip_exception = True  # the exception id (Classpath-exception-2.0…) is not a licence
        elif skip_exception:
            skip_exception = False
        else:
            choices[-1].append(token)
    return [c for c in choices if c] or [[]]


def _one(token: str) -> LicenceFlags:
    folded = token.lower().rstrip("+") if token.endswith("+") else token.lower()
    if folded in _NO_LICENCE:
        return LicenceFlags(missing=True)
    if folded.startswith(("licenseref-", "documentref-")):
        return LicenceFlags(custom=True)
    if token.lower() not in _KNOWN_FOLDED and folded not in _KNOWN_FOLDED:
        return LicenceFlags(unknown=(token,))
    return LicenceFlags(
        noncommercial="-nc" in folded,
        no_derivatives="-nd" in folded,
        share_alike=bool(_SHARE_ALIKE.search(folded)),
    )


def _combine(flags: list[LicenceFlags]) -> LicenceFlags:
    if not flags:
        return LicenceFlags(missing=True)
    return LicenceFlags(
        missing=any(f.missing for f in flags),
        noncommercial=any(f.noncommercial for f in flags),
        no_derivatives=any(f.no_derivatives for f in flags),
        share_alike=any(f.share_alike for f in flags),
        custom=any(f.custom for f in flags),
        unknown=tuple(u for f in flags for u in f.unknown),
    )
