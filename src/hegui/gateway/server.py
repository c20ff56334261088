"""Serving the gateway with uvicorn (``hegui gateway serve`` and ``python -m hegui.gateway``)."""

from __future__ import annotations

import gc
from pathlib import Path

from hegui.config import load_config
from hegui.errors import MissingExtraError
from hegui.gateway.config import GatewaySettings, load_gateway_config, store_url


def settings_from_project(config_path: Path | None = None) -> GatewaySettings:
    """The gateway settings of a hegui.yaml (default: ./hegui.yaml)."""
    project = load_config(config_path)
    config = load_gateway_config(project)
    return GatewaySettings(config, store_url(config, project), project.base_dir)


def tune_gc() -> None:
    """Garbage-collector settings for a long-running gateway process.

    The keyword library and the classifier weights are a few hundred thousand long-lived
    objects: a full collection walked them all and stalled the event loop for over 100 ms (the
    p99 latency). ``gc.freeze()`` moves everything loaded so far out of the collector's reach.

    A request's objects die by reference counting, not in collections, but a hundred requests
    in flight hold thousands of young objects: with the default threshold (700) the collector
    ran every few requests, walked them all and freed nothing: about 8 % of the gateway's CPU
    at full load (0.5-0.7 s of collections per 7,000 requests on the project VM). At 10,000 it
    runs a few times a minute; garbage cycles still start a collection once they are 10,000
    objects.
    """
    gc.collect()
    gc.freeze()
    gc.set_threshold(_YOUNG_THRESHOLD)


_YOUNG_THRESHOLD = 10_000


def serve(
    config_path: Path | None = None,
    *,
    host: str | None = None,
    port: int | None = None,
    log_level: str = "info",
    access_log: bool = False,
) -> None:
    """Build the app and serve it in this process until interrupted.

    One process per instance: the event chain and the key cache are per process (and the limits
    too unless ``gateway.counters`` names a Redis), so scale out with more instances, each with
    its own ``log.chain_id``.
    """
    try:
        import uvicorn
    except ImportError:
        raise MissingExtraError("hegui gateway serve", "gateway") from None
    from hegui.gateway.app import create_app

    settings = settings_from_project(config_path)
    server = settings.config.server
    app = create_app(settings)
    tune_gc()
    uvicorn.run(
        app,
        host=host or server.host,
        port=port if port is not None else server.port,
        log_level=log_level,
        access_log=access_log,
        server_header=False,
    )
