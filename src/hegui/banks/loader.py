"""Load question banks: one documented format in JSONL, CSV/TSV and XLSX (see docs/banks.md)."""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from hegui.banks._containers import RawBank, read_csv, read_jsonl, read_xlsx
from hegui.banks._fields import ItemBuilder
from hegui.banks._meta import BankMeta, read_sidecar, sidecar_path
from hegui.banks._problems import Location, Problems
from hegui.banks._taxonomy import Taxonomy, kind_from_name
from hegui.errors import BankError
from hegui.policy import Pack
from hegui.records import BankInfo, BankItem, ItemKind

SUFFIXES = (".jsonl", ".ndjson", ".csv", ".tsv", ".xlsx", ".xlsm")
"""File suffixes :func:`load_bank` reads; the suffix decides the container."""


@dataclass(frozen=True)
class Bank:
    """A validated question bank: what a run records (``info``) and its items, in file order."""

    info: BankInfo
    items: tuple[BankItem, ...]
    locations: tuple[Location, ...]
    """Where each item was read, parallel to ``items`` (for messages and reports)."""
    description: str | None = None
    warnings: tuple[str, ...] = ()
    """Things worth telling the user that are not errors, such as ignored columns."""
    meta: BankMeta = field(default_factory=BankMeta)
    """The file's metadata (embedded and sidecar merged), incl. content hash and changelog."""

    def of_kind(self, kind: ItemKind) -> tuple[BankItem, ...]:
        """The items of one bank kind."""
        return tuple(item for item in self.items if item.kind is kind)

    def location(self, item_id: str) -> Location:
        """Where the item with ``item_id`` was read (raises ``KeyError`` for unknown ids)."""
        for item, location in zip(self.items, self.locations, strict=True):
            if item.id == item_id:
                return location
        raise KeyError(item_id)


def load_bank(path: str | os.PathLike[str], pack: Pack) -> Bank:
    """Read and validate one bank file against ``pack``.

    Raises :class:`~hegui.errors.BankError` for an unreadable file, and its subclass
    :class:`~hegui.banks.BankValidationError` listing the first 20 bad rows (file, row, field).
    """
    return _load(Path(path), str(path), Taxonomy(pack))


def load_banks(paths: Iterable[str | os.PathLike[str]], pack: Pack) -> tuple[Bank, ...]:
    """Load several banks; ids must be unique across all of them."""
    taxonomy = Taxonomy(pack)
    seen_paths: dict[Path, str] = {}
    banks: list[Bank] = []
    for raw_path in paths:
        path = Path(raw_path)
        key = path.resolve()
        if key in seen_paths:
            raise BankError(
                f"the same bank is given twice (also as {seen_paths[key]})", path=str(raw_path)
            )
        seen_paths[key] = str(raw_path)
        banks.append(_load(path, str(raw_path), taxonomy))
    problems = Problems()
    first_seen: dict[str, Location] = {}
    for bank in banks:
        for item, location in zip(bank.items, bank.locations, strict=True):
            if item.id in first_seen:
                problems.add(
                    location, "id", f"duplicate id {item.id!r} (also at {first_seen[item.id]})"
                )
            else:
                first_seen[item.id] = location
    problems.raise_if_any()
    return tuple(banks)


def _load(path: Path, shown: str, taxonomy: Taxonomy) -> Bank:
    suffix = path.suffix.lower()
    if suffix not in SUFFIXES:
        raise BankError(
            f"unsupported bank file type {suffix or '(none)'!r}; use {', '.join(SUFFIXES)}"
            + (" (save .xls workbooks as .xlsx)" if suffix == ".xls" else ""),
            path=shown,
        )
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise BankError(f"cannot read the file: {exc.strerror or exc}", path=shown) from None
    problems = Problems()
    raw = _read(data, suffix, shown, problems)
    sidecar = read_sidecar(path)
    meta = raw.meta or BankMeta()
    if sidecar is not None:
        meta = meta.merged(sidecar, str(sidecar_path(path)))
    builder = ItemBuilder(taxonomy, problems, kind_from_name(path.stem))
    items: list[BankItem] = []
    locations: list[Location] = []
    first_seen: dict[str, Location] = {}
    for row in raw.rows:
        item = builder.build(row)
        if item is None:
            continue
        if item.id in first_seen:
            problems.add(
                row.location,
                row.columns.get("id", "id"),
                f"duplicate id {item.id!r} (first at {first_seen[item.id]})",
            )
            continue
        first_seen[item.id] = row.location
        items.append(item)
        locations.append(row.location)
    problems.raise_if_any()
    if not items:
        raise BankError("the bank has no questions", path=shown)
    info = BankInfo(
        name=meta.name or path.stem,
        path=shown,
        sha256=hashlib.sha256(data).hexdigest(),
        items=len(items),
        version=meta.version,
        updated=meta.updated,
    )
    return Bank(info, tuple(items), tuple(locations), meta.description, tuple(raw.warnings), meta)


def _read(data: bytes, suffix: str, shown: str, problems: Problems) -> RawBank:
    if suffix in (".jsonl", ".ndjson"):
        return read_jsonl(data, shown, problems)
    if suffix in (".xlsx", ".xlsm"):
        return read_xlsx(data, shown, problems)
    return read_csv(data, shown, problems, delimiter="\t" if suffix == ".tsv" else ",")
