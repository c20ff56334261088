"""Errors of :mod:`hegui.labeling`, all under :class:`hegui.errors.HeguiError`.

::

    LabelError                 a label cannot be written, read or built
     ├── InvalidLabelError     field values break GB 45438 Appendix E (charset, Label, codes)
     ├── UnsupportedFormatError the file type has no known label placement
     ├── CorruptFileError      the file is truncated or malformed; nothing was written
     └── ToolMissingError      a system tool (ffmpeg, a CJK font) is not installed
"""

from __future__ import annotations

from pathlib import Path

from hegui.errors import HeguiError


class LabelError(HeguiError):
    """A content label cannot be written, read or built. The input file is left untouched."""

    def __init__(self, message: str, *, path: Path | str | None = None):
        super().__init__(f"{path}: {message}" if path is not None else message)
        self.path = None if path is None else Path(path)


class InvalidLabelError(LabelError):
    """A label value breaks the format: Label not in 1/2/3, charset, provider code or checksum."""


class UnsupportedFormatError(LabelError):
    """The file type is not one hegui can label (see docs/labeling.md for the list)."""


class CorruptFileError(LabelError):
    """The file is truncated or malformed, so labelling it could damage it further."""


class ToolMissingError(LabelError):
    """A system tool or resource is missing; the message says which package installs it."""
