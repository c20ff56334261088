"""The moderation gateway: an OpenAI-compatible proxy that checks every input and output.

::

    from hegui.gateway import GatewaySettings, create_app, load_gateway_config

    app = create_app(GatewaySettings(config, store_url="sqlite:///gw.db"))

* proxy: ``/v1/chat/completions`` and ``/v1/completions`` (streaming and not), ``/v1/models``,
  to one or more upstreams with retries and failover (:mod:`hegui.gateway.upstream`);
* scanner chains on input and output, from hegui's detection stack, fail closed
  (:mod:`hegui.gateway.chain`, :mod:`hegui.gateway.scanners`);
* streams released only after checking (:mod:`hegui.gateway.window`);
* real-name users, API keys, enforcement ladder (:mod:`hegui.gateway.identity`,
  :mod:`hegui.gateway.enforcement`); GB 45438 labels; complaints; a hash-chained event log
  (:mod:`hegui.gateway.eventlog`); Prometheus metrics, health and readiness.

See docs/gateway.md.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from hegui.errors import MissingExtraError
from hegui.gateway.chain import Chain
from hegui.gateway.config import (
    GatewayConfig,
    GatewaySettings,
    load_gateway_config,
    parse_gateway_config,
)
from hegui.gateway.records import Action, ChainDecision, Redaction, ScannerOutcome, ScanResult
from hegui.gateway.scanners import Scanner, build_scanners
from hegui.gateway.window import StreamWindow, WindowPolicy

if TYPE_CHECKING:
    from fastapi import FastAPI


def create_app(settings: GatewaySettings) -> FastAPI:
    """The gateway's ASGI application (see :mod:`hegui.gateway.app`); needs the ``gateway``
    extra (FastAPI, uvicorn, prometheus-client), imported only here so that the operator
    commands work without it."""
    try:
        from hegui.gateway.app import create_app as create
    except ImportError as exc:
        raise MissingExtraError(f"the gateway server ({exc.name or exc})", "gateway") from None
    return create(settings)


__all__ = [
    "Action",
    "Chain",
    "ChainDecision",
    "GatewayConfig",
    "GatewaySettings",
    "Redaction",
    "ScanResult",
    "Scanner",
    "ScannerOutcome",
    "StreamWindow",
    "WindowPolicy",
    "build_scanners",
    "create_app",
    "load_gateway_config",
    "parse_gateway_config",
]
