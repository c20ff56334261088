"""``hegui gateway``: serve the moderation gateway, check its configuration, make a key.

The operator command groups live beside it and are registered at the top level:
``hegui users`` (:data:`users_app`) and ``hegui log`` (:data:`log_app`); complaints are
``hegui complaints`` (:mod:`hegui.cli.complaints`).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from hegui.cli._common import friendly_errors, out
from hegui.cli.gateway_log import app as log_app
from hegui.cli.gateway_users import app as users_app

if TYPE_CHECKING:
    from hegui.gateway.service import Gateway

__all__ = ["app", "log_app", "users_app"]

app = typer.Typer(
    help="The moderation gateway: an OpenAI-compatible proxy checking every input and output.",
    no_args_is_help=True,
)

ConfigOption = Annotated[
    Path | None, typer.Option("--config", "-c", help="hegui.yaml (default: ./hegui.yaml).")
]


@app.command("serve")
@friendly_errors
def serve(
    config_path: ConfigOption = None,
    host: Annotated[str | None, typer.Option(help="Overrides gateway.server.host.")] = None,
    port: Annotated[int | None, typer.Option(help="Overrides gateway.server.port.")] = None,
    log_level: Annotated[str, typer.Option(help="uvicorn log level.")] = "info",
    access_log: Annotated[
        bool, typer.Option(help="Log each request line (paths and statuses, never bodies).")
    ] = False,
) -> None:
    """Serve the gateway (one process; run several behind a load balancer to scale)."""
    from hegui.gateway.server import serve as run

    run(config_path, host=host, port=port, log_level=log_level, access_log=access_log)


@app.command("check")
@friendly_errors
def check(config_path: ConfigOption = None) -> None:
    """Validate the gateway section, load every scanner and open the store."""
    from hegui.gateway.server import settings_from_project
    from hegui.gateway.service import Gateway

    settings = settings_from_project(config_path)
    gateway = Gateway(settings)
    try:
        config = settings.config
        out.print(f"store      {settings.store_url}")
        for upstream in gateway.pool.upstreams:
            models = ", ".join(sorted(upstream.models)) or "any model"
            out.print(f"upstream   {upstream.name}: {upstream.config.base_url} ({models})")
        for name, chain in (("input", gateway.adults.input), ("output", gateway.adults.output)):
            scanners = ", ".join(f"{s.name}[{s.version}]" for s in chain.scanners) or "none"
            out.print(f"{name:<10} {scanners}", markup=False)  # versions look like markup
        window = gateway.adults.window
        out.print(
            f"stream     window {window.window_chars} chars, hold-back {window.holdback_chars}, "
            f"context {window.context_chars}"
        )
        out.print(
            f"labels     explicit {config.labels.explicit}, implicit {config.labels.implicit}"
        )
        out.print(
            f"log        chain {gateway.chain_id}, retention {config.log.retention_days} days"
        )
        out.print(f"counters   {_check_counters(gateway)}")
        if gateway.cipher is None:
            out.print(
                f"[yellow]note:[/] {config.identity.key_env} is not set: `hegui users verify` "
                "and encrypted complaint contacts need it",
                markup=True,
            )
    finally:
        gateway.engine.dispose()
    out.print("ok")


def _check_counters(gateway: Gateway) -> str:
    """Where limits are counted; a Redis server is pinged (ConfigError when unreachable)."""
    import asyncio

    from hegui.gateway.counters import RedisCounters

    counters = gateway.counters
    if not isinstance(counters, RedisCounters):
        return "in memory, per instance"

    async def ping() -> None:
        try:
            await counters.ping()
        finally:
            await counters.aclose()

    asyncio.run(ping())
    return f"redis {counters.url} (shared by instances)"


@app.command("keygen")
def keygen() -> None:
    """Print a new random gateway key (for HEGUI_GATEWAY_KEY); keep it secret and backed up."""
    from hegui.gateway.identity import FieldCipher

    out.print(FieldCipher.generate_key())
