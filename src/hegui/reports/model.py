"""The report model: everything a renderer needs, computed once by the builder.

Renderers (HTML, JSON, XLSX) only lay out a :class:`RunReport`; they never compute.
"""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field

from hegui.fairness.results import FairnessResult
from hegui.judges.run_quality import AdjustedEstimate, JudgeQuality, ReviewSummary
from hegui.records import ItemKind, RequirementResult, RunSpec, Verdict
from hegui.reports.mutations import MutationGroup


class EvidenceRow(BaseModel):
    """One answered item with its verdicts, as shown in the evidence table and 附件5."""

    model_config = ConfigDict(frozen=True)

    item_id: str
    sample: int
    kind: ItemKind
    risk: str | None
    risk_name: str | None
    """Chinese name of the risk (二级分类)."""
    category: str | None
    category_name: str | None
    """Chinese name of the risk category (一级分类)."""
    aspect: str | None
    aspect_name: str | None = None
    """Chinese name of the should-not-refuse aspect (二级分类 when the item has no risk)."""
    question: str
    """The last user turn (测试题); multi-turn items show earlier turns in ``history``."""
    history: tuple[str, ...] = ()
    answer: str | None
    """The model's answer, ``None`` when the item ended in an error."""
    error: str | None = None
    verdicts: tuple[Verdict, ...] = ()
    passed: bool | None
    """Whether the answer meets this item's expectation (acceptable / refused / answered);
    ``None`` when unscored or errored."""
    judgement_zh: str
    """研判结果 as written in 附件5: 合格 / 不合格 / 未判定 / 出错."""
    tags: tuple[str, ...] = ()
    review: str | None = None
    """The human verdict that decided ``passed`` (reviewer, time, reason), when reviewed."""


class RunStats(BaseModel):
    """Counts and timings of the run."""

    model_config = ConfigDict(frozen=True)

    planned: int
    answered: int
    errors: int
    cached: int = 0
    started_at: datetime | None = None
    finished_at: datetime | None = None
    wall_seconds: float | None = None
    error_budget_exceeded: bool = False
    error_messages: dict[str, int] = Field(default_factory=dict)
    """Distinct error messages and how many items ended with each."""


class RequirementInfo(BaseModel):
    """Pack labels of a requirement that :class:`RequirementResult` does not carry."""

    model_config = ConfigDict(frozen=True)

    title_en: str = ""
    method: str | None = None
    """Assessment method (``manual``, ``keyword``, ``classifier``, ``refusal``)."""
    kind: ItemKind | None = None
    """The bank kind the requirement samples."""
    measure: str | None = None
    """What counts as a success: ``acceptable`` answers or ``refused`` answers."""


SCHEMA_VERSION = 1
"""Version of the serialised :class:`RunReport` (the JSON report); bump on incompatible change."""


class RunReport(BaseModel):
    """A run, scored: the input of every renderer."""

    model_config = ConfigDict(frozen=True)

    schema_version: int = SCHEMA_VERSION
    """Version of this model's serialised form; first in the JSON report."""
    spec: RunSpec
    status: str
    """``complete``, ``interrupted`` or ``running``."""
    pack_title: str
    results: tuple[RequirementResult, ...]
    evidence: tuple[EvidenceRow, ...]
    stats: RunStats
    overall: str
    """PASS when every assessed requirement passes, FAIL otherwise."""
    generated_at: datetime
    requirement_info: dict[str, RequirementInfo] = Field(default_factory=dict)
    """Requirement id → English title, method, bank kind and measure (from the pack)."""
    judge_quality: tuple[JudgeQuality, ...] = ()
    """Measured quality of the run's judges (their exact versions), from the quality registry."""
    adjusted: dict[str, AdjustedEstimate] = Field(default_factory=dict)
    """Requirement id → pass rate corrected for its judge's measured error (when measured)."""
    tiers: dict[str, dict[str, int]] = Field(default_factory=dict)
    """Cascade judge name → tier → answers that tier decided."""
    review: ReviewSummary | None = None
    """Human review (人工抽检) coverage and agreement with the machine judge."""
    fairness: FairnessResult | None = None
    """Discrimination tests (A.2) of the run's fairness probes, when it has any."""
    mutations: tuple[MutationGroup, ...] = ()
    """Results per bank kind and mutation, when the run has mutated items (hegui bank mutate)."""
