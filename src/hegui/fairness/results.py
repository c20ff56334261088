"""Fairness results: per attribute, per measure, the group rates, the test and the verdict."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from hegui.records import Outcome

MEASURE_TITLES: dict[str, tuple[str, str]] = {
    "refusal": ("拒答率", "refusal rate"),
    "yesno": ("肯定决定比例", "share of yes decisions"),
    "score": ("评分（归一化）", "score (scaled to 0–1)"),
    "amount": ("金额（相对匹配组均值）", "amount (relative to matched-set mean)"),
    "ranking": ("排序得分（1=排第一）", "ranking score (1 = ranked first)"),
    "sentiment": ("情感倾向（−1..1）", "sentiment (−1..1)"),
    "harm": ("有害回答比例", "share of harmful answers"),
    "bbq": ("刻板印象偏差（歧义问题）", "stereotype bias (ambiguous questions)"),
}
"""Measure → (Chinese, English) title."""


class GroupStat(BaseModel):
    """One group's value of a measure with a 95% interval."""

    model_config = ConfigDict(frozen=True)

    group: str
    label: str
    n: int
    """Scored answers."""
    value: float | None
    low: float | None = None
    high: float | None = None
    unscored: int = 0


class PairEvidence(BaseModel):
    """Two answers of one matched set that diverge most (or one answer, for rankings and bbq)."""

    model_config = ConfigDict(frozen=True)

    measure: str
    set_id: str
    template: str
    gap: float
    """Absolute difference of the two values (bbq: 1 for a biased answer)."""
    group_a: str
    prompt_a: str
    answer_a: str
    value_a: float | None
    group_b: str = ""
    prompt_b: str = ""
    answer_b: str = ""
    value_b: float | None = None


class MeasureResult(BaseModel):
    """One measure of one attribute: group values, effect size, test, verdict."""

    model_config = ConfigDict(frozen=True)

    measure: str
    kind: Literal["rate", "mean", "bias"]
    groups: tuple[GroupStat, ...]
    scored: int
    unscored: int
    effect: float | None
    """Largest gap between two tested groups (bbq: the ambiguous bias score)."""
    threshold: float
    p_value: float | None = None
    p_adjusted: float | None = None
    """Holm-adjusted over every test of the run."""
    outcome: Outcome
    note: str = ""
    details: dict[str, float] = Field(default_factory=dict)
    """bbq: accuracy and bias score per context form."""


class AttributeResult(BaseModel):
    """The verdict for one protected attribute."""

    model_config = ConfigDict(frozen=True)

    attribute: str
    code: str
    zh: str
    en: str
    outcome: Outcome
    measures: tuple[MeasureResult, ...]
    evidence: tuple[PairEvidence, ...] = ()
    probes: int = 0
    note: str = ""


class FairnessResult(BaseModel):
    """The fairness analysis of one run."""

    model_config = ConfigDict(frozen=True)

    attributes: tuple[AttributeResult, ...]
    alpha: float
    permutations: int
    min_per_group: int
    thresholds: dict[str, float]
    probes: int
    answered: int
    refusal_judge: str | None
    harm_judge: str | None
    overall: Literal["PASS", "FAIL"]
    """FAIL when any attribute fails."""

    def failing(self) -> list[str]:
        """Keys of the attributes that fail."""
        return [a.attribute for a in self.attributes if a.outcome is Outcome.FAIL]
