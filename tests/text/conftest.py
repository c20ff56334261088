"""Shared fixtures: the self-written test library and a matcher compiled once per session."""

from __future__ import annotations

from pathlib import Path

import pytest

from hegui.text import KeywordMatcher, load_library

DATA = Path(__file__).parent / "data"


@pytest.fixture(autouse=True)
def _cache_dir(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    """Never touch ~/.cache in tests."""
    monkeypatch.setenv("HEGUI_CACHE_DIR", str(tmp_path_factory.getbasetemp() / "hegui-cache"))


@pytest.fixture(scope="session")
def library_path() -> Path:
    return DATA / "keywords.tsv"


@pytest.fixture(scope="session")
def matcher(library_path: Path, tmp_path_factory: pytest.TempPathFactory) -> KeywordMatcher:
    cache = tmp_path_factory.mktemp("matcher-cache")
    return KeywordMatcher.from_library(
        load_library(library_path), homophone_min_chars=2, cache=cache
    )
