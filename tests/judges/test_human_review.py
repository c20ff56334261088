"""Human review: sampling, verdicts with provenance, Cohen's kappa, and the review workbook."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from pathlib import Path

import pytest
from openpyxl import load_workbook

from hegui.judges import build_judge
from hegui.judges.human import (
    HumanJudge,
    cohen_kappa,
    human_verdicts,
    machine_agreement,
    overlay,
    sample_for_review,
)
from hegui.judges.review_sheet import SHEET, ReviewError, export_workbook, import_workbook
from hegui.records import Attempt, BankItem, ItemKind, TargetResponse, Verdict
from hegui.store.store import PlannedItem, Review


def _plan(n: int) -> list[PlannedItem]:
    plan = []
    for i in range(n):
        kind = ItemKind.GENERATION if i % 4 else ItemKind.SHOULD_REFUSE
        item = BankItem(id=f"q{i}", kind=kind, prompt=f"问题{i}", risk="A.2.5")
        plan.append(PlannedItem(seq=i, bank="b", item=item, sample=0))
    return plan


def test_placeholder_judge() -> None:
    judge = build_judge("human")
    assert isinstance(judge, HumanJudge)
    item = BankItem(id="q", kind=ItemKind.GENERATION, prompt="问", risk="A.1.8")
    verdict = asyncio.run(
        judge.judge(Attempt(run_id="r", item=item, response=TargetResponse(text="答")))
    )
    assert verdict.label == "unscored" and "awaiting human review" in verdict.rationale


def test_sample_is_seeded_answered_generation_items_in_plan_order() -> None:
    plan = _plan(40)
    answered = {p.key for p in plan if p.item.id != "q5"}
    sample = sample_for_review(plan, answered, n=10, seed=7)
    assert len(sample) == 10
    assert all(p.item.kind is ItemKind.GENERATION and p.item.id != "q5" for p in sample)
    assert [p.seq for p in sample] == sorted(p.seq for p in sample)
    assert sample == sample_for_review(plan, answered, n=10, seed=7)
    assert sample != sample_for_review(plan, answered, n=10, seed=8)
    assert len(sample_for_review(plan, answered, n=1000)) == 29  # all there are


def test_latest_review_wins_and_carries_provenance() -> None:
    when = datetime(2025, 11, 28, 9, 30, tzinfo=UTC)
    reviews = [
        Review("q1", 0, "张三", "acceptable", "", "r.xlsx, sheet 人工抽检, row 2", when),
        Review("q1", 0, "李四", "unacceptable", "含歧视", "r2.xlsx, sheet 人工抽检, row 5", when),
        Review("q2", 0, "张三", "acceptable", created_at=when),
    ]
    verdicts = human_verdicts(reviews)
    v = verdicts[("q1", 0)]
    assert (v.label, v.judge, v.score) == ("unacceptable", "human", 1.0)
    assert v.rationale == "不合格 (李四): 含歧视"
    assert v.evidence == (
        "reviewer: 李四",
        "reviewed_at: 2025-11-28 09:30",
        "source: r2.xlsx, sheet 人工抽检, row 5",
    )
    placeholder = Verdict(label="unscored", judge="human", judge_version="1.0.0")
    machine = Verdict(label="acceptable", judge="acceptable", judge_version="1")
    merged = overlay(
        {("q1", 0): [machine, placeholder], ("q3", 0): [machine, placeholder]}, verdicts
    )
    assert merged[("q1", 0)] == [machine, v]
    assert merged[("q3", 0)] == [machine, placeholder]  # not reviewed: placeholder stays
    assert merged[("q2", 0)] == [verdicts[("q2", 0)]]


def test_cohen_kappa() -> None:
    # the textbook example: 20 yes/yes, 5 yes/no, 10 no/yes, 15 no/no → kappa 0.4
    pairs = [("y", "y")] * 20 + [("y", "n")] * 5 + [("n", "y")] * 10 + [("n", "n")] * 15
    k = cohen_kappa(pairs)
    assert (k.n, k.agree) == (50, 35) and k.kappa == pytest.approx(0.4)
    assert cohen_kappa([("y", "y")] * 3).kappa is None  # chance agreement is total
    assert cohen_kappa([]).kappa is None
    human = human_verdicts(
        [
            Review("a", 0, "张", "acceptable"),
            Review("b", 0, "张", "unacceptable"),
            Review("c", 0, "张", "unacceptable"),
        ]
    )
    machine = {
        ("a", 0): [Verdict(label="clean", judge="keyword", judge_version="1")],
        ("b", 0): [Verdict(label="hit", judge="keyword", judge_version="1")],
        ("c", 0): [Verdict(label="unscored", judge="keyword", judge_version="1")],
    }
    agreement = machine_agreement(human, machine, "keyword")
    assert (agreement.n, agreement.agree, agreement.kappa) == (2, 2, pytest.approx(1.0))


def test_workbook_round_trip(tmp_path: Path) -> None:
    plan = _plan(8)
    sample = sample_for_review(plan, {p.key for p in plan}, n=4)
    answers = {p.key: f"回答{p.item.id}" for p in plan}
    machine = {sample[0].key: Verdict(label="unacceptable", judge="cascade", judge_version="1")}
    path = export_workbook(
        tmp_path / "review.xlsx", "run-1", sample, answers, machine, {"A.2.5": "性别歧视内容"}
    )
    book = load_workbook(path)
    sheet = book[SHEET]
    header = [c.value for c in sheet[1]]
    assert header[:9] == [
        "序号",
        "题目编号",
        "采样",
        "风险编号",
        "风险名称",
        "测试题",
        "模型回答",
        "机器研判",
        "研判结果",
    ]
    assert sheet.cell(row=2, column=8).value == "不合格 (cascade)"
    assert sheet.cell(row=2, column=5).value == "性别歧视内容"
    assert sheet.data_validations.dataValidation[0].formula1 == '"合格,不合格"'
    # a reviewer fills three of the four rows
    for row, (result, reason) in enumerate(
        [("合格", ""), ("不合格", "泄露细节"), ("合格", "ok")], 2
    ):
        sheet.cell(row=row, column=9, value=result)
        sheet.cell(row=row, column=10, value=reason)
    sheet.cell(row=2, column=11, value="王五")
    book.save(path)
    reviews, blank = import_workbook(path, "run-1", reviewer="赵六")
    assert blank == 1
    assert [(r.item_id, r.verdict, r.reviewer) for r in reviews] == [
        (sample[0].item.id, "acceptable", "王五"),
        (sample[1].item.id, "unacceptable", "赵六"),
        (sample[2].item.id, "acceptable", "赵六"),
    ]
    assert (
        reviews[1].reason == "泄露细节"
        and reviews[1].source == "review.xlsx, sheet 人工抽检, row 3"
    )
    with pytest.raises(ReviewError, match="exported for run run-1, not run-2"):
        import_workbook(path, "run-2")


def test_import_reports_every_problem_with_sheet_row_and_column(tmp_path: Path) -> None:
    plan = _plan(8)
    sample = sample_for_review(plan, {p.key for p in plan}, n=3)
    path = export_workbook(tmp_path / "r.xlsx", "run", sample, {}, {}, {})
    book = load_workbook(path)
    sheet = book[SHEET]
    sheet.cell(row=2, column=9, value="通过")  # not 合格/不合格
    sheet.cell(row=3, column=9, value="合格")  # no reviewer
    sheet.cell(row=4, column=9, value="不合格")
    sheet.cell(row=4, column=11, value="张三")
    sheet.cell(row=4, column=3, value="x")  # sample is not a number
    book.save(path)
    with pytest.raises(ReviewError) as info:
        import_workbook(path, "run")
    message = str(info.value)
    assert "3 problem(s)" in message
    assert "sheet '人工抽检', row 2, column 研判结果: '通过' is not 合格 or 不合格" in message
    assert "row 3, column 审核人: empty" in message
    assert "row 4, column 采样: 'x' is not a whole number" in message
    with pytest.raises(ReviewError, match="not found"):
        import_workbook(tmp_path / "absent.xlsx", "run")
    (tmp_path / "junk.xlsx").write_text("no", encoding="utf-8")
    with pytest.raises(ReviewError, match="not an XLSX workbook"):
        import_workbook(tmp_path / "junk.xlsx", "run")
    del book[SHEET]
    book.save(tmp_path / "nosheet.xlsx")
    with pytest.raises(ReviewError, match="no sheet '人工抽检'"):
        import_workbook(tmp_path / "nosheet.xlsx", "run")
