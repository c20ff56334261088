"""Bank versions: a content hash of the items, changelog entries, and the diff of two banks.

The content hash is independent of the container and of item order: a bank saved as JSONL and
as XLSX has the same hash, and so has a bank whose rows were sorted. It changes when any item's
id, kind, question, risk, aspect, language, tags or reference changes.
"""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from hegui.banks._meta import BankMeta, ChangeEntry
from hegui.banks._problems import Location
from hegui.banks.aspects import distinct_items, item_aspects
from hegui.banks.loader import Bank
from hegui.banks.writer import item_record
from hegui.records import BankInfo, BankItem, ItemKind

_COMPARED = ("kind", "question", "risk", "aspect", "language", "reference", "tags")
"""Fields :func:`diff_banks` compares for items kept under the same id."""


def content_hash(items: Sequence[BankItem]) -> str:
    """SHA-256 over the items' records, sorted by id (container and order do not matter)."""
    digest = hashlib.sha256()
    for item in sorted(items, key=lambda i: i.id):
        record = json.dumps(item_record(item), ensure_ascii=False, sort_keys=True)
        digest.update(record.encode())
        digest.update(b"\n")
    return digest.hexdigest()


def bank_of(
    items: Sequence[BankItem], name: str, meta: BankMeta | None = None, path: str = "(new)"
) -> Bank:
    """A :class:`Bank` of items made in memory (composed or mutated), e.g. for coverage."""
    meta = meta or BankMeta(name=name)
    info = BankInfo(
        name=meta.name or name,
        path=path,
        sha256=content_hash(items),
        items=len(items),
        version=meta.version,
        updated=meta.updated,
    )
    locations = tuple(Location(path, n) for n in range(1, len(items) + 1))
    return Bank(info, tuple(items), locations, meta.description, (), meta)


def next_version(previous: str | None, today: date) -> str:
    """``YYYY.MM.N``: the month of ``today`` and a counter that restarts every month."""
    month = f"{today.year}.{today.month:02d}"
    if previous and previous.startswith(month + "."):
        tail = previous[len(month) + 1 :]
        if tail.isdigit():
            return f"{month}.{int(tail) + 1}"
    return f"{month}.1"


@dataclass(frozen=True)
class ItemChange:
    """An item kept under the same id whose compared fields differ."""

    id: str
    fields: tuple[str, ...]


@dataclass(frozen=True)
class CountChange:
    """Distinct-question count of one kind and stratum (risk or aspect) in both banks."""

    kind: ItemKind
    subject: str
    """A risk code, ``aspect:<id>``, or ``total``."""
    old: int
    new: int

    @property
    def delta(self) -> int:
        """``new - old``."""
        return self.new - self.old


@dataclass(frozen=True)
class BankDiff:
    """What changed from one bank to the next (:func:`diff_banks`)."""

    old: BankInfo
    new: BankInfo
    added: tuple[str, ...]
    removed: tuple[str, ...]
    changed: tuple[ItemChange, ...]
    counts: tuple[CountChange, ...]
    """Only the counts that differ."""

    def entry(self, version: str, today: date, note: str | None = None) -> ChangeEntry:
        """The changelog entry that records this diff under ``version``."""
        return ChangeEntry(
            version=version,
            date=today.isoformat(),
            added=len(self.added),
            removed=len(self.removed),
            changed=len(self.changed),
            note=note,
        )


def _fields(item: BankItem) -> dict[str, object]:
    return {
        "kind": item.kind,
        "question": [(m.role, m.content) for m in item.conversation()],
        "risk": item.risk,
        "aspect": item.aspect,
        "language": item.language,
        "reference": item.reference,
        "tags": sorted(item.tags),
    }


def _counts(items: Sequence[BankItem]) -> Counter[tuple[ItemKind, str]]:
    counts: Counter[tuple[ItemKind, str]] = Counter()
    for kind in ItemKind:  # distinct questions per kind, as coverage counts them
        for item in distinct_items([i for i in items if i.kind is kind]):
            counts[(kind, "total")] += 1
            if item.risk:
                counts[(kind, item.risk)] += 1
            for aspect_id in item_aspects(item):
                counts[(kind, f"aspect:{aspect_id}")] += 1
    return counts


def diff_banks(old: Bank, new: Bank) -> BankDiff:
    """Items added, removed and changed (matched by id), and the coverage counts that moved."""
    before = {item.id: item for item in old.items}
    after = {item.id: item for item in new.items}
    changed: list[ItemChange] = []
    for item_id in sorted(before.keys() & after.keys()):
        a, b = _fields(before[item_id]), _fields(after[item_id])
        differing = tuple(name for name in _COMPARED if a[name] != b[name])
        if differing:
            changed.append(ItemChange(item_id, differing))
    old_counts, new_counts = _counts(old.items), _counts(new.items)
    order = list(ItemKind)
    counts = [
        CountChange(kind, subject, old_counts[(kind, subject)], new_counts[(kind, subject)])
        for kind, subject in sorted(
            old_counts.keys() | new_counts.keys(),
            key=lambda k: (order.index(k[0]), k[1] != "total", k[1]),
        )
        if old_counts[(kind, subject)] != new_counts[(kind, subject)]
    ]
    return BankDiff(
        old=old.info,
        new=new.info,
        added=tuple(sorted(after.keys() - before.keys())),
        removed=tuple(sorted(before.keys() - after.keys())),
        changed=tuple(changed),
        counts=tuple(counts),
    )


def versioned_meta(
    items: Sequence[BankItem],
    *,
    name: str,
    today: date,
    previous: Bank | None = None,
    history: BankMeta | None = None,
    version: str | None = None,
    note: str | None = None,
    description: str | None = None,
) -> BankMeta:
    """Metadata for a new version of a bank: version, date, content hash, changelog.

    With ``previous`` (the last version), its changelog is carried over and the new entry counts
    the items added, removed and changed against it. Without it, ``history`` (the bank's own
    metadata, when re-stamping an edited file) gives the changelog and last version, and the
    entry's counts stay unknown; with neither, this is a first version and every item is added.
    """
    new_hash = content_hash(items)
    prior = previous.meta if previous is not None else history or BankMeta()
    version = version or next_version(prior.version, today)
    if previous is not None:
        entry = diff_banks(previous, bank_of(items, name)).entry(version, today, note)
    elif history is not None:
        entry = ChangeEntry(version=version, date=today.isoformat(), note=note)
    else:
        entry = ChangeEntry(version=version, date=today.isoformat(), added=len(items), note=note)
    entry = entry.model_copy(update={"content_hash": new_hash})
    return BankMeta(
        name=name,
        version=version,
        updated=today.isoformat(),
        description=description,
        content_hash=new_hash,
        changelog=(*prior.changelog, entry),
    )


def hash_warning(bank: Bank) -> str | None:
    """A warning when the bank's items differ from the content hash in its metadata."""
    recorded = bank.meta.content_hash
    if recorded is None or recorded == content_hash(bank.items):
        return None
    return (
        f"bank {bank.info.name} ({bank.info.path}) was edited after version "
        f"{bank.meta.version or '?'} was recorded (content hash differs); record the edit with "
        "'hegui bank stamp' so its changelog and update date stay true"
    )
