"""What every container module provides: find the stored label values, and write one."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from hegui.labeling.model import AigcLabel


@dataclass(frozen=True)
class Found:
    """One stored copy of the label, before parsing."""

    location: str
    """Where it was found, e.g. ``XMP TC260:AIGC in APP1`` or ``ID3v2 TXXX:AIGC``."""
    value: str
    """The stored text (JSON, or YAML for Markdown front matter)."""


class Container(Protocol):
    """A container family. Implementations check the structure while they read or write."""

    def read(self, path: Path) -> list[Found]:
        """Every label copy in ``path``.

        Raises:
            CorruptFileError: the file is truncated or malformed.
        """
        ...

    def write(self, src: Path, dst: Path, label: AigcLabel) -> None:
        """Write ``src`` with exactly one label, ``label``, to the new file ``dst``.

        Any existing copy is replaced (never a second one); media data is copied unchanged.

        Raises:
            CorruptFileError: ``src`` is truncated or malformed (``dst`` may be partial; the
                caller deletes it).
        """
        ...
