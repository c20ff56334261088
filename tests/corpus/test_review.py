"""The manual-review round trip: export, reviewers fill 研判结果, import, REQ-ASSESS-03."""

from __future__ import annotations

from pathlib import Path

import pytest
from openpyxl import load_workbook

from hegui.corpus import (
    CheckStatus,
    ReviewError,
    build_plan,
    export_review,
    import_review,
    rerender,
    run_audit,
)


def audited(corpus: Path, tmp_path: Path) -> Path:
    out = tmp_path / "out"
    run_audit(build_plan(corpus, policy={"manual_sample": 60}), out)
    return out


def fill(source: Path, target: Path, verdicts: dict[int, object]) -> None:
    """Write verdicts into 研判结果 of the given data rows (1-based), as a reviewer would."""
    workbook = load_workbook(source)
    sheet = workbook["人工抽检"]
    column = [c.value for c in sheet[1]].index("研判结果") + 1
    for row, value in verdicts.items():
        sheet.cell(row=row + 1, column=column, value=value)
    workbook.save(target)


def manual(report: object) -> object:
    return next(c for c in report.checks if c.id == "REQ-ASSESS-03")  # type: ignore[attr-defined]


def test_export_holds_the_sample(corpus: Path, tmp_path: Path) -> None:
    out = audited(corpus, tmp_path)
    assert export_review(out, tmp_path / "r.xlsx") == 60
    workbook = load_workbook(tmp_path / "r.xlsx")
    sheet = workbook["人工抽检"]
    header = [c.value for c in sheet[1]]
    assert header == [
        "序号",
        "样本编号",
        "文档ID",
        "来源",
        "文本",
        "自动检测标记",
        "研判结果",
        "备注",
    ]
    rows = list(sheet.iter_rows(min_row=2, values_only=True))
    sample = (out / "review_sample.jsonl").read_text(encoding="utf-8").splitlines()
    assert len(rows) == len(sample) == 60
    assert all(r[6] is None and r[4] for r in rows)
    assert {r[3] for r in rows} <= {"web", "books"}
    flagged = [r for r in rows if r[5] and "keyword_hit:A.1.8" in r[5]]
    assert flagged  # reviewers see what the scanners found
    assert workbook["_meta"].sheet_state == "hidden"


def test_all_acceptable_passes_and_some_unacceptable_fails(corpus: Path, tmp_path: Path) -> None:
    out = tmp_path / "small"
    # With fewer documents than the sample size, the whole corpus is the sample.
    report = run_audit(build_plan(corpus), out)
    total = report.totals.docs
    export_review(out, tmp_path / "r.xlsx")
    fill(tmp_path / "r.xlsx", tmp_path / "ok.xlsx", dict.fromkeys(range(1, total + 1), "合格"))
    summary = import_review(out, tmp_path / "ok.xlsx")
    assert (summary.reviewed, summary.acceptable, summary.sample) == (total, total, total)
    assert manual(rerender(out)).status is CheckStatus.PASS  # type: ignore[attr-defined]
    bad = dict.fromkeys(range(1, total + 1), "合格")
    bad.update(dict.fromkeys(range(1, 40), "不合格"))  # 39 of ~510: below 96%
    fill(tmp_path / "r.xlsx", tmp_path / "bad.xlsx", bad)
    import_review(out, tmp_path / "bad.xlsx")
    check = manual(rerender(out))
    assert check.status is CheckStatus.FAIL  # type: ignore[attr-defined]
    assert check.estimate.successes == total - 39  # type: ignore[attr-defined]
    # The stored report carries the review after re-rendering.
    assert "不合格 39 条" in (out / "report.html").read_text(encoding="utf-8")


def test_partial_review_is_not_enough(corpus: Path, tmp_path: Path) -> None:
    out = audited(corpus, tmp_path)
    export_review(out, tmp_path / "r.xlsx")
    fill(tmp_path / "r.xlsx", tmp_path / "part.xlsx", dict.fromkeys(range(1, 31), "合格"))
    import_review(out, tmp_path / "part.xlsx")
    check = manual(rerender(out))
    assert check.status is CheckStatus.FAIL  # type: ignore[attr-defined]
    assert "only 30" in check.detail  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        ({3: "OK"}, r"sheet '人工抽检', row 4, column '研判结果': 'OK' is not a verdict"),
        ({3: 1}, r"row 4, column '研判结果'"),
    ],
)
def test_bad_verdicts_name_sheet_row_and_column(
    corpus: Path, tmp_path: Path, edit: dict[int, object], message: str
) -> None:
    out = audited(corpus, tmp_path)
    export_review(out, tmp_path / "r.xlsx")
    fill(tmp_path / "r.xlsx", tmp_path / "bad.xlsx", edit)
    with pytest.raises(ReviewError, match=message):
        import_review(out, tmp_path / "bad.xlsx")


def test_foreign_rows_and_workbooks_are_refused(corpus: Path, tmp_path: Path) -> None:
    out = audited(corpus, tmp_path)
    export_review(out, tmp_path / "r.xlsx")
    workbook = load_workbook(tmp_path / "r.xlsx")
    sheet = workbook["人工抽检"]
    sheet.cell(row=5, column=2, value="data/other.jsonl:1")
    workbook.save(tmp_path / "unknown.xlsx")
    with pytest.raises(ReviewError, match=r"row 5, column '样本编号'.*not a document"):
        import_review(out, tmp_path / "unknown.xlsx")
    workbook = load_workbook(tmp_path / "r.xlsx")
    sheet = workbook["人工抽检"]
    sheet.cell(row=6, column=2, value=sheet.cell(row=2, column=2).value)
    workbook.save(tmp_path / "twice.xlsx")
    with pytest.raises(ReviewError, match=r"row 6.*listed twice"):
        import_review(out, tmp_path / "twice.xlsx")
    workbook = load_workbook(tmp_path / "r.xlsx")
    workbook["_meta"].cell(row=1, column=2, value="0" * 64)
    workbook.save(tmp_path / "other.xlsx")
    with pytest.raises(ReviewError, match="another audit"):
        import_review(out, tmp_path / "other.xlsx")
    workbook = load_workbook(tmp_path / "r.xlsx")
    workbook["人工抽检"].title = "Sheet1"
    workbook.save(tmp_path / "renamed.xlsx")
    with pytest.raises(ReviewError, match="no sheet '人工抽检'"):
        import_review(out, tmp_path / "renamed.xlsx")
    (tmp_path / "junk.xlsx").write_bytes(b"not a zip")
    with pytest.raises(ReviewError, match="not a readable XLSX"):
        import_review(out, tmp_path / "junk.xlsx")
