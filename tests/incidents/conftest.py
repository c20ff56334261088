"""Fixtures: an incident service on SQLite and on PostgreSQL (a schema of its own), a clock."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from hegui.incidents import IncidentService
from hegui.policy import load_pack

PG_DSN = "host=127.0.0.1 port=5432 dbname=test user=postgres"
PG_URL = "postgresql://postgres@127.0.0.1:5432/test"


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
def pg_schema() -> Iterator[str]:
    """A schema of its own for each test in the PostgreSQL test database, dropped after it."""
    psycopg = pytest.importorskip("psycopg")
    schema = f"hegui_inc_{uuid.uuid4().hex[:8]}"
    try:
        with psycopg.connect(PG_DSN, autocommit=True, connect_timeout=3) as conn:
            conn.execute(f"create schema {schema}")
    except psycopg.OperationalError:
        pytest.fail("PostgreSQL at 127.0.0.1:5432 (database test) is required")
    yield f"{PG_URL}?options=-csearch_path%3D{schema}"
    with psycopg.connect(PG_DSN, autocommit=True) as conn:
        conn.execute(f"drop schema {schema} cascade")


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def store_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """Each store-backed test runs on SQLite and on PostgreSQL."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'hegui.db'}"
    url: str = request.getfixturevalue("pg_schema")
    return url


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def service(store_url: str, clock: Clock) -> Iterator[IncidentService]:
    svc = IncidentService(store_url, load_pack(), clock=clock)
    yield svc
    svc.dispose()
