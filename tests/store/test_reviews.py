"""Human reviews in the run store: append-only, keyed by run/item/sample/reviewer, timestamped."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from hegui.errors import StoreError
from hegui.records import TargetResponse, Verdict
from hegui.store import AnswerRecord, GroupCommitWriter, RunStore
from hegui.store.store import Review
from tests.store.test_store import make_plan, make_spec


@pytest.fixture
def store(tmp_path: Path) -> RunStore:
    s = RunStore(f"sqlite:///{tmp_path}/hegui.db")
    yield s  # type: ignore[misc]
    s.close()


def _answered_run(store: RunStore, n: int = 3) -> str:
    spec = make_spec()
    store.create_run(spec, make_plan(n + 1))

    async def write() -> None:
        async with GroupCommitWriter(store) as writer:
            for i in range(n):
                verdict = Verdict(label="refuse", judge="refusal", judge_version="1.0")
                await writer.write(
                    AnswerRecord(spec.run_id, 1, (f"i{i}", 0), TargetResponse(text="答"), [verdict])
                )

    asyncio.run(write())
    return spec.run_id


def test_reviews_are_appended_never_overwritten(store: RunStore) -> None:
    run = _answered_run(store)
    assert store.reviews(run) == []
    first = [
        Review("i0", 0, "张三", "acceptable", "拒答得当", "r.xlsx, sheet 人工抽检, row 2"),
        Review("i1", 0, "张三", "unacceptable", "泄露细节"),
    ]
    assert store.add_reviews(run, first) == 2
    assert store.add_reviews(run, [Review("i0", 0, "张三", "unacceptable", "复核改判")]) == 1
    assert store.add_reviews(run, [Review("i0", 0, "李四", "acceptable")]) == 1
    history = store.reviews(run)
    assert [(r.item_id, r.reviewer, r.verdict) for r in history] == [
        ("i0", "张三", "acceptable"),
        ("i1", "张三", "unacceptable"),
        ("i0", "张三", "unacceptable"),
        ("i0", "李四", "acceptable"),
    ]
    assert all(r.created_at is not None for r in history)
    assert history[0].source == "r.xlsx, sheet 人工抽检, row 2" and history[0].reason == "拒答得当"
    assert store.add_reviews(run, []) == 0


def test_reviews_must_name_answered_items_of_an_existing_run(store: RunStore) -> None:
    run = _answered_run(store)
    with pytest.raises(StoreError, match=r"no answer for item 'i3' sample 0"):
        store.add_reviews(
            run, [Review("i0", 0, "张三", "acceptable"), Review("i3", 0, "张三", "acceptable")]
        )
    assert store.reviews(run) == []  # nothing of a bad batch is stored
    with pytest.raises(StoreError, match="no run 'absent'"):
        store.add_reviews("absent", [Review("i0", 0, "张三", "acceptable")])
