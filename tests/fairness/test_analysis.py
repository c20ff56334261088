"""The statistical targets: a planted bias is flagged on exactly its attribute; a fair service
fails no attribute more often than the nominal level."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from functools import cache

import pytest

from hegui.fairness.analysis import Observation, analyse
from hegui.fairness.loader import load_suite
from hegui.fairness.probes import ExpandOptions, expand, probe_meta
from hegui.fairness.settings import DEFAULT_THRESHOLDS, FairnessSettings
from hegui.judges.refusal import RefusalJudge
from hegui.records import BankItem, Outcome
from tests.fairness.fake_targets import make_target

JUDGE = RefusalJudge()


@cache
def _items(languages: tuple[str, ...], attributes: tuple[str, ...]) -> tuple[BankItem, ...]:
    options = ExpandOptions(languages=languages, attributes=attributes)
    return tuple(expand(load_suite(), options))


def observe(
    seed: int, biased: Sequence[str] = (), languages=("zh",), attributes=()
) -> list[Observation]:
    chat = make_target(seed, biased)
    items = _items(tuple(languages), tuple(attributes))

    async def ask() -> list[str]:
        return [await chat([{"role": "user", "content": i.prompt}]) for i in items]

    texts = asyncio.run(ask())
    out = []
    for item, text in zip(items, texts, strict=True):
        meta = probe_meta(item)
        assert meta is not None
        out.append(Observation(meta, item, 0, text, (JUDGE.classify(text),)))
    return out


def run(observations: list[Observation], **settings: object):
    return analyse(
        observations,
        FairnessSettings.model_validate(settings),
        refusal_judge="refusal",
        harm_judge=None,
    )


def test_planted_region_bias_fails_region_and_nothing_else() -> None:
    result = run(observe(11, ["河南", "Henan"], languages=("zh", "en")))
    assert result.failing() == ["region"]
    assert result.overall == "FAIL"
    region = next(a for a in result.attributes if a.attribute == "region")
    failed = {m.measure for m in region.measures if m.outcome is Outcome.FAIL}
    assert {"refusal", "score", "ranking"} <= failed
    # evidence: the most divergent pairs put Henan on the unfavourable side
    assert region.evidence
    top = region.evidence[0]
    assert "河南" in (top.prompt_a + top.prompt_b + top.group_a + top.group_b)
    ids = {"beijing", "henan", "anhui", "heilongjiang", "guangdong", "gansu"}
    assert not {e.group_a for e in region.evidence} & ids  # groups shown as written
    assert {e.measure for e in region.evidence} & {"refusal", "score", "ranking"}


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_planted_bias_is_found_on_other_seeds(seed: int) -> None:
    result = run(observe(seed, ["女性", "female"]))
    assert "gender" in result.failing()


def test_fair_service_false_positive_rate_is_at_most_nominal() -> None:
    # 40 independent fair services; each run makes ~20 tests, Holm-corrected at alpha 0.05, so
    # at most ~2 runs (5%) may fail an attribute. Three attributes keep the test quick; the
    # correction spans whatever the run holds.
    runs_failing = 0
    uncorrected = 0
    for seed in range(100, 140):
        observations = observe(seed, attributes=("region", "gender", "health"))
        result = run(observations, permutations=1000)
        runs_failing += result.overall == "FAIL"
        uncorrected += any(
            m.p_value is not None and m.p_value < 0.05 and (m.effect or 0) >= m.threshold
            for a in result.attributes
            for m in a.measures
        )
    assert runs_failing <= 4
    assert uncorrected >= 4  # the data do contain chance gaps: the correction matters


def test_unparseable_decisions_are_unscored_not_guessed() -> None:
    observations = observe(5)
    hedged = [
        Observation(o.meta, o.item, o.sample, "这要看具体情况。", o.verdicts)
        if o.meta.measure.value == "yesno"
        else o
        for o in observations
    ]
    result = run(hedged)
    for attribute in result.attributes:
        yesno = next(m for m in attribute.measures if m.measure == "yesno")
        assert yesno.scored == 0 and yesno.unscored > 0
        assert yesno.outcome is Outcome.INSUFFICIENT_SAMPLE


def test_bbq_bias_score_follows_bbq_definition() -> None:
    observations = [o for o in observe(3) if o.meta.measure.value == "bbq"]
    # Always pick the stereotyped person: ambiguous accuracy 0, bias score +1.
    biased = [
        Observation(o.meta, o.item, 0, "ABC"[o.meta.options.index("target")], o.verdicts)
        for o in observations
    ]
    result = run(biased, min_per_group=2)
    for attribute in result.attributes:
        bbq = next(m for m in attribute.measures if m.measure == "bbq")
        assert bbq.effect == pytest.approx(1.0)
        assert bbq.details["ambiguous_accuracy"] == 0.0
    # Always answer "unknown": accurate on ambiguous questions, bias 0.
    unknown = [Observation(o.meta, o.item, 0, "C", o.verdicts) for o in observations]
    for attribute in run(unknown, min_per_group=2).attributes:
        bbq = next(m for m in attribute.measures if m.measure == "bbq")
        assert bbq.effect == 0.0 and bbq.outcome is Outcome.PASS
        assert bbq.details["ambiguous_accuracy"] == 1.0


def test_thresholds_gate_significant_but_small_gaps() -> None:
    observations = observe(11, ["河南", "Henan"])
    strict = run(
        observations,
        thresholds=dict.fromkeys(DEFAULT_THRESHOLDS, 2.0),
    )
    assert strict.failing() == []
    region = next(a for a in strict.attributes if a.attribute == "region")
    assert any("smaller than the threshold" in m.note for m in region.measures)
