"""Sources of a composed bank: bank files, or public datasets imported on the fly.

A source is written ``FORMAT:PATH`` for a dataset that :mod:`hegui.banks.importers` reads
(``jade:../data/jade-db/*/jade_*_zh.csv``) or ``PATH`` for a bank file in hegui's format. Paths
may hold glob patterns (quote them so the shell leaves them alone). Every item keeps its
provenance in tags: ``source:``, ``source-id:`` and ``licence:``.
"""

from __future__ import annotations

import glob
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from hegui.banks.importers import FORMATS, import_files
from hegui.banks.loader import load_bank
from hegui.errors import BankError
from hegui.policy import Pack
from hegui.records import BankItem

UNKNOWN_LICENCE = "unknown"
"""The ``licence:`` tag of bank-file items that carry none."""


@dataclass(frozen=True)
class SourceSpec:
    """One ``--from`` value: an importer format (or ``None`` for bank files) and its files."""

    text: str
    """As the user wrote it, for messages."""
    format: str | None
    paths: tuple[Path, ...]


@dataclass
class SourceItems:
    """What one source contributed: its items, and the rows an importer skipped."""

    spec: SourceSpec
    items: list[BankItem] = field(default_factory=list)
    skipped: Counter[str] = field(default_factory=Counter)
    """Skipped rows per reason (importers only)."""
    unmapped: Counter[str] = field(default_factory=Counter)
    """Labels absent from the importer's table, with row counts."""


def parse_source(text: str) -> SourceSpec:
    """Split ``FORMAT:PATTERN`` / ``PATTERN`` and expand the glob; no match is an error."""
    prefix, sep, rest = text.partition(":")
    fmt: str | None = prefix if sep and prefix in FORMATS else None
    pattern = rest if fmt is not None else text
    if glob.has_magic(pattern):
        paths = tuple(Path(p) for p in sorted(glob.glob(pattern)))
        if not paths:
            raise BankError(f"source {text!r}: no file matches {pattern!r}")
    else:
        paths = (Path(pattern),)
        if not paths[0].is_file():
            hint = ""
            if sep and fmt is None and len(prefix) > 1:
                hint = f"; importer sources are FORMAT:PATH, FORMAT one of {', '.join(FORMATS)}"
            raise BankError(f"source {text!r}: no such file{hint}")
    return SourceSpec(text=text, format=fmt, paths=paths)


def read_source(spec: SourceSpec, pack: Pack) -> SourceItems:
    """The items of one source, with provenance tags added to bank-file items that lack them."""
    found = SourceItems(spec)
    if spec.format is not None:
        result = import_files(spec.format, spec.paths)
        found.items = list(result.items)
        found.skipped = result.skip_reasons()
        found.unmapped = Counter(result.unmapped)
        return found
    for path in spec.paths:
        bank = load_bank(path, pack)
        found.items.extend(_with_provenance(item, bank.info.name, path.name) for item in bank.items)
    return found


def read_sources(texts: Sequence[str], pack: Pack) -> list[SourceItems]:
    """Parse and read every source; a file given twice is an error (it would double-count)."""
    specs = [parse_source(text) for text in texts]
    seen: dict[Path, str] = {}
    for spec in specs:
        for path in spec.paths:
            key = path.resolve()
            if key in seen:
                raise BankError(f"{path} is given twice (in {seen[key]!r} and {spec.text!r})")
            seen[key] = spec.text
    return [read_source(spec, pack) for spec in specs]


def _with_provenance(item: BankItem, bank_name: str, file_name: str) -> BankItem:
    tags = list(item.tags)
    if not any(t.startswith("source:") for t in tags):
        tags.append(f"source:{bank_name}")
    if not any(t.startswith("source-id:") for t in tags):
        tags.append(f"source-id:{file_name}#{item.id}")
    if not any(t.startswith("licence:") for t in tags):
        tags.append(f"licence:{UNKNOWN_LICENCE}")
    return item if len(tags) == len(item.tags) else item.model_copy(update={"tags": tuple(tags)})


def tag_value(item: BankItem, prefix: str) -> str | None:
    """The value of the first ``prefix:value`` tag of ``item`` (``prefix`` without colon)."""
    start = prefix + ":"
    return next((t[len(start) :] for t in item.tags if t.startswith(start)), None)
