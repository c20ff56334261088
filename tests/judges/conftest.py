"""Shared fixtures of the judge tests."""

from __future__ import annotations

from pathlib import Path

import pytest


@pytest.fixture(autouse=True)
def _private_keyword_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The hegui.text engine caches compiled libraries; keep the tests' copies out of ~/.cache."""
    monkeypatch.setenv("HEGUI_CACHE_DIR", str(tmp_path / "cache"))
