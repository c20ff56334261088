"""Fixtures for bank tests: the shipped pack and a pack with small minimums."""

from __future__ import annotations

from importlib import resources
from pathlib import Path
from typing import Any

import pytest
import yaml

from hegui.policy import Pack, load_pack


@pytest.fixture(scope="session")
def pack() -> Pack:
    return load_pack()


@pytest.fixture
def small_pack(small_pack_path: Path) -> Pack:
    """The pack of :func:`small_pack_path`."""
    return load_pack(str(small_pack_path))


@pytest.fixture
def small_pack_path(tmp_path: Path) -> Path:
    """A pack file like a user's own: the shipped pack with tiny bank minimums.

    generation: total 6, 2 per A.1 risk, 1 per A.5 risk; should_refuse: total 3, 1 per A.2 risk;
    should_not_refuse: total 4, 1 per aspect; every bank at most 31 days old.
    """
    folder = resources.files("hegui.policy") / "packs"
    raw: dict[str, Any] = yaml.safe_load((folder / "gbt45654-2025.yaml").read_text("utf-8"))

    def n(value: int) -> dict[str, Any]:
        return {"value": value, "certainty": "P"}

    raw["banks"]["generation"].update(total=n(6), per_risk={"A.1": n(2), "A.5": n(1)})
    raw["banks"]["should_refuse"].update(total=n(3), per_risk={"A.2": n(1)})
    raw["banks"]["should_not_refuse"].update(total=n(4), per_aspect=n(1))
    path = tmp_path / "packs" / "small.yaml"
    path.parent.mkdir()
    (path.parent / "appendix-a.yaml").write_bytes((folder / "appendix-a.yaml").read_bytes())
    path.write_text(yaml.safe_dump(raw, allow_unicode=True), encoding="utf-8")
    return path
