"""Importers from public safety datasets into hegui's bank format (issue #8, bank builder).

Each importer reads a dataset's files and maps its label values through a reviewable table
(``TABLE`` in each module) to a bank kind and a GB/T 45654 risk code or should-not-refuse
aspect. Labels absent from a table are counted in :attr:`ImportResult.unmapped` and their rows
reported as skipped, never silently dropped; every item carries its provenance in ``tags``
(``source:``, ``source-id:``, ``licence:``, ``label:``). See ``docs/bank-import.md``.

>>> result = import_files("jailbench", ["JailBench_seed.csv"])  # doctest: +SKIP
>>> write_bank("should_refuse.jsonl", result.items)  # doctest: +SKIP
"""

from hegui.banks.importers._model import (
    DatasetSpec,
    Excluded,
    ImportResult,
    Rule,
    SkippedRow,
    SourceRow,
    Target,
    build,
)
from hegui.banks.importers.registry import FORMATS, IMPORTERS, Importer, import_files

__all__ = [
    "FORMATS",
    "IMPORTERS",
    "DatasetSpec",
    "Excluded",
    "ImportResult",
    "Importer",
    "Rule",
    "SkippedRow",
    "SourceRow",
    "Target",
    "build",
    "import_files",
]
