"""Errors of the filing package."""

from __future__ import annotations

from hegui.errors import HeguiError


class FilingError(HeguiError):
    """The filing package cannot be built or verified; the message says what to fix."""
