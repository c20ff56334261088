"""Stores every test area shares: a run store on SQLite and on PostgreSQL (a schema of its own)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from hegui.store import RunStore
from tests.pg import new_schema


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def store_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A store URL, once for SQLite and once for a fresh PostgreSQL schema."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'runs' / 'hegui.db'}"
        return
    with new_schema() as url:
        yield url


@pytest.fixture
def store(store_url: str) -> Iterator[RunStore]:
    """A run store on :func:`store_url`."""
    opened = RunStore(store_url)
    try:
        yield opened
    finally:
        opened.close()
