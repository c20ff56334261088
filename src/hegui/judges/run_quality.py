"""Judge quality as a run's report shows it: measured quality, adjusted pass rates, tiers, review.

The report builder calls these with a run's scored requirements and verdicts; the renderers only
lay out what comes back.

* :func:`judge_quality` — each judge of the run with its measurements (exact version only).
* :func:`adjust_results` — every requirement's pass rate corrected for its judge's error
  (:func:`~hegui.judges.quality.adjusted_rate`), when the judge's sensitivity and specificity
  for the requirement's measure have been measured.
* :func:`tier_counts` — how many answers each cascade tier decided.
* :func:`review_summary` — human review coverage and agreement (Cohen's kappa) with a machine.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime
from typing import Final

from pydantic import BaseModel, ConfigDict

from hegui.judges.cascade import decided_tier
from hegui.judges.human import HUMAN, machine_agreement
from hegui.judges.quality import (
    Counts,
    ErrorRates,
    Interval,
    Metrics,
    adjusted_rate,
    binary_metrics,
)
from hegui.judges.quality_registry import QualityRegistry
from hegui.records import RequirementResult, Verdict

MEASURE_TASK: Final = {"refused": "refusal", "declined": "refusal", "acceptable": "harm"}
"""The measured task behind each requirement measure."""
SUCCESS_IS_POSITIVE: Final = {"refused": True, "declined": True, "acceptable": False}
"""Whether a requirement's success (a refusal; an acceptable answer) is the task's positive
class (a refusal: yes; an acceptable answer is the *negative* of harmful)."""


class JudgeQuality(BaseModel):
    """One judge of a run and what is known of its quality for one task."""

    model_config = ConfigDict(frozen=True)

    judge: str
    version: str
    task: str
    """``refusal`` (positive: refuses) or ``harm`` (positive: harmful)."""
    datasets: tuple[str, ...]
    lang: str
    counts: Counts
    """Pooled over the datasets."""
    metrics: Metrics
    measured_at: datetime | None = None


class AdjustedEstimate(BaseModel):
    """A requirement's pass rate corrected for judge error (Rogan–Gladen), with its interval."""

    model_config = ConfigDict(frozen=True)

    requirement: str
    judge: str
    rate: Interval
    sensitivity: float
    """Share of true successes (refusals, acceptable answers) the judge calls successes."""
    specificity: float
    """Share of true failures the judge calls failures."""
    basis: str
    """The measurement used (judge version, datasets, n)."""


class ReviewSummary(BaseModel):
    """Human review (人工抽检) of a run."""

    model_config = ConfigDict(frozen=True)

    reviewed: int
    """Answers with at least one human verdict."""
    unacceptable: int
    reviewers: tuple[str, ...]
    machine_judge: str | None = None
    """The machine judge compared with the reviewers."""
    compared: int = 0
    """Answers both judged (the machine's unscored verdicts are left out)."""
    agreement: float | None = None
    kappa: float | None = None


def judge_quality(judges: Mapping[str, str], registry: QualityRegistry) -> tuple[JudgeQuality, ...]:
    """Measured quality of each judge (name → version) of a run, one entry per task."""
    views = []
    for name, version in sorted(judges.items()):
        for task in ("refusal", "harm"):
            records = registry.find(name, version, task)
            pooled = registry.pooled(name, version, task)
            if not records or pooled is None:
                continue
            views.append(
                JudgeQuality(
                    judge=name,
                    version=version,
                    task=task,
                    datasets=tuple(r.dataset for r in records),
                    lang="+".join(sorted({r.lang for r in records})),
                    counts=pooled,
                    metrics=binary_metrics(pooled),
                    measured_at=max(r.measured_at for r in records),
                )
            )
    return tuple(views)


def adjust_results(
    results: Sequence[RequirementResult],
    measures: Mapping[str, str],
    judges: Mapping[str, str],
    registry: QualityRegistry,
    lang: str = "zh",
) -> dict[str, AdjustedEstimate]:
    """Judge-error-adjusted rates of the requirements whose judge's quality is measured.

    ``measures`` maps requirement id → measure (``acceptable``, ``refused``, ``declined``);
    ``judges`` maps judge name → version. Measurements in ``lang`` are preferred when any exist.
    Human verdicts are the reference and are never adjusted.
    """
    adjusted: dict[str, AdjustedEstimate] = {}
    for result in results:
        measure = measures.get(result.requirement)
        estimate = result.estimate
        if result.judge in (None, HUMAN) or measure not in MEASURE_TASK or estimate is None:
            continue
        assert result.judge is not None
        version = judges.get(result.judge)
        counts = (
            registry.pooled(result.judge, version, MEASURE_TASK[measure], lang) if version else None
        )
        if counts is None or estimate.n == 0:
            continue
        rates = ErrorRates.from_counts(counts, SUCCESS_IS_POSITIVE[measure])
        if rates.sensitivity is None or rates.specificity is None:
            continue
        adjusted[result.requirement] = AdjustedEstimate(
            requirement=result.requirement,
            judge=result.judge,
            rate=adjusted_rate(estimate.successes, estimate.n, rates),
            sensitivity=round(rates.sensitivity, 4),
            specificity=round(rates.specificity, 4),
            basis=f"{result.judge} {version}, {counts.n} labelled answers",
        )
    return adjusted


def tier_counts(verdicts: Iterable[Sequence[Verdict]]) -> dict[str, dict[str, int]]:
    """Judge name → tier → answers that tier decided (cascade verdicts only)."""
    counts: dict[str, dict[str, int]] = {}
    for item_verdicts in verdicts:
        for verdict in item_verdicts:
            tier = decided_tier(verdict)
            if tier is not None:
                per_judge = counts.setdefault(verdict.judge, {})
                per_judge[tier] = per_judge.get(tier, 0) + 1
    return counts


def review_summary(
    human: Mapping[tuple[str, int], Verdict],
    verdicts: Mapping[tuple[str, int], Sequence[Verdict]],
    machine_judge: str | None,
) -> ReviewSummary | None:
    """Coverage of the human review and its agreement with ``machine_judge`` (None: no reviews)."""
    if not human:
        return None
    reviewers = sorted(
        {
            e.removeprefix("reviewer: ")
            for v in human.values()
            for e in v.evidence
            if e.startswith("reviewer: ")
        }
    )
    unacceptable = sum(1 for v in human.values() if v.label == "unacceptable")
    summary = ReviewSummary(
        reviewed=len(human), unacceptable=unacceptable, reviewers=tuple(reviewers)
    )
    if machine_judge is None:
        return summary
    agreement = machine_agreement(human, verdicts, machine_judge)
    return summary.model_copy(
        update={
            "machine_judge": machine_judge,
            "compared": agreement.n,
            "agreement": agreement.observed,
            "kappa": agreement.kappa,
        }
    )
