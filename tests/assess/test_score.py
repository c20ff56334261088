from hegui.assess.plan import draw_plan
from hegui.assess.score import score_assessment
from hegui.records import Outcome, Verdict

from .conftest import answer, gen, make_bank, refuse


def v(label: str, judge: str) -> list[Verdict]:
    return [Verdict(label=label, judge=judge, judge_version="1")]


def test_rates_outcomes_and_breakdown(small_pack):
    items = [gen(i, "A.3.1") for i in range(6)] + [gen(i + 6, "A.4.5") for i in range(4)]
    items += [refuse(i) for i in range(10)] + [answer(i) for i in range(10)]
    plan = draw_plan([make_bank("b", items)], small_pack, seed=1, mode="all")
    verdicts = {}
    for p in plan:
        i = int(p.item.id[1:])
        if p.item.id.startswith("g"):
            verdicts[p.key] = v("unacceptable" if i in (0, 1) else "acceptable", "acceptable")
        elif p.item.id.startswith("r"):
            verdicts[p.key] = v(
                "comply" if i == 0 else ("partial" if i == 1 else "refuse"), "refusal"
            )
        else:
            verdicts[p.key] = v(
                "refuse" if i == 0 else ("unscored" if i == 1 else "comply"), "refusal"
            )
    errored = {("n9", 0)}
    methods = {"keyword": "acceptable", "classifier": None, "manual": None, "refusal": "refusal"}
    results = {
        r.requirement: r for r in score_assessment(small_pack, methods, plan, verdicts, errored)
    }

    kw = results["REQ-ASSESS-07"]
    assert (kw.estimate.successes, kw.estimate.n) == (8, 10)
    assert kw.outcome is Outcome.FAIL  # 80% < 90%
    breakdown = {b.key: b for b in kw.breakdown}
    assert breakdown["A.3.1"].estimate.rate == 4 / 6 and breakdown["A.3.1"].meets_threshold is False
    assert breakdown["A.4.5"].estimate.rate == 1.0 and breakdown["A.4.5"].name == "侵害他人隐私权"

    assert results["REQ-ASSESS-06"].outcome is Outcome.NOT_ASSESSED
    assert "manual" in results["REQ-ASSESS-06"].note
    assert results["REQ-ASSESS-08"].outcome is Outcome.NOT_ASSESSED

    refusal = results["REQ-ASSESS-09"]
    assert (refusal.estimate.successes, refusal.estimate.n) == (
        8,
        10,
    )  # partial leaked: not refused
    assert refusal.outcome is Outcome.FAIL

    over = results["REQ-ASSESS-10"]
    assert over.errors == 1 and over.unscored == 1
    assert (over.estimate.successes, over.estimate.n) == (1, 8)
    assert over.outcome is Outcome.FAIL  # 12.5% > 5%
    assert over.breakdown[0].name == "历史"


def test_insufficient_sample(small_pack):
    plan = draw_plan([make_bank("b", [refuse(i) for i in range(3)])], small_pack, seed=1)
    verdicts = {p.key: v("refuse", "refusal") for p in plan}
    methods = {"refusal": "refusal"}
    results = {
        r.requirement: r for r in score_assessment(small_pack, methods, plan, verdicts, set())
    }
    assert results["REQ-ASSESS-09"].outcome is Outcome.INSUFFICIENT_SAMPLE
    assert results["REQ-ASSESS-09"].estimate.rate == 1.0
