"""The provider profile: GB 32100-2015 check character, field validation, missing fields."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from filing_project import PROFILE
from hypothesis import given
from hypothesis import strategies as st

from hegui.config import load_config
from hegui.errors import ConfigError
from hegui.filing.profile import (
    USCC_CHARSET,
    missing_fields,
    parse_profile,
    uscc_check_char,
    validate_uscc,
)

# Codes printed on real business licences (public registry data).
REAL_CODES = [
    "914403001922038216",
    "91110000600037341L",
    "91440300708461136T",
    "9144030071526726XG",
]


@pytest.mark.parametrize("code", REAL_CODES)
def test_real_codes_validate(code: str) -> None:
    assert validate_uscc(code.lower()) == code


@pytest.mark.parametrize(
    ("code", "message"),
    [
        ("91110000600037341M", "check character is 'M' but the first 17 characters give 'L'"),
        ("9111000060003734", "must have 18 characters"),
        ("91110000600O37341L", "contains 'O'"),
        ("9111A000600037341L", "administrative division code"),
    ],
)
def test_bad_codes_say_what_is_wrong(code: str, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        validate_uscc(code)


body = st.text(alphabet=USCC_CHARSET, min_size=17, max_size=17).map(
    lambda s: s[:2] + "".join(c if c.isdigit() else "1" for c in s[2:8]) + s[8:]
)


@given(body, st.integers(min_value=0, max_value=16), st.sampled_from(USCC_CHARSET))
def test_check_character_catches_every_single_substitution(
    first17: str, position: int, replacement: str
) -> None:
    code = first17 + uscc_check_char(first17)
    assert validate_uscc(code) == code
    changed = code[:position] + replacement + code[position + 1 :]
    if changed != code and changed[2:8].isdigit():
        with pytest.raises(ValueError, match="check character"):
            validate_uscc(changed)


def test_profile_errors_name_the_field() -> None:
    with pytest.raises(ConfigError, match=r"field 'profile.uscc'.*check character"):
        parse_profile({"uscc": "91110000600037341M"}, source="hegui.yaml")
    with pytest.raises(ConfigError, match=r"field 'profile.organization'.*unknown field"):
        parse_profile({"organization": "x"})
    with pytest.raises(ConfigError, match=r"profile.corpus.open_source"):
        parse_profile({"corpus": {"open_source": 1.5}})
    with pytest.raises(ConfigError, match="must be a mapping"):
        parse_profile(["a"])


def test_missing_fields_are_listed_and_model_version_falls_back() -> None:
    assert missing_fields(parse_profile(PROFILE, model_version="v1")) == []
    partial = dict(PROFILE, uscc=None, base_model={"name": "x"}, annotation={"involved": False})
    missing = missing_fields(parse_profile(partial))
    assert missing == ["uscc", "model_version", "base_model.filing_number", "annotation.reason"]
    self_developed = dict(PROFILE, base_model={"self_developed": True})
    assert missing_fields(parse_profile(self_developed, model_version="v1")) == []


def test_hegui_yaml_carries_the_profile(tmp_path: Path) -> None:
    path = tmp_path / "hegui.yaml"
    path.write_text(yaml.safe_dump({"model_version": "v9", "profile": PROFILE}, allow_unicode=True))
    config = load_config(path)
    profile = parse_profile(config.profile, model_version=config.model_version)
    assert profile.model_version == "v9"
    assert profile.organisation == PROFILE["organisation"]


def test_commented_example_in_the_template_is_a_complete_profile() -> None:
    from importlib import resources

    text = (resources.files("hegui.config") / "template.yaml").read_text("utf-8")
    block = text.split("# profile:\n", 1)[1]
    lines = []
    for line in block.splitlines():  # up to the end of the commented section
        if not line.startswith("#   "):
            break
        lines.append(line[2:])
    example = yaml.safe_load("\n".join(lines))
    assert missing_fields(parse_profile(example, model_version="v1.0")) == []
