"""Types of the compiled fold (``_fold.c``); see :mod:`hegui.text.normalize`."""

from typing import Any

def fold(
    text: str, packed: Any, class_one: int, expands_at: int, barriers: Any = None
) -> str | None: ...
