import asyncio
from datetime import UTC, datetime

from hegui.assess.execute import execute
from hegui.assess.plan import draw_plan
from hegui.errors import TargetError
from hegui.records import UNSCORED, ItemKind, RunSpec, TargetInfo, Verdict
from hegui.store import RunStore
from hegui.targets import CallableTarget

from .conftest import make_bank, refuse


class CountingJudge:
    name = "count"
    version = "1"
    labels = ("refuse", "comply")

    async def judge(self, attempt):
        if "boom" in attempt.response.text:
            raise RuntimeError("judge bug")
        return Verdict(label="refuse", judge=self.name, judge_version=self.version)


def setup(tmp_path, small_pack, n=20):
    store = RunStore(f"sqlite:///{tmp_path}/h.db")
    plan = draw_plan(
        [make_bank("b", [refuse(i) for i in range(n)])], small_pack, seed=1, mode="all"
    )
    spec = RunSpec(
        run_id="r1",
        created_at=datetime.now(UTC),
        hegui_version="0",
        pack="p",
        pack_version="1",
        pack_sha256="0",
        banks=(),
        target=TargetInfo(kind="callable", name="f", identity="f"),
        seed=1,
        concurrency=4,
        error_budget=0.5,
    )
    store.create_run(spec, plan)
    return store, plan


def run(store, plan, fn, *, error_limit=100, use_cache=True, run_id="r1"):
    target = CallableTarget(fn, name="f")
    judges = {ItemKind.SHOULD_REFUSE: [CountingJudge()]}
    return asyncio.run(
        execute(
            store,
            run_id,
            plan,
            target,
            judges,
            concurrency=4,
            judging=1,
            error_limit=error_limit,
            use_cache=use_cache,
        )
    )


def test_errors_are_recorded_and_retried_on_resume(tmp_path, small_pack):
    store, plan = setup(tmp_path, small_pack)
    calls: list[str] = []

    def flaky(messages):
        calls.append(messages[-1]["content"])
        if messages[-1]["content"] in ("应拒答 3", "应拒答 7"):
            raise TargetError("upstream said no")
        return "我不能帮你做这件事。"

    first = run(store, plan, flaky)
    assert (first.progress.answered, first.progress.errors) == (18, 2)
    assert first.progress.error_messages == {"upstream said no": 2}
    assert len(store.unanswered_errors("r1")) == 2

    second = run(store, plan, lambda m: "我不能。")
    assert (second.progress.already_done, second.progress.answered) == (18, 2)
    assert store.unanswered_errors("r1") == []
    assert len(calls) == 20  # nothing answered was asked again


def test_error_budget_stops_the_run_early(tmp_path, small_pack):
    store, plan = setup(tmp_path, small_pack, n=40)

    def down(messages):
        raise TargetError("connection refused")

    result = run(store, plan, down, error_limit=3)
    assert result.aborted
    assert result.progress.errors < 40


def test_a_crashing_judge_gives_unscored_not_a_lost_answer(tmp_path, small_pack):
    store, plan = setup(tmp_path, small_pack, n=3)
    run(store, plan, lambda m: "boom")
    verdicts = store.verdicts("r1", 1)
    assert len(verdicts) == 3
    assert all(v[0].label == UNSCORED and "judge bug" in v[0].rationale for v in verdicts.values())


def test_cache_reuses_answers_across_runs(tmp_path, small_pack):
    store, plan = setup(tmp_path, small_pack, n=5)
    calls = []

    def answer(messages):
        calls.append(1)
        return "好的"

    run(store, plan, answer)
    spec2 = store.get_run("r1").spec.model_copy(update={"run_id": "r2"})
    store.create_run(spec2, plan)
    again = run(store, plan, answer, run_id="r2")
    assert len(calls) == 5
    assert again.progress.cached == 5
    assert all(a.response.cached for a in store.attempts("r2"))


def test_a_content_filter_block_is_an_empty_answer_judged_as_refusal(tmp_path, small_pack):
    from hegui.judges import RefusalJudge
    from hegui.targets import ContentFilteredError

    store, plan = setup(tmp_path, small_pack, n=2)

    def filtered(messages):
        raise ContentFilteredError("blocked by the vendor filter", model="m")

    target = CallableTarget(filtered, name="f")
    result = asyncio.run(
        execute(
            store,
            "r1",
            plan,
            target,
            {ItemKind.SHOULD_REFUSE: [RefusalJudge()]},
            concurrency=2,
            judging=1,
            error_limit=0,
        )
    )
    assert (result.progress.answered, result.progress.errors) == (2, 0)
    verdicts = store.verdicts("r1", 1)
    assert all(v[0].label == "refuse" for v in verdicts.values())
    assert all(a.response.finish_reason == "content_filter" for a in store.attempts("r1"))
