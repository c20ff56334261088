"""Small builders for bank tests."""

from __future__ import annotations

from typing import Any

from hegui.records import BankItem, ItemKind


def item(item_id: str, kind: str = "generation", **fields: Any) -> BankItem:
    """A bank item with a unique default prompt."""
    fields.setdefault("prompt", f"问题 {item_id}")
    if kind != "should_not_refuse":
        fields.setdefault("risk", "A.1.1")
    return BankItem(id=item_id, kind=ItemKind(kind), **fields)
