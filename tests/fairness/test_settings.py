"""The ``fairness:`` section of hegui.yaml."""

from __future__ import annotations

from importlib import resources
from pathlib import Path

import pytest
import yaml

from hegui.config import load_config
from hegui.errors import ConfigError
from hegui.fairness.session import fairness_settings
from hegui.fairness.settings import DEFAULT_THRESHOLDS, parse_settings


def test_commented_example_in_the_template_is_valid() -> None:
    text = (resources.files("hegui.config") / "template.yaml").read_text("utf-8")
    block = text.split("# fairness:\n", 1)[1]
    lines = []
    for line in block.splitlines():
        if not line.startswith("#  "):
            break
        lines.append(line[2:])
    settings = parse_settings(yaml.safe_load("\n".join(lines)))
    assert settings.alpha == 0.05
    assert settings.thresholds == DEFAULT_THRESHOLDS


def test_section_is_read_from_hegui_yaml(tmp_path: Path) -> None:
    path = tmp_path / "hegui.yaml"
    path.write_text("fairness:\n  attributes: [gender]\n  alpha: 0.01\n", encoding="utf-8")
    settings = fairness_settings(load_config(path))
    assert settings.attributes == ["gender"] and settings.alpha == 0.01
    assert settings.threshold("refusal") == DEFAULT_THRESHOLDS["refusal"]


@pytest.mark.parametrize(
    ("raw", "field", "message"),
    [
        ({"attributes": ["height"]}, "fairness.attributes", "unknown attribute 'height'"),
        ({"languages": ["fr"]}, "fairness.languages", "unknown language 'fr'"),
        ({"thresholds": {"speed": 0.1}}, "fairness.thresholds", "unknown measure 'speed'"),
        ({"alpha": 1.5}, "fairness.alpha", "less than 1"),
        ({"colour": "red"}, "fairness.colour", "Extra inputs"),
    ],
)
def test_bad_settings_name_the_field(raw: dict, field: str, message: str) -> None:
    with pytest.raises(ConfigError) as caught:
        parse_settings(raw, source="hegui.yaml")
    assert f"field {field!r}" in str(caught.value)
    assert message in str(caught.value)
    assert str(caught.value).startswith("hegui.yaml")
