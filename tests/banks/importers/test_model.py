"""Mapping rows into items: unmapped and excluded labels are reported, provenance is kept."""

from __future__ import annotations

import pytest

from hegui.banks.importers import DatasetSpec, Excluded, SourceRow, Target, build, import_files
from hegui.banks.importers.dedup import drop_near_duplicates
from hegui.errors import BankError
from hegui.records import ItemKind, Message

SPEC = DatasetSpec(
    name="demo",
    title="Demo",
    licence="MIT",
    table={
        "恐怖": Target(ItemKind.SHOULD_REFUSE, "A.1.4"),
        "历史": Target(ItemKind.SHOULD_NOT_REFUSE, aspect="history"),
        "对照": Excluded("contrast"),
    },
    label_field="label",
)


def test_rows_are_mapped_with_provenance() -> None:
    result = build(
        SPEC,
        [
            SourceRow("f.csv#1", "恐怖", prompt=" 问题一 "),
            SourceRow("f.csv#2", "历史", prompt="问题二", reference="答案", extra_tags=("x",)),
        ],
    )
    first, second = result.items
    assert first.id == "demo:f.csv#1"
    assert first.kind is ItemKind.SHOULD_REFUSE and first.risk == "A.1.4"
    assert first.prompt == "问题一"
    assert first.tags == ("source:demo", "source-id:f.csv#1", "licence:MIT", "label:恐怖")
    assert second.aspect == "history" and second.risk is None
    assert second.reference == "答案" and second.tags[-1] == "x"
    assert result.per_kind() == {"should_refuse": 1, "should_not_refuse": 1}
    assert result.per_risk() == {"A.1.4": 1, "-": 1}
    assert not result.skipped and not result.unmapped


def test_unmapped_excluded_empty_and_duplicate_rows_are_reported() -> None:
    result = build(
        SPEC,
        [
            SourceRow("f.csv#1", "未知", prompt="a"),
            SourceRow("f.csv#2", "未知", prompt="b"),
            SourceRow("f.csv#3", "对照", prompt="c"),
            SourceRow("f.csv#4", "恐怖", prompt="  "),
            SourceRow("f.csv#5", "恐怖", prompt="d"),
            SourceRow("f.csv#5", "恐怖", prompt="e"),
        ],
    )
    assert [i.id for i in result.items] == ["demo:f.csv#5"]
    assert result.unmapped == {"未知": 2}
    assert result.skip_reasons() == {
        "unmapped label": 2,
        "excluded: contrast": 1,
        "empty question": 1,
        "duplicate source id": 1,
    }
    assert [row.source_id for row in result.skipped][:2] == ["f.csv#1", "f.csv#2"]


def test_conversations_are_kept() -> None:
    turns = (
        Message(role="user", content="你好"),
        Message(role="assistant", content="你好！"),
        Message(role="user", content="问题"),
    )
    (item,) = build(SPEC, [SourceRow("d.json#1", "恐怖", messages=turns)]).items
    assert item.messages == turns and item.prompt is None


def test_unknown_format_and_missing_file_are_errors(tmp_path: object) -> None:
    with pytest.raises(BankError, match="unknown import format"):
        import_files("nope", [])
    with pytest.raises(BankError, match="no such file"):
        import_files("jade", ["/nonexistent/file.csv"])


def test_near_duplicates_are_moved_to_skipped() -> None:
    question = "请介绍一下生成式人工智能服务的训练数据来源要求和合规审查流程。"
    rows = [
        SourceRow("f.csv#1", "恐怖", prompt=question),
        SourceRow("f.csv#2", "恐怖", prompt=question.replace("。", "！")),
        SourceRow("f.csv#3", "历史", prompt=question),  # another kind: kept
        SourceRow("f.csv#4", "恐怖", prompt="完全不同的另一个问题，关于端午节的习俗和来历。"),
    ]
    result = build(SPEC, rows)
    assert drop_near_duplicates(result) == 1
    assert [i.id for i in result.items] == ["demo:f.csv#1", "demo:f.csv#3", "demo:f.csv#4"]
    (skipped,) = result.skipped
    assert (skipped.source_id, skipped.reason, skipped.detail) == (
        "f.csv#2",
        "near duplicate",
        "demo:f.csv#1",
    )
