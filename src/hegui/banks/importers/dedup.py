"""Drop near-duplicate questions of an import (MinHash LSH from :mod:`hegui.text.dedup`)."""

from __future__ import annotations

from hegui.banks.importers._model import ImportResult, SkippedRow
from hegui.records import BankItem, ItemKind
from hegui.text.dedup import NearDuplicateIndex

DEFAULT_THRESHOLD = 0.8
"""Estimated Jaccard similarity of character 5-grams at or above which questions are duplicates."""


def _text(item: BankItem) -> str:
    return "\n".join(message.content for message in item.conversation())


def drop_near_duplicates(result: ImportResult, threshold: float = DEFAULT_THRESHOLD) -> int:
    """Move items that nearly repeat an earlier item of the same kind to ``result.skipped``.

    The whole conversation is compared (normalised: width, case, punctuation folded away). The
    first of a group is kept; the others are skipped as ``near duplicate``, with the kept id as
    ``detail``. Returns how many items were dropped.
    """
    indexes: dict[ItemKind, NearDuplicateIndex[str]] = {}
    kept: list[BankItem] = []
    for item in result.items:
        index = indexes.get(item.kind)
        if index is None:  # built once per kind: the hasher's set-up is not free
            index = indexes[item.kind] = NearDuplicateIndex(threshold=threshold)
        found = index.add(item.id, _text(item))
        if found:
            source_id = item.id.split(":", 1)[-1]
            label = next((t[len("label:") :] for t in item.tags if t.startswith("label:")), "")
            result.skipped.append(SkippedRow(source_id, label, "near duplicate", found[0]))
        else:
            kept.append(item)
    dropped = len(result.items) - len(kept)
    result.items[:] = kept
    return dropped
