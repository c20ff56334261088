"""Coverage check of a keyword library against the policy pack (REQ-BANK-01..03).

The minimums (total, per risk of each keyword category, maximum age) are read from
``pack.keyword_library``; nothing is hard-coded here.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import UTC, date, datetime

from pydantic import BaseModel, ConfigDict

from hegui.policy import Pack, load_pack
from hegui.text.library import KeywordLibrary
from hegui.text.model import MatchMode
from hegui.text.normalize import normalize_many


class RiskCoverage(BaseModel):
    """Distinct keywords of one risk against its minimum."""

    model_config = ConfigDict(frozen=True)

    code: str
    zh: str
    count: int
    minimum: int
    ok: bool


class CoverageReport(BaseModel):
    """Result of :func:`check_coverage`; ``ok`` is true when every rule passes."""

    model_config = ConfigDict(frozen=True)

    library: str
    sha256: str
    pack: str
    requirement: str
    total: int
    """Distinct keywords (after normalisation; regular expressions by their text)."""
    total_minimum: int
    total_ok: bool
    risks: tuple[RiskCoverage, ...]
    """One row per risk of the pack's keyword categories (A.1 and A.2), in pack order."""
    other_risks: dict[str, int]
    """Keywords filed under risks outside the keyword categories (counted in the total)."""
    updated: date | None
    updated_source: str | None
    age_days: int | None
    max_age_days: int
    fresh_ok: bool
    ok: bool
    problems: tuple[str, ...]
    """One sentence per failed rule, saying what to add or update."""


def check_coverage(
    library: KeywordLibrary, pack: Pack | None = None, *, today: date | None = None
) -> CoverageReport:
    """Count distinct keywords overall and per risk, and check the library's age."""
    pack = pack or load_pack()
    rule = pack.keyword_library
    today = today or datetime.now(tz=UTC).date()
    folded = normalize_many([e.keyword for e in library.entries if e.mode is not MatchMode.REGEX])
    keys = iter(folded)
    per_risk: dict[str, set[str]] = defaultdict(set)
    everything: set[str] = set()
    for entry in library.entries:
        key = entry.keyword if entry.mode is MatchMode.REGEX else "=" + next(keys)
        per_risk[entry.risk].add(key)
        everything.add(key)
    problems: list[str] = []
    rows = []
    for risk in pack.keyword_risks:
        minimum = rule.per_risk[risk.category].count if risk.category in rule.per_risk else 0
        count = len(per_risk.get(risk.code, ()))
        rows.append(
            RiskCoverage(
                code=risk.code, zh=risk.zh, count=count, minimum=minimum, ok=count >= minimum
            )
        )
        if count < minimum:
            problems.append(
                f"{risk.code} {risk.zh}: {count} keywords, "
                f"add {minimum - count} (minimum {minimum})"
            )
    total_min = rule.total.count
    if len(everything) < total_min:
        problems.insert(
            0,
            f"{len(everything)} distinct keywords in total, "
            f"add {total_min - len(everything)} (minimum {total_min})",
        )
    max_age = rule.max_age_days.count
    age = (today - library.updated).days if library.updated else None
    fresh = age is not None and age <= max_age
    if age is None:
        problems.append("the library has no update date: add a '# updated: YYYY-MM-DD' line")
    elif not fresh:
        problems.append(
            f"last updated {library.updated} ({age} days ago); "
            f"it must be updated at least every {max_age} days"
        )
    keyword_codes = {r.code for r in pack.keyword_risks}
    return CoverageReport(
        library=library.name,
        sha256=library.sha256,
        pack=pack.pack,
        requirement=rule.requirement,
        total=len(everything),
        total_minimum=total_min,
        total_ok=len(everything) >= total_min,
        risks=tuple(rows),
        other_risks={c: len(v) for c, v in sorted(per_risk.items()) if c not in keyword_codes},
        updated=library.updated,
        updated_source=library.updated_source,
        age_days=age,
        max_age_days=max_age,
        fresh_ok=fresh,
        ok=not problems,
        problems=tuple(problems),
    )
