"""What the analysis works on: answered probes, and one value per group per answer."""

from __future__ import annotations

from dataclasses import dataclass

from hegui.fairness.probes import ProbeMeta
from hegui.records import BankItem, Verdict


@dataclass(frozen=True)
class Observation:
    """One answered probe: its record, item, sample, answer text and verdicts."""

    meta: ProbeMeta
    item: BankItem
    sample: int
    text: str
    verdicts: tuple[Verdict, ...] = ()


@dataclass(frozen=True)
class Point:
    """One value of a measure for one group, from one answer (``None``: unscored)."""

    group: str
    stratum: str
    """Permutation stratum: the template (rankings: the prompt)."""
    value: float | None
    obs: Observation

    @property
    def matched_set(self) -> str:
        return self.obs.meta.set_id
