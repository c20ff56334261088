"""ReplayTarget: recorded answers by id, by prompt hash, per sample; errors name file and line."""

from __future__ import annotations

import asyncio
import json
import time
from pathlib import Path

import pytest

from hegui.errors import ConfigError, RetryableTargetError, TargetError
from hegui.records import TargetResponse
from hegui.targets import ReplayTarget
from tests.targets.helpers import item, multi_turn


def write(path: Path, *records: object) -> Path:
    lines = [r if isinstance(r, str) else json.dumps(r, ensure_ascii=False) for r in records]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def send(target: ReplayTarget, *args: object) -> TargetResponse:
    return asyncio.run(target.send(*args))  # type: ignore[arg-type]


def test_by_id_by_hash_and_by_sample(tmp_path: Path) -> None:
    path = write(
        tmp_path / "answers.jsonl",
        {"id": "q1", "answer": "一号答案", "model": "m", "finish_reason": "stop"},
        "",
        {"id": "q1", "sample": 1, "answer": "一号第二次"},
        {"prompt_sha256": multi_turn().content_hash(), "answer": "多轮答案"},
    )
    target = ReplayTarget(path)
    first = send(target, item(1))
    assert (first.text, first.model, first.finish_reason) == ("一号答案", "m", "stop")
    assert send(target, item(1), 1).text == "一号第二次"
    assert send(target, item(1), 2).text == "一号答案"  # no sample-2 record: the general one
    assert send(target, multi_turn()).text == "多轮答案"
    assert target.info.kind == "replay" and target.info.details["records"] == 3
    assert target.info.identity.startswith("replay|sha256=")


def test_missing_answer_names_item_and_file(tmp_path: Path) -> None:
    target = ReplayTarget(write(tmp_path / "a.jsonl", {"id": "q1", "answer": "x"}))
    with pytest.raises(TargetError) as caught:
        send(target, item(2))
    assert "'q2'" in str(caught.value) and str(tmp_path / "a.jsonl") in str(caught.value)
    assert not isinstance(caught.value, RetryableTargetError)


def test_replayed_errors_and_delay(tmp_path: Path) -> None:
    path = write(
        tmp_path / "a.jsonl",
        {"id": "q1", "error": "HTTP 500 upstream"},
        {"id": "q2", "error": "timeout", "retryable": True},
        {"id": "q3", "answer": "slow", "delay_s": 0.2},
    )
    target = ReplayTarget(path)
    with pytest.raises(TargetError, match="HTTP 500 upstream") as caught:
        send(target, item(1))
    assert not isinstance(caught.value, RetryableTargetError)
    with pytest.raises(RetryableTargetError, match="timeout"):
        send(target, item(2))
    start = time.perf_counter()
    assert send(target, item(3)).latency_s >= 0.2
    assert time.perf_counter() - start >= 0.2


@pytest.mark.parametrize(
    ("line", "pattern"),
    [
        ("{not json", "line 2: not valid JSON"),
        ("[1, 2]", "line 2: each line must be a JSON object"),
        ('{"answer": "x"}', "line 2: give exactly one of 'id' or 'prompt_sha256'"),
        ('{"id": "a", "prompt_sha256": "' + "0" * 64 + '", "answer": "x"}', "exactly one of 'id'"),
        ('{"id": "a"}', "line 2: give exactly one of 'answer' or 'error'"),
        ('{"prompt_sha256": "abc", "answer": "x"}', "64 lowercase hex"),
        ('{"id": "a", "anwser": "x"}', "line 2, field 'anwser'"),
        ('{"id": "a", "answer": "x", "sample": -1}', "field 'sample'"),
        ('{"id": "q1", "answer": "again"}', "line 2: duplicate record \\(first on line 1\\)"),
    ],
)
def test_malformed_lines_name_file_and_line(tmp_path: Path, line: str, pattern: str) -> None:
    path = write(tmp_path / "bad.jsonl", {"id": "q1", "answer": "ok"}, line)
    with pytest.raises(ConfigError, match=pattern) as caught:
        ReplayTarget(path)
    assert str(path) in str(caught.value)


def test_unreadable_file(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="cannot read the replay file"):
        ReplayTarget(tmp_path / "missing.jsonl")
    (tmp_path / "latin1.jsonl").write_bytes(b'{"id": "\xe9", "answer": "x"}\n')
    with pytest.raises(ConfigError, match="not UTF-8"):
        ReplayTarget(tmp_path / "latin1.jsonl")
