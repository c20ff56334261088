"""Write an import atomically: a temporary file beside the target, then a rename."""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path

from hegui.banks._meta import BankMeta, sidecar_path
from hegui.banks.writer import write_bank
from hegui.records import BankItem


def write_atomic(
    path: str | os.PathLike[str], items: Sequence[BankItem], meta: BankMeta | None = None
) -> None:
    """Write ``items`` (and ``meta``) to ``path`` so that readers never see a partial file.

    The bank is written to a hidden temporary file with the same suffix in the same folder and
    renamed over ``path``; a CSV/TSV metadata sidecar is renamed alongside.
    """
    target = Path(path)
    temporary = target.with_name(f".{target.stem}.partial{target.suffix}")
    try:
        write_bank(temporary, items, meta)
        side = sidecar_path(temporary)
        if side.exists():
            os.replace(side, sidecar_path(target))
        os.replace(temporary, target)
    finally:
        temporary.unlink(missing_ok=True)
        sidecar_path(temporary).unlink(missing_ok=True)
