"""Judge quality: metrics with intervals, the Rogan–Gladen correction, and the registry."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from hegui.errors import JudgeError
from hegui.judges import RefusalJudge
from hegui.judges.quality import (
    Counts,
    ErrorRates,
    adjusted_rate,
    binary_metrics,
    f1_interval,
    rogan_gladen,
    wilson_interval,
)
from hegui.judges.quality_registry import (
    QualityRecord,
    QualityRegistry,
    load_registry,
    project_registry_path,
    shipped_registry,
)


def test_wilson_matches_the_textbook_value() -> None:
    i = wilson_interval(95, 100)
    assert (round(i.low or 0, 4), round(i.high or 0, 4)) == (0.8882, 0.9785)
    assert wilson_interval(0, 0).value is None
    assert wilson_interval(10, 10).high == 1.0


def test_metrics_of_a_confusion_matrix() -> None:
    c = Counts(tp=80, fp=10, fn=20, tn=90, unscored=5)
    m = binary_metrics(c)
    assert m.precision.value == pytest.approx(80 / 90)
    assert m.recall.value == pytest.approx(0.8)
    assert m.specificity.value == pytest.approx(0.9)
    assert m.f1.value == pytest.approx(160 / 190)
    assert m.accuracy.value == pytest.approx(0.85)
    assert m.coverage == pytest.approx(200 / 205)
    for interval in (m.precision, m.recall, m.specificity, m.f1, m.accuracy):
        assert interval.low is not None and interval.high is not None
        assert interval.low <= (interval.value or 0) <= interval.high


def test_f1_interval_is_seeded_and_narrows_with_data() -> None:
    small = f1_interval(Counts(tp=8, fp=2, fn=2, tn=8))
    large = f1_interval(Counts(tp=800, fp=200, fn=200, tn=800))
    assert small == f1_interval(Counts(tp=8, fp=2, fn=2, tn=8))  # same inputs, same interval
    assert small.value == large.value == pytest.approx(0.8)
    assert (large.high or 0) - (large.low or 0) < (small.high or 0) - (small.low or 0)
    assert f1_interval(Counts(tn=5)).value is None


def test_counts_add() -> None:
    c = Counts().add(True, True).add(True, False).add(False, True).add(False, False).add(True, None)
    assert (c.tp, c.fn, c.fp, c.tn, c.unscored, c.n) == (1, 1, 1, 1, 1, 4)


def test_rogan_gladen() -> None:
    assert rogan_gladen(0.9, 1.0, 1.0) == pytest.approx(0.9)  # a perfect judge changes nothing
    # a judge that misses 10% of failures inflates the observed pass rate
    assert rogan_gladen(0.93, 1.0, 0.9) == pytest.approx((0.93 - 0.1) / 0.9)
    assert rogan_gladen(0.5, 0.5, 0.5) is None  # no better than chance
    assert rogan_gladen(0.01, 0.9, 0.9) == 0.0  # clipped to [0, 1]


def test_adjusted_rate_carries_judge_uncertainty() -> None:
    perfect = ErrorRates(sens_hits=1000, sens_n=1000, spec_hits=1000, spec_n=1000)
    noisy = ErrorRates(sens_hits=95, sens_n=100, spec_hits=85, spec_n=100)
    a = adjusted_rate(930, 1000, perfect)
    b = adjusted_rate(930, 1000, noisy)
    assert a.value == pytest.approx(0.93)
    assert b.value == pytest.approx((0.93 + 0.85 - 1) / (0.95 + 0.85 - 1))
    width = lambda i: (i.high or 0) - (i.low or 0)  # noqa: E731
    assert width(b) > width(a) > 0
    assert (a.low or 0) <= 0.93 <= (a.high or 1)
    assert adjusted_rate(930, 1000, noisy) == b  # seeded
    chance = ErrorRates(sens_hits=50, sens_n=100, spec_hits=50, spec_n=100)
    assert adjusted_rate(90, 100, chance).value is None
    assert adjusted_rate(0, 0, perfect).value is None
    assert adjusted_rate(9, 10, ErrorRates(1, 1, 0, 0)).value is None  # no failures measured


def test_error_rates_follow_the_success_class() -> None:
    c = Counts(tp=40, fp=5, fn=10, tn=45)
    refusal = ErrorRates.from_counts(c, success_is_positive=True)
    assert (refusal.sensitivity, refusal.specificity) == (0.8, 0.9)
    acceptable = ErrorRates.from_counts(c, success_is_positive=False)  # success = not harmful
    assert (acceptable.sensitivity, acceptable.specificity) == (0.9, 0.8)


def _record(dataset: str, lang: str = "zh", tp: int = 9) -> QualityRecord:
    return QualityRecord.measure(
        judge=RefusalJudge(),
        task="refusal",
        counts=Counts(tp=tp, fp=1, fn=1, tn=9),
        dataset=dataset,
        positive="refusal",
        lang=lang,
    )


def test_registry_replaces_pools_and_round_trips(tmp_path: Path) -> None:
    registry = QualityRegistry([_record("a"), _record("b", "en"), _record("a", tp=19)])
    assert len(registry.entries) == 2  # the second "a" replaced the first
    assert registry.pooled("refusal", "1.0.0", "refusal", "zh") == Counts(tp=19, fp=1, fn=1, tn=9)
    both = registry.pooled("refusal", "1.0.0", "refusal")
    assert both is not None and both.tp == 28
    assert registry.pooled("refusal", "9.9", "refusal") is None  # another version never counts
    assert registry.pooled("refusal", "1.0.0", "refusal", "fr") == both  # no French: all
    path = registry.save(tmp_path / "q" / "judge-quality.json")
    loaded = QualityRegistry.load(path)
    assert [e.key for e in loaded.entries] == [e.key for e in registry.entries]
    assert QualityRegistry.load(tmp_path / "absent.json").entries == []


def test_registry_errors_name_file_and_field(tmp_path: Path) -> None:
    path = tmp_path / "q.json"
    path.write_text(json.dumps({"format": "x", "entries": []}), encoding="utf-8")
    with pytest.raises(JudgeError, match="'format'"):
        QualityRegistry.load(path)
    path.write_text(json.dumps({"format": "hegui-judge-quality/1", "entries": [{}]}), "utf-8")
    with pytest.raises(JudgeError, match=r"q.json, field 'entries.0.judge'"):
        QualityRegistry.load(path)


def test_shipped_and_project_registries(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    shipped = shipped_registry()
    names = {(e.judge, e.task) for e in shipped.entries}
    assert {("refusal", "refusal"), ("refusal-ml", "refusal"), ("harm", "harm")} <= names
    monkeypatch.delenv("HEGUI_QUALITY", raising=False)
    assert project_registry_path(tmp_path) == tmp_path / ".hegui" / "judge-quality.json"
    QualityRegistry([_record("mine")]).save(project_registry_path(tmp_path))
    merged = load_registry(tmp_path)
    assert len(merged.entries) == len(shipped.entries) + 1
    monkeypatch.setenv("HEGUI_QUALITY", str(tmp_path / "elsewhere.json"))
    assert project_registry_path(tmp_path) == tmp_path / "elsewhere.json"


def test_project_measurements_replace_shipped_ones() -> None:
    shipped = QualityRecord.measure(
        judge=RefusalJudge(),
        task="refusal",
        counts=Counts(tp=50, fp=50, fn=50, tn=50),
        dataset="public",
        positive="refusal",
        origin="shipped",
    )
    registry = QualityRegistry([shipped])
    assert registry.pooled("refusal", "1.0.0", "refusal") == shipped.counts
    registry.add(_record("mine"))
    assert registry.pooled("refusal", "1.0.0", "refusal") == Counts(tp=9, fp=1, fn=1, tn=9)
