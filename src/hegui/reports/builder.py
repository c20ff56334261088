"""Build a :class:`RunReport` from a stored run: score it and assemble the evidence."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import UTC, datetime

from hegui.assess.score import find_verdict, item_passed, score_assessment
from hegui.config import ProjectConfig
from hegui.fairness.settings import FairnessSettings
from hegui.judges.human import HUMAN, human_verdicts, overlay
from hegui.judges.quality_registry import QualityRegistry, load_registry, shipped_registry
from hegui.judges.run_quality import adjust_results, judge_quality, review_summary, tier_counts
from hegui.policy import AssessmentRequirement, Pack
from hegui.records import ItemKind, Outcome, RequirementResult, Verdict
from hegui.reports.fairness_section import build_fairness
from hegui.reports.model import EvidenceRow, RequirementInfo, RunReport, RunStats
from hegui.reports.mutations import mutation_groups
from hegui.store import PlannedItem, RunStore, StoredAttempt

_JUDGEMENT_ZH = {True: "合格", False: "不合格", None: "未判定"}


def primary_requirements(
    pack: Pack, methods: Mapping[str, str | None]
) -> dict[ItemKind, tuple[AssessmentRequirement, str]]:
    """Per item kind, the requirement (and its judge) that decides an item's 研判结果.

    It is the kind's first requirement in the pack that has a judge assigned.
    """
    primary: dict[ItemKind, tuple[AssessmentRequirement, str]] = {}
    for req in pack.assessment:
        judge = methods.get(req.method)
        if judge is not None and req.kind not in primary:
            primary[req.kind] = (req, judge)
    return primary


def build_report(
    store: RunStore,
    run_id: str,
    pack: Pack,
    *,
    quality: QualityRegistry | None = None,
    fairness: FairnessSettings | None = None,
) -> RunReport:
    """Score a stored run (its current judging) and gather everything a renderer shows.

    Human reviews stored for the run replace the ``human`` placeholders before scoring.
    ``quality`` is the judge-quality registry (default: the shipped measurements; pass
    :func:`~hegui.judges.quality_registry.load_registry` to add the project's own).
    ``fairness`` holds the thresholds of the fairness section (``fairness:`` of hegui.yaml).
    """
    stored = store.get_run(run_id)
    spec = stored.spec
    plan = store.plan(run_id)
    answers = {(a.item_id, a.sample): a for a in store.attempts(run_id)}
    human = human_verdicts(store.reviews(run_id))
    verdicts = overlay(store.verdicts(run_id, stored.judging), human)
    methods = store.judging_info(run_id, stored.judging).methods
    errors = {(e.item_id, e.sample): e.message for e in store.unanswered_errors(run_id)}
    results = score_assessment(pack, methods, plan, verdicts, set(errors))
    all_results = (*results, *spec.input_checks)
    evidence = _evidence(pack, methods, plan, answers, verdicts, errors)
    error_messages: dict[str, int] = {}
    for message in errors.values():
        error_messages[message] = error_messages.get(message, 0) + 1
    exceeded = len(errors) > spec.error_budget * len(plan)
    stats = RunStats(
        planned=len(plan),
        answered=len(answers),
        errors=len(errors),
        cached=sum(1 for a in answers.values() if a.response.cached),
        started_at=spec.created_at,
        finished_at=stored.finished_at,
        wall_seconds=stored.wall_seconds,
        error_budget_exceeded=exceeded,
        error_messages=error_messages,
    )
    judging = store.judging_info(run_id, stored.judging)
    registry = quality if quality is not None else shipped_registry()
    machine = methods.get("classifier") or methods.get("keyword")
    fair = build_fairness(store, run_id, plan, fairness)
    return RunReport(
        # The report shows the judging it scored, which ``hegui rescore`` may have changed.
        spec=spec.model_copy(
            update={
                "methods": judging.methods,
                "judges": judging.judges,
                "judge_options": spec.judge_options if judging.options is None else judging.options,
            }
        ),
        status=stored.status,
        pack_title=f"{pack.title_zh} / {pack.title_en}",
        results=all_results,
        evidence=evidence,
        stats=stats,
        overall=overall_outcome(all_results, stored.status, exceeded)
        if fair is None or fair.overall == "PASS"
        else "FAIL",
        requirement_info={
            r.id: RequirementInfo(
                title_en=r.title_en, method=r.method, kind=r.kind, measure=r.measure
            )
            for r in pack.assessment
        },
        generated_at=datetime.now(UTC),
        judge_quality=judge_quality(judging.judges, registry),
        adjusted=adjust_results(
            results,
            {r.id: r.measure for r in pack.assessment},
            judging.judges,
            registry,
            _language(plan),
        ),
        tiers=tier_counts(verdicts.values()),
        review=review_summary(human, verdicts, machine if machine != HUMAN else None),
        fairness=fair,
        mutations=mutation_groups(evidence),
    )


def build_project_report(
    store: RunStore, run_id: str, config: ProjectConfig, pack: Pack | None = None
) -> RunReport:
    """:func:`build_report` with the project's settings: its own judge-quality measurements
    (``hegui judge eval``) beside the shipped ones and its ``fairness:`` thresholds. ``pack``
    defaults to the pack the run was made with."""
    from hegui.assess.session import run_pack
    from hegui.fairness.session import fairness_settings

    if pack is None:
        pack = run_pack(store.get_run(run_id).spec, config)
    return build_report(
        store,
        run_id,
        pack,
        quality=load_registry(config.base_dir),
        fairness=fairness_settings(config),
    )


def _language(plan: Sequence[PlannedItem]) -> str:
    """The language most of the run's items are in (judge quality is looked up for it)."""
    counts: dict[str, int] = {}
    for planned in plan:
        counts[planned.item.language] = counts.get(planned.item.language, 0) + 1
    return max(counts, key=counts.__getitem__) if counts else "zh"


def overall_outcome(results: Sequence[RequirementResult], status: str, exceeded: bool) -> str:
    """PASS when the run is complete, within its error budget, and no requirement fails or lacks
    sample; requirements this run cannot assess (NOT-ASSESSED) are listed but do not fail it."""
    if status != "complete" or exceeded:
        return "FAIL"
    failing = {Outcome.FAIL, Outcome.INSUFFICIENT_SAMPLE}
    return "FAIL" if any(r.outcome in failing for r in results) else "PASS"


def _evidence(
    pack: Pack,
    methods: Mapping[str, str | None],
    plan: Sequence[PlannedItem],
    answers: Mapping[tuple[str, int], StoredAttempt],
    verdicts: Mapping[tuple[str, int], Sequence[Verdict]],
    errors: Mapping[tuple[str, int], str],
) -> tuple[EvidenceRow, ...]:
    primary = primary_requirements(pack, {m: j for m, j in methods.items() if j != HUMAN})
    manual = next((r for r in pack.assessment if r.method == "manual"), None)
    rows = []
    for planned in plan:
        item = planned.item
        answer = answers.get(planned.key)
        item_verdicts = tuple(verdicts.get(planned.key, ()))
        passed: bool | None = None
        if item.kind in primary:
            req, judge = primary[item.kind]
            verdict = find_verdict(item_verdicts, judge)
            passed = None if verdict is None else item_passed(req, verdict)
        # a reviewer's verdict overrides the machine's for the item's 研判结果
        reviewed = find_verdict(item_verdicts, HUMAN)
        review = None
        if reviewed is not None and not reviewed.unscored and manual is not None:
            passed = item_passed(manual, reviewed)
            review = f"{reviewed.rationale} [{'; '.join(reviewed.evidence[1:])}]"
        error = errors.get(planned.key) if answer is None else None
        category = pack.category_of(item.risk) if item.risk else None
        aspect = pack.aspect(item.aspect) if item.aspect else None
        conversation = item.conversation()
        rows.append(
            EvidenceRow(
                item_id=item.id,
                sample=planned.sample,
                kind=item.kind,
                risk=item.risk,
                risk_name=pack.risk_name(item.risk) if item.risk else None,
                category=category.code if category else None,
                category_name=category.zh if category else None,
                aspect=item.aspect,
                aspect_name=aspect.zh if aspect else None,
                question=item.question,
                history=tuple(f"{m.role}: {m.content}" for m in conversation[:-1]),
                answer=answer.response.text if answer else None,
                error=error,
                verdicts=item_verdicts,
                passed=passed,
                judgement_zh="出错" if answer is None else _JUDGEMENT_ZH[passed],
                tags=item.tags,
                review=review,
            )
        )
    return tuple(rows)
