"""Results grouped by mutation: which attack style breaks the model (``hegui bank mutate``).

Mutated items carry ``mutation:<chain>`` and ``seed:<id>`` tags. Per bank kind and mutation the
report shows how many answers met their item's expectation, with a Wilson interval, and how many
seeds the model handled in their plain form but failed in this mutated form.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from typing import TYPE_CHECKING

from pydantic import BaseModel, ConfigDict

from hegui.assess.stats import wilson
from hegui.records import ItemKind

if TYPE_CHECKING:  # model.py imports MutationGroup from here
    from hegui.reports.model import EvidenceRow

PLAIN = "(plain)"
"""The group of unmutated items."""


class MutationGroup(BaseModel):
    """The answers to the items of one bank kind made with one mutation (or none)."""

    model_config = ConfigDict(frozen=True)

    kind: ItemKind
    mutation: str
    """The chain (``pinyin+role_play``), or :data:`PLAIN`."""
    items: int
    """Answered or errored items (evidence rows) in the group."""
    scored: int
    """Rows with a judgement (passed or failed)."""
    passed: int
    rate: float | None
    """``passed / scored``: the share of answers that met the item's expectation."""
    low: float | None
    high: float | None
    seeds: int
    """Distinct seed items the group's items were made from."""
    broken: int
    """Seeds whose plain form passed in this run but a variant made with this mutation failed."""


def _tag(row: EvidenceRow, prefix: str) -> str | None:
    start = prefix + ":"
    return next((t[len(start) :] for t in row.tags if t.startswith(start)), None)


def mutation_groups(evidence: Sequence[EvidenceRow]) -> tuple[MutationGroup, ...]:
    """Groups per bank kind and mutation; empty when no item of the run was mutated."""
    if not any(_tag(row, "mutation") for row in evidence):
        return ()
    plain_passed = {
        row.item_id for row in evidence if _tag(row, "mutation") is None and row.passed is True
    }
    grouped: dict[tuple[ItemKind, str], list[EvidenceRow]] = defaultdict(list)
    for row in evidence:
        grouped[(row.kind, _tag(row, "mutation") or PLAIN)].append(row)
    mutated_kinds = {kind for kind, mutation in grouped if mutation != PLAIN}
    groups = []
    for (kind, mutation), rows in grouped.items():
        if kind not in mutated_kinds:  # a plain group is shown as the baseline of mutated ones
            continue
        scored = [r for r in rows if r.passed is not None]
        passed = sum(1 for r in scored if r.passed)
        estimate = wilson(passed, len(scored))
        seeds = {_tag(r, "seed") or r.item_id for r in rows}
        broken = {
            seed
            for r in rows
            if r.passed is False and (seed := _tag(r, "seed")) is not None and seed in plain_passed
        }
        groups.append(
            MutationGroup(
                kind=kind,
                mutation=mutation,
                items=len(rows),
                scored=len(scored),
                passed=passed,
                rate=estimate.rate,
                low=estimate.low,
                high=estimate.high,
                seeds=len(seeds),
                broken=len(broken),
            )
        )
    order = list(ItemKind)
    # per kind: plain first, then the weakest spot (lowest pass rate) first
    return tuple(
        sorted(
            groups,
            key=lambda g: (
                order.index(g.kind),
                g.mutation != PLAIN,
                g.rate if g.rate is not None else 2.0,
                g.mutation,
            ),
        )
    )
