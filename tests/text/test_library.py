"""Keyword library files: formats, risk mapping, dates, hashes and clear errors."""

from __future__ import annotations

import os
from datetime import date
from pathlib import Path

import openpyxl
import pytest

from hegui.errors import BankError
from hegui.text import KeywordEntry, KeywordLibrary, MatchMode, Severity, load_library

HEADER = "关键词\t一级分类\t二级分类"


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_filing_layout_with_options(library_path: Path) -> None:
    lib = load_library(library_path)
    assert lib.updated == date(2026, 11, 25) and lib.updated_source == "header"
    assert lib.version == "test-1"
    by_kw = {e.keyword: e for e in lib.entries}
    assert by_kw["网络赌博"].risk == "A.1.8"  # risk given by its Chinese name
    assert by_kw["娘炮"].risk == "A.2.5"
    assert by_kw["洗钱"].allow == ("钱包", "洗钱机")
    assert by_kw["洗钱"].severity is Severity.MEDIUM
    assert by_kw["雷管"].mode is MatchMode.WORD
    assert by_kw["人肉搜索"].variants == ("开盒", "起底")
    assert by_kw["赌博"].row == 5
    assert lib.info().items == len(lib.entries)


def test_csv_and_xlsx_give_the_same_library(tmp_path: Path) -> None:
    rows = [("赌博", "A.1", "A.1.8"), ("毒品", "包含违反社会主义核心价值观的内容", "A.1.8")]
    csv_path = write(
        tmp_path,
        "k.csv",
        "关键词,一级分类,二级分类\n" + "".join(f'"{k}",{c},{r}\n' for k, c, r in rows),
    )
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["# updated: 2026-11-01"])
    sheet.append(["关键词", "一级分类", "二级分类"])
    for row in rows:
        sheet.append(list(row))
    xlsx_path = tmp_path / "k.xlsx"
    book.save(xlsx_path)
    from_csv, from_xlsx = load_library(csv_path), load_library(xlsx_path)
    assert [e[:2] for e in from_csv.entries] == [e[:2] for e in from_xlsx.entries]
    assert from_csv.sha256 == from_xlsx.sha256  # content hash ignores format and rows
    assert from_xlsx.updated == date(2026, 11, 1)
    assert from_csv.updated_source == "mtime"


def test_xlsx_date_from_workbook_properties(tmp_path: Path) -> None:
    book = openpyxl.Workbook()
    book.active.append(["关键词", "二级分类"])
    book.active.append(["赌博", "A.1.8"])
    path = tmp_path / "k.xlsx"
    book.save(path)
    lib = load_library(path)
    assert lib.updated_source == "workbook"
    assert lib.updated == openpyxl.load_workbook(path).properties.modified.date()


def test_mtime_fallback_and_txt(tmp_path: Path) -> None:
    path = write(tmp_path, "words.txt", "赌博\n\n# a comment\n毒品\n")
    os.utime(path, (1_700_000_000, 1_700_000_000))
    lib = load_library(path, default_risk="A.1.8")
    assert [e.keyword for e in lib.entries] == ["赌博", "毒品"]
    assert lib.updated == date(2023, 11, 14) and lib.updated_source == "mtime"
    with pytest.raises(BankError, match="default_risk"):
        load_library(path)


def test_duplicates_and_hash(tmp_path: Path) -> None:
    a = write(
        tmp_path, "a.tsv", f"{HEADER}\n赌博\tA.1\tA.1.8\n賭 博\tA.1\tA.1.8\n毒品\tA.1\tA.1.8\n"
    )
    b = write(
        tmp_path, "b.tsv", f"# updated: 2026-01-01\n{HEADER}\n赌博\tA.1\tA.1.8\n毒品\tA.1\tA.1.8\n"
    )
    la, lb = load_library(a), load_library(b)
    assert la.duplicates == 1 and len(la) == 2
    assert la.sha256 == lb.sha256
    lc = KeywordLibrary.from_terms([("毒品", "A.1.8"), ("赌博", "A.1.8")])
    assert lc.sha256 != la.sha256  # order matters: it keys the compiled cache


