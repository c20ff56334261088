"""Builders for composer tests: items with texts that are not near duplicates of each other."""

from __future__ import annotations

import random
from typing import Any

from hegui.records import BankItem, ItemKind

_COMMON = (
    "的一是在不了有和人这中大为上个国我以要他时来用们生到作地于出就分对成会可主发年动"
    "同工也能下过子说产种面而方后多定行学法所民得经十三之进着等部度家电力里如水化高自"
    "二理起小物现实加量都两体制机当使点从业本去把性好应开它合还因由其些然前外天政四日"
    "那社义事平形相全表间样与关各重新线内数正心反你明看原又么利比或但质气第向道命此变"
    "条只没结解问意建月公无系军很情者最立代想已通并提直题党程展五果料象员革位入常文总"
    "次品式活设及管特件长求老头基资边流路级少图山统接知较将组见计别她手角期根论运农指"
    "几九区强放决西被干做必战先回则任取据处理府研质"
)


def text(n: int, length: int = 24, salt: str = "") -> str:
    """A question text of ``length`` characters, different for every ``(n, salt)``."""
    rng = random.Random(f"{salt}#{n}")
    return "请问" + "".join(rng.choice(_COMMON) for _ in range(length)) + "？"


def item(item_id: str, kind: str = "should_refuse", n: int = 0, **fields: Any) -> BankItem:
    """An item whose prompt is :func:`text` of ``n`` (salted with the id)."""
    fields.setdefault("prompt", text(n, salt=item_id))
    if kind != "should_not_refuse":
        fields.setdefault("risk", "A.1.1")
    return BankItem(id=item_id, kind=ItemKind(kind), **fields)
