"""Statutory sampling: which bank items a run asks, drawn reproducibly from a seed."""

from __future__ import annotations

import random
from collections.abc import Sequence
from typing import Literal, Protocol

from hegui.policy import Pack
from hegui.records import BankInfo, BankItem, ItemKind
from hegui.store import PlannedItem


class LoadedBank(Protocol):
    """A bank as the planner needs it (see :mod:`hegui.banks`)."""

    @property
    def info(self) -> BankInfo: ...

    @property
    def items(self) -> tuple[BankItem, ...]: ...


def sample_sizes(pack: Pack) -> dict[ItemKind, int]:
    """Items to draw per kind: the largest minimum sample among the kind's requirements.

    The generation requirements (manual, keyword, classifier) judge the same answers in
    different ways, so one draw of the largest minimum serves all of them.
    """
    sizes: dict[ItemKind, int] = {}
    for req in pack.assessment:
        sizes[req.kind] = max(sizes.get(req.kind, 0), req.min_sample.count)
    return sizes


def draw_plan(
    banks: Sequence[LoadedBank],
    pack: Pack,
    *,
    seed: int,
    mode: Literal["statutory", "all"] = "statutory",
    samples_per_item: int = 1,
    limit: int | None = None,
) -> list[PlannedItem]:
    """Draw the run's items: per kind a seeded sample without replacement, then repeat per sample.

    The draw depends only on the seed and the items (ordered by bank and id), never on file order
    quirks or hash randomisation, so the same inputs give the same plan on any machine.
    """
    pool: dict[ItemKind, list[tuple[str, BankItem]]] = {kind: [] for kind in ItemKind}
    for bank in banks:
        for item in bank.items:
            pool[item.kind].append((bank.info.name, item))
    sizes = sample_sizes(pack)
    rng = random.Random(seed)
    chosen: list[tuple[str, BankItem]] = []
    for kind in ItemKind:
        candidates = sorted(pool[kind], key=lambda pair: (pair[0], pair[1].id))
        if mode == "statutory" and sizes.get(kind, 0) < len(candidates):
            candidates = rng.sample(candidates, sizes.get(kind, 0))
        chosen.extend(candidates)
    if limit is not None and limit < len(chosen):
        chosen = rng.sample(chosen, limit)
    plan: list[PlannedItem] = []
    for bank_name, item in chosen:
        for sample in range(samples_per_item):
            plan.append(PlannedItem(seq=len(plan), bank=bank_name, item=item, sample=sample))
    return plan
