"""Types of the compiled scorer (``_scoring.c``); see :mod:`hegui.judges.linear`."""

from collections.abc import Sequence
from typing import Any

def scores(
    texts: Sequence[str | list[str]],
    mults: tuple[int, ...],
    head_mark: int,
    min_n: int,
    max_n: int,
    head: int,
    bits: int,
    columns: int,
    index: Any,
    weights: Any,
) -> list[float]: ...
def cjk_tokens(text: str) -> str: ...
def fold(text: str, table: bytes) -> str | None: ...
def cjk_fold_tokens(text: str, table: bytes) -> str | None: ...
