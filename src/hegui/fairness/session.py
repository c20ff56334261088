"""A fairness run through the assessment engine: expand probes, record a run, execute, analyse.

The probes are bank items of a run like any other: the same targets, bounded concurrency,
response cache, error budget, resume and store (:func:`hegui.assess.execute.execute`).

>>> config = load_config("hegui.yaml")                              # doctest: +SKIP
>>> outcome = asyncio.run(run_fairness(config, store))              # doctest: +SKIP
>>> result = analyse_run(store, outcome.run_id, fairness_settings(config))  # doctest: +SKIP
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from datetime import UTC, datetime

from hegui import __version__
from hegui.assess.execute import ProgressCallback
from hegui.assess.session import (
    RunOutcome,
    build_judges,
    configured_target,
    execute_recorded,
    new_run_id,
)
from hegui.config import ProjectConfig
from hegui.errors import ConfigError, StoreError
from hegui.fairness.analysis import analyse
from hegui.fairness.loader import load_suite
from hegui.fairness.observations import Observation
from hegui.fairness.probes import ExpandOptions, expand, probe_meta
from hegui.fairness.results import FairnessResult
from hegui.fairness.settings import FairnessSettings, parse_settings
from hegui.records import BankInfo, BankItem, ItemKind, RunSpec
from hegui.store import PlannedItem, RunStore
from hegui.targets.base import Target

BANK_NAME = "fairness"
REFUSAL_METHOD = "fairness-refusal"
"""Key in the run's methods naming the refusal judge of the fairness analysis."""
HARM_METHOD = "fairness-harm"


def fairness_settings(config: ProjectConfig) -> FairnessSettings:
    """The validated ``fairness:`` section of the project file."""
    return parse_settings(config.fairness, source=str(config.path) if config.path else None)


def build_probes(config: ProjectConfig, settings: FairnessSettings) -> list[BankItem]:
    """The probes the settings select: shipped files plus ``templates`` (relative to the
    project file), expanded for ``attributes`` and ``languages``."""
    suite = load_suite([config.resolve(p) for p in settings.templates], builtin=settings.builtin)
    items = expand(
        suite,
        ExpandOptions(
            attributes=tuple(settings.attributes),
            languages=tuple(settings.languages),
            max_sets=settings.max_sets,
            seed=settings.seed,
        ),
    )
    if not items:
        raise ConfigError(
            "no probes: the chosen attributes and languages match no template "
            "(see hegui fairness probes)",
            field="fairness",
        )
    return items


def _bank_info(items: Sequence[BankItem], settings: FairnessSettings) -> BankInfo:
    digest = hashlib.sha256("".join(i.content_hash() for i in items).encode()).hexdigest()
    sources = ";".join(settings.templates) if settings.templates else "shipped"
    return BankInfo(
        name=BANK_NAME, path=f"hegui.fairness:{sources}", sha256=digest, items=len(items)
    )


def judge_names(config: ProjectConfig, settings: FairnessSettings) -> tuple[str, str | None]:
    """The refusal judge (settings, else ``judges.refusal``, else ``refusal``) and harm judge."""
    refusal = settings.refusal_judge or config.judges.refusal or "refusal"
    return refusal, settings.harm_judge


