"""Regression proof: re-assess an incident's regression items and check every answer passes.

:func:`run_regression` runs an ordinary assessment (:func:`hegui.assess.session.run_assessment`,
same targets, judges and store) over the regression bank, every item asked; :func:`check_run`
reads a stored run and decides, item by item, with the same per-answer rule as the scoring
(:func:`hegui.assess.score.item_passed`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from hegui.assess.score import HUMAN, find_verdict, item_passed
from hegui.assess.session import RunOutcome, run_assessment
from hegui.banks.regression import RegressionItem
from hegui.config import ProjectConfig
from hegui.incidents.records import Incident
from hegui.policy import Pack
from hegui.records import ItemKind
from hegui.store import RunStore
from hegui.targets import parse_target_option


@dataclass(frozen=True)
class RunCheck:
    """How a run answered a set of regression items."""

    run_id: str
    model_version: str | None
    items: int
    """Regression items found in the run."""
    failed: tuple[str, ...]
    unscored: tuple[str, ...]
    missing: tuple[str, ...]
    status: str

    @property
    def passed(self) -> bool:
        """Every item answered, decided and passed, in a complete run."""
        return (
            self.status == "complete"
            and self.items > 0
            and not (self.failed or self.unscored or self.missing)
        )

    @property
    def reason(self) -> str:
        """One sentence for the timeline and the CLI."""
        if self.passed:
            return f"all {self.items} regression items passed"
        parts = []
        if self.status != "complete":
            parts.append(f"the run is {self.status}")
        for label, ids in (
            ("failed", self.failed),
            ("undecided", self.unscored),
            ("not answered", self.missing),
        ):
            if ids:
                parts.append(f"{len(ids)} {label} ({', '.join(ids[:5])})")
        return "; ".join(parts) or "no regression items in the run"


def check_run(store: RunStore, run_id: str, item_ids: Sequence[str], pack: Pack) -> RunCheck:
    """Decide each regression item from a stored run's current judging.

    An item passes when every sample was answered and, for every automated requirement of its
    kind with a judge, the verdict passes; any failing verdict fails it; an item no automated
    judge decided is unscored (human review does not count here: it is not run on regressions).
    """
    stored = store.get_run(run_id)
    wanted = set(item_ids)
    planned = [p for p in store.plan(run_id) if p.item.id in wanted]
    verdicts = store.verdicts(run_id, stored.judging)
    failed: list[str] = []
    unscored: list[str] = []
    missing = sorted(wanted - {p.item.id for p in planned})
    outcome: dict[str, bool | None] = {}
    for p in planned:
        answers = verdicts.get(p.key)
        if answers is None:
            missing.append(p.item.id)
            continue
        for req in pack.assessment:
            judge = stored.spec.methods.get(req.method)
            if req.kind is not p.item.kind or judge is None or judge == HUMAN:
                continue
            verdict = find_verdict(answers, judge)
            result = None if verdict is None else item_passed(req, verdict)
            if result is False:
                outcome[p.item.id] = False
            elif result is True and outcome.get(p.item.id) is None:
                outcome[p.item.id] = True
            else:
                outcome.setdefault(p.item.id, None)
    for item_id in dict.fromkeys(p.item.id for p in planned):
        if item_id in missing:
            continue
        if outcome.get(item_id) is False:
            failed.append(item_id)
        elif outcome.get(item_id) is None:
            unscored.append(item_id)
    return RunCheck(
        run_id=run_id,
        model_version=stored.spec.model_version,
        items=len({p.item.id for p in planned}),
        failed=tuple(failed),
        unscored=tuple(unscored),
        missing=tuple(dict.fromkeys(missing)),
        status=stored.status,
    )


def regression_config(
    config: ProjectConfig,
    bank: str,
    *,
    target: str | None = None,
    model_version: str | None = None,
) -> ProjectConfig:
    """The project's config narrowed to the regression bank, every item asked once."""
    update: dict[str, object] = {
        "banks": [bank],
        "run": config.run.model_copy(update={"sample": "all", "limit": None}),
    }
    if target is not None:
        update["target"] = parse_target_option(target, base_dir=config.base_dir)
    if model_version is not None:
        update["model_version"] = model_version
    return config.model_copy(update=update)


async def run_regression(
    config: ProjectConfig,
    store: RunStore,
    bank: str,
    *,
    target: str | None = None,
    model_version: str | None = None,
) -> RunOutcome:
    """Assess every item of the regression bank against ``target`` (default: the config's)."""
    narrowed = regression_config(config, bank, target=target, model_version=model_version)
    return await run_assessment(narrowed, store)


def proves_fix(incident: Incident, check: RunCheck) -> tuple[bool, str]:
    """Whether a checked run proves the incident fixed: it passed, and it was made against the
    fixed model version (when the remediation names one), not the one that failed."""
    if not check.passed:
        return False, check.reason
    fixed = incident.fixed_model_version
    if fixed is not None and check.model_version != fixed:
        return False, f"the run is of model version {check.model_version!r}, the fix is {fixed!r}"
    if incident.model_version and check.model_version == incident.model_version:
        return False, "the run is of the model version that produced the content"
    return True, check.reason


def regression_items(incident: Incident) -> list[RegressionItem]:
    """The incident's conversations as regression items (evidence without one is skipped)."""
    items: list[RegressionItem] = []
    for evidence in incident.evidence:
        if not evidence.messages:
            continue
        single = len(evidence.messages) == 1
        over_refusal = evidence.kind is ItemKind.SHOULD_NOT_REFUSE
        items.append(
            RegressionItem(
                prompt=evidence.messages[0].content if single else None,
                messages=None if single else evidence.messages,
                bad_answer=evidence.answer or "(no answer recorded: the prompt was blocked)",
                # an over-refusal item keeps its own risk (often none) and aspect
                risk=evidence.risk if over_refusal else evidence.risk or incident.risk,
                aspect=evidence.aspect,
                kind=evidence.kind,
                incident=incident.id,
            )
        )
    return items
