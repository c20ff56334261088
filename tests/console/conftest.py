"""Fixtures of the console tests: the bundled demo assessed once, an app, signed-in clients."""

from __future__ import annotations

import re
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

pytest.importorskip("fastapi")
pytest.importorskip("argon2")
pytest.importorskip("itsdangerous")

from argon2 import PasswordHasher
from fastapi import FastAPI
from fastapi.testclient import TestClient

from hegui.cli import app as hegui_app
from hegui.config import ProjectConfig, load_config
from hegui.console import create_app
from hegui.console.accounts import AccountStore, Role
from hegui.console.settings import ConsoleSettings
from hegui.console.tables import create_tables
from hegui.store import RunStore, open_engine

PASSWORD = "correct-horse-battery"
USERS = {
    "admin": Role.ADMIN,
    "reviewer": Role.REVIEWER,
    "reviewer2": Role.REVIEWER,
    "auditor": Role.AUDITOR,
}
CSRF = re.compile(r'name="csrf" value="([^"]+)"')


@pytest.fixture(scope="session")
def demo_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo project with one assessed run (made once per session)."""
    folder = tmp_path_factory.mktemp("console") / "demo"
    result = CliRunner().invoke(hegui_app, ["demo", "--dir", str(folder), "--no-progress"])
    assert result.exit_code == 0, result.output
    return folder


@pytest.fixture
def project(demo_template: Path, tmp_path: Path) -> ProjectConfig:
    """A fresh copy of the assessed demo project (tests change its store)."""
    folder = tmp_path / "demo"
    shutil.copytree(demo_template, folder)
    return load_config(folder / "hegui.yaml")


def cheap_accounts(url: str) -> AccountStore:
    """An account store with a fast argon2 setting (the default costs ~0.2 s per hash)."""
    engine = open_engine(url)
    create_tables(engine)
    return AccountStore(engine, PasswordHasher(time_cost=1, memory_cost=8192, parallelism=1))


@pytest.fixture
def app(project: ProjectConfig) -> Iterator[FastAPI]:
    accounts = cheap_accounts(project.store_url())
    for name, role in USERS.items():
        accounts.create(name, PASSWORD, role)
    application = create_app(
        ConsoleSettings(project=project, dev=True, page_size=10), accounts=accounts
    )
    yield application
    accounts.engine.dispose()


@pytest.fixture
def run_id(project: ProjectConfig) -> str:
    store = RunStore(project.store_url())
    try:
        latest = store.latest_run_id()
    finally:
        store.close()
    assert latest is not None
    return latest


def csrf_of(client: TestClient, path: str = "/login") -> str:
    """The CSRF token shown in a page's forms."""
    found = CSRF.search(client.get(path).text)
    assert found is not None, path
    return found.group(1)


def sign_in(client: TestClient, username: str, password: str = PASSWORD) -> TestClient:
    token = csrf_of(client)
    response = client.post(
        "/login",
        data={"username": username, "password": password, "csrf": token, "next": "/runs"},
        follow_redirects=False,
    )
    assert response.status_code == 303, response.text
    return client


@pytest.fixture
def client_for(app: FastAPI) -> Iterator[Callable[[str], TestClient]]:
    """``client_for("reviewer")``: a client signed in as that user."""
    clients: list[TestClient] = []

    def make(username: str) -> TestClient:
        client = TestClient(app)
        client.__enter__()
        clients.append(client)
        return sign_in(client, username)

    yield make
    for client in clients:
        client.__exit__(None, None, None)
