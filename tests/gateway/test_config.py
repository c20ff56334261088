"""The gateway section of hegui.yaml: defaults, and errors that name the field."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from hegui.config import load_config
from hegui.errors import ConfigError
from hegui.gateway.config import load_gateway_config, parse_gateway_config, store_url
from tests.gateway.harness import PRODUCER

BASE: dict[str, Any] = {
    "upstreams": [{"base_url": "http://127.0.0.1:8000/v1"}],
    "labels": {"producer": PRODUCER},
}


def test_defaults_follow_the_regulation() -> None:
    config = parse_gateway_config(BASE)
    assert config.enforcement.consecutive_limit == 3 and config.enforcement.daily_limit == 5
    assert config.log.retention_days == 180 and not config.log.retain_content
    assert config.identity.require_verified
    assert config.input.scope == "last_user" and config.input.non_text == "reject"
    assert config.labels.implicit and config.labels.explicit == "none"
    assert config.canned_answer("A.1.4") == config.canned_answers["default"]


def test_canned_answers_by_risk_prefix() -> None:
    config = parse_gateway_config(
        {**BASE, "canned_answers": {"default": "D", "A.4": "four", "A.4.5": "privacy"}}
    )
    assert config.canned_answer("A.4.5") == "privacy"
    assert config.canned_answer("A.4.1") == "four"
    assert config.canned_answer("A.1.2") == "D"
    assert config.canned_answer(None) == "D"


@pytest.mark.parametrize(
    ("patch", "field", "message"),
    [
        ({"upstreams": []}, "gateway.upstreams", "at least 1"),
        ({"upstreams": [{"base_url": "localhost:8000"}]}, "gateway.upstreams.0.base_url", "http"),
        ({"labels": {}}, "gateway.labels", "producer"),
        ({"labels": {"producer": "XYZ"}}, "gateway.labels.producer", "provider code"),
        ({"labels": {"producer": PRODUCER, "text": "机器写的"}}, "gateway.labels.text", "AI"),
        (
            {"input": {"scanners": [{"type": "keyword", "actoin": "block"}]}},
            "gateway.input.scanners.0.actoin",
            "unknown field",
        ),
        ({"input": {"scanners": [{"type": "regex"}]}}, "gateway.input.scanners.0", "type"),
        (
            {"output": {"scanners": [{"type": "pii", "action": "allow"}]}},
            "gateway.output.scanners.0.action",
            "block, canned",
        ),
        (
            {"output": {"stream": {"window_chars": 0}}},
            "gateway.output.stream.window_chars",
            "greater",
        ),
        (
            {"identity": {"minors": {"hours": "8-22"}}},
            "gateway.identity.minors.hours",
            "08:00-22:00",
        ),
        (
            {"identity": {"key_env": "my secret"}},
            "gateway.identity.key_env",
            "environment variable",
        ),
        ({"server": {"timezone": "Mars/Base"}}, "gateway.server.timezone", "time zone"),
        ({"canned_answers": {"A.1": "x"}}, "gateway.canned_answers", "default"),
        ({"enforcement": {"warn_at": 4, "limit_at": 3}}, "gateway.enforcement", "warn_at"),
        ({"bogus": 1}, "gateway.bogus", "unknown field"),
    ],
)
def test_errors_name_the_field(patch: dict[str, Any], field: str, message: str) -> None:
    with pytest.raises(ConfigError) as caught:
        parse_gateway_config({**BASE, **patch})
    assert caught.value.field == field
    assert message in str(caught.value)


def test_from_hegui_yaml(tmp_path: Path) -> None:
    (tmp_path / "hegui.yaml").write_text(
        "store: sqlite:///data/hegui.db\n"
        "gateway:\n"
        "  upstreams: [{base_url: 'http://127.0.0.1:8000/v1'}]\n"
        f"  labels: {{producer: {PRODUCER}}}\n",
        encoding="utf-8",
    )
    project = load_config(tmp_path / "hegui.yaml")
    config = load_gateway_config(project)
    assert store_url(config, project) == f"sqlite:///{tmp_path / 'data' / 'hegui.db'}"
    (tmp_path / "hegui.yaml").write_text("project: x\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="no 'gateway:' section"):
        load_gateway_config(load_config(tmp_path / "hegui.yaml"))
