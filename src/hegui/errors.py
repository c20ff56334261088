"""One exception tree for hegui. Every message says what went wrong and what to do.

::

    HeguiError
     ├── ConfigError          hegui.yaml, CLI flags, environment
     ├── PolicyError          policy packs and overrides
     ├── BankError            question banks and keyword libraries (names file, row, field)
     ├── TargetError          the service under test
     │    └── RetryableTargetError   429, 5xx, timeouts, dropped connections
     ├── JudgeError           a judge that cannot run (an undecidable item is ``unscored``)
     ├── StoreError           the run store (database)
     ├── ReportError          report rendering
     └── MissingExtraError    an optional dependency is not installed

The CLI turns any ``HeguiError`` into a one-line message and exit code 2; a traceback means a bug.
"""

from __future__ import annotations


class HeguiError(Exception):
    """Base of every error hegui raises on purpose."""


class ConfigError(HeguiError):
    """The configuration (file, flag or environment variable) is invalid."""

    def __init__(self, message: str, *, source: str | None = None, field: str | None = None):
        where = ", ".join(p for p in (source, f"field {field!r}" if field else None) if p)
        super().__init__(f"{where}: {message}" if where else message)
        self.source = source
        self.field = field


class PolicyError(HeguiError):
    """A policy pack or a policy override is invalid."""


class BankError(HeguiError):
    """A question bank or keyword library is malformed.

    The message names the file, the row (1-based, counting the header row for tables) and the field.
    """

    def __init__(
        self,
        message: str,
        *,
        path: str | None = None,
        row: int | None = None,
        field: str | None = None,
    ):
        parts = [p for p in (path, f"row {row}" if row is not None else None) if p]
        if field:
            parts.append(f"field {field!r}")
        super().__init__(f"{', '.join(parts)}: {message}" if parts else message)
        self.path = path
        self.row = row
        self.field = field


class TargetError(HeguiError):
    """The target failed in a way retrying will not fix (bad key, 4xx, malformed answer)."""


class RetryableTargetError(TargetError):
    """The target failed in a way a retry may fix (429, 5xx, timeout, connection reset).

    ``retry_after`` carries the server's Retry-After hint in seconds, when it sent one.
    """

    def __init__(self, message: str, *, retry_after: float | None = None):
        super().__init__(message)
        self.retry_after = retry_after


class JudgeError(HeguiError):
    """A judge cannot run (misconfigured, model file missing)."""


class StoreError(HeguiError):
    """The run store cannot be opened or written."""


class ReportError(HeguiError):
    """A report cannot be rendered."""


class MissingExtraError(HeguiError):
    """An optional dependency is missing; the message carries the pip line that installs it."""

    def __init__(self, feature: str, extra: str):
        super().__init__(f'{feature} needs an optional dependency: pip install "hegui[{extra}]"')
        self.feature = feature
        self.extra = extra
