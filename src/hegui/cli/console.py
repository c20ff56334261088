"""``hegui console``: serve the web console and manage its users.

hegui console users add NAME --role admin|reviewer|auditor   # asks for the password
HEGUI_CONSOLE_SECRET=... hegui console serve [--host H] [--port P]
hegui console serve --dev                                  # local use over plain HTTP
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from hegui.cli._common import err, friendly_errors, out
from hegui.config import load_config
from hegui.errors import ConfigError, MissingExtraError

if TYPE_CHECKING:
    from hegui.console.accounts import AccountStore

app = typer.Typer(
    help="The web console: runs, human review, incidents, complaints, gateway users, "
    "libraries, audit log.",
    no_args_is_help=True,
)
users_app = typer.Typer(help="Console users and their roles.", no_args_is_help=True)
app.add_typer(users_app, name="users")

ConfigOption = Annotated[
    Path | None, typer.Option("--config", "-c", help="hegui.yaml (default: ./hegui.yaml).")
]
PasswordStdin = Annotated[
    bool, typer.Option("--password-stdin", help="Read the password from standard input.")
]


def _accounts(config_path: Path | None) -> AccountStore:
    try:
        from hegui.console.accounts import AccountStore
    except ImportError as exc:
        raise MissingExtraError("the web console", "console") from exc
    from hegui.console.tables import create_tables
    from hegui.store import open_engine

    engine = open_engine(load_config(config_path).store_url())
    create_tables(engine)
    return AccountStore(engine)


def _password(from_stdin: bool) -> str:
    if from_stdin:
        return sys.stdin.readline().rstrip("\n")
    value: str = typer.prompt("password", hide_input=True, confirmation_prompt=True)
    return value


@app.command("serve")
@friendly_errors
def serve(
    config_path: ConfigOption = None,
    host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.")] = 8090,
    dev: Annotated[
        bool,
        typer.Option(
            "--dev", help="Development mode: random session secret, cookies over plain HTTP."
        ),
    ] = False,
    secret_env: Annotated[
        str, typer.Option(help="Environment variable holding the session secret.")
    ] = "HEGUI_CONSOLE_SECRET",
    ssl_certfile: Annotated[Path | None, typer.Option(help="TLS certificate (PEM).")] = None,
    ssl_keyfile: Annotated[Path | None, typer.Option(help="TLS private key (PEM).")] = None,
    log_level: Annotated[str, typer.Option(help="uvicorn log level.")] = "info",
) -> None:
    """Serve the console (behind HTTPS: its session cookies are Secure unless --dev)."""
    try:
        import uvicorn

        from hegui.console import create_app
        from hegui.console.settings import ConsoleSettings
    except ImportError as exc:
        raise MissingExtraError("the web console", "console") from exc
    if dev and host not in ("127.0.0.1", "localhost", "::1"):
        raise ConfigError(
            f"--dev serves over plain HTTP with a throwaway secret; listen on 127.0.0.1, not "
            f"{host} (set {secret_env} and drop --dev to serve others)",
            field="--host",
        )
    settings = ConsoleSettings(
        project=load_config(config_path),
        secret=os.environ.get(secret_env) or None,
        dev=dev,
        secret_env=secret_env,
    )
    application = create_app(settings)
    if dev:
        err.print(
            "[yellow]development mode: sessions end when the server stops; cookies are "
            "sent over plain HTTP. Do not expose this server.[/]"
        )
    out.print(f"hegui console on http{'s' if ssl_certfile else ''}://{host}:{port}/")
    uvicorn.run(
        application,
        host=host,
        port=port,
        log_level=log_level,
        ssl_certfile=str(ssl_certfile) if ssl_certfile else None,
        ssl_keyfile=str(ssl_keyfile) if ssl_keyfile else None,
        proxy_headers=True,
    )


@users_app.command("add")
@friendly_errors
def add(
    username: Annotated[str, typer.Argument(help="Sign-in name.")],
    role: Annotated[str, typer.Option(help="admin, reviewer or auditor.")],
    password_stdin: PasswordStdin = False,
    config_path: ConfigOption = None,
) -> None:
    """Add a console user (the password is asked for, never passed as an argument)."""
    from hegui.console.accounts import parse_role

    accounts = _accounts(config_path)
    try:
        user = accounts.create(username, _password(password_stdin), parse_role(role))
    finally:
        accounts.engine.dispose()
    out.print(f"added console user {user.username} ({user.role.value})")


@users_app.command("list")
@friendly_errors
def list_users(config_path: ConfigOption = None) -> None:
    """Console users and their roles."""
    accounts = _accounts(config_path)
    try:
        found = accounts.list()
    finally:
        accounts.engine.dispose()
    if not found:
        out.print("no console users yet: hegui console users add NAME --role admin")
    for user in found:
        state = " (disabled)" if user.disabled else ""
        out.print(f"{user.username:<24} {user.role.value:<9}{state}")


@users_app.command("passwd")
@friendly_errors
def passwd(
    username: Annotated[str, typer.Argument(help="Sign-in name.")],
    password_stdin: PasswordStdin = False,
    config_path: ConfigOption = None,
) -> None:
    """Set a console user's password."""
    accounts = _accounts(config_path)
    try:
        accounts.get(username)
        accounts.set_password(username, _password(password_stdin))
    finally:
        accounts.engine.dispose()
    out.print(f"password of {username} changed")


@users_app.command("role")
@friendly_errors
def role(
    username: Annotated[str, typer.Argument(help="Sign-in name.")],
    new_role: Annotated[str, typer.Argument(help="admin, reviewer or auditor.")],
    config_path: ConfigOption = None,
) -> None:
    """Change a console user's role."""
    from hegui.console.accounts import parse_role

    accounts = _accounts(config_path)
    try:
        accounts.set_role(username, parse_role(new_role))
    finally:
        accounts.engine.dispose()
    out.print(f"{username} is now {new_role}")


@users_app.command("disable")
@friendly_errors
def disable(
    username: Annotated[str, typer.Argument(help="Sign-in name.")],
    enable: Annotated[bool, typer.Option("--enable", help="Enable the user again.")] = False,
    config_path: ConfigOption = None,
) -> None:
    """Disable a console user (their sessions stop at once), or enable them again."""
    accounts = _accounts(config_path)
    try:
        accounts.set_disabled(username, not enable)
    finally:
        accounts.engine.dispose()
    out.print(f"{username} {'enabled' if enable else 'disabled'}")
