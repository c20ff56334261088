"""Errors of the corpus audit, in hegui's one exception tree.

``ManifestError`` is a :class:`~hegui.errors.ConfigError` (exit code 2, nothing has run);
``ReviewError`` names the workbook, sheet, row and column of a bad reviewer verdict. Problems in
the data itself (missing files, malformed lines, wrong encodings) are not exceptions: they are
counted and reported per shard while the audit goes on.
"""

from __future__ import annotations

from hegui.errors import ConfigError, HeguiError


class ManifestError(ConfigError):
    """The source manifest (or the ``corpus:`` settings) is invalid; the audit has not started."""


class ReviewError(HeguiError):
    """A reviewers' workbook cannot be imported; the message names file, sheet, row and column."""

    def __init__(
        self,
        message: str,
        *,
        path: str,
        sheet: str | None = None,
        row: int | None = None,
        column: str | None = None,
    ):
        parts = [path]
        if sheet is not None:
            parts.append(f"sheet {sheet!r}")
        if row is not None:
            parts.append(f"row {row}")
        if column is not None:
            parts.append(f"column {column!r}")
        super().__init__(f"{', '.join(parts)}: {message}")
        self.path = path
        self.sheet = sheet
        self.row = row
        self.column = column


class AuditStateError(HeguiError):
    """An audit folder is missing, incomplete or belongs to a different audit plan."""
