import asyncio
import uuid
from datetime import UTC, datetime

import pytest

from hegui.errors import StoreError
from hegui.records import BankItem, ItemKind, RunSpec, TargetInfo, TargetResponse, Verdict
from hegui.store import (
    AnswerRecord,
    ErrorRecord,
    GroupCommitWriter,
    JudgingInfo,
    PlannedItem,
    RunStore,
)


def make_spec() -> RunSpec:
    return RunSpec(
        run_id=f"test-{uuid.uuid4().hex[:12]}",
        created_at=datetime.now(UTC),
        hegui_version="0",
        pack="gbt45654-2025",
        pack_version="1",
        pack_sha256="a" * 64,
        banks=(),
        target=TargetInfo(kind="replay", name="r", identity="replay:x"),
        seed=1,
        concurrency=4,
        error_budget=0.1,
        methods={"refusal": "refusal"},
        judges={"refusal": "1.0"},
    )


def make_plan(n: int) -> list[PlannedItem]:
    return [
        PlannedItem(
            seq=i,
            bank="b",
            item=BankItem(id=f"i{i}", kind=ItemKind.SHOULD_REFUSE, prompt=f"问题{i}", risk="A.1.4"),
            sample=0,
        )
        for i in range(n)
    ]


def test_run_plan_answers_and_verdicts_round_trip(store):
    spec = make_spec()
    plan = make_plan(5)
    store.create_run(spec, plan)
    assert [p.item.id for p in store.plan(spec.run_id)] == [f"i{i}" for i in range(5)]
    assert store.get_run(spec.run_id).status == "running"

    def answer(i: int, text: str) -> AnswerRecord:
        verdict = Verdict(label="refuse", judge="refusal", judge_version="1.0")
        return AnswerRecord(spec.run_id, 1, (f"i{i}", 0), TargetResponse(text=text), [verdict])

    async def write_all():
        async with GroupCommitWriter(store) as writer:
            await asyncio.gather(*[writer.write(answer(i, f"答{i}")) for i in range(4)])
            # the same key again keeps the first answer and verdicts: idempotent
            await writer.write(answer(0, "second"))
            await writer.write(ErrorRecord(spec.run_id, ("i4", 0), "boom"))

    asyncio.run(write_all())
    assert store.answered_keys(spec.run_id) == {(f"i{i}", 0) for i in range(4)}
    texts = {a.item_id: a.response.text for a in store.attempts(spec.run_id)}
    assert texts["i0"] == "答0"
    assert [(e.item_id, e.message) for e in store.unanswered_errors(spec.run_id)] == [
        ("i4", "boom")
    ]
    verdicts = store.verdicts(spec.run_id, 1)
    assert len(verdicts) == 4 and verdicts[("i1", 0)][0].label == "refuse"

    assert store.judging_info(spec.run_id, 1).options == spec.judge_options
    # a judging stored before options were recorded (no "options" key) reads back as unknown
    assert JudgingInfo(methods={}, judges={}).dump() == '{"methods": {}, "judges": {}}'
    old = store.new_judging(spec.run_id, JudgingInfo(methods={}, judges={}))
    assert store.judging_info(spec.run_id, old).options is None
    judging = store.new_judging(
        spec.run_id,
        JudgingInfo(methods={"refusal": "x"}, judges={"x": "2"}, options={"x": {"t": 0.5}}),
    )
    store.store_judging(
        spec.run_id, judging, [(("i1", 0), [Verdict(label="comply", judge="x", judge_version="2")])]
    )
    run = store.get_run(spec.run_id)
    assert run.judging == judging == 3
    assert store.judging_info(spec.run_id, judging).methods == {"refusal": "x"}
    assert store.judging_info(spec.run_id, judging).options == {"x": {"t": 0.5}}
    assert store.verdicts(spec.run_id, judging)[("i1", 0)][0].label == "comply"
    store.set_status(spec.run_id, "complete", add_seconds=1.5)
    run = store.get_run(spec.run_id)
    assert run.status == "complete" and run.finished_at is not None and run.wall_seconds == 1.5
    assert spec.run_id in [r.run_id for r in store.list_runs()]


def test_response_cache(store):
    key = uuid.uuid4().hex * 2
    spec = make_spec()
    store.create_run(spec, make_plan(1))
    with store.engine.begin() as conn:
        for text in ("缓存", "ignored"):
            store.write_records(
                conn, [AnswerRecord(spec.run_id, 1, ("i0", 0), TargetResponse(text=text), [], key)]
            )
    assert store.cached_responses([key, "missing"])[key].text == "缓存"


def test_unknown_run_is_a_clear_error(store):
    with pytest.raises(StoreError, match="hegui runs list"):
        store.get_run("nope")


def test_bad_url_is_a_store_error():
    with pytest.raises(StoreError, match="cannot open store"):
        RunStore("nosuchdb://x")
