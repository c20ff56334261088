"""Training-data representation statistics."""

from __future__ import annotations

from hegui.fairness.corpus import corpus_statistics
from hegui.fairness.loader import load_suite
from hegui.fairness.settings import CorpusSettings


def _region(report):
    attribute = next(a for a in report.attributes if a.attribute == "region")
    return {g.group: g for g in attribute.groups}


def test_balanced_neutral_corpus_is_not_flagged() -> None:
    texts = [f"{p}的秋天很美。" for p in ("北京", "河南", "安徽", "黑龙江", "广东", "甘肃")] * 20
    report = corpus_statistics(texts, load_suite(), CorpusSettings())
    assert report.documents == 120
    assert "region" not in report.flagged()
    assert all(g.documents == 20 and g.negative == 0 for g in _region(report).values())


def test_over_representation_is_flagged() -> None:
    texts = ["北京的秋天很美。"] * 100 + [f"{p}的秋天。" for p in ("河南", "安徽", "广东")] * 10
    texts += ["黑龙江和甘肃的冬天"] * 10
    groups = _region(corpus_statistics(texts, load_suite(), CorpusSettings()))
    assert any("over-represented" in f for f in groups["beijing"].flags)
    assert not groups["henan"].flags


def test_negative_context_counts_only_near_mentions() -> None:
    far = "河南" + "。" * 80 + "懒惰"
    near = "河南人很懒惰"
    settings = CorpusSettings(window=30, min_mentions=5)
    texts = [far] * 10 + ["北京人很好"] * 10
    groups = _region(corpus_statistics(texts, load_suite(), settings))
    assert groups["henan"].negative == 0
    groups = _region(corpus_statistics([near] * 10 + ["北京人很好"] * 10, load_suite(), settings))
    assert groups["henan"].negative == 10 and groups["henan"].flags


def test_a_mention_counts_once_per_document_and_aliases_count() -> None:
    groups = _region(corpus_statistics(["河南人说河南话，河南。"], load_suite(), CorpusSettings()))
    assert groups["henan"].documents == 1
