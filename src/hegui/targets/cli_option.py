"""The ``--target`` command-line shorthand, turned into a ``target:`` mapping."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import yaml

from hegui.errors import ConfigError
from hegui.targets.spec import parse_target_spec

_OPENAI = re.compile(r"^openai:(?P<model>.+)@(?P<url>https?://\S+)$")
_FORMS = (
    "use replay:ANSWERS.jsonl, openai:MODEL@BASE_URL (no API key), "
    "or a YAML file with a target section"
)


def parse_target_option(value: str, *, base_dir: str | Path) -> dict[str, Any]:
    """A ``target:`` mapping from ``--target`` (validated; relative paths made absolute).

    * ``replay:ANSWERS.jsonl`` — a replay file, relative to ``base_dir``;
    * ``openai:MODEL@BASE_URL`` — an OpenAI-compatible endpoint that needs no key (endpoints
      with a key, or other settings, go in a file, so the key's variable is always explicit);
    * ``PATH.yaml`` — a YAML file holding a ``target:`` section (or just its fields); a relative
      replay path in it is resolved against that file's folder.
    """
    base = Path(base_dir)
    if value.startswith("replay:"):
        path = Path(value.removeprefix("replay:")).expanduser()
        data: dict[str, Any] = {"kind": "replay", "path": str(base / path)}
    elif value.startswith("openai:"):
        match = _OPENAI.match(value)
        if match is None:
            raise ConfigError(f"{value!r} is not openai:MODEL@BASE_URL", field="--target")
        data = {
            "kind": "openai",
            "model": match["model"],
            "base_url": match["url"],
            "api_key_env": None,
        }
    else:
        data = _from_file(base / Path(value).expanduser(), value)
    parse_target_spec(data, source="--target")
    return data


def _from_file(path: Path, value: str) -> dict[str, Any]:
    if not path.is_file():
        raise ConfigError(
            f"{value!r} is neither a target shorthand nor a file; {_FORMS}", field="--target"
        )
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        raise ConfigError(f"cannot read {path}: {exc}", field="--target") from None
    section = raw.get("target", raw) if isinstance(raw, dict) else None
    if not isinstance(section, dict):
        raise ConfigError(f"{path} holds no target section; {_FORMS}", field="--target")
    data = dict(section)
    if data.get("kind") == "replay" and isinstance(data.get("path"), str):
        replay = Path(data["path"]).expanduser()
        data["path"] = str(replay if replay.is_absolute() else path.parent / replay)
    return data
