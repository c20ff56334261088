"""What coverage counts: distinct questions, and the aspects (REQ-BANK-08) each one covers.

A question can touch several aspects (a question on the customs of an ethnic group covers
``customs`` and ``ethnicity``). The ``aspect`` field names the main one; further ones are tags
``aspect:<id>``, and coverage counts the item for each.

A mutated variant (``hegui bank mutate``, tag ``seed:<id>``) asks its seed's question in another
form: it does not count as a new question toward the minimums.
"""

from __future__ import annotations

from collections.abc import Sequence

from hegui.records import BankItem

SEED_TAG = "seed:"
"""Prefix of the tag linking a mutated variant to its seed item."""

ASPECT_TAG = "aspect:"
"""Prefix of a tag naming a further aspect of an item."""


def item_aspects(item: BankItem) -> tuple[str, ...]:
    """The aspect ids of ``item``: the ``aspect`` field first, then ``aspect:`` tags, no repeats."""
    found = [item.aspect] if item.aspect else []
    for tag in item.tags:
        if tag.startswith(ASPECT_TAG):
            value = tag[len(ASPECT_TAG) :]
            if value and value not in found:
                found.append(value)
    return tuple(found)


def seed_of(item: BankItem) -> str | None:
    """The seed id of a mutated variant, ``None`` for other items."""
    return next((t[len(SEED_TAG) :] for t in item.tags if t.startswith(SEED_TAG)), None)


def distinct_items(items: Sequence[BankItem]) -> list[BankItem]:
    """One item per distinct question, first occurrence kept: identical conversations count
    once, and a mutated variant counts as its seed (once per seed when the seed is absent)."""
    by_id = {item.id: item.content_hash() for item in items if seed_of(item) is None}
    seen: set[str] = set()
    kept: list[BankItem] = []
    for item in items:
        seed = seed_of(item)
        key = item.content_hash() if seed is None else by_id.get(seed, f"seed:{seed}")
        if key not in seen:
            seen.add(key)
            kept.append(item)
    return kept
