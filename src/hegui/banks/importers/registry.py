"""The importers by ``--format`` name, and :func:`import_files`."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from hegui.banks.importers import (
    chisafetybench,
    cvalues,
    flames,
    jade,
    jailbench,
    multijail,
    safetyqa,
    seval,
    xsafety,
    xstest,
)
from hegui.banks.importers._model import DatasetSpec, ImportResult, SourceRow, build
from hegui.errors import BankError


@dataclass(frozen=True)
class Importer:
    """A dataset's mapping spec and its reader of source rows."""

    spec: DatasetSpec
    rows: Callable[[Path], Iterator[SourceRow]]


IMPORTERS: dict[str, Importer] = {
    module.SPEC.name: Importer(module.SPEC, module.rows)
    for module in (
        chisafetybench,
        jailbench,
        jade,
        xstest,
        safetyqa,
        cvalues,
        xsafety,
        seval,
        flames,
        multijail,
    )
}
"""Format name → importer."""

FORMATS: tuple[str, ...] = tuple(IMPORTERS)
"""The accepted ``--format`` values."""


def import_files(fmt: str, paths: Sequence[str | os.PathLike[str]]) -> ImportResult:
    """Read ``paths`` (files of dataset ``fmt``) and map them into bank items."""
    importer = IMPORTERS.get(fmt)
    if importer is None:
        raise BankError(f"unknown import format {fmt!r}; choose one of {', '.join(FORMATS)}")
    result = ImportResult(dataset=fmt)
    for path in paths:
        source = Path(path)
        if not source.is_file():
            raise BankError(f"{source}: no such file")
        result.extend(build(importer.spec, importer.rows(source)))
    return result
