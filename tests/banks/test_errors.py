"""Invalid banks: every problem names file, row and field, and they are reported together."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from hegui.banks import MAX_PROBLEMS, BankValidationError, load_bank, load_banks, write_bank
from hegui.errors import BankError
from hegui.policy import Pack
from tests.banks.factories import item

CSV_HEADER = "id,kind,prompt,messages,risk,aspect\n"


def problems(path: Path, pack: Pack) -> list[tuple[int | None, str | None, str]]:
    with pytest.raises(BankValidationError) as caught:
        load_bank(path, pack)
    assert isinstance(caught.value, BankError)
    assert all(p.location.path == str(path) for p in caught.value.problems)
    return [(p.location.row, p.field, p.message) for p in caught.value.problems]


def test_bad_csv_rows_are_all_reported(tmp_path: Path, pack: Pack) -> None:
    path = tmp_path / "bank.csv"
    path.write_text(
        CSV_HEADER
        + "ok,generation,好问题,,A.1.1,\n"
        + "p,generation,,,A.1.1,\n"  # row 3: no prompt
        + "r,generation,问题,,A.9.9,\n"  # row 4: unknown risk
        + "k,sometimes,问题,,A.1.1,\n"  # row 5: bad kind
        + 'm,should_refuse,,"[{""role"": ""user""",A.1.1,\n'  # row 6: broken JSON
        + "ok,generation,再问,,A.1.2,\n",  # row 7: duplicate id
        encoding="utf-8",
    )
    found = problems(path, pack)
    assert [(row, field) for row, field, _ in found] == [
        (3, "prompt"),
        (4, "risk"),
        (5, "kind"),
        (6, "messages"),
        (7, "id"),
    ]
    assert "unknown risk code 'A.9.9'" in found[1][2]
    assert "not valid JSON" in found[3][2]
    assert found[4][2] == "duplicate id 'ok' (first at " + f"{path}, row 2)"


def test_message_names_file_row_and_field(tmp_path: Path, pack: Pack) -> None:
    path = tmp_path / "bank.csv"
    path.write_text(CSV_HEADER + "a,generation,,,A.1.1,\n", encoding="utf-8")
    with pytest.raises(BankValidationError) as caught:
        load_bank(path, pack)
    error = caught.value
    assert str(error) == f"{path}, row 2, field 'prompt': missing prompt (or messages)"
    assert (error.path, error.row, error.field) == (str(path), 2, "prompt")


@pytest.mark.parametrize(
    ("record", "field", "message"),
    [
        ({"kind": "generation", "prompt": "x", "risk": "A.1.1"}, "id", "missing id"),
        ({"id": "a", "kind": "generation", "prompt": "x"}, "risk", "missing risk"),
        ({"id": "a", "kind": "generation", "prompt": "x", "risk": "A.1"}, "risk", "is a category"),
        ({"id": "a", "prompt": "x", "risk": "A.1.1"}, "kind", "no kind"),
        (
            {"id": "a", "kind": "generation", "prompt": "x", "messages": [], "risk": "A.1.1"},
            "messages",
            "non-empty",
        ),
        (
            {
                "id": "a",
                "kind": "generation",
                "risk": "A.1.1",
                "messages": [
                    {"role": "user", "content": "x"},
                    {"role": "assistant", "content": "y"},
                ],
            },
            "messages",
            "last turn",
        ),
        (
            {
                "id": "a",
                "kind": "generation",
                "risk": "A.1.1",
                "messages": [{"role": "robot", "content": "x"}],
            },
            "messages",
            "turn 1: role",
        ),
        (
            {"id": "a", "kind": "generation", "prompt": "x", "risk": "A.1.1", "tags": [1]},
            "tags",
            "list of strings",
        ),
        (
            {"id": "a", "kind": "should_not_refuse", "prompt": "x", "aspect": "sports"},
            "aspect",
            "unknown aspect 'sports'",
        ),
        (
            {"id": "a", "kind": "generation", "prompt": ["x"], "risk": "A.1.1"},
            "prompt",
            "expected text",
        ),
        (
            {
                "id": "a",
                "kind": "generation",
                "prompt": "x",
                "prompt_text": "y",
                "risk": "A.1.1",
                "测试题": "z",
            },
            "测试题",
            "both give the prompt",
        ),
    ],
)
def test_jsonl_field_problems(
    tmp_path: Path, pack: Pack, record: dict[str, object], field: str, message: str
) -> None:
    path = tmp_path / "bank.jsonl"
    path.write_text("\n" + json.dumps(record, ensure_ascii=False) + "\n", encoding="utf-8")
    ((row, got_field, got_message),) = problems(path, pack)
    assert (row, got_field) == (2, field)  # JSONL rows are line numbers, blank lines included
    assert message in got_message


def test_jsonl_structure_problems(tmp_path: Path, pack: Pack) -> None:
    path = tmp_path / "bank.jsonl"
    path.write_text(
        '{"id": "a", "kind": "generation", "prompt": "x", "risk": "A.1.1"}\n'
        "[1, 2]\n"
        "{broken\n"
        '{"_bank": {"version": "1"}}\n',
        encoding="utf-8",
    )
    found = problems(path, pack)
    assert [(row, field) for row, field, _ in found] == [(2, None), (3, None), (4, "_bank")]
    with pytest.raises(BankValidationError, match=r"line 3: not valid JSON"):
        load_bank(path, pack)


def test_problems_are_capped(tmp_path: Path, pack: Pack) -> None:
    path = tmp_path / "bank.csv"
    path.write_text(CSV_HEADER + "".join(f"i{n},generation,,,A.1.1,\n" for n in range(30)))
    with pytest.raises(BankValidationError) as caught:
        load_bank(path, pack)
    assert len(caught.value.problems) == MAX_PROBLEMS
    assert caught.value.total == 30
    assert str(caught.value).endswith("… and 10 more")


def test_duplicate_ids_across_banks(tmp_path: Path, pack: Pack) -> None:
    first, second = tmp_path / "a.jsonl", tmp_path / "b.csv"
    write_bank(first, [item("x"), item("y")])
    write_bank(second, [item("z"), item("y", prompt="另一个问题")])
    with pytest.raises(BankValidationError) as caught:
        load_banks([first, second], pack)
    (problem,) = caught.value.problems
    assert str(problem) == (
        f"{second}, row 3, field 'id': duplicate id 'y' (also at {first}, line 2)"
    )
    assert len(load_banks([first], pack)) == 1


def test_same_bank_twice(tmp_path: Path, pack: Pack) -> None:
    path = tmp_path / "a.jsonl"
    write_bank(path, [item("x")])
    with pytest.raises(BankError, match="given twice"):
        load_banks([path, tmp_path / "." / "a.jsonl"], pack)
