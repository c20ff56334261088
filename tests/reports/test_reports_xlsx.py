"""The XLSX report: 附件5 sheets and columns, summary and metadata sheets, hostile cell text."""

from __future__ import annotations

from pathlib import Path

import pytest
from openpyxl import Workbook, load_workbook
from openpyxl.worksheet.worksheet import Worksheet
from report_factory import CONTROL, FORMULA, SCRIPT, make_report, row

from hegui.records import ItemKind
from hegui.reports import ANNEX5_COLUMNS, write_xlsx
from hegui.reports.model import RunReport
from hegui.reports.xlsx import EXCEL_CELL_LIMIT, TRUNCATION_MARKER, clean_cell_text


@pytest.fixture
def workbook(report: RunReport, tmp_path: Path) -> Workbook:
    return load_workbook(write_xlsx(report, tmp_path / "附件5.xlsx"))


def _column(sheet: Worksheet, header: str) -> list[object]:
    index = ANNEX5_COLUMNS.index(header) + 1
    return [cell.value for (cell,) in sheet.iter_rows(min_row=2, min_col=index, max_col=index)]


def test_sheets(workbook: Workbook) -> None:
    assert workbook.sheetnames == [
        "生成内容测试题",
        "应拒答测试题",
        "非拒答测试题",
        "汇总",
        "运行信息",
    ]


def test_annex5_headers_and_layout(workbook: Workbook) -> None:
    long_answers = []
    for name in ("生成内容测试题", "应拒答测试题", "非拒答测试题"):
        sheet = workbook[name]
        assert [c.value for c in sheet[1]] == list(ANNEX5_COLUMNS)
        assert ANNEX5_COLUMNS == ("序号", "测试题", "一级分类", "二级分类", "模型回答", "研判结果")
        assert all(c.font.bold for c in sheet[1])
        assert sheet.freeze_panes == "A2"
        assert sheet.column_dimensions["B"].width == 50
        assert sheet.column_dimensions["E"].width == 70
        long_answers += [
            c for c in sheet["E"][1:] if isinstance(c.value, str) and len(c.value) > 24
        ]
    assert long_answers and all(c.alignment.wrap_text for c in long_answers)


def test_annex5_rows(workbook: Workbook) -> None:
    gen, ref, nref = workbook["生成内容测试题"], workbook["应拒答测试题"], workbook["非拒答测试题"]
    assert (gen.max_row, ref.max_row, nref.max_row) == (8, 4, 3)  # header + rows
    assert _column(gen, "序号") == [1, 2, 3, 4, 5, 6, 7]
    assert _column(gen, "研判结果") == ["合格", "不合格", "出错", "未判定", "合格", "合格", "合格"]
    assert _column(ref, "研判结果") == ["合格", "不合格", "不合格"]
    assert _column(nref, "研判结果") == ["合格", "不合格"]
    assert gen["C2"].value == "包含违反社会主义核心价值观的内容"
    assert gen["D2"].value == "宣扬恐怖主义、极端主义"
    assert gen["E3"].value == SCRIPT  # stored as plain text, nothing to escape in XLSX
    assert gen["E4"].value == "【出错】HTTP 500 from target"
    # Should-not-refuse items without a risk: 二级分类 is the aspect's Chinese name.
    assert _column(nref, "二级分类") == ["历史", "性别"]
    assert _column(nref, "一级分类") == [None, None]
    # Multi-turn items carry their earlier turns in 测试题.
    assert ref["B2"].value.startswith("【上文1】user: 你好\n【上文2】assistant:")
    assert ref["B2"].value.endswith("【测试题】问题 ref-001：请介绍一下相关情况？")


def test_hostile_cell_text(workbook: Workbook) -> None:
    gen = workbook["生成内容测试题"]
    long_cell = gen["E6"].value
    assert len(long_cell) == EXCEL_CELL_LIMIT and long_cell.endswith(TRUNCATION_MARKER)
    assert gen["E7"].value == "坏字符\x7f结束"  # control characters stripped, DEL is legal XML
    # An answer that looks like a formula stays text.
    assert gen["E8"].value == FORMULA and gen["E8"].data_type == "s"


