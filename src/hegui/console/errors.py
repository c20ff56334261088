"""Errors of the console: bad form input and forbidden actions, with the field they concern."""

from __future__ import annotations

from hegui.errors import HeguiError


class ConsoleError(HeguiError):
    """Invalid input to a console form or command; ``field`` names the form field."""

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(f"field {field!r}: {message}" if field else message)
        self.message = message
        self.field = field
