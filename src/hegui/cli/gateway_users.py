"""``hegui users``: gateway users — add, list, show, verify, find, suspend, reinstate, keys,
rekey."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from hegui.cli._common import EXIT_FAIL, friendly_errors, out
from hegui.gateway.admin import Admin, need_key
from hegui.gateway.identity import IdentityClaim, UserRecord, UserStatus

app = typer.Typer(
    help="Gateway users: real-name verification, keys, enforcement.", no_args_is_help=True
)
key_app = typer.Typer(help="API keys.", no_args_is_help=True)
app.add_typer(key_app, name="key")

ConfigOption = Annotated[Path | None, typer.Option("--config", "-c", help="hegui.yaml.")]
ActorOption = Annotated[
    str | None, typer.Option("--actor", help="Who acts (recorded); default cli:<login>.")
]
Reason = Annotated[str, typer.Option("--reason", "-r", help="Why (recorded in the ledger).")]


def _row(user: UserRecord) -> list[str]:
    status = user.status.value
    if user.status is UserStatus.SUSPENDED and user.suspended_until:
        status += f" until {user.suspended_until:%Y-%m-%d %H:%M}"
    if user.limited_until:
        status += f", limited until {user.limited_until:%Y-%m-%d %H:%M}"
    return [
        user.id,
        user.handle,
        status,
        "yes" if user.verified else "no",
        "minor" if user.minor_until else "",
        f"{user.consecutive_violations}/{user.day_violations}",
        f"{user.created_at:%Y-%m-%d}",
    ]


@app.command("add")
@friendly_errors
def add(
    handle: Annotated[str, typer.Argument(help="A unique name for the account.")],
    key: Annotated[bool, typer.Option("--key/--no-key", help="Issue an API key.")] = True,
    label: Annotated[str | None, typer.Option(help="Label of the key.")] = None,
    config_path: ConfigOption = None,
    actor: ActorOption = None,
) -> None:
    """Create a user (unverified) and, by default, an API key shown once."""
    with Admin.open(config_path, actor=actor) as admin:
        user, created = admin.add_user(handle, key=key, label=label)
    out.print(f"user {user.id} ({user.handle}) created; verify with: hegui users verify {user.id}")
    if created is not None:
        out.print(f"API key (shown once): {created.secret}")


@app.command("list")
@friendly_errors
def list_users(
    status: Annotated[UserStatus | None, typer.Option(help="Only users in this status.")] = None,
    as_json: Annotated[bool, typer.Option("--json")] = False,
    config_path: ConfigOption = None,
) -> None:
    """List users, newest first (no personal numbers are shown)."""
    with Admin.open(config_path) as admin:
        users = admin.users.users(status=status)
    if as_json:
        out.print_json(json.dumps([u.model_dump(mode="json") for u in users]))
        return
    table = Table(title=f"{len(users)} users")
    for column in ("id", "handle", "status", "verified", "", "in a row/today", "created"):
        table.add_column(column, no_wrap=column == "id")
    for user in users:
        table.add_row(*_row(user))
    out.print(table)


@app.command("show")
@friendly_errors
def show(
    user: Annotated[str, typer.Argument(help="User id or handle.")],
    reveal: Annotated[
        bool, typer.Option(help="Decrypt and show name, ID and mobile number (recorded).")
    ] = False,
    config_path: ConfigOption = None,
    actor: ActorOption = None,
) -> None:
    """A user's status, keys and enforcement ledger."""
    with Admin.open(config_path, actor=actor) as admin:
        record = admin.users.user(user)
        keys = admin.users.keys(record.id)
        ledger = admin.users.history(record.id, limit=20)
        revealed = None
        if reveal:
            need_key(admin)
            revealed = admin.users.reveal(record.id, admin.cipher())
            admin.record("admin", "identity_revealed", {}, user_id=record.id)
    out.print(json.dumps(record.model_dump(mode="json"), ensure_ascii=False, indent=2))
    if revealed is not None:
        out.print(json.dumps(revealed, ensure_ascii=False, indent=2))
    for k in keys:
        state = f"revoked {k.revoked_at:%Y-%m-%d}" if k.revoked_at else "active"
        out.print(f"key {k.id} {k.hint}… {k.label or ''} {state}")
    for entry in ledger:
        until = f" until {entry.until:%Y-%m-%d %H:%M}" if entry.until else ""
        when = f"{entry.created_at:%Y-%m-%d %H:%M}"
        out.print(f"{when} {entry.action.value}{until}: {entry.reason} ({entry.actor})")


