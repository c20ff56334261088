"""The evasion test set (data/evasion.tsv, built by data/make_evasion_set.py).

Recall over every non-homophone evasion class must be at least 0.98; benign near-misses must give
no hit of their keyword; homophone spellings must be suspects and never hits.
"""

from __future__ import annotations

import csv
from collections import Counter
from pathlib import Path

import pytest

from hegui.text import KeywordMatcher, MatchLevel

SET = Path(__file__).parent / "data" / "evasion.tsv"
POSITIVE_CLASSES = {
    "literal", "separator", "zero-width", "traditional", "traditional+separator", "variant-form",
    "pinyin", "pinyin-spaced", "pinyin-case", "pinyin-fullwidth", "pinyin-tones", "pinyin-mixed",
    "case", "fullwidth", "circled", "math-letters", "homoglyph-cyrillic", "homoglyph-greek",
    "adjacent-cjk", "regex", "variant-column",
}  # fmt: skip


def load_cases() -> list[dict[str, str]]:
    with SET.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle, delimiter="\t", quoting=csv.QUOTE_NONE))


def levels(matcher: KeywordMatcher, case: dict[str, str]) -> set[MatchLevel]:
    return {m.level for m in matcher.scan(case["text"]) if m.keyword == case["keyword"]}


def test_the_set_is_big_and_covers_every_class() -> None:
    cases = load_cases()
    assert len(cases) >= 300
    classes = Counter(c["class"] for c in cases)
    assert set(classes) >= POSITIVE_CLASSES
    assert sum(1 for c in cases if c["expect"] == "none") >= 30
    assert all(c["expect"] in {"hit", "none", "suspect"} for c in cases)


def test_recall_over_evasion_classes(matcher: KeywordMatcher) -> None:
    positives = [c for c in load_cases() if c["expect"] == "hit"]
    missed = [c for c in positives if MatchLevel.HIT not in levels(matcher, c)]
    recall = 1 - len(missed) / len(positives)
    assert recall >= 0.98, [(c["id"], c["class"], c["text"]) for c in missed]


@pytest.mark.parametrize(
    "case", [c for c in load_cases() if c["expect"] == "none"], ids=lambda c: c["id"]
)
def test_near_misses_are_not_hits(matcher: KeywordMatcher, case: dict[str, str]) -> None:
    assert MatchLevel.HIT not in levels(matcher, case), case


def test_homophones_are_suspects_never_hits(matcher: KeywordMatcher) -> None:
    cases = [c for c in load_cases() if c["expect"] == "suspect"]
    assert cases
    for case in cases:
        assert levels(matcher, case) == {MatchLevel.SUSPECT}, case
    homophone_near_misses = [c for c in load_cases() if c["class"] == "homophone-near-miss"]
    assert not any(MatchLevel.HIT in levels(matcher, c) for c in homophone_near_misses)
