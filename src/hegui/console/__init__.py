"""The web console (``hegui console``): runs, human review, incidents, complaints, gateway users,
libraries, audit log.

Needs the ``console`` extra (``pip install "hegui[console]"``). Build the app with
:func:`create_app`; nothing else in hegui imports this package.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from hegui.console.settings import ConsoleSettings
from hegui.errors import MissingExtraError

if TYPE_CHECKING:
    from fastapi import FastAPI

    from hegui.console.accounts import AccountStore


def create_app(settings: ConsoleSettings, *, accounts: AccountStore | None = None) -> FastAPI:
    """The console's FastAPI app (see :func:`hegui.console.app.create_app`)."""
    try:
        from hegui.console.app import create_app as factory
    except ImportError as exc:
        raise MissingExtraError("the web console", "console") from exc
    return factory(settings, accounts=accounts)


__all__ = ["ConsoleSettings", "create_app"]