@app.command("verify")
@friendly_errors
def verify(
    user: Annotated[str, typer.Argument(help="User id or handle.")],
    name: Annotated[str, typer.Option(prompt=True, help="Real name.")],
    id_number: Annotated[
        str, typer.Option(prompt=True, hide_input=True, help="Resident ID number (18 characters).")
    ],
    mobile: Annotated[str, typer.Option(prompt=True, hide_input=True, help="Mobile number.")],
    config_path: ConfigOption = None,
    actor: ActorOption = None,
) -> None:
    """Real-name verification with the configured verifier; numbers are stored hashed and
    encrypted (the gateway key must be set)."""
    with Admin.open(config_path, actor=actor) as admin:
        need_key(admin)
        record, result = admin.verify(
            user, IdentityClaim(name=name, id_number=id_number, mobile=mobile)
        )
    if not result.verified:
        out.print(f"not verified: {result.reason}")
        raise typer.Exit(EXIT_FAIL)
    minor = f"; minor until {record.minor_until}" if record.minor_until else ""
    out.print(f"verified by {result.verifier}{minor}")


@app.command("find")
@friendly_errors
def find(
    id_number: Annotated[
        str | None, typer.Option(hide_input=True, help="Resident ID number.")
    ] = None,
    mobile: Annotated[str | None, typer.Option(help="Mobile number.")] = None,
    config_path: ConfigOption = None,
) -> None:
    """Users verified with an ID or mobile number (looked up by keyed hash)."""
    if (id_number is None) == (mobile is None):
        raise typer.BadParameter("give exactly one of --id-number or --mobile")
    with Admin.open(config_path) as admin:
        cipher = admin.cipher()
        if id_number is not None:
            users = admin.users.find_by_id_number(cipher, id_number)
        else:
            assert mobile is not None
            users = admin.users.find_by_mobile(cipher, mobile)
    for found in users:
        out.print(" ".join(_row(found)))
    if not users:
        out.print("no user")


@app.command("rekey")
@friendly_errors
def rekey(config_path: ConfigOption = None, actor: ActorOption = None) -> None:
    """Re-encrypt and re-hash stored ID numbers, phones, names, complaint contacts and retained
    content with the current gateway key (after a rotation; safe to run again)."""
    with Admin.open(config_path, actor=actor) as admin:
        result = admin.rekey()
        key_id = admin.cipher().key_id
    out.print(
        f"moved to key {key_id}: {result.users} users, {result.complaints} complaints, "
        f"{result.content} retained conversations"
    )
    out.print("every stored value is on the current key: remove previous_key_envs")


@app.command("suspend")
@friendly_errors
def suspend(
    user: Annotated[str, typer.Argument(help="User id or handle.")],
    reason: Reason,
    hours: Annotated[float | None, typer.Option(help="Length; default until reinstated.")] = None,
    config_path: ConfigOption = None,
    actor: ActorOption = None,
) -> None:
    """Suspend a user (takes effect within the gateway's identity.cache_ttl_s)."""
    with Admin.open(config_path, actor=actor) as admin:
        record = admin.suspend(user, reason, hours)
    out.print(f"{record.handle}: {_row(record)[2]}")


@app.command("reinstate")
@friendly_errors
def reinstate(
    user: Annotated[str, typer.Argument(help="User id or handle.")],
    reason: Reason,
    config_path: ConfigOption = None,
    actor: ActorOption = None,
) -> None:
    """Lift a suspension and a limit; reset the violation counters."""
    with Admin.open(config_path, actor=actor) as admin:
        record = admin.reinstate(user, reason)
    out.print(f"{record.handle}: {record.status.value}")


@key_app.command("create")
@friendly_errors
def key_create(
    user: Annotated[str, typer.Argument(help="User id or handle.")],
    label: Annotated[str | None, typer.Option(help="Label of the key.")] = None,
    config_path: ConfigOption = None,
    actor: ActorOption = None,
) -> None:
    """Issue an API key (shown once)."""
    with Admin.open(config_path, actor=actor) as admin:
        created = admin.create_key(user, label)
    out.print(f"key {created.id}: {created.secret}")


@key_app.command("revoke")
@friendly_errors
def key_revoke(
    key_id: Annotated[str, typer.Argument(help="The key's id (k_…).")],
    reason: Reason,
    config_path: ConfigOption = None,
    actor: ActorOption = None,
) -> None:
    """Revoke an API key."""
    with Admin.open(config_path, actor=actor) as admin:
        admin.revoke_key(key_id, reason)
    out.print(f"key {key_id} revoked")
