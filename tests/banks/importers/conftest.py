"""Fixtures for importer tests: the shared datasets folder (tests skip when it is absent)."""

from __future__ import annotations

from pathlib import Path

import pytest

DATA = Path(__file__).resolve().parents[3].parent / "shared" / "data"
"""``../shared/data`` relative to the repository root."""


@pytest.fixture(scope="session")
def data() -> Path:
    """The shared datasets folder; the test is skipped when it is not there."""
    if not DATA.is_dir():
        pytest.skip(f"shared datasets not present at {DATA}")
    return DATA


def need(path: Path) -> Path:
    """``path``, or skip the test with the reason that the source file is missing."""
    if not path.is_file():
        pytest.skip(f"source file missing: {path}")
    return path
