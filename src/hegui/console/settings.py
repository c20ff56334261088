"""Console settings: the project, the session secret, development mode and limits."""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field

from hegui.config import ProjectConfig
from hegui.errors import ConfigError

MIN_SECRET = 32
SECRET_ENV = "HEGUI_CONSOLE_SECRET"


@dataclass(frozen=True)
class ConsoleSettings:
    """How :func:`hegui.console.create_app` builds the console.

    Outside development mode a ``secret`` of at least 32 characters is required (it signs the
    session cookies), and cookies are ``Secure`` (sent over HTTPS only). In development mode a
    random secret is made per process and cookies work over plain HTTP.
    """

    project: ProjectConfig = field(default_factory=ProjectConfig)
    secret: str | None = None
    dev: bool = False
    session_hours: float = 12.0
    upload_limit: int = 5 * 1024 * 1024
    """Largest accepted upload (review workbooks), in bytes."""
    review_sample: int | None = None
    """Answers to put in a new review queue (default: the run's REQ-ASSESS-06 minimum)."""
    reviewers_per_item: int = 2
    """Reviewers who label each queued answer (two, for the agreement check)."""
    page_size: int = 50
    store_url: str | None = None
    """The run store (default: the project's ``store``)."""
    secret_env: str = SECRET_ENV
    """The environment variable the secret came from (named in error messages)."""

    def session_secret(self) -> str:
        """The secret that signs sessions; a :class:`ConfigError` when it is missing or short."""
        if self.secret:
            if len(self.secret) < MIN_SECRET and not self.dev:
                raise ConfigError(
                    f"the console secret has {len(self.secret)} characters; use at least "
                    f"{MIN_SECRET} (python -c 'import secrets; print(secrets.token_urlsafe(48))')",
                    field=self.secret_env,
                )
            return self.secret
        if self.dev:
            return secrets.token_urlsafe(48)
        raise ConfigError(
            f"the console needs a session secret: set {self.secret_env} to a random string of at "
            f"least {MIN_SECRET} characters, or run with --dev on your own machine",
            field=self.secret_env,
        )

    def resolved_store_url(self) -> str:
        """The store URL the console reads and writes."""
        return self.store_url or self.project.store_url()