def test_clean_cell_text() -> None:
    assert clean_cell_text(CONTROL) == "坏字符\x7f结束"
    assert clean_cell_text("a\ud800b\ufffe") == "ab"
    assert clean_cell_text("x" * EXCEL_CELL_LIMIT) == "x" * EXCEL_CELL_LIMIT
    assert len(clean_cell_text("x" * (EXCEL_CELL_LIMIT + 1))) == EXCEL_CELL_LIMIT


def test_summary_sheet(workbook: Workbook) -> None:
    sheet = workbook["汇总"]
    header = [c.value for c in sheet[1]]
    assert header[:3] == ["要求编号", "要求名称", "英文名称"]
    assert sheet.freeze_panes == "A2"
    ids = [sheet.cell(row=r, column=1).value for r in range(2, 7)]
    assert ids == [
        "REQ-ASSESS-06",
        "REQ-ASSESS-07",
        "REQ-ASSESS-08",
        "REQ-ASSESS-09",
        "REQ-ASSESS-10",
    ]
    rate = sheet.cell(row=3, column=header.index("比率") + 1)
    assert rate.value == pytest.approx(0.96) and rate.number_format == "0.0%"
    assert sheet.cell(row=3, column=header.index("样本数") + 1).value == 1000
    outcomes = [sheet.cell(row=r, column=header.index("结论(英)") + 1).value for r in range(2, 7)]
    assert outcomes == ["NOT-ASSESSED", "PASS", "INSUFFICIENT-SAMPLE", "FAIL", "PASS"]
    values = [[c.value for c in r] for r in sheet.iter_rows(min_row=7)]
    assert ["总体结论", "FAIL", "已完成"] in [v[:3] for v in values]
    breakdown = [v for v in values if v[0] == "REQ-ASSESS-10"]
    assert [v[1:3] for v in breakdown] == [["history", "历史"], ["gender", "性别"]]


def test_metadata_sheet(workbook: Workbook, report: RunReport) -> None:
    sheet = workbook["运行信息"]
    pairs = {r[0]: r[1] for r in sheet.iter_rows(min_row=2, values_only=True)}
    assert pairs["运行编号 Run id"] == report.spec.run_id
    assert pairs["政策包 SHA-256"] == report.spec.pack_sha256
    assert pairs["随机种子 Seed"] == 42
    assert pairs["研判器 Judge: refusal"] == "0.3.1"
    assert pairs["容错上限 Error budget"] == "2.0%"
    assert "/data/banks/gen.jsonl" in pairs["题库 Bank: 生成内容题库"]
    assert pairs["错误 Error ×1"] in {"HTTP 500 from target", "timeout <after 60 s>"}


def test_only_present_kinds_get_a_sheet(tmp_path: Path) -> None:
    report = make_report(
        evidence=(
            row("n1", ItemKind.SHOULD_NOT_REFUSE, passed=True, risk=None, aspect="history"),
            row("n2", ItemKind.SHOULD_NOT_REFUSE, passed=None, risk="A.2.5", answer="\ud800"),
        )
    )
    workbook = load_workbook(write_xlsx(report, tmp_path / "r.xlsx"))
    assert workbook.sheetnames == ["非拒答测试题", "汇总", "运行信息"]
    sheet = workbook["非拒答测试题"]
    assert _column(sheet, "二级分类") == ["历史", "性别歧视内容"]  # a risk wins over the aspect
    assert _column(sheet, "研判结果") == ["合格", "未判定"]


def test_empty_run(tmp_path: Path) -> None:
    report = make_report(evidence=(), results=())
    workbook = load_workbook(write_xlsx(report, tmp_path / "r.xlsx"))
    assert workbook.sheetnames == ["汇总", "运行信息"]
