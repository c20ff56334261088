"""Errors in probe files: they name the file, the line and the field, and say what to do."""

from __future__ import annotations

from hegui.errors import BankError


class ProbeFileError(BankError):
    """A template, term-list or ambiguous-question file is malformed.

    Like :class:`~hegui.errors.BankError` but located by YAML line rather than table row.
    """

    def __init__(
        self, message: str, *, path: str, line: int | None = None, field: str | None = None
    ):
        where = path if line is None else f"{path}, line {line}"
        if field:
            where += f", field {field!r}"
        # BankError's own message says "row"; a YAML file has lines, so format it here.
        Exception.__init__(self, f"{where}: {message}")
        self.path = path
        self.row = line
        self.field = field
