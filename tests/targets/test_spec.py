"""TargetSpec validation (ConfigError names the field) and build_target for every kind."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path
from typing import Any

import pytest

from hegui.errors import ConfigError
from hegui.targets import (
    CallableTarget,
    OpenAISpec,
    OpenAITarget,
    RateLimit,
    ReplaySpec,
    ReplayTarget,
    RetryPolicy,
    Target,
    TargetSpec,
    build_target,
    parse_target_option,
    parse_target_spec,
)
from tests.targets.helpers import item


def echo(messages: list[dict[str, str]]) -> str:
    return "echo " + messages[-1]["content"]


def test_full_openai_section_validates() -> None:
    spec = TargetSpec.model_validate(
        {
            "kind": "openai",
            "name": "生产模型",
            "base_url": "https://api.example.com/v1/",
            "model": "qwen-max",
            "api_key_env": "VENDOR_API_KEY",
            "temperature": 0.7,
            "max_tokens": 512,
            "stop": ["###"],
            "extra_body": {"enable_thinking": False},
            "stream": True,
            "timeout_s": 30,
            "retry": {"max_attempts": 5, "base_delay": 1, "max_delay": 30},
            "rate_limit": {"rps": 5, "burst": 2},
            "concurrency": 32,
        }
    )
    concrete = spec.root
    assert isinstance(concrete, OpenAISpec)
    assert concrete.base_url == "https://api.example.com/v1"
    assert concrete.retry == RetryPolicy(5, 1.0, 30.0)
    assert concrete.rate_limit == RateLimit(5, 2)
    assert concrete.stop == ("###",)
    target = build_target(spec, environ={"VENDOR_API_KEY": "k"})
    assert isinstance(target, OpenAITarget) and isinstance(target, Target)
    assert target.info.name == "生产模型"
    assert target.info.details["retry"]["max_attempts"] == 5


@pytest.mark.parametrize(
    ("data", "field", "pattern"),
    [
        ({"kind": "grpc"}, "target.kind", "use one of openai, replay, callable"),
        ({"base_url": "x"}, "target.kind", "use one of"),
        ({"kind": "openai", "model": "m"}, "target.base_url", "Field required"),
        ({"kind": "openai", "base_url": "localhost:8000", "model": "m"}, "target.base_url", "http"),
        (
            {"kind": "openai", "base_url": "http://h/v1/chat/completions", "model": "m"},
            "target.base_url",
            "without /chat/completions",
        ),
        (
            {"kind": "openai", "base_url": "http://h/v1", "model": "m", "api_key_env": "sk-abc"},
            "target.api_key_env",
            "never the key itself",
        ),
        (
            {"kind": "openai", "base_url": "http://h/v1", "model": "m", "temprature": 1},
            "target.temprature",
            "unknown field",
        ),
        (
            {"kind": "openai", "base_url": "http://h/v1", "model": "m", "temperature": 3},
            "target.temperature",
            "less than or equal to 2",
        ),
        (
            {
                "kind": "openai",
                "base_url": "http://h/v1",
                "model": "m",
                "retry": {"max_attempts": 0},
            },
            "target.retry.max_attempts",
            "greater than or equal to 1",
        ),
        (
            {"kind": "openai", "base_url": "http://h/v1", "model": "m", "rate_limit": {"burst": 2}},
            "target.rate_limit.rps",
            "required",
        ),
        (
            {"kind": "openai", "base_url": "http://h/v1", "model": "m", "extra_body": {"model": 1}},
            "target.extra_body",
            "set by hegui",
        ),
        ({"kind": "replay"}, "target.path", "Field required"),
        ({"kind": "callable", "function": "no_colon"}, "target.function", "pattern"),
    ],
)
def test_bad_sections_name_the_field(data: dict[str, Any], field: str, pattern: str) -> None:
    with pytest.raises(ConfigError, match=pattern) as caught:
        parse_target_spec(data, source="hegui.yaml")
    assert caught.value.field == field
    assert str(caught.value).startswith(f"hegui.yaml, field '{field}'")


def test_replay_path_is_resolved_against_base_dir(tmp_path: Path) -> None:
    (tmp_path / "answers.jsonl").write_text(json.dumps({"id": "q1", "answer": "录制"}) + "\n")
    spec = parse_target_spec({"kind": "replay", "path": "answers.jsonl"})
    target = build_target(spec, base_dir=tmp_path)
    assert isinstance(target, ReplayTarget)
    assert asyncio.run(target.send(item(1))).text == "录制"


def test_callable_by_import_path() -> None:
    spec = parse_target_spec(
        {"kind": "callable", "function": "tests.targets.test_spec:echo", "version": "1"}
    )
    target = build_target(spec)
    assert isinstance(target, CallableTarget)
    assert asyncio.run(target.send(item(1))).text == "echo 问题 1"


@pytest.mark.parametrize(
    ("function", "pattern"),
    [
        ("no_such_module_xyz:f", "cannot import module 'no_such_module_xyz'"),
        ("tests.targets.test_spec:missing", "has no attribute 'missing'"),
        ("tests.targets.test_spec:__name__", "is not callable"),
    ],
)
def test_callable_import_errors(function: str, pattern: str) -> None:
    spec = parse_target_spec({"kind": "callable", "function": function})
    with pytest.raises(ConfigError, match=pattern) as caught:
        build_target(spec)
    assert caught.value.field == "target.function"


def test_missing_key_variable_surfaces_from_build_target() -> None:
    spec = parse_target_spec({"kind": "openai", "base_url": "http://h/v1", "model": "m"})
    with pytest.raises(ConfigError, match="OPENAI_API_KEY"):
        build_target(spec, environ={})
    no_key = parse_target_spec(
        {"kind": "openai", "base_url": "http://h/v1", "model": "m", "api_key_env": None}
    )
    assert isinstance(build_target(no_key, environ={}), OpenAITarget)


def test_from_config_resolves_paths_and_raises_the_pool_to_the_run_concurrency(
    tmp_path: Path,
) -> None:
    replay = TargetSpec.from_config({"kind": "replay", "path": "a.jsonl"}, base_dir=tmp_path).root
    assert isinstance(replay, ReplaySpec) and replay.path == str(tmp_path / "a.jsonl")
    data = {"kind": "openai", "base_url": "http://h/v1", "model": "m", "concurrency": 8}
    raised = TargetSpec.from_config(data, concurrency=64).root
    kept = TargetSpec.from_config(data, concurrency=4).root
    assert isinstance(raised, OpenAISpec) and raised.concurrency == 64
    assert isinstance(kept, OpenAISpec) and kept.concurrency == 8
    with pytest.raises(ConfigError, match=r"hegui.yaml, field 'target.model'"):
        TargetSpec.from_config({"kind": "openai", "base_url": "http://h/v1"}, source="hegui.yaml")


def test_target_option_shorthands_and_files(tmp_path: Path) -> None:
    assert parse_target_option("replay:out/a.jsonl", base_dir=tmp_path) == {
        "kind": "replay",
        "path": str(tmp_path / "out" / "a.jsonl"),
    }
    assert parse_target_option("openai:Qwen/Qwen3-8B@http://gpu:8000/v1", base_dir=tmp_path) == {
        "kind": "openai",
        "model": "Qwen/Qwen3-8B",
        "base_url": "http://gpu:8000/v1",
        "api_key_env": None,
    }
    sub = tmp_path / "cfg"
    sub.mkdir()
    (sub / "t.yaml").write_text("target:\n  kind: replay\n  path: rec.jsonl\n", encoding="utf-8")
    assert parse_target_option("cfg/t.yaml", base_dir=tmp_path)["path"] == str(sub / "rec.jsonl")
    (sub / "bare.yaml").write_text("kind: openai\nbase_url: http://h/v1\nmodel: m\n")
    assert parse_target_option(str(sub / "bare.yaml"), base_dir="/")["model"] == "m"


@pytest.mark.parametrize(
    ("value", "pattern"),
    [
        ("openai:no-url", "not openai:MODEL@BASE_URL"),
        ("vllm:x", "neither a target shorthand nor a file"),
        ("bad.yaml", "holds no target section"),
        ("typo.yaml", "field 'target.modle'"),
    ],
)
def test_target_option_errors(tmp_path: Path, value: str, pattern: str) -> None:
    (tmp_path / "bad.yaml").write_text("- just a list\n")
    (tmp_path / "typo.yaml").write_text("target: {kind: openai, base_url: http://h/v1, modle: m}\n")
    with pytest.raises(ConfigError, match=pattern):
        parse_target_option(value, base_dir=tmp_path)
