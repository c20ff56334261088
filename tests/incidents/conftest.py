"""Fixtures: an incident service on SQLite and on PostgreSQL (a schema of its own), a clock."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest

from hegui.incidents import IncidentService
from hegui.policy import load_pack


class Clock:
    """A settable clock: deadlines are tested by moving time, never by waiting."""

    def __init__(self) -> None:
        self.now = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)


@pytest.fixture(autouse=True)
def _cache_dir(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HEGUI_CACHE_DIR", str(tmp_path_factory.getbasetemp() / "hegui-cache"))
    monkeypatch.delenv("HEGUI_STORE", raising=False)


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def service(store_url: str, clock: Clock) -> Iterator[IncidentService]:
    svc = IncidentService(store_url, load_pack(), clock=clock)
    yield svc
    svc.dispose()