@pytest.mark.parametrize(
    ("body", "row", "needle"),
    [
        (f"{HEADER}\n\tA.1\tA.1.8\n", 2, "keyword is empty"),
        (f"{HEADER}\n***\tA.1\tA.1.8\n", 2, "no letters"),
        (f"{HEADER}\n赌博\tA.1\tA.9.9\n", 2, "unknown 二级分类"),
        (f"{HEADER}\n赌博\tA.7\tA.1.8\n", 2, "unknown 一级分类"),
        (f"{HEADER}\n赌博\tA.2\tA.1.8\n", 2, "does not belong"),
        (f"{HEADER}\n赌博\tA.1\t\n", 2, "二级分类 is empty"),
        (f"{HEADER}\n赌博\tA.1\t不存在的风险\n", 2, "unknown 二级分类"),
        (f"{HEADER}\n赌博\tA.1\tA.1.8\textra\n", 2, "cells"),
        (f"{HEADER}\t匹配方式\n(赌\tA.1\tA.1.8\tregex\n", 2, "invalid regular expression"),
        (f"{HEADER}\t匹配方式\na*\tA.1\tA.1.8\tregex\n", 2, "empty string"),
        (f"{HEADER}\t匹配方式\n赌博\tA.1\tA.1.8\tfuzzy\n", 2, "unknown value"),
        (f"{HEADER}\t严重程度\n赌博\tA.1\tA.1.8\tsevere\n", 2, "unknown value"),
        (f"# updated: 2026-13-45\n{HEADER}\n", 1, "YYYY-MM-DD"),
        ("keyword_wrong\t一级分类\n赌博\tA.1\n", 1, "no keyword column"),
    ],
)
def test_bad_rows_name_file_and_row(tmp_path: Path, body: str, row: int, needle: str) -> None:
    path = write(tmp_path, "bad.tsv", body)
    with pytest.raises(BankError, match=needle) as info:
        load_library(path)
    assert info.value.path == str(path)
    assert info.value.row == row
    assert f"row {row}" in str(info.value)


def test_invalid_utf8_and_binary(tmp_path: Path) -> None:
    path = tmp_path / "gbk.tsv"
    path.write_bytes(f"{HEADER}\n".encode() + "赌博\tA.1\tA.1.8\n".encode("gbk"))
    with pytest.raises(BankError, match="not valid UTF-8") as info:
        load_library(path)
    assert info.value.row == 2
    binary = tmp_path / "bin.csv"
    binary.write_bytes(b"\x00\x01\x02")
    with pytest.raises(BankError, match="binary"):
        load_library(binary)


def test_missing_file_and_unsupported_type(tmp_path: Path) -> None:
    with pytest.raises(BankError, match="not found"):
        load_library(tmp_path / "nope.tsv")
    with pytest.raises(BankError, match="unsupported"):
        load_library(write(tmp_path, "k.json", "{}"))
    broken = write(tmp_path, "k.xlsx", "not a workbook")
    with pytest.raises(BankError, match="xlsx"):
        load_library(broken)


def test_from_terms_checks_entries() -> None:
    with pytest.raises(BankError, match="risk code"):
        KeywordLibrary.from_terms([("赌博", "A.1")])
    with pytest.raises(BankError, match="no risk"):
        KeywordLibrary.from_terms(["赌博"])
    lib = KeywordLibrary.from_terms(
        [KeywordEntry("赌博", "A.1.8", allow=("赌博游戏",)), "毒品"], risk="A.1.8"
    )
    assert [e.keyword for e in lib.entries] == ["赌博", "毒品"]


def test_merge_keeps_oldest_date() -> None:
    a = KeywordLibrary.from_terms(["赌博"], risk="A.1.8", updated=date(2026, 1, 2))
    b = KeywordLibrary.from_terms(["毒品"], risk="A.1.8", updated=date(2026, 1, 1))
    merged = a.merged(b, name="all")
    assert len(merged) == 2 and merged.updated == date(2026, 1, 1)


def test_parsed_library_cache(tmp_path: Path, library_path: Path) -> None:
    copy = write(tmp_path, "k.tsv", library_path.read_text(encoding="utf-8"))
    first = load_library(copy)
    second = load_library(copy)  # from the cache
    assert second == first
    assert load_library(copy, cache=False) == first
    # any change to the file is seen
    copy.write_text(copy.read_text(encoding="utf-8") + "新词\tA.1\tA.1.8\n", encoding="utf-8")
    third = load_library(copy)
    assert len(third) == len(first) + 1 and third.sha256 != first.sha256
    # the options are part of the key
    words = write(tmp_path, "w.txt", "赌博\n")
    assert load_library(words, default_risk="A.1.8").entries[0].risk == "A.1.8"
    assert load_library(words, default_risk="A.1.7").entries[0].risk == "A.1.7"