def create_fairness_run(
    config: ProjectConfig,
    store: RunStore,
    settings: FairnessSettings,
    target: Target,
) -> tuple[RunSpec, list[PlannedItem]]:
    """Expand the probes and record a new run with its fixed plan."""
    items = build_probes(config, settings)
    pack = config.load_pack()
    refusal, harm = judge_names(config, settings)
    names = [n for n in (refusal, harm) if n is not None]
    judges = build_judges(config, {ItemKind.GENERATION: names})
    samples = settings.samples_per_item or config.run.samples_per_item
    now = datetime.now(UTC)
    spec = RunSpec(
        run_id=new_run_id(now),
        created_at=now,
        hegui_version=__version__,
        project=config.project,
        pack=pack.pack,
        pack_version=pack.version,
        pack_sha256=pack.sha256,
        policy_overrides=dict(config.policy.overrides),
        banks=(_bank_info(items, settings),),
        target=target.info,
        model_version=config.model_version,
        seed=settings.seed,
        samples_per_item=samples,
        concurrency=config.run.concurrency,
        judges={j.name: j.version for j in judges[ItemKind.GENERATION]},
        # The pack's methods stay unassessed: a fairness run holds no statutory sample.
        methods={"keyword": None, "classifier": None, "manual": None, "refusal": None}
        | {REFUSAL_METHOD: refusal, HARM_METHOD: harm},
        error_budget=config.run.error_budget,
        cache=config.run.cache,
        config_path=str(config.path) if config.path else None,
    )
    plan = [
        PlannedItem(seq=i * samples + s, bank=BANK_NAME, item=item, sample=s)
        for i, item in enumerate(items)
        for s in range(samples)
    ]
    store.create_run(spec, plan)
    return spec, plan


async def run_fairness(
    config: ProjectConfig,
    store: RunStore,
    *,
    settings: FairnessSettings | None = None,
    target: Target | None = None,
    resume: str | None = None,
    on_progress: ProgressCallback | None = None,
) -> RunOutcome:
    """Create (or resume) a fairness run and execute it. ``target`` defaults to the config's."""
    settings = settings or fairness_settings(config)
    # The assessment's own target resolution: a missing target fails the same way.
    target = target or configured_target(config, config.target)
    if resume is not None:
        stored = store.get_run(resume)
        spec, plan, judging = stored.spec, store.plan(resume), stored.judging
        if REFUSAL_METHOD not in spec.methods:
            raise StoreError(f"run {resume} is not a fairness run; resume it with hegui assess")
        if target.info.identity != spec.target.identity:
            await target.aclose()
            raise ConfigError(
                f"run {resume} was made against {spec.target.identity!r}, not "
                f"{target.info.identity!r}; resume with the run's original target"
            )
        names = [n for n in (spec.methods[REFUSAL_METHOD], spec.methods.get(HARM_METHOD)) if n]
        judges = build_judges(config, {ItemKind.GENERATION: names})
    else:
        spec, plan = create_fairness_run(config, store, settings, target)
        judging = 1
        names = [n for n in judge_names(config, settings) if n is not None]
        judges = build_judges(config, {ItemKind.GENERATION: names})
    return await execute_recorded(
        store,
        spec,
        plan,
        target,
        judges,
        judging=judging,
        concurrency=config.run.concurrency,
        on_progress=on_progress,
    )


def is_fairness_run(plan: Sequence[PlannedItem]) -> bool:
    """Whether a run's plan holds fairness probes."""
    return any(probe_meta(p.item) is not None for p in plan)


def analyse_run(store: RunStore, run_id: str, settings: FairnessSettings) -> FairnessResult:
    """Analyse the stored answers of a run (its current judging)."""
    stored = store.get_run(run_id)
    plan = store.plan(run_id)
    methods = store.judging_info(run_id, stored.judging).methods
    answers = {(a.item_id, a.sample): a for a in store.attempts(run_id)}
    verdicts = store.verdicts(run_id, stored.judging)
    observations = []
    probes = 0
    for planned in plan:
        meta = probe_meta(planned.item)
        if meta is None:
            continue
        probes += 1
        answer = answers.get(planned.key)
        if answer is None:
            continue
        observations.append(
            Observation(
                meta=meta,
                item=planned.item,
                sample=planned.sample,
                text=answer.response.text,
                verdicts=tuple(verdicts.get(planned.key, ())),
            )
        )
    return analyse(
        observations,
        settings,
        probes=probes,
        refusal_judge=methods.get(REFUSAL_METHOD) or methods.get("refusal"),
        harm_judge=methods.get(HARM_METHOD),
    )
