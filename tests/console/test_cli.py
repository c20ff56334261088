"""``hegui console``: users from the command line, and serve refusing to start without a secret."""

from __future__ import annotations

from typer.testing import CliRunner

from hegui.cli import app as hegui_app
from hegui.config import ProjectConfig
from hegui.console.accounts import AccountStore, Role
from hegui.store import open_engine

runner = CliRunner()


def test_users_commands(project: ProjectConfig) -> None:
    config = str(project.path)
    add = ["console", "users", "add", "钱管理", "--role", "admin", "--password-stdin", "-c", config]
    result = runner.invoke(hegui_app, add, input="a-long-password\n")
    assert result.exit_code == 0, result.output
    assert "added console user 钱管理 (admin)" in result.output
    again = runner.invoke(hegui_app, add, input="a-long-password\n")
    assert again.exit_code == 2 and "exists already" in again.output
    short = runner.invoke(
        hegui_app,
        ["console", "users", "add", "x", "--role", "reviewer", "--password-stdin", "-c", config],
        input="short\n",
    )
    assert short.exit_code == 2 and "at least 10" in short.output
    role = runner.invoke(hegui_app, ["console", "users", "role", "钱管理", "root", "-c", config])
    assert role.exit_code == 2 and "unknown role 'root'" in role.output
    assert (
        runner.invoke(
            hegui_app, ["console", "users", "role", "钱管理", "auditor", "-c", config]
        ).exit_code
        == 0
    )
    assert (
        runner.invoke(hegui_app, ["console", "users", "disable", "钱管理", "-c", config]).exit_code
        == 0
    )
    listed = runner.invoke(hegui_app, ["console", "users", "list", "-c", config])
    assert "钱管理" in listed.output and "auditor" in listed.output and "disabled" in listed.output
    passwd = runner.invoke(
        hegui_app,
        ["console", "users", "passwd", "钱管理", "--password-stdin", "-c", config],
        input="another-long-password\n",
    )
    assert passwd.exit_code == 0
    accounts = AccountStore(open_engine(project.store_url()))
    try:
        user = accounts.get("钱管理")
        assert user.role is Role.AUDITOR and user.disabled
    finally:
        accounts.engine.dispose()


def test_serve_needs_a_secret_outside_dev_mode(project: ProjectConfig, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.delenv("HEGUI_CONSOLE_SECRET", raising=False)
    result = runner.invoke(hegui_app, ["console", "serve", "-c", str(project.path)])
    assert result.exit_code == 2
    message = " ".join(result.output.split())
    assert "HEGUI_CONSOLE_SECRET" in message and "--dev" in message
    monkeypatch.setenv("MY_SECRET", "too-short")
    result = runner.invoke(
        hegui_app, ["console", "serve", "-c", str(project.path), "--secret-env", "MY_SECRET"]
    )
    message = " ".join(result.output.split())
    assert result.exit_code == 2 and "MY_SECRET" in message and "at least 32" in message
    exposed = runner.invoke(
        hegui_app, ["console", "serve", "--dev", "--host", "0.0.0.0", "-c", str(project.path)]
    )
    assert exposed.exit_code == 2 and "plain HTTP" in " ".join(exposed.output.split())
