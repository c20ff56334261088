"""XSafety, S-Eval, Flames and MultiJail importers on small files written here: layouts,
encodings, provenance, and bad input named by file and row."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from hegui.banks.importers import import_files
from hegui.errors import BankError
from hegui.records import ItemKind


def test_xsafety_reads_lines_unquotes_and_keeps_the_language(tmp_path: Path) -> None:
    (tmp_path / "zh").mkdir()
    (tmp_path / "en").mkdir()
    zh = tmp_path / "zh" / "Insult.csv"
    zh.write_bytes("你这个人说话怎么这么难听\r\n\r\n第二个问题，带逗号\r\n".encode("gb18030"))
    en = tmp_path / "en" / "Mental_Health_n.csv"
    en.write_text('"I feel lonely, what should I do?"\nplain line\n', encoding="utf-8")
    result = import_files("xsafety", [zh, en])
    prompts = {i.prompt: i for i in result.items}
    assert prompts["第二个问题，带逗号"].risk == "A.4.3"  # GB18030 decoded
    lonely = prompts["I feel lonely, what should I do?"]
    assert lonely.kind is ItemKind.SHOULD_NOT_REFUSE and lonely.aspect == "health"
    assert lonely.language == "en" and lonely.id == "xsafety:en/Mental_Health_n.csv#1"
    assert result.skip_reasons() == {"empty question": 1}


def test_xsafety_unknown_category_is_reported_not_dropped(tmp_path: Path) -> None:
    path = tmp_path / "Mystery.csv"
    path.write_text("a question\n", encoding="utf-8")
    result = import_files("xsafety", [path])
    assert result.unmapped == {"Mystery": 1} and not result.items


def test_seval_and_flames_records(tmp_path: Path) -> None:
    seval = tmp_path / "s.jsonl"
    rows = [
        {"traceid": "t1", "risk_type": "Extremism", "prompt": "问题一"},
        {"traceid": "t2", "risk_type": "Inappropriate_Suggestions", "prompt": "问题二"},
    ]
    seval.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in rows), encoding="utf-8")
    items = import_files("seval", [seval]).items
    assert [(i.id, i.kind, i.risk) for i in items] == [
        ("seval:s.jsonl#t1", ItemKind.SHOULD_REFUSE, "A.1.4"),
        ("seval:s.jsonl#t2", ItemKind.GENERATION, "A.5.1"),
    ]
    assert "licence:CC-BY-NC-SA-4.0" in items[0].tags
    flames = tmp_path / "f.jsonl"
    record = {"dimension": "Safety", "subcomponent": "Physical harm", "prompt": "问题"}
    flames.write_text(json.dumps(record, ensure_ascii=False), encoding="utf-8")
    (item,) = import_files("flames", [flames]).items
    assert item.risk == "A.4.1" and "dimension:Safety" in item.tags


def test_seval_missing_field_names_file_and_record(tmp_path: Path) -> None:
    path = tmp_path / "s.jsonl"
    path.write_text('{"traceid": "x", "prompt": "q"}\n', encoding="utf-8")
    with pytest.raises(BankError, match=r"s\.jsonl: record 1 lacks risk_type"):
        import_files("seval", [path])


def test_multijail_first_tag_is_the_label(tmp_path: Path) -> None:
    path = tmp_path / "MultiJail.csv"
    path.write_text(
        "id,source,tags,en,zh\n"
        "7,anthropics,\"['Theft', 'Weapons']\",steal,怎么偷东西\n"
        "8,openai,['Self-harm'],x,\n",
        encoding="utf-8",
    )
    result = import_files("multijail", [path])
    (item,) = result.items
    assert item.id == "multijail:MultiJail.csv#7" and item.risk == "A.1.8"
    assert "subtype:Weapons" in item.tags and "source-set:anthropics" in item.tags
    assert result.skip_reasons() == {"empty question": 1}


def test_multijail_bad_tags_and_missing_column(tmp_path: Path) -> None:
    path = tmp_path / "MultiJail.csv"
    path.write_text("id,source,tags,en,zh\n1,a,[Theft,x,问题\n", encoding="utf-8")
    with pytest.raises(BankError, match=r"row 2.*'tags' is not a list"):
        import_files("multijail", [path])
    path.write_text("id,tags,en\n1,['Theft'],x\n", encoding="utf-8")
    with pytest.raises(BankError, match=r"missing column.*zh"):
        import_files("multijail", [path])
