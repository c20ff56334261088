"""Typed records shared by the importers: mapping rules, source rows and the import result."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from hegui.records import BankItem, ItemKind, Message


@dataclass(frozen=True)
class Target:
    """Where rows with a label go: the bank kind, and the risk code and/or aspect id."""

    kind: ItemKind
    risk: str | None = None
    aspect: str | None = None


@dataclass(frozen=True)
class Excluded:
    """A label that is deliberately not imported, with the reason (shown in the summary)."""

    reason: str


Rule = Target | Excluded
"""One line of a mapping table: label value → target, or an explicit exclusion."""


@dataclass(frozen=True)
class SourceRow:
    """One question as read from a source file, before mapping.

    ``source_id`` is the provenance: the file name and the row's original id (``file#id``).
    ``label`` is the value the mapping table is keyed on.
    """

    source_id: str
    label: str
    prompt: str | None = None
    messages: tuple[Message, ...] | None = None
    reference: str | None = None
    language: str = "zh"
    extra_tags: tuple[str, ...] = ()


@dataclass(frozen=True)
class DatasetSpec:
    """What an importer knows about its dataset: name, licence, and the mapping table."""

    name: str
    """The ``--format`` name and the ``source:`` tag."""
    title: str
    licence: str
    table: Mapping[str, Rule]
    label_field: str
    """Which source field(s) the label comes from, for docs and messages."""


@dataclass(frozen=True)
class SkippedRow:
    """A source row that did not become an item, and why."""

    source_id: str
    label: str
    reason: str
    """Why, in a few fixed words (summaries count rows per reason)."""
    detail: str = ""
    """Specifics, e.g. the id of the item a near duplicate repeats."""


@dataclass
class ImportResult:
    """The items of one import, the rows left out, and the labels no table line covers."""

    dataset: str
    items: list[BankItem] = field(default_factory=list)
    skipped: list[SkippedRow] = field(default_factory=list)
    unmapped: Counter[str] = field(default_factory=Counter)
    """Label values found in the source but absent from the mapping table (rows skipped)."""

    def per_kind(self) -> Counter[str]:
        """Item counts per bank kind."""
        return Counter(item.kind.value for item in self.items)

    def per_risk(self) -> Counter[str]:
        """Item counts per risk code (``-`` for items without one)."""
        return Counter(item.risk or "-" for item in self.items)

    def skip_reasons(self) -> Counter[str]:
        """Skipped-row counts per reason."""
        return Counter(row.reason for row in self.skipped)

    def extend(self, other: ImportResult) -> None:
        """Add the items, skipped rows and unmapped labels of another import."""
        self.items.extend(other.items)
        self.skipped.extend(other.skipped)
        self.unmapped.update(other.unmapped)


def build(spec: DatasetSpec, rows: Iterable[SourceRow]) -> ImportResult:
    """Map ``rows`` through ``spec.table`` into bank items; report what is skipped and why."""
    result = ImportResult(dataset=spec.name)
    seen: set[str] = set()
    for row in rows:
        rule = spec.table.get(row.label)
        if rule is None:
            result.unmapped[row.label] += 1
            result.skipped.append(SkippedRow(row.source_id, row.label, "unmapped label"))
            continue
        if isinstance(rule, Excluded):
            result.skipped.append(SkippedRow(row.source_id, row.label, f"excluded: {rule.reason}"))
            continue
        if row.prompt is not None and not row.prompt.strip():
            result.skipped.append(SkippedRow(row.source_id, row.label, "empty question"))
            continue
        item_id = f"{spec.name}:{row.source_id}"
        if item_id in seen:
            result.skipped.append(SkippedRow(row.source_id, row.label, "duplicate source id"))
            continue
        seen.add(item_id)
        tags = (
            f"source:{spec.name}",
            f"source-id:{row.source_id}",
            f"licence:{spec.licence}",
            f"label:{row.label}",
            *row.extra_tags,
        )
        result.items.append(
            BankItem(
                id=item_id,
                kind=rule.kind,
                prompt=row.prompt.strip() if row.prompt is not None else None,
                messages=row.messages,
                risk=rule.risk,
                aspect=rule.aspect,
                language=row.language,
                tags=tags,
                reference=row.reference,
            )
        )
    return result
