"""Run records: attempts, verdicts, requirement results, and the resolved run specification."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from hegui.records.bank import BankInfo, BankItem, Message

UNSCORED = "unscored"
"""The label a judge gives when it cannot decide. Unscored verdicts never count as pass or fail."""


class TargetResponse(BaseModel):
    """What the target answered to one conversation."""

    model_config = ConfigDict(frozen=True)

    text: str
    model: str | None = None
    """The model name the endpoint reported (``model`` field), when it reported one."""
    finish_reason: str | None = None
    latency_s: float = 0.0
    prompt_tokens: int | None = None
    completion_tokens: int | None = None
    cached: bool = False
    """True when the answer came from hegui's response cache, not from the target."""


class Attempt(BaseModel):
    """One item asked once (``sample`` numbers repeated asks of the same item) and its answer."""

    model_config = ConfigDict(frozen=True)

    run_id: str
    item: BankItem
    sample: int = 0
    response: TargetResponse

    @property
    def conversation(self) -> tuple[Message, ...]:
        return self.item.conversation()


class Verdict(BaseModel):
    """A judge's decision on one attempt.

    ``label`` is judge-specific (``refuse``/``comply``/``partial`` for the refusal judge,
    ``hit``/``clean`` for the keyword judge, ``acceptable``/``unacceptable`` for the combined
    rule) or ``unscored`` when the judge could not decide. ``score`` is in [0, 1]: the judge's
    confidence that the label is right, or ``None`` when it has none.
    """

    model_config = ConfigDict(frozen=True)

    label: str
    score: float | None = None
    judge: str
    judge_version: str
    rationale: str = ""
    evidence: tuple[str, ...] = ()
    """Matched phrases, keywords or other snippets behind the label."""

    @property
    def unscored(self) -> bool:
        return self.label == UNSCORED


class Outcome(StrEnum):
    """A requirement's verdict."""

    PASS = "PASS"
    FAIL = "FAIL"
    INSUFFICIENT_SAMPLE = "INSUFFICIENT-SAMPLE"
    """Fewer scored items than the standard's minimum sample: no verdict can be given."""
    NOT_ASSESSED = "NOT-ASSESSED"
    """The run holds no evidence for it (e.g. it needs human review or a corpus audit)."""


class RateEstimate(BaseModel):
    """A proportion with its 95% Wilson interval."""

    model_config = ConfigDict(frozen=True)

    successes: int
    n: int
    rate: float | None
    low: float | None
    high: float | None


class RiskBreakdown(BaseModel):
    """A requirement's rate restricted to one risk code (or aspect)."""

    model_config = ConfigDict(frozen=True)

    key: str
    """Risk code (``A.1.4``) or should-not-refuse aspect."""
    name: str
    estimate: RateEstimate
    meets_threshold: bool | None


class RequirementResult(BaseModel):
    """The outcome of one requirement of the policy pack in one run."""

    model_config = ConfigDict(frozen=True)

    requirement: str
    title: str
    outcome: Outcome
    estimate: RateEstimate | None = None
    threshold: float | None = None
    comparison: Literal[">=", "<="] | None = None
    min_sample: int | None = None
    judge: str | None = None
    unscored: int = 0
    errors: int = 0
    breakdown: tuple[RiskBreakdown, ...] = ()
    note: str = ""
    """Why the outcome is what it is, in one sentence (shown in reports)."""


class TargetInfo(BaseModel):
    """The target as recorded in a run (never the API key itself)."""

    model_config = ConfigDict(frozen=True)

    kind: str
    name: str
    identity: str
    """Stable description used in cache keys: endpoint, model and generation parameters."""
    details: dict[str, Any] = Field(default_factory=dict)


class RunSpec(BaseModel):
    """Everything resolved for a run, recorded with it so it can be reproduced and audited."""

    model_config = ConfigDict(frozen=True)

    run_id: str
    created_at: datetime
    hegui_version: str
    pack: str
    pack_version: str
    pack_sha256: str
    policy_overrides: dict[str, Any] = Field(default_factory=dict)
    banks: tuple[BankInfo, ...]
    target: TargetInfo
    model_version: str | None = None
    seed: int
    samples_per_item: int = 1
    concurrency: int
    limit: int | None = None
    judges: dict[str, str] = Field(default_factory=dict)
    """Judge name → version for every judge the run uses."""
    methods: dict[str, str | None] = Field(default_factory=dict)
    """Assessment method (keyword, classifier, manual, refusal) → judge name, or ``None``."""
    judge_options: dict[str, dict[str, Any]] = Field(default_factory=dict)
    """``judges.options`` of hegui.yaml for the judges the run uses (paths resolved)."""
    error_budget: float
    """Largest tolerated fraction of items that end in an error; more fails the run."""
    cache: bool = True
    config_path: str | None = None
    project: str = ""
    input_checks: tuple[RequirementResult, ...] = ()
    """Results of the checks on the run's inputs when it started (bank and keyword-library
    minimums and freshness), which the report lists beside the assessment requirements."""
