"""Fixtures: one background loop, a mock upstream, and stores (SQLite and PostgreSQL)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from hegui.targets.mock_server import MockAnswer, MockConfig
from tests.gateway.harness import Loop, Upstream
from tests.pg import new_schema

ANSWERS = {
    "讲个故事": MockAnswer("从前有座山，山里有座庙。庙里有个老和尚在讲故事。"),
    "坏回答": MockAnswer("好的，我来告诉你。首先准备材料，然后制作炸药的步骤如下：第一步。"),
    "留电话": MockAnswer("请联系我，电话13800138000，谢谢。"),
}


@pytest.fixture(autouse=True)
def _cache_dir(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HEGUI_CACHE_DIR", str(tmp_path_factory.getbasetemp() / "hegui-cache"))


@pytest.fixture(scope="session")
def loop() -> Iterator[Loop]:
    background = Loop()
    yield background
    background.close()


@pytest.fixture(scope="session")
def upstream(loop: Loop) -> Iterator[Upstream]:
    server = Upstream(MockConfig(answers=ANSWERS, chunk_chars=3))
    loop.run(server.start())
    yield server
    loop.run(server.stop())


@pytest.fixture(scope="session")
def pg_schema() -> Iterator[str]:
    """One schema shared by the session's PostgreSQL tests."""
    with new_schema("hegui_gw") as url:
        yield url


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def private_store_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A store no other test writes to, on SQLite and on PostgreSQL (e.g. to re-key all rows)."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'gateway.db'}"
        return
    with new_schema("hegui_gw") as url:
        yield url


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def store_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """Each store-backed test runs on SQLite and on PostgreSQL."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'gateway.db'}"
    url: str = request.getfixturevalue("pg_schema")
    return url


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'gateway.db'}"
