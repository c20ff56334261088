"""Coverage of a library against the pack's minimums (read from the pack, not hard-coded)."""

from __future__ import annotations

from datetime import date, timedelta

from hegui.policy import load_pack
from hegui.text import KeywordLibrary, check_coverage


def synthetic_library(per_risk: dict[str, int], extra: int, updated: date) -> KeywordLibrary:
    terms: list[tuple[str, str]] = []
    for code, count in per_risk.items():
        terms += [(f"kw{code}x{i}", code) for i in range(count)]
    terms += [(f"more{i}", "A.3.1") for i in range(extra)]
    return KeywordLibrary.from_terms(terms, updated=updated)


def test_a_library_meeting_every_minimum_passes() -> None:
    pack = load_pack()
    rule = pack.keyword_library
    per_risk = {r.code: rule.per_risk[r.category].count for r in pack.keyword_risks}
    extra = max(0, rule.total.count - sum(per_risk.values()))
    today = date(2026, 11, 28)
    lib = synthetic_library(per_risk, extra, today - timedelta(days=rule.max_age_days.count))
    report = check_coverage(lib, pack, today=today)
    assert report.ok, report.problems
    assert report.total == sum(per_risk.values()) + extra >= rule.total.count
    assert len(report.risks) == len(pack.keyword_risks)
    assert report.other_risks == ({"A.3.1": extra} if extra else {})


def test_shortfalls_are_named() -> None:
    pack = load_pack()
    rule = pack.keyword_library
    per_risk = {r.code: rule.per_risk[r.category].count for r in pack.keyword_risks}
    first = pack.keyword_risks[0].code
    per_risk[first] -= 1
    today = date(2026, 11, 28)
    stale = today - timedelta(days=rule.max_age_days.count + 1)
    lib = synthetic_library(per_risk, 0, stale)
    report = check_coverage(lib, pack, today=today)
    assert not report.ok
    row = next(r for r in report.risks if r.code == first)
    assert not row.ok and row.count == row.minimum - 1
    assert not report.fresh_ok and report.age_days == rule.max_age_days.count + 1
    text = " ".join(report.problems)
    assert first in text and "add 1" in text and "every" in text
    assert not report.total_ok


def test_duplicates_after_normalisation_count_once() -> None:
    lib = KeywordLibrary.from_terms([("賭博", "A.1.8"), ("赌 博", "A.1.8"), ("赌博", "A.1.7")])
    report = check_coverage(lib, today=date(2026, 1, 1))
    counts = {r.code: r.count for r in report.risks}
    assert counts["A.1.8"] == 1 and counts["A.1.7"] == 1
    assert report.total == 1
    assert report.updated is None and not report.fresh_ok
